"""Input generator for divisor_sum."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: one N drawn from [0.8 * scale, scale] (src does ~N^1.5 steps)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    return f'{rng.randint(top * 4 // 5, top)}\n'
