MOD = 10**9 + 7


def ways(m):
    if m == 0:
        return 1
    total = 0
    for s in steps:
        if s <= m:
            total = (total + ways(m - s)) % MOD
    return total


n, k = map(int, input().split())
steps = list(map(int, input().split()))
print(ways(n))
