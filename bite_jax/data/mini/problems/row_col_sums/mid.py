r, c = map(int, input().split())
a = [list(map(int, input().split())) for _ in range(r)]
# every column sum is computed once; the row sum is still recomputed for each cell
col = [sum(a[k][j] for k in range(r)) for j in range(c)]
best = None
for i in range(r):
    for j in range(c):
        s = sum(a[i]) + col[j] - a[i][j]
        if best is None or s > best:
            best = s
print(best)
