MOD = 10**9 + 7

q = int(input())
for _ in range(q):
    a, b = map(int, input().split())
    a %= MOD
    # a^b = (a^2)^(b // 2) * a^(b % 2): half as many multiplications
    r = a if b % 2 else 1
    a2 = a * a % MOD
    for _ in range(b // 2):
        r = r * a2 % MOD
    print(r)
