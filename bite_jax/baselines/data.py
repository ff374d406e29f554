"""Training data of the training-based baselines, built from the editors' (slow, fast) pairs.

  perfcond    PIE's performance-conditioned IFT: each pair's target is tagged, in the prompt, with
              its speedup bin (1 = the least speedup of the training pairs, `bins` = the most; bins
              are quantiles of log speedup over the pairs); at inference the prompt asks for the top
              bin. Pairs without a speedup get one measured by the executor first (`measure`).
  trajectory  ECCO's trajectory IFT: the versions of one program history (one user's submissions
              to a problem when the pairs say who wrote them, else the problem's versions in one
              language), ordered slowest first; for each later version the prompt shows the earlier
              ones (the most recent `max_context`) and the target is that version.
  diff        Supersonic: the target is the diff that turns the slow program into the fast one
              (bite_jax.baselines.diff), not the program.
  preference  Mercury's DPO records: the optimizer prompt of the slow program, the fast program
              chosen and the slowest known version of that history rejected (the slow program
              itself when it is the slowest).

A history's versions are ordered by the pairs' slower-than links (a topological order of the
programs; ties keep the order the programs first appear in), so a chain slow -> src -> mid -> expert
(the mini benchmark's variants, or a user's successive PIE submissions) reads in that order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from bite_jax.baselines import prompts
from bite_jax.baselines.diff import make_diff
from bite_jax.data.prompts import PromptedPair
from bite_jax.data.records import Pair


def speedup_edges(speedups: Sequence[float], bins: int) -> np.ndarray:
  """The `bins - 1` inner bin edges: quantiles of log speedup (equal-count bins), float64 [bins - 1]."""
  if bins < 1:
    raise ValueError(f'bins must be >= 1, got {bins}')
  values = np.log(np.asarray([s for s in speedups if s and s > 0], np.float64))
  if values.size == 0:
    raise ValueError('no positive speedup to bin')
  return np.quantile(values, np.arange(1, bins) / bins) if bins > 1 else np.zeros(0)


def speedup_bin(speedup: float, edges: np.ndarray) -> int:
  """1-based bin of one speedup (bins = len(edges) + 1; a value on an edge goes to the upper bin)."""
  return int(np.searchsorted(edges, math.log(max(speedup, 1e-12)), side='right')) + 1


def perfcond_pairs(pairs: Sequence[Pair], bins: int) -> list[PromptedPair]:
  """PromptedPairs tagged with their speedup bin; pairs without a speedup are left out (measure first)."""
  known = [p for p in pairs if p.speedup is not None and p.speedup > 0]
  edges = speedup_edges([p.speedup for p in known], bins)
  return [
    PromptedPair(p.language, prompts.perfcond_prompt(p.language, p.slow, speedup_bin(p.speedup, edges), bins), p.fast)
    for p in known
  ]


def history_key(pair: Pair) -> tuple:
  """Which program history a pair belongs to: (language, problem, user); user is None when unknown."""
  return (pair.language, pair.problem_id, pair.user_id)


def _group_key(pair: Pair, index: int) -> tuple:
  return history_key(pair) if pair.problem_id is not None else (pair.language, None, f'pair-{index}')


def histories(pairs: Sequence[Pair]) -> dict[tuple, list[str]]:
  """{history_key: its distinct programs ordered slowest first}. Pairs with no problem id form a
  history of their own pair each (nothing says which other programs solve the same problem)."""
  groups: dict[tuple, list[Pair]] = defaultdict(list)
  for i, p in enumerate(pairs):
    groups[_group_key(p, i)].append(p)
  return {key: _ordered(group) for key, group in groups.items()}


def _ordered(group: list[Pair]) -> list[str]:
  """Programs of one history in a topological order of the slower-than links (Kahn's algorithm);
  a cycle (contradicting pairs) is broken at the program that appears first."""
  order = {}
  for p in group:
    order.setdefault(p.slow, len(order))
    order.setdefault(p.fast, len(order))
  faster = defaultdict(set)
  incoming = {code: 0 for code in order}
  for p in group:
    if p.slow != p.fast and p.fast not in faster[p.slow]:
      faster[p.slow].add(p.fast)
      incoming[p.fast] += 1
  out, done = [], set()
  while len(out) < len(order):
    ready = [c for c in order if c not in done and incoming[c] == 0]
    code = min(ready or [c for c in order if c not in done], key=order.get)
    out.append(code)
    done.add(code)
    for nxt in faster[code]:
      incoming[nxt] -= 1
  return out


def trajectory_pairs(pairs: Sequence[Pair], max_context: int = 3) -> list[PromptedPair]:
  """One PromptedPair per later version of each history: the earlier versions (the last `max_context`)
  in the prompt, that version as the target."""
  if max_context < 1:
    raise ValueError(f'max_context must be >= 1, got {max_context}')
  out = []
  for (language, _, _), versions in histories(pairs).items():
    for k in range(1, len(versions)):
      context = versions[max(0, k - max_context) : k]
      out.append(PromptedPair(language, prompts.trajectory_prompt(language, context), versions[k]))
  return out


def diff_pairs(pairs: Sequence[Pair], context: int = 1) -> list[PromptedPair]:
  """The Supersonic items: the diff prompt of the slow program, the diff to the fast one as the target."""
  return [
    PromptedPair(p.language, prompts.diff_prompt(p.language, p.slow), make_diff(p.slow, p.fast, context)) for p in pairs
  ]


def preference_records(pairs: Sequence[Pair]) -> list[dict]:
  """Mercury's DPO records {language, src, chosen, rejected}: per pair, its slow program as the prompt,
  the fast one chosen, and the slowest program known to be slower than or equal to the slow one (the
  earliest of its ancestors by the pairs' slower-than links; the slow program itself when it has none)
  rejected."""
  groups: dict[tuple, list[Pair]] = defaultdict(list)
  for i, p in enumerate(pairs):
    groups[_group_key(p, i)].append(p)
  slower_than: dict[tuple, dict[str, set]] = {}
  rank: dict[tuple, dict[str, int]] = {}
  for key, group in groups.items():
    links = defaultdict(set)
    for p in group:
      if p.slow != p.fast:
        links[p.fast].add(p.slow)
    slower_than[key] = links
    rank[key] = {code: k for k, code in enumerate(_ordered(group))}
  out = []
  for i, p in enumerate(pairs):
    key = _group_key(p, i)
    seen, todo = {p.slow}, [p.slow]
    while todo:
      for code in slower_than[key].get(todo.pop(), ()):
        if code not in seen:
          seen.add(code)
          todo.append(code)
    seen.discard(p.fast)
    rejected = min(seen, key=rank[key].get) if seen else p.slow
    out.append({'language': p.language, 'src': p.slow, 'chosen': p.fast, 'rejected': rejected})
  return out
