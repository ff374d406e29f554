n, k = map(int, input().split())
a = list(map(int, input().split()))
cnt = 0
for i in range(n):
    need = k - a[i]
    for j in range(i + 1, n):
        if a[j] == need:
            cnt += 1
print(cnt)
