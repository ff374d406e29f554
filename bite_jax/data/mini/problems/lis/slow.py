n = int(input())
a = list(map(int, input().split()))
dp = [1] * n  # longest increasing subsequence ending at i
for i in range(n):
    for j in range(i):
        if a[j] < a[i] and dp[j] + 1 > dp[i]:
            dp[i] = dp[j] + 1
up = [1] * n  # longest increasing subsequence starting at i
for i in range(n - 1, -1, -1):
    for j in range(i + 1, n):
        if a[j] > a[i] and up[j] + 1 > up[i]:
            up[i] = up[j] + 1
# the best subsequence passes through some i
print(max(dp[i] + up[i] - 1 for i in range(n)))
