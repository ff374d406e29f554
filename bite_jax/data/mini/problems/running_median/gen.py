"""Input generator for running_median."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] random values (a sorted-array src shifts ~n^2/4 slots)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    values = [rng.randint(1, 10**9) for _ in range(n)]
    return f'{n}\n' + ' '.join(map(str, values)) + '\n'
