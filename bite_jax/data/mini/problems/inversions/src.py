n = int(input())
a = list(map(int, input().split()))
cnt = 0
for i in range(n):
    x = a[i]
    for j in range(i + 1, n):
        if x > a[j]:
            cnt += 1
print(cnt)
