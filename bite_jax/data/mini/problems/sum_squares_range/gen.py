"""Input generator for sum_squares_range."""
import random

COUNT = 5000  # queries per input: the expert's per-query work stays clear of process start-up noise


def generate(seed: int, scale: float) -> str:
    """Return stdin text: COUNT queries whose right ends lie in [scale/2, scale] (scale = largest r).

    Left ends lie in [r/3, 2r/3], so src adds ~COUNT * 3/8 * scale terms; the expert does O(1) per query.
    """
    rng = random.Random(seed)
    r_max = max(10, int(scale))
    lines = [str(COUNT)]
    for _ in range(COUNT):
        r = rng.randint(r_max // 2, r_max)
        l = rng.randint(r // 3, 2 * r // 3)
        lines.append(f'{l} {r}')
    return '\n'.join(lines) + '\n'
