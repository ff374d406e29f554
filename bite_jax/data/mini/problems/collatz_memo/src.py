n = int(input())
best, best_len = 1, 0
for i in range(1, n + 1):
    x, steps = i, 0
    while x != 1:
        if x % 2 == 0:
            x //= 2
        else:
            x = 3 * x + 1
        steps += 1
    if steps > best_len:
        best, best_len = i, steps
print(best, best_len)
