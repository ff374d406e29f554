import sys
from itertools import accumulate

data = sys.stdin.buffer.read().split()
n = int(data[0])
sys.stdout.write('\n'.join(map(str, accumulate(map(int, data[1:n + 1])))) + '\n')
