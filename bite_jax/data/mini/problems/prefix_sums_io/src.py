n = int(input())
s = 0
for _ in range(n):
    s += int(input())
    print(s)
