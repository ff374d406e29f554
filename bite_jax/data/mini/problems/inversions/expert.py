import sys


def sort_count(a):
    """Merge-sort a and return (sorted list, inversion count)."""
    if len(a) < 2:
        return a, 0
    mid = len(a) // 2
    left, cl = sort_count(a[:mid])
    right, cr = sort_count(a[mid:])
    merged = []
    cnt = cl + cr
    i = j = 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            cnt += len(left) - i
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged, cnt


data = sys.stdin.read().split()
n = int(data[0])
print(sort_count(list(map(int, data[1:n + 1])))[1])
