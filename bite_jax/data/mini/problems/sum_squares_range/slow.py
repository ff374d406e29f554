MOD = 10**9 + 7


def square_prefix(n):
    s = 0
    for i in range(1, n + 1):
        s = (s + i * i) % MOD
    return s


q = int(input())
for _ in range(q):
    l, r = map(int, input().split())
    print((square_prefix(r) - square_prefix(l - 1)) % MOD)
