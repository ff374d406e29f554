"""Input generator for gcd_sum."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: 10 integers drawn from [scale/2, scale] (src does ~sum(n_i) gcd calls)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    values = [rng.randint(top // 2, top) for _ in range(10)]
    return f'{len(values)}\n' + ' '.join(map(str, values)) + '\n'
