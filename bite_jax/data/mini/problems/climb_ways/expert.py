MOD = 10**9 + 7

n, k = map(int, input().split())
steps = list(map(int, input().split()))
# ways[m] depends only on smaller m: fill the table bottom-up
ways = [1] + [0] * n
for m in range(1, n + 1):
    ways[m] = sum(ways[m - s] for s in steps if s <= m) % MOD
print(ways[n])
