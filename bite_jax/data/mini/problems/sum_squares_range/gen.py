"""Input generator for sum_squares_range."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: 8 queries whose right ends lie in [scale/2, scale] (scale = largest r)."""
    rng = random.Random(seed)
    r_max = max(10, int(scale))
    q = 8
    lines = [str(q)]
    for _ in range(q):
        r = rng.randint(r_max // 2, r_max)
        l = rng.randint(r // 3, 2 * r // 3)
        lines.append(f'{l} {r}')
    return '\n'.join(lines) + '\n'
