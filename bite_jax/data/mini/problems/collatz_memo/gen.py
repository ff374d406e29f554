"""Input generator for collatz_memo."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: one N in [0.8 * scale, scale] (src does ~100 * N Collatz steps)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    return f'{rng.randint(top * 4 // 5, top)}\n'
