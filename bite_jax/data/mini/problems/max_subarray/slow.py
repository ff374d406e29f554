n = int(input())
a = list(map(int, input().split()))
# the best block containing a[i] grows left and right of i independently
best = a[0]
for i in range(n):
    s, left = 0, a[i]
    for j in range(i, -1, -1):
        s += a[j]
        if s > left:
            left = s
    s, right = 0, a[i]
    for j in range(i, n):
        s += a[j]
        if s > right:
            right = s
    if left + right - a[i] > best:
        best = left + right - a[i]
print(best)
