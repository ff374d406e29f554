"""Input generator for prime_count_queries."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: 30 values in [scale/2, scale] (a sieve-per-query src sieves ~22 * scale numbers)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    values = [rng.randint(top // 2, top) for _ in range(30)]
    return f'{len(values)}\n' + ' '.join(map(str, values)) + '\n'
