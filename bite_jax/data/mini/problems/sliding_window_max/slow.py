n, k = map(int, input().split())
a = list(map(int, input().split()))
total = 0
for i in range(n - k + 1):
    total += max(a[j] for j in range(i, i + k))
print(total)
