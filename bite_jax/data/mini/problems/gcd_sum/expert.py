def pillai(n):
    # G is multiplicative with G(p^a) = p^(a-1) * ((a+1)p - a)
    res = 1
    p = 2
    while p * p <= n:
        if n % p == 0:
            a = 0
            while n % p == 0:
                n //= p
                a += 1
            res *= p ** (a - 1) * ((a + 1) * p - a)
        p += 1
    if n > 1:
        res *= 2 * n - 1
    return res


t = int(input())
print('\n'.join(str(pillai(n)) for n in map(int, input().split())))
