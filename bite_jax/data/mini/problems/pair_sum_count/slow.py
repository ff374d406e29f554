n, k = map(int, input().split())
a = list(map(int, input().split()))
# every unordered pair is seen twice, once in each order
cnt = 0
for i in range(n):
    for j in range(n):
        if i != j and a[i] + a[j] == k:
            cnt += 1
print(cnt // 2)
