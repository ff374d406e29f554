"""Input generator for matrix_transpose_io."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: a roughly square matrix with about `scale` entries (work is pure input/output)."""
    rng = random.Random(seed)
    cells = max(4, int(scale))
    r = max(1, int(cells ** 0.5 * rng.uniform(0.7, 1.3)))
    c = max(1, cells // r)
    lines = [f'{r} {c}']
    for _ in range(r):
        lines.append(' '.join(str(rng.randint(0, 10**6)) for _ in range(c)))
    return '\n'.join(lines) + '\n'
