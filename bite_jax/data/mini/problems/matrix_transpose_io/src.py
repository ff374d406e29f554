r, c = map(int, input().split())
a = [list(map(int, input().split())) for _ in range(r)]
for j in range(c):
    for i in range(r):
        print(a[i][j], end=' ' if i + 1 < r else '\n')
