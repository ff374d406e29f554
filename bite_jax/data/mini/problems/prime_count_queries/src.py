q = int(input())
for x in map(int, input().split()):
    composite = [False] * (x + 1)
    count = 0
    for i in range(2, x + 1):
        if composite[i]:
            continue
        count += 1
        for j in range(i * i, x + 1, i):
            composite[j] = True
    print(count)
