"""Input generator for prefix_sums_io."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: n in [0.9 * scale, scale] values, one per line (work is pure input/output)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    values = [str(rng.randint(-10**6, 10**6)) for _ in range(n)]
    return f'{n}\n' + '\n'.join(values) + '\n'
