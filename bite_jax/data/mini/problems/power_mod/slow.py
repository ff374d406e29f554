MOD = 10**9 + 7


def mulmod(x, y):
    # y is split into 16-bit halves so that no product gets large
    return ((x * (y >> 16) % MOD << 16) + x * (y & 0xFFFF)) % MOD


q = int(input())
for _ in range(q):
    a, b = map(int, input().split())
    a %= MOD
    r = 1
    for _ in range(b):
        r = mulmod(r, a)
    print(r)
