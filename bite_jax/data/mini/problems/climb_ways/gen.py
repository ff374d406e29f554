"""Input generator for climb_ways."""
import random
from math import gcd


def generate(seed: int, scale: float) -> str:
    """Return stdin text: a move set and the largest n whose plain recursion makes at most `scale` calls."""
    rng = random.Random(seed)
    k = rng.randint(2, 3)
    steps = sorted(rng.sample(range(1, 5), k))
    while gcd(*steps) != 1:  # a common divisor would make most answers zero
        steps = sorted(rng.sample(range(1, 5), k))
    budget = max(10, int(scale))
    # calls[m] = number of calls the unmemoised recursion makes for a staircase of m steps
    calls = [1]
    while True:
        m = len(calls)
        nxt = 1 + sum(calls[m - s] for s in steps if s <= m)
        if nxt > budget:
            break
        calls.append(nxt)
    n = len(calls) - 1
    return f'{n} {k}\n' + ' '.join(map(str, steps)) + '\n'
