"""Input generator for pair_sum_count."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values in [1, n] and a target K (src does ~n^2/2 checks)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    values = [rng.randint(1, n) for _ in range(n)]
    k = rng.randint(n // 2, 3 * n // 2)
    return f'{n} {k}\n' + ' '.join(map(str, values)) + '\n'
