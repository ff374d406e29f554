"""Input generator for dijkstra."""
import random


def generate(seed: int, scale: float) -> str:
    """Return stdin text: a random graph on n ~ scale junctions with ~2n roads (array-scan src does ~n^2 steps)."""
    rng = random.Random(seed)
    top = max(10, int(scale))
    n = rng.randint(top * 9 // 10, top)
    unreachable = set(rng.sample(range(2, n + 1), n // 50))  # a few junctions nobody can reach
    edges = []
    for v in range(2, n + 1):
        if v not in unreachable:
            u = rng.randint(1, v - 1)
            while u in unreachable:
                u = rng.randint(1, v - 1)
            edges.append((u, v, rng.randint(1, 1000)))
    for _ in range(n):
        u, v = rng.randint(1, n), rng.randint(1, n)
        if v not in unreachable or u in unreachable:
            edges.append((u, v, rng.randint(1, 1000)))
    rng.shuffle(edges)
    lines = [f'{n} {len(edges)}'] + [f'{u} {v} {w}' for u, v, w in edges]
    return '\n'.join(lines) + '\n'
