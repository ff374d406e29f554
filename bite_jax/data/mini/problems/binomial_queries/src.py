MOD = 10**9 + 7

q = int(input())
for _ in range(q):
    n, k = map(int, input().split())
    # C(n, k) = n (n-1) ... (n-k+1) / k!
    num = den = 1
    for i in range(k):
        num = num * (n - i) % MOD
        den = den * (i + 1) % MOD
    print(num * pow(den, MOD - 2, MOD) % MOD)
