from itertools import groupby

s = input().strip()
print(''.join(c + str(len(list(g))) for c, g in groupby(s)))
