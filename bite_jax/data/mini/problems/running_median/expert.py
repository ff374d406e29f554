import sys
from heapq import heappop, heappush, heappushpop

data = sys.stdin.buffer.read().split()
n = int(data[0])
# lo stores negated values (a max-heap) holding the smaller ceil(k/2) values
lo, hi = [], []
total = 0
for x in map(int, data[1:n + 1]):
    if not lo or x <= -lo[0]:
        heappush(lo, -x)
    else:
        heappush(hi, x)
    if len(lo) > len(hi) + 1:
        heappush(hi, -heappop(lo))
    elif len(hi) > len(lo):
        heappush(lo, -heappop(hi))
    total -= lo[0]
print(total)
