import sys
from collections import Counter

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
freq = Counter(map(int, data[2:2 + n]))
cnt = 0
for v, c in freq.items():
    w = k - v
    if v < w:
        cnt += c * freq.get(w, 0)
    elif v == w:
        cnt += c * (c - 1) // 2
print(cnt)
