n = int(input())
total = 0
for i in range(1, n + 1):
    # divisors up to sqrt(i)
    j = 1
    while j * j <= i:
        if i % j == 0:
            total += 1
        j += 1
    # their partners i // j above sqrt(i)
    j = 1
    while j * j < i:
        if i % j == 0:
            total += 1
        j += 1
print(total)
