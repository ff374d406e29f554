from math import gcd

t = int(input())
for n in map(int, input().split()):
    print(sum(gcd(j, n) for j in range(1, n + 1)))
