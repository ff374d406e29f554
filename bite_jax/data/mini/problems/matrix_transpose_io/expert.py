import sys

lines = sys.stdin.buffer.read().split(b'\n')
r, c = map(int, lines[0].split())
rows = [line.split() for line in lines[1:r + 1]]
sys.stdout.buffer.write(b'\n'.join(b' '.join(col) for col in zip(*rows)) + b'\n')
