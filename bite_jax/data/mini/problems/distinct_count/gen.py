"""Input generator for distinct_count."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values from a pool of n/2 (src does ~n^2/8 comparisons)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    pool = [rng.randint(1, 10**9) for _ in range(n // 2)]
    values = [rng.choice(pool) for _ in range(n)]
    return f'{n}\n' + ' '.join(map(str, values)) + '\n'
