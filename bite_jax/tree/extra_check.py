"""The differential check on extra inputs: a child the compare keeps must also print what its parent prints.

The inputs are `extra_inputs` more derived from the root task's (bite_jax.data.inputs); the parent is the
oracle, inputs it fails on are dropped, so an edit that special-cases the task's few inputs is pruned as
'differs_on_extra'. A root with an expert keeps only the extras on which src and expert agree (the others
are likely outside the problem's constraints). The check runs the parent once per (parent, extras) and each
such child once, only for children the compare would keep, so it costs a few runs per kept child. A check
seen before reuses its verdict, keyed by the digest of the extras it ran on, which the node records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bite_jax.data.inputs import extra_inputs as derive_extra_inputs
from bite_jax.data.inputs import inputs_digest
from bite_jax.data.records import Task
from bite_jax.tree.stats import TreeStats
from bite_jax.tree.verdict import (
  DIFFERS,
  KEPT,
  accepted_runs,
  extra_key,
  extra_verdict,
  normalize_code,
  run_seconds,
  same_output,
)


class ExtraCheck:
  """The extra-input checks of one growth: each root's extras, the checks' verdicts, the parent runs they
  compare against, and the children waiting on either.

  The grower supplies `run(language, source, inputs, event)`, which runs a program on extra inputs and
  hands `(*event, future)` back to its loop (event 'parent' -> `on_parent_run`, 'child' -> `on_child_run`),
  and `record(node, verdict)`, which records a judged child.
  """

  def __init__(
    self,
    tasks: Mapping[str, Task],
    count: int,
    *,
    stats: TreeStats,
    run: Callable[[str, str, Sequence, tuple], None],
    record: Callable[[dict, Mapping], None],
  ):
    self.count = int(count)
    self.extras = {t: derive_extra_inputs(task, self.count) for t, task in tasks.items()}
    self.digests = {t: inputs_digest(extras) for t, extras in self.extras.items()}
    self.verdicts: dict[str, dict] = {}  # extra key -> {'reason', 'detail', 'extra_inputs'}
    self.waiting: dict[str, list[tuple[dict, dict]]] = {}  # extra key -> (node, compare verdict)
    self.parent_runs: dict[tuple, list] = {}  # (language, parent code, digest) -> runs the parent accepted
    self.parent_waiting: dict[tuple, list[tuple[str, dict]]] = {}  # same key -> (extra key, node) waiting
    self.stats = stats
    self._run, self._record = run, record

  def remember(self, node: dict, parent: dict) -> None:
    """Keeps the check a node read from the file records (kept or differs_on_extra), as a verdict of its own."""
    if node.get('extra_inputs') is not None and node.get('extra_digest'):
      xkey = extra_key(node['language'], parent['code'], node['code'], node['extra_digest'])
      check = {'reason': node['reason'], 'detail': node.get('detail') if node['reason'] == DIFFERS else None}
      self.verdicts.setdefault(xkey, {**check, 'extra_inputs': node['extra_inputs']})

  def screen(self, task: Task, src: dict | None, expert: dict | None) -> tuple[int, float]:
    """Keeps the root's extra inputs on which src and the expert both run and agree (an input outside the
    problem's constraints tends to split them; a correct child should not answer for it); returns the
    runs and seconds spent. Without those runs (no expert) the extras stay as they are."""
    if src is None or expert is None:
      return 0, 0.0
    cost = (len(src.get('runs') or []) + len(expert.get('runs') or []), run_seconds(src) + run_seconds(expert))
    self.stats.extra_runs += cost[0]
    self.stats.extra_seconds += cost[1]
    mine, theirs = accepted_runs(src), dict(accepted_runs(expert) or [])
    if mine is None:  # src's job broke: leave the extras unscreened, the parent runs will judge them
      return cost
    kept = [(i, run) for i, run in mine if i in theirs and same_output(run, theirs[i])]
    extras = tuple(self.extras[task.task_id][i] for i, _ in kept)
    self.extras[task.task_id], self.digests[task.task_id] = extras, inputs_digest(extras)
    # src is the parent of the first level: its outputs on the kept extras are known already.
    pkey = (task.language, normalize_code(task.src), self.digests[task.task_id])
    self.parent_runs[pkey] = [(k, run) for k, (_, run) in enumerate(kept)]
    return cost

  def judge(self, node: dict, verdict: dict, parent: dict) -> None:
    """Records a child with its compare verdict, after the extra-input check when that verdict keeps it."""
    if not verdict.get('kept') or self.count <= 0:
      self._record(node, verdict)
      return
    root = node['root_id']
    extras, digest = self.extras[root], self.digests[root]
    if not extras:  # nothing to vary in this root's inputs
      self._record(node, {**verdict, 'extra_inputs': 0, 'extra_digest': digest})
      return
    xkey = extra_key(node['language'], parent['code'], node['code'], digest)
    if xkey in self.verdicts:
      self._record(node, _checked(verdict, self.verdicts[xkey], digest))
      return
    if xkey in self.waiting:
      self.waiting[xkey].append((node, verdict))
      return
    self.waiting[xkey] = [(node, verdict)]
    pkey = (node['language'], normalize_code(parent['code']), digest)
    if pkey in self.parent_runs:
      self._run_child(xkey, pkey, node, (0, 0.0))
    elif pkey in self.parent_waiting:
      self.parent_waiting[pkey].append((xkey, node))
    else:  # the parent's outputs on the extras, once for all its children
      self.parent_waiting[pkey] = [(xkey, node)]
      self._run(node['language'], parent['code'], extras, ('parent', pkey))

  def on_parent_run(self, pkey: tuple, future) -> None:
    result = future.result()
    cost = (len(result.get('runs') or []), run_seconds(result))
    runs = accepted_runs(result)
    if runs is not None:
      self.parent_runs[pkey] = runs
    for n, (xkey, node) in enumerate(self.parent_waiting.pop(pkey)):
      share = cost if n == 0 else (0, 0.0)  # the parent's runs are charged to the child that asked first
      if runs is None:
        detail = f'extra-input check: the parent run broke ({result.get("error") or result.get("status")})'
        self._on_check(xkey, {'reason': 'executor_error', 'detail': detail, 'extra_inputs': None}, share)
      else:
        self._run_child(xkey, pkey, node, share)

  def _run_child(self, xkey: str, pkey: tuple, node: dict, cost: tuple) -> None:
    runs = self.parent_runs[pkey]
    if not runs:  # the parent fails on every extra: nothing to hold the child to
      self._on_check(xkey, {'reason': KEPT, 'detail': None, 'extra_inputs': 0}, cost)
      return
    extras = self.extras[node['root_id']]
    self._run(node['language'], node['code'], [extras[i] for i, _ in runs], ('child', xkey, pkey, cost))

  def on_child_run(self, xkey: str, pkey: tuple, cost: tuple, future) -> None:
    result = future.result()
    check = extra_verdict(self.parent_runs[pkey], result)
    self._on_check(xkey, check, (cost[0] + len(result.get('runs') or []), cost[1] + run_seconds(result)))

  def _on_check(self, xkey: str, check: dict, cost: tuple) -> None:
    """Records the children waiting on one extra-input check (its runs are charged to the first)."""
    if check['reason'] != 'executor_error':
      self.verdicts[xkey] = check
    self.stats.extra_runs += cost[0]
    self.stats.extra_seconds += cost[1]
    for n, (node, verdict) in enumerate(self.waiting.pop(xkey)):
      node['extra_cost'] = cost if n == 0 else (0, 0.0)
      self.stats.differs += check['reason'] == DIFFERS
      self._record(node, _checked(verdict, check, self.digests[node['root_id']]))


def _checked(verdict: Mapping, check: Mapping, digest: str) -> dict:
  """A compare verdict that kept a child, with the extra-input check's outcome applied."""
  out = {**verdict, 'extra_inputs': check['extra_inputs'], 'extra_digest': digest}
  if check['reason'] == DIFFERS:
    out.update(kept=False, correct=False, reason=DIFFERS, detail=check['detail'])
  elif check['reason'] != KEPT:  # the check could not be run: the child is not judged
    out.update(kept=False, reason=check['reason'], detail=check['detail'], extra_inputs=None)
  return out
