n = int(input())
a = []
total = 0
for x in map(int, input().split()):
    a.append(x)
    a.sort()
    total += a[(len(a) - 1) // 2]
print(total)
