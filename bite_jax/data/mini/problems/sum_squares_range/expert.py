import sys

MOD = 10**9 + 7


def square_prefix(n):
    return n * (n + 1) * (2 * n + 1) // 6


def main():
    data = sys.stdin.read().split()
    q = int(data[0])
    out = []
    for t in range(q):
        l, r = int(data[1 + 2 * t]), int(data[2 + 2 * t])
        out.append((square_prefix(r) - square_prefix(l - 1)) % MOD)
    print('\n'.join(map(str, out)))


main()
