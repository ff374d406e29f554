n = int(input())
a = []
total = 0
for x in map(int, input().split()):
    a = list(sorted(a + [x]))
    total += a[(len(a) - 1) // 2]
print(total)
