"""The engine of `grow_tree` (bite_jax.tree.grow): one `Grower` grows the trees of all roots level by level.

Level 0 measures the roots not on disk yet and screens their extra inputs (bite_jax.tree.extra_check).
Each further level sends the whole frontier to the editor in one `stream` call (m samples per node), run in
another thread that hands each sampler batch over as it completes, while the main thread turns samples into
children, sends them to the executor pool and records each one as its verdicts come back, all off one event
queue. Identical siblings are executed once (a duplicate copies its first sibling's verdict), and a
(parent, child, inputs) comparison seen before, in this call or in the file, reuses its verdict.
Node records: bite_jax.tree.nodes. Progress lines: bite_jax.tree.progress.
"""

from __future__ import annotations

import collections
import concurrent.futures
import queue
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from bite_jax.data.prompts import build_prompt
from bite_jax.data.records import Task
from bite_jax.data.responses import extract_program
from bite_jax.tree.extra_check import ExtraCheck
from bite_jax.tree.nodes import child_node, parent_key, root_node, sample_record
from bite_jax.tree.progress import Progress
from bite_jax.tree.stats import TreeStats
from bite_jax.tree.store import TreeFormatError, TreeWriter, child_id, node_path, read_tree
from bite_jax.tree.verdict import (
  DIFFERS,
  KEPT,
  REASONS,
  VERDICT_FIELDS,
  compare_job,
  compare_verdict,
  measure_job,
  normalize_code,
  run_job,
  verdict_key,
)

# Reasons whose verdict came from a comparison that can be reused for the same (parent, child, inputs).
_REUSABLE = frozenset(REASONS) - {'empty', 'truncated', 'unchanged', 'duplicate', 'executor_error'}


class Grower:
  """The state of one growth: the nodes on disk, pending comparisons, duplicates waiting on them, its
  extra-input check (`check`) and its progress lines (`progress`)."""

  def __init__(
    self,
    tasks: dict[str, Task],
    editor,
    direction,
    path: Path,
    *,
    name: str,
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
    self.name = name
    self.editor_name = str(getattr(editor, 'name', None) or type(editor).__name__)
    self._level_seed: int | None = None
    self._root_index = {task_id: i for i, task_id in enumerate(tasks)}
    self.nodes: dict[str, dict] = {}
    self.seen: dict[str, dict[str, str]] = {}  # parent id -> normalised child code -> first node id
    self.verdicts: dict[str, dict] = {}  # verdict key -> verdict fields
    self.waiting: dict[str, list[dict]] = {}  # verdict key -> nodes waiting on its job
    self.duplicates: dict[str, list[dict]] = {}  # node id -> later identical siblings waiting on it
    self.check = ExtraCheck(
      tasks,
      extra_inputs,
      stats=stats,
      run=self._run_extra,
      record=lambda node, verdict: self._record(self._finish(node, verdict)),
    )
    self._events: queue.SimpleQueue | None = None
    self.progress = Progress(self.name, self.height, stats, enabled=progress, every_s=progress_every_s)
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
        self.check.remember(node, parent)
        detail = verdict['detail'] if node['reason'] == KEPT else None
        verdict.update(correct=True, kept=True, reason=KEPT, detail=detail, extra_inputs=None, extra_digest=None)
      self.verdicts.setdefault(key, verdict)

  def _record(self, node: dict) -> None:
    """Appends a node to the file, then releases the identical siblings that waited on it."""
    self.writer.write(node)
    self._register(node)
    self.stats.nodes_written += 1
    self.progress.recorded(node['depth'])
    for dup in self.duplicates.pop(node['node_id'], []):
      copied = {f: node.get(f) for f in VERDICT_FIELDS}
      self._record(self._finish(dup, {**copied, 'kept': False, 'reason': 'duplicate'}))
    self.progress.maybe_print(self.nodes, self._in_flight)

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
    self.stats.seconds = time.monotonic() - self.progress.started
    self.progress.print_line(self.nodes, self._in_flight, final=True)

  def _order(self, node: dict):
    return self._root_index[node['root_id']], node_path(node)

  def _grow_roots(self) -> None:
    """Measures the roots not on disk yet, and screens the extra inputs of every root that has an expert."""
    missing = [t for t in self.tasks.values() if t.task_id not in self.nodes]
    screened = [t for t in self.tasks.values() if self.check.extras[t.task_id] and t.expert and self.check.count > 0]
    if not missing and not screened:
      return
    self.progress.level = (0, len(missing), 0)
    pending, results = collections.Counter(), {}
    finished: queue.SimpleQueue = queue.SimpleQueue()  # (key, future, memo) of each job as it ends

    def handle(key, result, memo) -> None:
      role, task = key
      if memo is not None:
        self._in_flight -= 1
        if not result.get('error'):  # an executor failure is retried by the next tree
          self.root_results[memo] = result
      results[(role, task.task_id)] = result
      pending[task.task_id] -= 1
      if pending[task.task_id]:
        return
      cost = self.check.screen(
        task, results.pop(('src', task.task_id), None), results.pop(('expert', task.task_id), None)
      )
      if ('measure', task.task_id) in results:
        measured = results.pop(('measure', task.task_id))
        extras = self.check.extras[task.task_id] if self.check.count > 0 else None  # None: the check is off
        digest = self.check.digests[task.task_id]
        self._record(root_node(task, measured, self.direction, extras=extras, digest=digest, cost=cost))

    def drain(block: bool) -> None:
      while submitted[0] and (block or not finished.empty()):
        key, future, memo = finished.get()
        submitted[0] -= 1
        handle(key, future.result(), memo)

    jobs = [(task, 'measure', task.src) for task in missing]
    jobs += [(task, role, source) for task in screened for role, source in (('src', task.src), ('expert', task.expert))]
    for task, _, _ in jobs:
      pending[task.task_id] += 1
    submitted = [0]  # jobs submitted and not yet handled
    for task, role, source in jobs:
      extras = self.check.extras[task.task_id]
      memo = (role, task.language, source, task.inputs, extras, tuple(sorted(self.limits.items())))
      if memo in self.root_results:  # the other tree of the same roots ran it already
        handle((role, task), self.root_results[memo], None)
        continue
      if role == 'measure':
        # One round: the root's cost is for the record; keep/prune verdicts come from the interleaved compares.
        job = measure_job(self._next_id(), task.language, [source], task.inputs, limits=self.limits, repeats=1)
      else:
        job = run_job(self._next_id(), task.language, source, extras, limits=self.limits)
      future = self._submit(job, extra=role != 'measure')  # blocks while the pool is full
      submitted[0] += 1
      future.add_done_callback(lambda f, key=(role, task), memo=memo: finished.put((key, f, memo)))
      drain(block=False)  # record the roots finished so far, so progress shows while submitting
    drain(block=True)

  def _grow_level(self, depth: int, requests: list[tuple[dict, set[int]]]) -> None:
    prompts = [build_prompt(p['language'], p['code'], self.direction) for p, _ in requests]
    self.progress.level = (depth + 1, sum(len(m) for _, m in requests), 0)
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
          self.check.on_parent_run(*payload)
        elif kind == 'child':
          self._in_flight -= 1
          self.check.on_child_run(*payload)
        else:  # 'end': the stream is exhausted, or raised
          if payload[0] is not None:
            raise payload[0]
          streaming = False
    finally:
      stop.set()
    producer.join()
    self.progress.print_line(self.nodes, self._in_flight)

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
    prompt_key = parent_key(parent['node_id']) if getattr(self.editor, 'stream_keyed', None) is not None else None
    node = {
      'node_id': child_id(parent['root_id'], parent['node_id'], j),
      'root_id': parent['root_id'],
      'parent_id': parent['node_id'],
      'depth': parent['depth'] + 1,
      'sample_index': j,
      'direction': self.direction,
      'language': parent['language'],
      'code': code,
      'sample': sample_record(sample, j, editor=self.editor_name, seed=self._level_seed, prompt_key=prompt_key),
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
      self.check.judge(node, self.verdicts[key], self.nodes[node['parent_id']])
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
      self.check.judge(node, verdict, self.nodes[node['parent_id']])

  def _finish(self, node: dict, verdict: Mapping) -> dict:
    """The complete record of a child with `verdict` (bite_jax.tree.nodes.child_node)."""
    return child_node(node, verdict, self.nodes[node['parent_id']])

  def _next_id(self) -> str:
    self._job_seq += 1
    return f'{self.name}-{self._job_seq}'

  def _submit(self, job: dict, extra: bool = False) -> concurrent.futures.Future:
    future = self.pool.submit(job)
    self._in_flight += 1
    self.stats.jobs += 1
    self.stats.extra_jobs += extra
    return future

  def _run_extra(self, language: str, source: str, inputs, event: tuple) -> None:
    """Runs a program on extra inputs for the extra-input check; `(*event, future)` comes back to the loop."""
    job = run_job(self._next_id(), language, source, inputs, limits=self.limits)
    self._submit(job, extra=True).add_done_callback(lambda f: self._events.put((*event, f)))
