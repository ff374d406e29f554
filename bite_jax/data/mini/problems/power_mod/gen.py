"""Input generator for power_mod."""
import random

COUNT = 8000  # queries per input: enough that the expert's per-query work is well above process start-up


def generate(seed: int, scale: float) -> str:
    """Return stdin text: COUNT queries with exponents in [scale/2, scale] (src does ~sum(b) multiplications)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    lines = [str(COUNT)]
    for _ in range(COUNT):
        lines.append(f'{rng.randint(2, 10**9 - 1)} {rng.randint(top // 2, top)}')
    return '\n'.join(lines) + '\n'
