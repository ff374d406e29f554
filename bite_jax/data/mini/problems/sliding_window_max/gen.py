"""Input generator for sliding_window_max."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values and k ~ n/8 (src does ~(n - k) * k comparisons)."""
    rng = random.Random(seed)
    top = max(40, int(scale))
    n = rng.randint(top * 9 // 10, top)
    k = max(1, n // 8 + rng.randint(-5, 5))
    values = [rng.randint(0, 10**9) for _ in range(n)]
    return f'{n} {k}\n' + ' '.join(map(str, values)) + '\n'
