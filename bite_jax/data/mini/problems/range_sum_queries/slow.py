n, q = map(int, input().split())
a = list(map(int, input().split()))
for _ in range(q):
    l, r = map(int, input().split())
    # prefix sums rebuilt from the start for every query
    print(sum(a[:r]) - sum(a[:l - 1]))
