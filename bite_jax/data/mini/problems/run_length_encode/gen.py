"""Input generator for run_length_encode."""
import random
import string


def generate(seed: int, scale: float) -> str:
    """Return stdin text: a string of about `scale` letters in runs of 1-12 (~scale/6.5 runs)."""
    rng = random.Random(seed)
    target = max(10, int(scale))
    parts, length, prev = [], 0, ''
    while length < target:
        c = rng.choice(string.ascii_lowercase)
        if c == prev:
            continue
        k = rng.randint(1, 12)
        parts.append(c * k)
        length += k
        prev = c
    return ''.join(parts) + '\n'
