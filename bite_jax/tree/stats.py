"""Summary of a grown tree for the report: nodes per depth, share kept, pruning reasons, factors.

A factor is measured in the tree's own direction: speedup over the parent (cost parent / cost
child) in an optimization tree, slowdown (cost child / cost parent) in a degradation tree, so a
kept edge always has a factor above the threshold. `best_path_factor` is, per root, the largest
product of factors from the root down to one kept node. `extra_check` is the differential check on
extra inputs (bite_jax.tree.extra_check): how many children it judged and pruned, and what its runs cost.

`TreeStats` is the other summary: what one `grow_tree` call did (its jobs, reuse, the check's cost).
"""

from __future__ import annotations

import collections
import dataclasses
import difflib
import math
from collections.abc import Iterable

# Bins of the factor histogram: [1, 1.25), [1.25, 1.5), ..., [10, inf); a kept edge is above the threshold (1.1).
FACTOR_BINS = (1.0, 1.25, 1.5, 2.0, 4.0, 10.0)


@dataclasses.dataclass
class TreeStats:
  """What one `grow_tree` call did (this call) and what the file now holds (for these roots)."""

  direction: str
  path: str
  roots: int
  nodes_written: int = 0  # lines appended by this call
  jobs: int = 0  # executor jobs submitted by this call (root measures + compares)
  reused: int = 0  # children judged by an earlier identical comparison (no job)
  duplicates: int = 0  # children identical to an earlier sibling (no job)
  editor_calls: int = 0  # editor.stream calls (one per level with missing children)
  extra_jobs: int = 0  # run jobs of the extra-input check (parents and children), counted in jobs too
  extra_runs: int = 0  # program runs those jobs made
  extra_seconds: float = 0.0  # the runs' wall seconds (plus uncached compiles)
  differs: int = 0  # children this call pruned as differs_on_extra
  seconds: float = 0.0
  nodes_total: int = 0  # nodes of these roots in the file, roots included
  kept: int = 0  # kept children (depth >= 1) of these roots in the file
  complete: bool = False
  skipped: bool = False  # the .done marker matched: nothing was grown

  @property
  def nodes_per_s(self) -> float:
    return self.nodes_written / self.seconds if self.seconds > 0 else 0.0


def _quantiles(values: list[float]) -> dict | None:
  if not values:
    return None
  values = sorted(values)

  def q(p: float) -> float:
    pos = p * (len(values) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)

  geo = math.exp(sum(math.log(v) for v in values) / len(values))
  return {
    'count': len(values),
    'min': values[0],
    'p25': q(0.25),
    'median': q(0.5),
    'p75': q(0.75),
    'max': values[-1],
    'geomean': geo,
  }


def _factor(node: dict, key: str) -> float | None:
  value = node.get(key)
  if not value or value <= 0:
    return None
  return value if node.get('direction', 'optimize') == 'optimize' else 1.0 / value


def tree_statistics(nodes: Iterable[dict]) -> dict:
  """Counts and distributions of a tree's nodes (as read by `read_tree`; several roots allowed).

  Returns a JSON-ready dict: roots, roots_ok (measured and correct), roots_with_kept (at least one
  kept child), nodes, children, kept, kept_share, reasons (children per pruning reason), depths
  (per depth: nodes, kept, kept_share), edge_factor and best_path_factor (count, min, p25, median,
  p75, max, geomean; None when there is nothing kept), meters (executed nodes per meter), extra_check
  (children checked on extra inputs, differs = pruned as differs_on_extra, inputs = extra inputs
  compared in all, runs and seconds = what the check's runs cost, screening the roots' extras
  included; older files count as unchecked), kept_by_depth_language ({depth: {language: kept}}, children
  only) and factor_histogram ([{'low', 'high', 'kept'}] over FACTOR_BINS, factors of kept edges).
  """
  unique = {}
  for node in nodes:
    unique.setdefault(node['node_id'], node)
  roots = [n for n in unique.values() if n['depth'] == 0]
  children = [n for n in unique.values() if n['depth'] > 0]
  kept = [n for n in children if n['kept']]
  per_depth = collections.defaultdict(lambda: [0, 0])
  for n in unique.values():
    per_depth[n['depth']][0] += 1
    per_depth[n['depth']][1] += bool(n['kept'])
  best: dict[str, float] = {}
  for n in kept:
    factor = _factor(n, 'path_speedup')
    if factor is not None:
      best[n['root_id']] = max(best.get(n['root_id'], 0.0), factor)
  return {
    'roots': len(roots),
    'roots_ok': sum(1 for n in roots if n['kept']),
    'roots_with_kept': len({n['root_id'] for n in kept}),
    'nodes': len(unique),
    'children': len(children),
    'kept': len(kept),
    'kept_share': len(kept) / len(children) if children else None,
    'reasons': dict(collections.Counter(n['reason'] for n in children).most_common()),
    'depths': [{'depth': d, 'nodes': c, 'kept': k, 'kept_share': k / c} for d, (c, k) in sorted(per_depth.items())],
    'edge_factor': _quantiles([f for f in (_factor(n, 'speedup') for n in kept) if f is not None]),
    'best_path_factor': _quantiles(list(best.values())),
    'meters': dict(collections.Counter(n['meter'] for n in unique.values() if n.get('meter'))),
    'extra_check': _extra_check(children, list(unique.values())),
    'kept_by_depth_language': _kept_by_depth_language(kept),
    'factor_histogram': _histogram([f for f in (_factor(n, 'speedup') for n in kept) if f is not None]),
  }


def _kept_by_depth_language(kept: list[dict]) -> dict[str, dict[str, int]]:
  table: dict[str, dict[str, int]] = {}
  for n in sorted(kept, key=lambda n: (n['depth'], n.get('language') or '?')):
    row = table.setdefault(str(n['depth']), {})
    language = n.get('language') or '?'
    row[language] = row.get(language, 0) + 1
  return table


def _histogram(factors: list[float]) -> list[dict]:
  edges = (*FACTOR_BINS, math.inf)
  return [
    {'low': lo, 'high': None if hi == math.inf else hi, 'kept': sum(1 for f in factors if lo <= f < hi)}
    for lo, hi in zip(edges, edges[1:])
  ]


def example_edit(nodes: Iterable[dict], max_lines: int = 40) -> dict | None:
  """One kept edit of a tree, for the report: the kept child whose unified diff against its parent is
  shortest (ties: larger factor), as {'node_id', 'language', 'depth', 'factor', 'diff'}; None if nothing
  was kept. The diff is cut to `max_lines` lines."""
  unique = {}
  for node in nodes:
    unique.setdefault(node['node_id'], node)
  best = None
  for n in unique.values():
    parent = unique.get(n.get('parent_id'))
    if n['depth'] == 0 or not n['kept'] or parent is None:
      continue
    diff = list(
      difflib.unified_diff(
        parent['code'].splitlines(), n['code'].splitlines(), 'parent', n['node_id'], n=1, lineterm=''
      )
    )
    factor = _factor(n, 'speedup') or 0.0
    rank = (len(diff), -factor)
    if best is None or rank < best[0]:
      best = (rank, n, diff, factor)
  if best is None:
    return None
  _, n, diff, factor = best
  cut = diff[:max_lines] + ([f'... ({len(diff) - max_lines} more lines)'] if len(diff) > max_lines else [])
  return {'node_id': n['node_id'], 'language': n.get('language'), 'depth': n['depth'], 'factor': factor, 'diff': cut}


def _extra_check(children: list[dict], nodes: list[dict]) -> dict:
  checked = [n for n in children if n.get('extra_inputs') is not None and n['reason'] != 'duplicate']
  return {
    'checked': len(checked),
    'differs': sum(1 for n in children if n['reason'] == 'differs_on_extra'),
    'inputs': sum(n['extra_inputs'] for n in checked),
    'runs': sum(n.get('extra_runs') or 0 for n in nodes),  # roots' screening runs included
    'seconds': sum(n.get('extra_seconds') or 0.0 for n in nodes),
  }


def format_statistics(stats: dict, title: str = 'tree') -> str:
  """A short Markdown section of `tree_statistics` output, for the run report."""
  share = '-' if stats['kept_share'] is None else f'{stats["kept_share"]:.1%}'
  lines = [
    f'### {title}',
    '',
    f'{stats["roots"]} roots ({stats["roots_ok"]} correct, {stats["roots_with_kept"]} with a kept child), '
    f'{stats["children"]} children, {stats["kept"]} kept ({share}); meters: '
    + ', '.join(f'{k} {v}' for k, v in stats['meters'].items()),
    '',
    '| depth | nodes | kept | kept share |',
    '| --- | --- | --- | --- |',
  ]
  lines += [f'| {d["depth"]} | {d["nodes"]} | {d["kept"]} | {d["kept_share"]:.1%} |' for d in stats['depths']]
  lines += ['', 'pruning reasons: ' + (', '.join(f'{k} {v}' for k, v in stats['reasons'].items()) or 'none')]
  extra = stats.get('extra_check')
  if extra and extra['checked']:
    lines.append(
      f'extra-input check (children the compare kept, against their parent): {extra["checked"]} checked on '
      f'{extra["inputs"]} inputs, {extra["differs"]} pruned as differs_on_extra; cost {extra["runs"]} runs, '
      f'{extra["seconds"]:.1f} s'
    )
  by_lang = stats.get('kept_by_depth_language') or {}
  if by_lang:
    languages = sorted({lang for row in by_lang.values() for lang in row})
    lines += ['', 'kept children per depth and language:', '']
    lines += ['| depth | ' + ' | '.join(languages) + ' | all |', '| --- |' + ' --- |' * (len(languages) + 1)]
    for depth, row in by_lang.items():
      cells = [str(row.get(lang, 0)) for lang in languages]
      lines.append(f'| {depth} | ' + ' | '.join(cells) + f' | {sum(row.values())} |')
    lines.append('')
  histogram = stats.get('factor_histogram') or []
  if any(b['kept'] for b in histogram):
    word = 'speedup' if title.startswith('optim') else 'slowdown'
    bins = [
      f'{b["low"]:g}-{b["high"]:g}x: {b["kept"]}' if b['high'] else f'>= {b["low"]:g}x: {b["kept"]}' for b in histogram
    ]
    lines.append(f'{word} of kept edges (kept children per bin): ' + ', '.join(bins))
  for key, label in (('edge_factor', 'factor per kept edge'), ('best_path_factor', 'best path factor per root')):
    q = stats[key]
    if q:
      lines.append(
        f'{label}: median {q["median"]:.2f}x (min {q["min"]:.2f}, max {q["max"]:.2f}, '
        f'geomean {q["geomean"]:.2f}, n={q["count"]})'
      )
  return '\n'.join(lines) + '\n'
