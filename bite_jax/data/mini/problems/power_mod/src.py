MOD = 10**9 + 7

q = int(input())
for _ in range(q):
    a, b = map(int, input().split())
    a %= MOD
    r = 1
    for _ in range(b):
        r = r * a % MOD
    print(r)
