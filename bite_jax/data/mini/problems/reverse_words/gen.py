"""Input generator for reverse_words."""
import random
import string


def generate(seed: int, scale: float) -> str:
    """Return stdin text: m in [0.9 * scale, scale] random words (prepending src copies ~3 * m^2 bytes)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    m = rng.randint(top * 9 // 10, top)
    words = [''.join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 10))) for _ in range(m)]
    return f'{m}\n' + ' '.join(words) + '\n'
