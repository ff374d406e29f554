n = int(input())
iv = [tuple(map(int, input().split())) for _ in range(n)]
# the busiest moment is the start of some interval
best = 0
for x, _ in iv:
    cnt = 0
    for l, r in iv:
        if l <= x < r:
            cnt += 1
    best = max(best, cnt)
print(best)
