import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
starts = sorted(map(int, data[1:2 * n + 1:2]))
ends = sorted(map(int, data[2:2 * n + 2:2]))
# sweep the starts; intervals ending at or before a start are closed
best = j = 0
for i, x in enumerate(starts):
    while ends[j] <= x:
        j += 1
    best = max(best, i + 1 - j)
print(best)
