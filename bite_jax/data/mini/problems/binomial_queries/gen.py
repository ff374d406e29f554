"""Input generator for binomial_queries."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: 200 queries with n in [scale/2, scale] (src does ~200 * n/2 multiplications)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    lines = ['200']
    for _ in range(200):
        n = rng.randint(top // 2, top)
        lines.append(f'{n} {rng.randint(0, n)}')
    return '\n'.join(lines) + '\n'
