"""Input generator for range_sum_queries."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n ~ scale values and n/5 queries covering n/4..n/2 each (src adds ~n^2/13 terms)."""
    rng = random.Random(seed)
    top = max(40, int(scale))
    n = rng.randint(top * 9 // 10, top)
    q = n // 5
    lines = [f'{n} {q}', ' '.join(str(rng.randint(-10**6, 10**6)) for _ in range(n))]
    for _ in range(q):
        length = rng.randint(n // 4, n // 2)
        l = rng.randint(1, n - length + 1)
        lines.append(f'{l} {l + length - 1}')
    return '\n'.join(lines) + '\n'
