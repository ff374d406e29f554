n = int(input())
a = list(map(int, input().split()))
best = a[0]
for i in range(n):
    # a best block of two or more elements starts at the first of a run of positive elements (drop or add one)
    if a[i] <= 0 or (i > 0 and a[i - 1] > 0):
        if a[i] > best:
            best = a[i]
        continue
    s = 0
    for j in range(i, n):
        s += a[j]
        if s > best:
            best = s
print(best)
