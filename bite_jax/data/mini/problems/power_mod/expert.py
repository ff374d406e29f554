import sys

MOD = 10**9 + 7

data = sys.stdin.read().split()
q = int(data[0])
print('\n'.join(str(pow(int(data[1 + 2 * i]), int(data[2 + 2 * i]), MOD)) for i in range(q)))
