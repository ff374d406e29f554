n = int(input())
# length[v] is final for all v < i: follow the chain only until it drops below i
length = [0] * (n + 1)
best, best_len = 1, 0
for i in range(2, n + 1):
    x, steps = i, 0
    while x >= i:
        x = 3 * x + 1 if x & 1 else x >> 1
        steps += 1
    steps += length[x]
    length[i] = steps
    if steps > best_len:
        best, best_len = i, steps
print(best, best_len)
