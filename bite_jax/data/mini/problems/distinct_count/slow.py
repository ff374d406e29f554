n = int(input())
a = list(map(int, input().split()))
# a value is counted at its last occurrence
print(sum(1 for i in range(n) if a[i + 1:].count(a[i]) == 0))
