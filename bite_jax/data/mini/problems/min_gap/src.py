n = int(input())
a = list(map(int, input().split()))
best = None
for i in range(n):
    for j in range(i + 1, n):
        d = abs(a[i] - a[j])
        if best is None or d < best:
            best = d
print(best)
