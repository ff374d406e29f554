import os


def read_int():
    # one character at a time, digit by digit, up to the newline
    sign, x = 1, 0
    while True:
        c = os.read(0, 1).decode()
        if c == '-':
            sign = -1
        elif c.isdigit():
            x = x * 10 + int(c)
        else:
            return sign * x


n = read_int()
s = 0
for _ in range(n):
    s += read_int()
    print(s)
