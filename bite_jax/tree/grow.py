"""Bidirectional tree editing (BITE, Algorithms 1 and 2): grow an optimization or degradation tree.

    stats = grow_tree(roots, editor, 'optimize', workdir / 'trees/opt.jsonl', height=h, width=m,
                      threshold=1.1, pool=pool, meter='cpu')

Breadth first, level by level across all roots: the whole frontier of a level goes to the editor
in one `stream` call (m samples per node), and every child is sent to the executor pool as soon as
its sampler batch completes, while the editor keeps decoding the next batch in another thread.
A child is kept when it is correct and faster (slower) than its parent beyond `threshold` by the
executor's compare verdict, and then prints what its parent prints on `extra_inputs` more inputs
derived from the root task's (bite_jax.data.inputs; the parent is the oracle, inputs it fails on are
dropped): an edit that special-cases the task's few inputs is pruned as 'differs_on_extra'. A root
with an expert keeps only the extras on which src and expert agree (the others are likely outside the
problem's constraints). The check runs the parent once per (parent, extras) and each such child once,
only for children the compare would keep, so it costs a few runs per kept child. Kept children form the next frontier.
Every node, kept or pruned, is appended to the tree file (bite_jax.tree.store); a rerun after a kill
reads it, skips every (parent, sample index) already recorded and generates only what is missing
(with an editor that has `stream_keyed`, samples are seeded by parent, so these are the very children
it lost). Identical siblings are executed once, and a (parent, child, inputs) comparison seen before
reuses its verdict (the extra-input check likewise, keyed by the digest of the extras it ran on,
which the node records).
Pruning reasons: bite_jax.tree.verdict. Statistics: bite_jax.tree.stats.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import itertools
import queue
import sys
import threading
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from bite_jax.data.inputs import extra_inputs as derive_extra_inputs
from bite_jax.data.inputs import inputs_digest
from bite_jax.data.prompts import OPTIMIZE, build_prompt
from bite_jax.data.records import Task
from bite_jax.data.responses import extract_program
from bite_jax.tree.editor import Editor
from bite_jax.tree.stats import tree_statistics
from bite_jax.tree.store import (
  TreeFormatError,
  TreeWriter,
  child_id,
  clear_done,
  node_path,
  read_tree,
  tree_complete,
  tree_signature,
  write_done,
)
from bite_jax.tree.verdict import (
  DIFFERS,
  KEPT,
  REASONS,
  VERDICT_FIELDS,
  accepted_runs,
  check_compare_options,
  check_direction,
  compare_job,
  compare_verdict,
  extra_key,
  extra_verdict,
  limit_fields,
  measure_job,
  normalize_code,
  root_verdict,
  run_job,
  run_seconds,
  same_output,
  verdict_key,
)

# Reasons whose verdict came from a comparison that can be reused for the same (parent, child, inputs).
_REUSABLE = frozenset(REASONS) - {'empty', 'truncated', 'unchanged', 'duplicate', 'executor_error'}


def tree_name(direction: str) -> str:
  """'opt' for the optimization tree, 'degr' for the degradation tree (the file stem)."""
  return 'opt' if check_direction(direction) == OPTIMIZE else 'degr'


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


def parent_key(node_id: str) -> int:
  """The sampling key of a parent's prompt: a stable 31-bit hash of its node id, so its children are
  drawn the same whichever other parents share the editor call (see tree_editor)."""
  return zlib.crc32(node_id.encode('utf-8')) & 0x7FFFFFFF


def grow_tree(
  roots: Sequence[Task],
  editor: Editor,
  direction: str,
  out_path: str | Path,
  *,
  height: int,
  width: int,
  threshold: float = 1.1,
  pool,
  meter: str | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  compare_options: Mapping | None = None,
  extra_inputs: int = 8,
  seed: int = 0,
  root_results: dict | None = None,
  progress: bool = True,
  progress_every_s: float = 10.0,
) -> TreeStats:
  """Grows (or finishes) one tree per root, breadth first, into the JSONL file `out_path`.

  Args:
    roots: the tasks whose `src` programs are the roots (task ids must be unique); their
      `inputs` are the inputs every comparison runs on.
    editor: streams children (see bite_jax.tree.editor.Editor); only asked for missing children.
    direction: 'optimize' (optimization tree) or 'degrade' (degradation tree).
    out_path: the tree file (e.g. WORKDIR/trees/opt.jsonl); appended to, never rewritten.
    height: h, the deepest level grown (0 = roots only). width: m, children sampled per node.
    threshold: a child is kept when faster (slower) than its parent by more than this factor.
    pool: an executor.Pool (anything with `submit(job) -> Future`).
    meter: 'cpu', 'instructions' or None/'auto' (the executor's default for the machine).
    timeout: CPU seconds per run; memory_mb: MiB per run (None = the executor's defaults).
    compare_options: extra compare job fields (max_rounds, budget_s, confidence, min_rounds, ...).
    extra_inputs: how many extra inputs (bite_jax.data.inputs.extra_inputs of each root) a child the
      compare keeps must also match its parent on; 0 turns the check off. Changing it does not re-check
      the nodes a file already holds (each records `extra_inputs`, how many it was compared on).
    seed: the sampling seed (each level samples with its own seed derived from it).
    root_results: a dict shared by the trees grown from the same roots (the optimization and the
      degradation tree): the roots' measuring and screening runs are kept there and not run again.
    progress: print progress lines (nodes/s, share kept) to stderr every `progress_every_s` seconds.

  Returns:
    TreeStats. On completion `<out_path stem>.done` is written; a call whose marker matches the
    roots, height, width, threshold and extra_inputs returns at once (skipped=True) without using the editor.
  """
  direction = check_direction(direction)
  _check_shape(height, width, threshold)
  if isinstance(extra_inputs, bool) or int(extra_inputs) != extra_inputs or extra_inputs < 0:
    raise ValueError(f'tree.extra_inputs: {extra_inputs!r} must be an integer >= 0')
  tasks = {}
  for i, task in enumerate(roots):
    if task.task_id in tasks:
      raise ValueError(f'roots[{i}]: duplicate task_id {task.task_id!r}')
    tasks[task.task_id] = task
  out_path = Path(out_path)
  stats = TreeStats(direction=direction, path=str(out_path), roots=len(tasks))
  shape = dict(height=height, width=width, threshold=threshold, extra_inputs=int(extra_inputs))
  signature = tree_signature(direction, list(tasks), **shape)
  if tree_complete(out_path, list(tasks), direction=direction, **shape):
    _totals(read_tree(out_path), tasks, stats)
    stats.complete = stats.skipped = True
    return stats
  clear_done(out_path)
  grower = _Grower(
    tasks,
    editor,
    direction,
    out_path,
    height=height,
    width=width,
    threshold=threshold,
    pool=pool,
    limits=limit_fields(meter, timeout, memory_mb),
    options=check_compare_options(compare_options),
    extra_inputs=int(extra_inputs),
    seed=seed,
    root_results={} if root_results is None else root_results,
    stats=stats,
    progress=progress,
    progress_every_s=progress_every_s,
  )
  grower.run()
  stats.complete = True
  summary = {k: v for k, v in tree_statistics(grower.own_nodes()).items() if k in ('nodes', 'kept', 'reasons')}
  summary['extra_inputs'] = int(extra_inputs)
  write_done(out_path, signature, summary)
  return stats


def grow_tree_kwargs(config) -> dict:
  """grow_tree's settings from a full config: `tree.*` (extra_inputs included), `executor.*` (meter,
  timeout, memory_mb) and `seed`."""
  return dict(
    height=int(config.tree.height),
    width=int(config.tree.width),
    threshold=float(config.tree.threshold),
    meter=config.executor.meter or None,
    timeout=float(config.executor.timeout),
    memory_mb=int(config.executor.memory_mb),
    compare_options={'max_rounds': int(config.tree.max_rounds), 'budget_s': float(config.tree.budget_s)},
    extra_inputs=int(config.tree.extra_inputs),
    seed=int(config.seed),
  )


def _check_shape(height, width, threshold) -> None:
  if isinstance(height, bool) or int(height) != height or height < 0:
    raise ValueError(f'tree.height: {height!r} must be an integer >= 0')
  if isinstance(width, bool) or int(width) != width or width < 1:
    raise ValueError(f'tree.width: {width!r} must be an integer >= 1')
  if not threshold > 1.0:
    raise ValueError(f'tree.threshold: {threshold!r} must be > 1 (e.g. 1.1 = 10% faster/slower)')


def _totals(nodes, tasks, stats: TreeStats) -> None:
  own = [n for n in nodes if n['root_id'] in tasks]
  stats.nodes_total = len({n['node_id'] for n in own})
  stats.kept = sum(1 for n in own if n['depth'] > 0 and n['kept'])


class _Grower:
  """The state of one growth: the nodes on disk, pending comparisons, duplicates waiting on them."""

  def __init__(
    self,
    tasks: dict[str, Task],
    editor,
    direction,
    path: Path,
    *,
    height,
    width,
    threshold,
    pool,
    limits,
    options,
    extra_inputs,
    seed,
    root_results: dict,
    stats: TreeStats,
    progress: bool,
    progress_every_s: float,
  ):
    self.tasks, self.editor, self.direction, self.path = tasks, editor, direction, path
    self.height, self.width, self.threshold = int(height), int(width), float(threshold)
    self.pool, self.limits, self.options, self.seed = pool, limits, options, int(seed)
    self.stats = stats
    self.root_results = root_results
    self.name = tree_name(direction)
    self.editor_name = str(getattr(editor, 'name', None) or type(editor).__name__)
    self._level_seed: int | None = None
    self._root_index = {task_id: i for i, task_id in enumerate(tasks)}
    self.nodes: dict[str, dict] = {}
    self.seen: dict[str, dict[str, str]] = {}  # parent id -> normalised child code -> first node id
    self.verdicts: dict[str, dict] = {}  # verdict key -> verdict fields
    self.waiting: dict[str, list[dict]] = {}  # verdict key -> nodes waiting on its job
    self.duplicates: dict[str, list[dict]] = {}  # node id -> later identical siblings waiting on it
    # The extra-input check: each root's extras, its checks' verdicts, and the jobs they wait on.
    self.extra_count = int(extra_inputs)
    self.extras = {t: derive_extra_inputs(task, self.extra_count) for t, task in tasks.items()}
    self.extra_digests = {t: inputs_digest(extras) for t, extras in self.extras.items()}
    self.extra_verdicts: dict[str, dict] = {}  # extra key -> {'reason', 'detail', 'extra_inputs'}
    self.extra_waiting: dict[str, list[tuple[dict, dict]]] = {}  # extra key -> (node, compare verdict)
    self.parent_runs: dict[tuple, list] = {}  # (language, parent code, digest) -> runs the parent accepted
    self.parent_waiting: dict[tuple, list[tuple[str, dict]]] = {}  # same key -> (extra key, node) waiting
    self._events: queue.SimpleQueue | None = None
    self.progress = progress
    self.progress_every_s = progress_every_s
    self._started = time.monotonic()
    self._last_print = self._started
    self._level = (0, 0, 0)  # depth, children expected, children recorded
    self._in_flight = 0
    self._job_seq = 0

  # ---------------------------------------------------------------------------------------- state

  def own_nodes(self) -> list[dict]:
    return list(self.nodes.values())

  def _load(self) -> None:
    for i, node in enumerate(read_tree(self.path, repair=True)):
      if node.get('direction', self.direction) != self.direction:
        raise TreeFormatError(
          f'{self.path}: line {i + 1} belongs to a {node["direction"]} tree, '
          f'not {self.direction}; use another file for each direction'
        )
      task = self.tasks.get(node['root_id'])
      if node['depth'] == 0 and task is not None and node.get('code') != task.src:
        raise TreeFormatError(
          f'{self.path}: line {i + 1}: root {task.task_id!r} was grown from another src '
          'program; grow the changed roots into a new file'
        )
      if task is not None and node['node_id'] not in self.nodes:
        self._register(node)

  def _register(self, node: dict) -> None:
    self.nodes[node['node_id']] = node
    if node['depth'] == 0 or node['reason'] in ('empty', 'truncated', 'unchanged', 'duplicate'):
      return
    parent = self.nodes.get(node['parent_id'])
    if parent is None:
      return
    self.seen.setdefault(parent['node_id'], {}).setdefault(normalize_code(node['code']), node['node_id'])
    if node['reason'] in _REUSABLE:
      key = verdict_key(node['language'], parent['code'], node['code'], self.tasks[node['root_id']].inputs)
      verdict = {f: node.get(f) for f in VERDICT_FIELDS}
      if node['reason'] in (KEPT, DIFFERS):
        # The compare kept it; what the extra-input check said is a verdict of its own, on those extras.
        if node.get('extra_inputs') is not None and node.get('extra_digest'):
          xkey = extra_key(node['language'], parent['code'], node['code'], node['extra_digest'])
          check = {'reason': node['reason'], 'detail': node.get('detail') if node['reason'] == DIFFERS else None}
          self.extra_verdicts.setdefault(xkey, {**check, 'extra_inputs': node['extra_inputs']})
        detail = verdict['detail'] if node['reason'] == KEPT else None
        verdict.update(correct=True, kept=True, reason=KEPT, detail=detail, extra_inputs=None, extra_digest=None)
      self.verdicts.setdefault(key, verdict)

  def _record(self, node: dict) -> None:
    """Appends a node to the file, then releases the identical siblings that waited on it."""
    self.writer.write(node)
    self._register(node)
    self.stats.nodes_written += 1
    depth, expected, done = self._level
    if node['depth'] == depth:
      self._level = (depth, expected, done + 1)
    for dup in self.duplicates.pop(node['node_id'], []):
      copied = {f: node.get(f) for f in VERDICT_FIELDS}
      self._record(self._finish(dup, {**copied, 'kept': False, 'reason': 'duplicate'}))
    self._maybe_print()

  # ---------------------------------------------------------------------------------------- run

  def run(self) -> None:
    self._load()
    with TreeWriter(self.path) as self.writer:
      self._grow_roots()
      for depth in range(self.height):
        frontier = sorted((n for n in self.nodes.values() if n['depth'] == depth and n['kept']), key=self._order)
        if not frontier:
          break
        requests = []
        for parent in frontier:
          missing = {
            j for j in range(self.width) if child_id(parent['root_id'], parent['node_id'], j) not in self.nodes
          }
          if missing:
            requests.append((parent, missing))
        if requests:
          self._grow_level(depth, requests)
    self.stats.seconds = time.monotonic() - self._started
    _totals(self.nodes.values(), self.tasks, self.stats)
    self._print(final=True)

  def _order(self, node: dict):
    return self._root_index[node['root_id']], node_path(node)

  def _grow_roots(self) -> None:
    """Measures the roots not on disk yet, and screens the extra inputs of every root that has an expert."""
    missing = [t for t in self.tasks.values() if t.task_id not in self.nodes]
    screened = [t for t in self.tasks.values() if self.extras[t.task_id] and t.expert and self.extra_count > 0]
    if not missing and not screened:
      return
    self._level = (0, len(missing), 0)
    futures, pending, results, known = {}, collections.Counter(), {}, []
    jobs = [(task, 'measure', task.src) for task in missing]
    jobs += [(task, role, source) for task in screened for role, source in (('src', task.src), ('expert', task.expert))]
    for task, role, source in jobs:
      pending[task.task_id] += 1
      memo = (role, task.language, source, task.inputs, self.extras[task.task_id], tuple(sorted(self.limits.items())))
      if memo in self.root_results:  # the other tree of the same roots ran it already
        known.append(((role, task), self.root_results[memo]))
        continue
      if role == 'measure':
        # One round: the root's cost is for the record; keep/prune verdicts come from the interleaved compares.
        job = measure_job(self._next_id(), task.language, [source], task.inputs, limits=self.limits, repeats=1)
      else:
        job = run_job(self._next_id(), task.language, source, self.extras[task.task_id], limits=self.limits)
      futures[self._submit(job, extra=role != 'measure')] = ((role, task), memo)
    done = (
      (key, future.result(), memo)
      for future in concurrent.futures.as_completed(futures)
      for key, memo in [futures[future]]
    )
    for (role, task), result, memo in itertools.chain(((k, r, None) for k, r in known), done):
      if memo is not None:
        self._in_flight -= 1
        if not result.get('error'):  # an executor failure is retried by the next tree
          self.root_results[memo] = result
      results[(role, task.task_id)] = result
      pending[task.task_id] -= 1
      if pending[task.task_id]:
        continue
      cost = self._screen(task, results.pop(('src', task.task_id), None), results.pop(('expert', task.task_id), None))
      if ('measure', task.task_id) in results:
        self._record(self._root_node(task, results.pop(('measure', task.task_id)), cost))

  def _screen(self, task: Task, src: dict | None, expert: dict | None) -> tuple[int, float]:
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
    self.extras[task.task_id], self.extra_digests[task.task_id] = extras, inputs_digest(extras)
    # src is the parent of the first level: its outputs on the kept extras are known already.
    pkey = (task.language, normalize_code(task.src), self.extra_digests[task.task_id])
    self.parent_runs[pkey] = [(k, run) for k, (_, run) in enumerate(kept)]
    return cost

  def _root_node(self, task: Task, result: dict, cost: tuple[int, float]) -> dict:
    verdict = root_verdict(result, task.outputs)
    node = {
      'node_id': task.task_id,
      'root_id': task.task_id,
      'parent_id': None,
      'depth': 0,
      'sample_index': None,
      'direction': self.direction,
      'language': task.language,
      **dict.fromkeys(VERDICT_FIELDS),
    }
    node.update({k: v for k, v in verdict.items() if k in VERDICT_FIELDS})
    if self.extra_count > 0:  # the extras its tree is checked on, and what screening them cost
      node.update(extra_inputs=len(self.extras[task.task_id]), extra_digest=self.extra_digests[task.task_id])
    node.update(path_speedup=1.0 if verdict['kept'] else None, duplicate_of=None, reused=False)
    node.update(extra_runs=cost[0], extra_seconds=round(cost[1], 6), sample=None, code=task.src)
    return node

  def _grow_level(self, depth: int, requests: list[tuple[dict, set[int]]]) -> None:
    prompts = [build_prompt(p['language'], p['code'], self.direction) for p, _ in requests]
    self._level = (depth + 1, sum(len(m) for _, m in requests), 0)
    self.stats.editor_calls += 1
    events: queue.SimpleQueue = queue.SimpleQueue()
    self._events = events
    stop = threading.Event()
    level_seed = self._level_seed = (self.seed + 1_000_003 * (depth + 1)) % 2**32
    keys = [parent_key(p['node_id']) for p, _ in requests]
    producer = threading.Thread(
      target=self._produce, args=(prompts, keys, level_seed, events, stop), daemon=True, name=f'tree-{self.name}-editor'
    )
    producer.start()
    streaming = True
    try:
      while streaming or self._in_flight:
        kind, *payload = events.get()
        if kind == 'batch':
          for sample in payload[0]:
            self._on_sample(sample, requests, events)
        elif kind == 'result':
          self._in_flight -= 1
          key, future = payload
          self._on_verdict(key, compare_verdict(future.result(), self.direction))
        elif kind == 'parent':
          self._in_flight -= 1
          self._on_parent_run(*payload)
        elif kind == 'child':
          self._in_flight -= 1
          self._on_child_run(*payload)
        else:  # 'end': the stream is exhausted, or raised
          if payload[0] is not None:
            raise payload[0]
          streaming = False
    finally:
      stop.set()
    producer.join()
    self._print()

  def _produce(self, prompts, keys, seed, events, stop) -> None:
    """Runs the editor's stream in this thread, handing each batch over as soon as it completes."""
    try:
      keyed = getattr(self.editor, 'stream_keyed', None)
      if keyed is not None:
        stream = keyed(prompts, keys, num_samples=self.width, seed=seed)
      else:
        stream = self.editor.stream(prompts, num_samples=self.width, seed=seed)
      for batch in stream:
        events.put(('batch', list(batch)))
        if stop.is_set():
          getattr(stream, 'close', lambda: None)()
          break
      events.put(('end', None))
    except BaseException as e:  # handed to the main thread, which raises it
      events.put(('end', e))

  # ---------------------------------------------------------------------------------------- children

  def _on_sample(self, sample, requests, events) -> None:
    p, j = sample.prompt_index, sample.sample_index
    if not 0 <= p < len(requests) or not 0 <= j < self.width:
      raise ValueError(
        f'editor returned sample (prompt {p}, sample {j}) outside {len(requests)} prompts x {self.width} samples'
      )
    parent, missing = requests[p]
    if j not in missing:
      return  # recorded by an earlier run (or already handled)
    missing.discard(j)
    code, status = extract_program(sample.text or '', sample.finish_reason)
    node = {
      'node_id': child_id(parent['root_id'], parent['node_id'], j),
      'root_id': parent['root_id'],
      'parent_id': parent['node_id'],
      'depth': parent['depth'] + 1,
      'sample_index': j,
      'direction': self.direction,
      'language': parent['language'],
      'code': code,
      'sample': self._sample_record(parent, j, sample),
    }
    if status != 'ok':
      self._record(self._finish(node, {'reason': status}))
      return
    norm = normalize_code(code)
    if norm == normalize_code(parent['code']):
      self._record(self._finish(node, {'reason': 'unchanged'}))
      return
    siblings = self.seen.setdefault(parent['node_id'], {})
    if norm in siblings:
      first = siblings[norm]
      node['duplicate_of'] = first
      self.stats.duplicates += 1
      if first in self.nodes:
        copied = {f: self.nodes[first].get(f) for f in VERDICT_FIELDS}
        self._record(self._finish(node, {**copied, 'kept': False, 'reason': 'duplicate'}))
      else:
        self.duplicates.setdefault(first, []).append(node)
      return
    siblings[norm] = node['node_id']
    key = verdict_key(parent['language'], parent['code'], code, self.tasks[parent['root_id']].inputs)
    if key in self.verdicts:
      node['reused'] = True
      self.stats.reused += 1
      self._judge(node, self.verdicts[key])
    elif key in self.waiting:
      node['reused'] = True
      self.stats.reused += 1
      self.waiting[key].append(node)
    else:
      self.waiting[key] = [node]
      task = self.tasks[parent['root_id']]
      job = compare_job(
        self._next_id(),
        parent['language'],
        parent['code'],
        code,
        task.inputs,
        threshold=self.threshold,
        limits=self.limits,
        options=self.options,
      )
      self._submit(job).add_done_callback(lambda f, key=key: events.put(('result', key, f)))

  def _on_verdict(self, key: str, verdict: dict) -> None:
    if verdict['reason'] != 'executor_error':
      self.verdicts[key] = verdict
    for node in self.waiting.pop(key):
      self._judge(node, verdict)

  # ---------------------------------------------------------------------------------------- extra inputs

  def _judge(self, node: dict, verdict: dict) -> None:
    """Records a child with its compare verdict, after the extra-input check when that verdict keeps it."""
    if not verdict.get('kept') or self.extra_count <= 0:
      self._record(self._finish(node, verdict))
      return
    root = node['root_id']
    extras, digest = self.extras[root], self.extra_digests[root]
    if not extras:  # nothing to vary in this root's inputs
      self._record(self._finish(node, {**verdict, 'extra_inputs': 0, 'extra_digest': digest}))
      return
    parent = self.nodes[node['parent_id']]
    xkey = extra_key(node['language'], parent['code'], node['code'], digest)
    if xkey in self.extra_verdicts:
      self._record(self._finish(node, _checked(verdict, self.extra_verdicts[xkey], digest)))
      return
    if xkey in self.extra_waiting:
      self.extra_waiting[xkey].append((node, verdict))
      return
    self.extra_waiting[xkey] = [(node, verdict)]
    pkey = (node['language'], normalize_code(parent['code']), digest)
    if pkey in self.parent_runs:
      self._run_child(xkey, pkey, node, (0, 0.0))
    elif pkey in self.parent_waiting:
      self.parent_waiting[pkey].append((xkey, node))
    else:  # the parent's outputs on the extras, once for all its children
      self.parent_waiting[pkey] = [(xkey, node)]
      job = run_job(self._next_id(), node['language'], parent['code'], extras, limits=self.limits)
      self._submit(job, extra=True).add_done_callback(lambda f, pkey=pkey: self._events.put(('parent', pkey, f)))

  def _on_parent_run(self, pkey: tuple, future) -> None:
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
    job = run_job(self._next_id(), node['language'], node['code'], [extras[i] for i, _ in runs], limits=self.limits)
    self._submit(job, extra=True).add_done_callback(
      lambda f, xkey=xkey, pkey=pkey, cost=cost: self._events.put(('child', xkey, pkey, cost, f))
    )

  def _on_child_run(self, xkey: str, pkey: tuple, cost: tuple, future) -> None:
    result = future.result()
    check = extra_verdict(self.parent_runs[pkey], result)
    self._on_check(xkey, check, (cost[0] + len(result.get('runs') or []), cost[1] + run_seconds(result)))

  def _on_check(self, xkey: str, check: dict, cost: tuple) -> None:
    """Records the children waiting on one extra-input check (its runs are charged to the first)."""
    if check['reason'] != 'executor_error':
      self.extra_verdicts[xkey] = check
    self.stats.extra_runs += cost[0]
    self.stats.extra_seconds += cost[1]
    for n, (node, verdict) in enumerate(self.extra_waiting.pop(xkey)):
      node['extra_cost'] = cost if n == 0 else (0, 0.0)
      self.stats.differs += check['reason'] == DIFFERS
      self._record(self._finish(node, _checked(verdict, check, self.extra_digests[node['root_id']])))

  def _sample_record(self, parent: dict, j: int, sample) -> dict:
    """How a child was drawn: enough to redraw it (editor, seed, prompt key, sample index) and the raw
    text its code was extracted from."""
    keyed = getattr(self.editor, 'stream_keyed', None) is not None
    return {
      'editor': self.editor_name,
      'seed': self._level_seed,
      'prompt_key': parent_key(parent['node_id']) if keyed else None,
      'sample_index': j,
      'finish_reason': sample.finish_reason,
      'text': sample.text,
    }

  def _finish(self, node: dict, verdict: Mapping) -> dict:
    """The complete node record: identity, then verdict fields (None where not judged), then code."""
    out = {k: node[k] for k in ('node_id', 'root_id', 'parent_id', 'depth', 'sample_index', 'direction', 'language')}
    out.update(dict.fromkeys(VERDICT_FIELDS), correct=None, kept=False)
    out.update({k: verdict.get(k) for k in VERDICT_FIELDS if k in verdict})
    out['kept'] = bool(out['kept'])
    parent_path = self.nodes[node['parent_id']].get('path_speedup')
    out['path_speedup'] = parent_path * out['speedup'] if parent_path and out['speedup'] else None
    out['duplicate_of'] = node.get('duplicate_of')
    out['reused'] = bool(node.get('reused'))
    runs, seconds = node.get('extra_cost') or (0, 0.0)
    out['extra_runs'], out['extra_seconds'] = runs, round(seconds, 6)  # what its extra-input check cost
    out['sample'] = node.get('sample')
    out['code'] = node['code']
    return out

  def _next_id(self) -> str:
    self._job_seq += 1
    return f'{self.name}-{self._job_seq}'

  def _submit(self, job: dict, extra: bool = False) -> concurrent.futures.Future:
    future = self.pool.submit(job)
    self._in_flight += 1
    self.stats.jobs += 1
    self.stats.extra_jobs += extra
    return future

  # ---------------------------------------------------------------------------------------- progress

  def _maybe_print(self) -> None:
    if self.progress and time.monotonic() - self._last_print >= self.progress_every_s:
      self._print()

  def _print(self, final: bool = False) -> None:
    if not self.progress:
      return
    self._last_print = now = time.monotonic()
    elapsed = max(now - self._started, 1e-9)
    children = [n for n in self.nodes.values() if n['depth'] > 0]
    kept = sum(1 for n in children if n['kept'])
    depth, expected, done = self._level
    if final:
      where = 'done'
    elif depth == 0:
      where = f'roots: {done}/{expected} measured'
    else:
      where = f'depth {depth}/{self.height}: {done}/{expected} children'
    share = f'{kept / len(children):.0%}' if children else '-'
    print(
      f'[tree {self.name}] {where}, {self.stats.nodes_written / elapsed:.2f} nodes/s, '
      f'kept {share} ({kept}/{len(children)}), jobs {self.stats.jobs} ({self._in_flight} in flight), '
      f'reused {self.stats.reused}, duplicates {self.stats.duplicates}, '
      f'differ on extra inputs {self.stats.differs} ({self.stats.extra_runs} runs, {self.stats.extra_seconds:.1f} s), '
      f'{elapsed:.0f} s',
      file=sys.stderr,
      flush=True,
    )


def _checked(verdict: Mapping, check: Mapping, digest: str) -> dict:
  """A compare verdict that kept a child, with the extra-input check's outcome applied."""
  out = {**verdict, 'extra_inputs': check['extra_inputs'], 'extra_digest': digest}
  if check['reason'] == DIFFERS:
    out.update(kept=False, correct=False, reason=DIFFERS, detail=check['detail'])
  elif check['reason'] != KEPT:  # the check could not be run: the child is not judged
    out.update(kept=False, reason=check['reason'], detail=check['detail'], extra_inputs=None)
  return out
