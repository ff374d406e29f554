r, c = map(int, input().split())
a = [list(map(int, input().split())) for _ in range(r)]
best = None
for i in range(r):
    for j in range(c):
        s = sum(a[k][j] for k in range(r)) - a[i][j]
        for x in a[i]:
            s += x
        if best is None or s > best:
            best = s
print(best)
