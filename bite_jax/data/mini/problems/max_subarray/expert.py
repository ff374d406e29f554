import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
a = list(map(int, data[1:n + 1]))
# Kadane: cur is the best sum of a block ending at the current element
best = cur = a[0]
for x in a[1:]:
    cur = x if cur < 0 else cur + x
    if cur > best:
        best = cur
print(best)
