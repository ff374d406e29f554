n = int(input())
# an even i takes one halving to reach i // 2, whose length is already known; odd i still walk the whole chain
length = [0] * (n + 1)
best, best_len = 1, 0
for i in range(1, n + 1):
    if i % 2 == 0:
        steps = length[i // 2] + 1
    else:
        x, steps = i, 0
        while x != 1:
            if x % 2 == 0:
                x //= 2
            else:
                x = 3 * x + 1
            steps += 1
    length[i] = steps
    if steps > best_len:
        best, best_len = i, steps
print(best, best_len)
