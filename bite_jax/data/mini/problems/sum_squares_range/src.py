MOD = 10**9 + 7

q = int(input())
for _ in range(q):
    l, r = map(int, input().split())
    s = 0
    for i in range(l, r + 1):
        s = (s + i * i) % MOD
    print(s)
