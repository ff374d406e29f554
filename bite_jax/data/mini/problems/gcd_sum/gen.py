"""Input generator for gcd_sum."""
import random

COUNT = 8000  # integers per input: enough that the expert's per-integer work is well above process start-up


def generate(seed: int, scale: float) -> str:
    """Return stdin text: COUNT integers drawn from [scale/2, scale].

    src does ~COUNT * 3/4 * scale gcd calls, the expert ~COUNT * sqrt(scale) trial divisions.
    """
    rng = random.Random(seed)
    top = max(10, int(scale))
    values = [rng.randint(top // 2, top) for _ in range(COUNT)]
    return f'{len(values)}\n' + ' '.join(map(str, values)) + '\n'
