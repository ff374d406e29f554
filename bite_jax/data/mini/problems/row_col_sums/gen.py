"""Input generator for row_col_sums."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: a roughly square grid with about `scale` cells (src does ~cells * (r + c) additions)."""
    rng = random.Random(seed)
    cells = max(4, int(scale))
    r = max(1, int(cells ** 0.5 * rng.uniform(0.8, 1.25)))
    c = max(1, cells // r)
    lines = [f'{r} {c}']
    for _ in range(r):
        lines.append(' '.join(str(rng.randint(-1000, 1000)) for _ in range(c)))
    return '\n'.join(lines) + '\n'
