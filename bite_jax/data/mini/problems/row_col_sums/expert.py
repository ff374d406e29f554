import sys

data = sys.stdin.buffer.read().split()
r, c = int(data[0]), int(data[1])
a = [list(map(int, data[2 + i * c:2 + (i + 1) * c])) for i in range(r)]
# every row and column sum is computed once
row = [sum(line) for line in a]
col = [sum(column) for column in zip(*a)]
print(max(row[i] + col[j] - a[i][j] for i in range(r) for j in range(c)))
