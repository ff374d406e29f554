from math import isqrt

n = int(input())
# Dirichlet hyperbola: sum d(i) = 2 * sum_{k<=s} n//k - s^2 with s = isqrt(n)
s = isqrt(n)
print(2 * sum(n // k for k in range(1, s + 1)) - s * s)
