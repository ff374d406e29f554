from itertools import accumulate

q = int(input())
xs = list(map(int, input().split()))
top = max(xs)
# one sieve up to the largest query, then prefix counts answer every query
is_prime = bytearray([1]) * (top + 1)
is_prime[0] = is_prime[1] = 0
for i in range(2, int(top ** 0.5) + 1):
    if is_prime[i]:
        is_prime[i * i::i] = bytes(len(range(i * i, top + 1, i)))
count = list(accumulate(is_prime))
print('\n'.join(str(count[x]) for x in xs))
