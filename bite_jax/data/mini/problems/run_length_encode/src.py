s = input().strip()
out = ''
while s:
    c = s[0]
    k = len(s) - len(s.lstrip(c))
    out += c + str(k)
    s = s[k:]
print(out)
