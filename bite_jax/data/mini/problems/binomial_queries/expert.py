import sys

MOD = 10**9 + 7

data = sys.stdin.buffer.read().split()
q = int(data[0])
queries = [(int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(q)]
top = max(n for n, _ in queries)
# factorials and inverse factorials once, then O(1) per query
fact = [1] * (top + 1)
for i in range(1, top + 1):
    fact[i] = fact[i - 1] * i % MOD
inv = [1] * (top + 1)
inv[top] = pow(fact[top], MOD - 2, MOD)
for i in range(top, 0, -1):
    inv[i - 1] = inv[i] * i % MOD
print('\n'.join(str(fact[n] * inv[k] % MOD * inv[n - k] % MOD) for n, k in queries))
