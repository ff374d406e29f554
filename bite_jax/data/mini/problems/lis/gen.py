"""Input generator for lis."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values with repeats (src does ~n^2/2 steps)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    values = [rng.randint(1, n) for _ in range(n)]
    return f'{n}\n' + ' '.join(map(str, values)) + '\n'
