m = int(input())
res = ''
for i, w in enumerate(input().split()):
    res = w if i == 0 else w + (' ' + res)
print(res)
