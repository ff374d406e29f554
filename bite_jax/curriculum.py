"""Multi-level pairs from the trees, and the PKAC stage mixtures.

For each root: slow = the least efficient kept node of its degradation tree, fast = the most
efficient kept node of its optimization tree (by the product of measured ratios along the path).
Three levels of (slow -> fast) pairs follow:

  easy   (slow -> src)    medium (src -> fast)    hard (slow -> fast)

slow, src and fast are re-measured together in one interleaved measure job, so the three speedups
come from the same runs (hard = easy x medium); when that measurement fails, the tree's path
ratios are used instead. A pair whose speedup is not above `min_speedup` is dropped as
unconfirmed. A root with no kept degradation node has no easy/hard pair; no kept optimization
node, no medium/hard pair; both are counted.

PKAC (progressive): stage 1 = all easy; stage 2 = the top `top_fraction` of easy by speedup + all
medium; stage 3 = the top `top_fraction` of medium + all hard. `mixing='union'` trains one stage
on every level the requested stages introduce.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from bite_jax.data.pairs import read_pairs, write_pairs
from bite_jax.data.records import Pair, Task
from bite_jax.tree.verdict import limit_fields, measure_job

LEVELS = ('easy', 'medium', 'hard')
MIXINGS = ('progressive', 'union')


def levels_kwargs(config) -> dict:
  """build_levels' settings from a full config: `curriculum.*` and `executor.*` (meter, timeout, memory_mb)."""
  return dict(
    meter=config.executor.meter or None,
    timeout=float(config.executor.timeout),
    memory_mb=int(config.executor.memory_mb),
    repeats=int(config.curriculum.repeats) or None,
    min_speedup=float(config.curriculum.min_speedup),
  )


def mixtures_kwargs(config) -> dict:
  """pkac_mixtures' settings from a full config (`curriculum.top_fraction`, `stages`, `mixing`)."""
  return dict(
    top_fraction=float(config.curriculum.top_fraction),
    stages=str(config.curriculum.stages),
    mixing=str(config.curriculum.mixing),
  )


def path_factors(nodes: Iterable[dict]) -> dict[str, float]:
  """Cumulative ratio cost(root) / cost(node) of every kept node reachable through kept nodes."""
  by_id = {n['node_id']: n for n in nodes}
  out: dict[str, float] = {}

  def factor(node_id: str) -> float | None:
    if node_id in out:
      return out[node_id]
    node = by_id.get(node_id)
    if node is None or not node['kept']:
      return None
    if node['depth'] == 0:
      value = 1.0
    else:
      parent = factor(node['parent_id'])
      speedup = node.get('speedup')
      value = parent * speedup if parent is not None and speedup else None
    if value is not None:
      out[node_id] = value
    return value

  for node_id in sorted(by_id, key=lambda i: by_id[i]['depth']):  # parents first: no deep recursion
    factor(node_id)
  return out


def extreme_nodes(nodes: Iterable[dict], *, most_efficient: bool) -> dict[str, dict]:
  """Per root id, its kept non-root node with the largest (or smallest) path factor."""
  nodes = list(nodes)
  factors = path_factors(nodes)
  best: dict[str, tuple[float, dict]] = {}
  for node in sorted(nodes, key=lambda n: (n['depth'], n['node_id'])):
    if node['depth'] == 0 or node['node_id'] not in factors:
      continue
    score = factors[node['node_id']] if most_efficient else -factors[node['node_id']]
    if node['root_id'] not in best or score > best[node['root_id']][0]:
      best[node['root_id']] = (score, {**node, 'path_factor': factors[node['node_id']]})
  return {root: node for root, (_, node) in best.items()}


def build_levels(
  roots: Sequence[Task],
  opt_nodes: Iterable[dict],
  degr_nodes: Iterable[dict],
  *,
  pool,
  meter: str | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  repeats: int | None = None,
  min_speedup: float = 1.0,
  progress: bool = True,
) -> dict:
  """Easy, medium and hard pairs of every root, with speedups measured together.

  Args:
    roots: the tree roots (Tasks; their inputs are the measurement inputs).
    opt_nodes, degr_nodes: the nodes of the optimization and degradation trees (`read_tree`).
    pool: an executor.Pool (anything with `submit(job) -> Future`) for the measure jobs.
    meter, timeout (CPU seconds), memory_mb (MiB), repeats: the measure job's settings
      (None = the executor's defaults).
    min_speedup: a pair is kept only if its speedup is above this.
    progress: print a progress line per measured root to stderr.

  Returns:
    {'easy', 'medium', 'hard': lists of Pair (speedup set, source 'tree/<level>'),
     'missing': {level: roots without that level}, 'unconfirmed': {level: pairs dropped},
     'roots': number of roots, 'details': one dict per root (node ids, costs, speedups, how measured)}.
  """
  limits = limit_fields(meter, timeout, memory_mb)
  tasks = {t.task_id: t for t in roots}
  fast_of = extreme_nodes(opt_nodes, most_efficient=True)
  slow_of = extreme_nodes(degr_nodes, most_efficient=False)
  out = {level: [] for level in LEVELS}
  out.update(missing=dict.fromkeys(LEVELS, 0), unconfirmed=dict.fromkeys(LEVELS, 0), roots=len(tasks), details=[])
  jobs, roots_of = [], {}
  for task in tasks.values():
    slow, fast = slow_of.get(task.task_id), fast_of.get(task.task_id)
    out['missing']['easy'] += slow is None
    out['missing']['medium'] += fast is None
    out['missing']['hard'] += slow is None or fast is None
    if slow is None and fast is None:
      continue
    sources = [task.src] + [n['code'] for n in (slow, fast) if n is not None]
    job = measure_job(f'levels-{len(jobs)}', task.language, sources, task.inputs, limits=limits, repeats=repeats)
    jobs.append(job)
    roots_of[job['id']] = (task, slow, fast)
  started = time.monotonic()
  # submitted lazily (the pool holds a few jobs in flight), so a progress line follows each finished root
  for done, result in enumerate(pool.map_unordered(jobs), start=1):
    task, slow, fast = roots_of[result['id']]
    detail = _root_levels(task, slow, fast, result, min_speedup, out)
    out['details'].append(detail)
    if progress:
      print(
        f'[curriculum] measured {done}/{len(jobs)} roots, {done / (time.monotonic() - started):.2f} roots/s, '
        + ', '.join(f'{level} {len(out[level])}' for level in LEVELS),
        file=sys.stderr,
        flush=True,
      )
  order = {task_id: i for i, task_id in enumerate(tasks)}
  out['details'].sort(key=lambda d: order[d['root_id']])
  out['pair_roots'] = {}
  for level in LEVELS:  # pairs in root order, whatever order the measurements finished in
    rows = sorted(out[level], key=lambda row: order[row[0]])
    out[level] = [pair for _, pair in rows]
    out['pair_roots'][level] = [root for root, _ in rows]
  return out


def merge_levels(shards: Sequence[dict], roots: Sequence[Task]) -> dict:
  """One `build_levels` result from those of disjoint shares of `roots` (several processes): pairs and
  details in the roots' order, counts summed. Each shard needs its `pair_roots` (levels.json keeps them)."""
  order = {t.task_id: i for i, t in enumerate(roots)}
  out = {level: [] for level in LEVELS}
  out.update(missing=dict.fromkeys(LEVELS, 0), unconfirmed=dict.fromkeys(LEVELS, 0), roots=0, details=[])
  for shard in shards:
    out['roots'] += shard['roots']
    out['details'].extend(shard['details'])
    for level in LEVELS:
      out['missing'][level] += shard['missing'][level]
      out['unconfirmed'][level] += shard['unconfirmed'][level]
      out[level].extend(zip(shard['pair_roots'][level], shard[level]))
  out['details'].sort(key=lambda d: order[d['root_id']])
  out['pair_roots'] = {}
  for level in LEVELS:
    rows = sorted(out[level], key=lambda row: order[row[0]])
    out[level] = [pair for _, pair in rows]
    out['pair_roots'][level] = [root for root, _ in rows]
  return out


def read_levels(out_dir: str | Path) -> dict:
  """What `write_levels` wrote to `out_dir`, as `build_levels` returned it."""
  out_dir = Path(out_dir)
  levels = json.loads((out_dir / 'levels.json').read_text(encoding='utf-8'))
  for level in LEVELS:
    levels[level] = read_pairs(out_dir / f'{level}.jsonl')
  return levels


def _pair(task: Task, slow: str, fast: str, speedup: float, level: str) -> Pair:
  return Pair(
    language=task.language, slow=slow, fast=fast, problem_id=task.problem_id, speedup=speedup, source=f'tree/{level}'
  )


def _measured_factor(entry: dict | None) -> tuple[float | None, bool]:
  """(cost(src) / cost(program) from the interleaved measurement or None, outputs agree with src)."""
  if entry is None:
    return None, True
  if entry.get('outputs_match_first') is False:
    return None, False
  svf = entry.get('speedup_vs_first') or {}
  if entry.get('status') != 'ok' or not svf.get('speedup'):
    return None, True
  return float(svf['speedup']), True


def _root_levels(task: Task, slow: dict | None, fast: dict | None, result: dict, min_speedup: float, out: dict) -> dict:
  programs = result.get('programs') or []
  entries = iter(programs[1:])
  slow_entry = next(entries, None) if slow is not None else None
  fast_entry = next(entries, None) if fast is not None else None
  detail = {
    'root_id': task.task_id,
    'slow_id': slow and slow['node_id'],
    'fast_id': fast and fast['node_id'],
    'meter': result.get('meter'),
    'costs': {},
    'speedups': {},
    'measured': {},
  }
  src_entry = programs[0] if programs else None
  if src_entry is not None and src_entry.get('status') == 'ok':
    detail['costs']['src'] = src_entry.get('cost')
  factors, agree = {}, {}
  for name, node, entry in (('slow', slow, slow_entry), ('fast', fast, fast_entry)):
    if node is None:
      continue
    measured, agree[name] = _measured_factor(entry if src_entry and src_entry.get('status') == 'ok' else None)
    detail['measured'][name] = measured is not None
    factors[name] = measured if measured is not None else node['path_factor']
    if entry is not None and entry.get('cost') is not None:
      detail['costs'][name] = entry['cost']
  speedups = {}
  if slow is not None:
    speedups['easy'] = 1.0 / factors['slow']
  if fast is not None:
    speedups['medium'] = factors['fast']
  if slow is not None and fast is not None:
    speedups['hard'] = factors['fast'] / factors['slow']
  programs_of = {'easy': (slow, None), 'medium': (None, fast), 'hard': (slow, fast)}
  for level, speedup in speedups.items():
    low, high = programs_of[level]
    consistent = (low is None or agree['slow']) and (high is None or agree['fast'])
    detail['speedups'][level] = speedup
    if not consistent or not speedup > min_speedup or not math.isfinite(speedup):
      out['unconfirmed'][level] += 1
      continue
    pair = _pair(task, low['code'] if low else task.src, high['code'] if high else task.src, speedup, level)
    out[level].append((task.task_id, pair))
  return detail


def write_levels(levels: dict, out_dir: str | Path) -> dict[str, Path]:
  """Writes easy/medium/hard.jsonl (Pair records) and levels.json (counts and per-root details)."""
  out_dir = Path(out_dir)
  paths = {}
  for level in LEVELS:
    paths[level] = out_dir / f'{level}.jsonl'
    write_pairs(paths[level], levels[level])
  summary = {
    'roots': levels['roots'],
    'pairs': {level: len(levels[level]) for level in LEVELS},
    'missing': levels['missing'],
    'unconfirmed': levels['unconfirmed'],
    'details': levels['details'],
  }
  if 'pair_roots' in levels:
    summary['pair_roots'] = levels['pair_roots']  # the root of every pair, in the files' order
  paths['summary'] = out_dir / 'levels.json'
  paths['summary'].write_text(json.dumps(summary, indent=1) + '\n', encoding='utf-8')
  return paths


def parse_stages(stages) -> tuple[int, ...]:
  """'1,2,3' (or a sequence of ints) -> (1, 2, 3); stages must be increasing and in {1, 2, 3}."""
  if isinstance(stages, str):
    parts = [p.strip() for p in stages.split(',') if p.strip()]
    if not all(p.isdigit() for p in parts):
      raise ValueError(f'curriculum.stages: {stages!r} must list stage numbers 1, 2, 3 separated by commas')
    numbers = tuple(int(p) for p in parts)
  else:
    numbers = tuple(int(s) for s in stages)
  if not numbers or any(n not in (1, 2, 3) for n in numbers) or list(numbers) != sorted(set(numbers)):
    raise ValueError(f'curriculum.stages: {stages!r} must be increasing stage numbers from 1, 2, 3 (e.g. "1,2,3")')
  return numbers


def top_by_speedup(pairs: Sequence[Pair], fraction: float) -> list[Pair]:
  """The ceil(fraction * n) pairs with the largest speedups (unknown speedups rank last; ties keep order);
  fraction 0 gives none (no consolidation: the paper's Figure 5 variant without replay)."""
  if not 0.0 <= fraction <= 1.0:
    raise ValueError(f'curriculum.top_fraction: {fraction!r} must be in [0, 1] (0 = no replay of earlier levels)')
  ranked = sorted(pairs, key=lambda p: -p.speedup if p.speedup is not None else math.inf)
  return ranked[: math.ceil(fraction * len(pairs))]


def pkac_mixtures(
  easy: Sequence[Pair],
  medium: Sequence[Pair],
  hard: Sequence[Pair],
  *,
  top_fraction: float = 0.5,
  stages='1,2,3',
  mixing: str = 'progressive',
) -> list[list[Pair]]:
  """The training data of each PKAC stage, in order.

  progressive: one mixture per stage in `stages` (1 = easy; 2 = top easy + medium; 3 = top medium +
  hard; with top_fraction 0, stage 2 = medium only and stage 3 = hard only). union: a single mixture with every level introduced by the requested stages (stage k
  introduces level k), e.g. easy + medium + hard for '1,2,3'.
  """
  numbers = parse_stages(stages)
  if mixing not in MIXINGS:
    raise ValueError(f'curriculum.mixing: {mixing!r} is not one of {", ".join(MIXINGS)}')
  if mixing == 'union':
    levels = (easy, medium, hard)
    return [[p for n in numbers for p in levels[n - 1]]]
  top_easy, top_medium = top_by_speedup(easy, top_fraction), top_by_speedup(medium, top_fraction)
  stage = {1: list(easy), 2: top_easy + list(medium), 3: top_medium + list(hard)}
  return [stage[n] for n in numbers]
