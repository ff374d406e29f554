"""Progress lines of one growth on stderr: where it is, nodes/s, share kept, jobs, reuse and the extra-input
check's cost, e.g. `[tree opt] depth 1/2: 12/32 children, 0.85 nodes/s, kept 25% (3/12), jobs 40 (...`."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping

from bite_jax.tree.stats import TreeStats


class Progress:
  """Where one growth is (the level, its children expected and recorded) and when it last printed; prints
  nothing unless `enabled`."""

  def __init__(self, name: str, height: int, stats: TreeStats, *, enabled: bool, every_s: float):
    self.name, self.height, self.stats = name, height, stats
    self.enabled, self.every_s = enabled, every_s
    self.started = time.monotonic()
    self._last_print = self.started
    self.level = (0, 0, 0)  # depth, children expected, children recorded

  def recorded(self, depth: int) -> None:
    """Counts a node recorded at `depth` toward the current level."""
    level, expected, done = self.level
    if depth == level:
      self.level = (level, expected, done + 1)

  def maybe_print(self, nodes: Mapping[str, dict], in_flight: int) -> None:
    """Prints a line when `every_s` seconds have passed since the last."""
    if self.enabled and time.monotonic() - self._last_print >= self.every_s:
      self.print_line(nodes, in_flight)

  def print_line(self, nodes: Mapping[str, dict], in_flight: int, final: bool = False) -> None:
    """Prints a line about the growth's `nodes` so far and its `in_flight` executor jobs."""
    if not self.enabled:
      return
    self._last_print = now = time.monotonic()
    elapsed = max(now - self.started, 1e-9)
    children = [n for n in nodes.values() if n['depth'] > 0]
    kept = sum(1 for n in children if n['kept'])
    depth, expected, done = self.level
    if final:
      where = 'done'
    elif depth == 0:
      where = f'roots: {done}/{expected} measured'
    else:
      where = f'depth {depth}/{self.height}: {done}/{expected} children'
    share = f'{kept / len(children):.0%}' if children else '-'
    print(
      f'[tree {self.name}] {where}, {self.stats.nodes_written / elapsed:.2f} nodes/s, '
      f'kept {share} ({kept}/{len(children)}), jobs {self.stats.jobs} ({in_flight} in flight), '
      f'reused {self.stats.reused}, duplicates {self.stats.duplicates}, '
      f'differ on extra inputs {self.stats.differs} ({self.stats.extra_runs} runs, {self.stats.extra_seconds:.1f} s), '
      f'{elapsed:.0f} s',
      file=sys.stderr,
      flush=True,
    )
