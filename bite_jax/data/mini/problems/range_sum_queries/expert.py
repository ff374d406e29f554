import sys
from itertools import accumulate

data = sys.stdin.buffer.read().split()
n, q = int(data[0]), int(data[1])
# pre[i] = a_1 + ... + a_i, so every query is one subtraction
pre = [0, *accumulate(map(int, data[2:2 + n]))]
out = []
pos = 2 + n
for _ in range(q):
    l, r = int(data[pos]), int(data[pos + 1])
    pos += 2
    out.append(pre[r] - pre[l - 1])
print('\n'.join(map(str, out)))
