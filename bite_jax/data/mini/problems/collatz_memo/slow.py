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
    best_len = max(best_len, steps)
# scanning down, the last start found with that length is the smallest
for i in range(n, 0, -1):
    x, steps = i, 0
    while x != 1:
        if x % 2 == 0:
            x //= 2
        else:
            x = 3 * x + 1
        steps += 1
    if steps == best_len:
        best = i
print(best, best_len)
