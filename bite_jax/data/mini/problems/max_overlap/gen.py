"""Input generator for max_overlap."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] intervals (src does ~n^2 containment checks)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    lines = [str(n)]
    for _ in range(n):
        l = rng.randint(0, 10**6)
        lines.append(f'{l} {l + rng.randint(1, 10**5)}')
    return '\n'.join(lines) + '\n'
