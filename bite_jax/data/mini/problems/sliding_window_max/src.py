n, k = map(int, input().split())
a = list(map(int, input().split()))
total = 0
for i in range(n - k + 1):
    total += max(a[i:i + k])
print(total)
