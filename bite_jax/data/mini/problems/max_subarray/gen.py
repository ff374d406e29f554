"""Input generator for max_subarray."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values in [-10^4, 10^4] (src does ~n^2/2 additions)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    values = [rng.randint(-10**4, 10**4) for _ in range(n)]
    return f'{n}\n' + ' '.join(map(str, values)) + '\n'
