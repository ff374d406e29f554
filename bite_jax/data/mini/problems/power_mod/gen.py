"""Input generator for power_mod."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: 10 queries with exponents in [scale/2, scale] (src does ~sum(b) multiplications)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    lines = ['10']
    for _ in range(10):
        lines.append(f'{rng.randint(2, 10**9 - 1)} {rng.randint(top // 2, top)}')
    return '\n'.join(lines) + '\n'
