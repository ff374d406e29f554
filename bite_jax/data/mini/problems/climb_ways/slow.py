MOD = 10**9 + 7


def ways(m):
    if m < 0:
        return 0
    if m == 0:
        return 1
    total = 0
    for s in range(1, 11):
        if allowed[s]:
            total = (total + ways(m - s)) % MOD
    return total


n, k = map(int, input().split())
allowed = [False] * 11  # allowed[s] is True when s is a move size
for s in map(int, input().split()):
    allowed[s] = True
print(ways(n))
