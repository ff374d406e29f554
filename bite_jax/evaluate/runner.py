"""Scoring candidates on a benchmark through the executor pool, with incremental, resumable results.

Each task goes through two stages of executor jobs, run in parallel over the pool's workers:

1. check: src, expert and each distinct candidate run once on the task's inputs (`run` jobs), and src
   and expert on `extra_inputs` extra inputs (bite_jax.data.inputs). A task whose src or expert fails
   (or, with expected outputs, prints something else) is invalid and left out of the metrics. A
   candidate is correct when it prints the reference on every input (verdicts.py) and, checked next
   with one more `run` job, what src prints on every extra input src runs on and the expert agrees
   with src on (else 'differs_on_extra': an edit that special-cases the task's inputs is not correct).
2. measure: when at least one candidate is correct, one `measure` job runs [src, expert, correct
   candidates...] interleaved for `repeats` rounds; costs and paired speedups come from it. A candidate
   identical to src is measured like any other.
3. settle: a candidate whose speedup interval (at `confidence`) still contains the OPT threshold 1.10
   gets more rounds against src (further `measure` jobs, pooled) until it does not or it has
   `max_rounds`, so measurement noise rarely decides OPT.

Every task's row is appended to OUT/results.jsonl as soon as it is known, so a killed run loses
nothing already scored; a rerun with the same tasks, candidates and settings reuses those rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import queue
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from bite_jax.data.inputs import extra_inputs as derive_extra_inputs
from bite_jax.data.inputs import inputs_digest
from bite_jax.data.records import Task
from bite_jax.evaluate import metrics
from bite_jax.evaluate.candidates import Candidate, from_records, group_by_task
from bite_jax.evaluate.complexity import THRESHOLD, task_complexities
from bite_jax.evaluate.progress import Progress
from bite_jax.evaluate.report import outcomes, write_outputs
from bite_jax.evaluate.verdicts import (
  Check,
  Costs,
  accepted_references,
  add_rounds,
  check_runs,
  expected_references,
  extra_check,
  failure,
  measured_costs,
  run_references,
  run_seconds,
  unsettled,
)
from executor import Pool

log = logging.getLogger(__name__)

RESULTS = 'results.jsonl'


@dataclasses.dataclass(frozen=True)
class ScoringConfig:
  """How programs are run and measured. meter: None/'auto', 'cpu' or 'instructions'. repeats: measured
  rounds per measure job (None: the executor's default, 5 for cpu). timeout: CPU seconds per run;
  memory_mb per run. confidence, max_rounds: of the speedup intervals and of the settle stage.
  extra_inputs: extra inputs a candidate must match src on (0 = no such check)."""

  meter: str | None = None
  repeats: int | None = None
  timeout: float | None = None
  memory_mb: int | None = None
  confidence: float = 0.95
  max_rounds: int = 20
  extra_inputs: int = 8

  def __post_init__(self):
    if self.meter not in (None, 'auto', 'cpu', 'instructions'):
      raise ValueError(f'meter must be auto, cpu or instructions, got {self.meter!r}')
    if self.repeats is not None and self.repeats < 1:
      raise ValueError(f'repeats must be >= 1, got {self.repeats}')
    if not 0.5 < self.confidence < 1:
      raise ValueError(f'confidence must be in (0.5, 1), got {self.confidence}')
    if isinstance(self.extra_inputs, bool) or int(self.extra_inputs) != self.extra_inputs or self.extra_inputs < 0:
      raise ValueError(f'extra_inputs must be an integer >= 0, got {self.extra_inputs!r}')

  def job_fields(self) -> dict:
    return {k: v for k, v in (('timeout', self.timeout), ('memory_mb', self.memory_mb)) if v is not None}


def _sha(text: str) -> str:
  return hashlib.sha256(text.encode('utf-8', errors='surrogatepass')).hexdigest()


def fingerprint(task: Task, samples: list[Candidate], config: ScoringConfig, extras=()) -> str:
  """Identity of one task's scoring: its programs, inputs, candidates, settings and extra inputs."""
  settings = dataclasses.asdict(config)
  if not settings['extra_inputs']:
    del settings['extra_inputs']  # rows scored before the check existed stay valid while it is off
  parts = [
    task.task_id,
    task.language,
    _sha(task.src),
    _sha(task.expert or ''),
    _sha(json.dumps(task.inputs)),
    _sha(json.dumps(task.outputs)),
    [(c.sample_index, _sha(c.code)) for c in samples],
    settings,
  ]
  if extras:
    parts.append(inputs_digest(extras))
  return _sha(json.dumps(parts))


@dataclasses.dataclass
class _TaskState:
  task: Task
  samples: list[Candidate]
  fingerprint: str
  codes: list[str]
  code_of: list[int]  # sample position -> index into codes
  pending: int = 0
  results: dict = dataclasses.field(default_factory=dict)
  checks: list = dataclasses.field(default_factory=list)
  references: list | None = None
  measured: list[int] = dataclasses.field(default_factory=list)  # code indices sent to measure
  costs: Costs | None = None
  settling: list[int] = dataclasses.field(default_factory=list)  # positions in measured being re-measured
  extras: tuple = ()  # extra inputs (bite_jax.data.inputs) candidates must match src on
  extra_refs: list | None = None  # (extra index, src's output) where src runs and the expert agrees; None: unchecked
  extra_runs: int = 0  # runs and seconds the extra-input check took (src's, the expert's, the candidates' jobs)
  extra_seconds: float = 0.0


def _state(task: Task, samples: list[Candidate], config: ScoringConfig) -> _TaskState:
  codes, index, code_of = [], {}, []
  for c in samples:
    if c.code not in index:
      index[c.code] = len(codes)
      codes.append(c.code)
    code_of.append(index[c.code])
  extras = derive_extra_inputs(task, config.extra_inputs) if codes else ()
  return _TaskState(
    task=task,
    samples=samples,
    fingerprint=fingerprint(task, samples, config, extras),
    codes=codes,
    code_of=code_of,
    extras=extras,
  )


def _sample_row(c: Candidate, check: Check | None, measured, reason: str, old: float | None, rounds: int) -> dict:
  """measured: (speedup, low, high) for a correct candidate, else None."""
  correct = measured is not None
  return {
    'sample_index': c.sample_index,
    'correct': correct,
    'reason': 'ok' if correct else (reason or (check.reason if check else 'not run')),
    'detail': '' if correct or check is None else check.detail,
    'new': old / measured[0] if correct else None,
    'speedup': measured[0] if correct else None,
    'interval': list(measured[1:]) if correct else None,
    'rounds': rounds if correct else None,
  }


def _row(state: _TaskState, *, invalid: str = '', costs: Costs | None = None, confidence: float = 0.95) -> dict:
  """The results.jsonl row of a finished task (see the README for the fields)."""
  task = state.task
  row = {
    'task_id': task.task_id,
    'problem_id': task.problem_id,
    'language': task.language,
    'source': task.source,
    'status': 'invalid' if invalid else 'scored',
    'reason': invalid,
    'old': None,
    'opti': None,
    'meter': costs.meter if costs else None,
    'meter_backend': costs.meter_backend if costs else None,
    'extra_inputs': len(state.extra_refs) if state.extra_refs is not None else None,
    'extra_runs': state.extra_runs,
    'extra_seconds': round(state.extra_seconds, 6),
    'fingerprint': state.fingerprint,
  }
  old = costs.old if costs else None
  if costs:
    row.update(old=costs.old, opti=costs.opti)
  samples = []
  for pos, c in enumerate(state.samples):
    j = state.code_of[pos]
    check = state.checks[j] if j < len(state.checks) else None
    measured, reason, rounds = None, '', 0
    if costs and j in state.measured:
      k = state.measured.index(j)
      measured, reason = costs.speedup(k, confidence), costs.reasons[k]
      rounds = len(costs.logs[k] or [])
    samples.append(_sample_row(c, check, measured, reason, old, rounds))
  if not state.samples:
    samples.append(
      {
        'sample_index': 0,
        'correct': False,
        'reason': 'no candidate',
        'detail': '',
        'new': None,
        'speedup': None,
        'interval': None,
        'rounds': None,
      }
    )
  row['samples'] = samples
  if not invalid:
    best = metrics.best_of_k(outcomes([row]))
    scores = metrics.task_scores(best)
    row.update(
      correct=best.correct,
      best_sample=best.sample_index,
      new=best.new if best.correct else None,
      speedup=scores['speedup'],
      ap=scores['ap'],
      opt=bool(scores['opt']),
    )
  else:
    row.update(correct=False, best_sample=None, new=None, speedup=None, ap=None, opt=None)
  return row


def read_results(path) -> list[dict]:
  """Rows of a results.jsonl; a torn or malformed line (a killed write) is skipped."""
  path = Path(path)
  rows = []
  if not path.is_file():
    return rows
  with path.open(encoding='utf-8') as f:
    for number, line in enumerate(f, 1):
      try:
        row = json.loads(line)
      except json.JSONDecodeError:
        log.warning('%s:%d: unreadable row skipped (torn write?)', path, number)
        continue
      if isinstance(row, dict) and 'task_id' in row and 'fingerprint' in row:
        rows.append(row)
  return rows


class _Scheduler:
  """Feeds the pool: stage-2 jobs first (they finish tasks), then stage-1 jobs, at most max_in_flight."""

  def __init__(self, pool):
    self.pool, self.done, self.in_flight, self.urgent = pool, queue.SimpleQueue(), 0, deque()

  def fill(self, jobs) -> None:
    while self.in_flight < self.pool.max_in_flight:
      if self.urgent:
        tag, job = self.urgent.popleft()
      else:
        item = next(jobs, None)
        if item is None:
          return
        tag, job = item
      self.pool.submit(job).add_done_callback(lambda f, tag=tag: self.done.put((tag, f)))
      self.in_flight += 1

  def next_result(self):
    tag, future = self.done.get()
    self.in_flight -= 1
    return tag, future.result()


def evaluate_candidates(
  tasks: Iterable[Task],
  candidates,
  out_dir,
  *,
  pool=None,
  workers: int | None = None,
  executor_config=None,
  meter: str | None = None,
  repeats: int | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  confidence: float = 0.95,
  max_rounds: int = 20,
  extra_inputs: int = 8,
  resume: bool = True,
  progress: bool = True,
  title: str = 'Evaluation',
  details: dict | None = None,
  complexity_threshold: int = THRESHOLD,
) -> dict:
  """Scores candidates (Candidate objects or {"task_id", "code", "sample_index"} dicts) on tasks.

  Writes OUT/results.jsonl (one row per task, appended as each finishes), OUT/metrics.json,
  OUT/report.md and OUT/speedups.png; returns the metrics dict. pool: an executor.Pool to share
  (else one with `workers` processes is opened and closed here). meter, repeats, timeout (CPU
  seconds), memory_mb, confidence, max_rounds: see ScoringConfig. extra_inputs: a candidate that is
  right on the task's inputs must also print what src prints on this many extra inputs
  (bite_jax.data.inputs; 0 = off), else it is incorrect ('differs_on_extra'). A task without candidates
  counts as incorrect. metrics.json also splits the tasks by their source's cyclomatic complexity at
  `complexity_threshold` (bite_jax.evaluate.complexity). Raises CandidateError naming the candidate of
  an unknown task.
  """
  tasks = list(tasks)
  if len({t.task_id for t in tasks}) != len(tasks):
    raise ValueError('evaluate_candidates: task ids must be unique')
  for t in tasks:
    if t.expert is None:
      raise ValueError(f'task {t.task_id} has no expert program: opti (and AP) cannot be measured')
  config = ScoringConfig(
    meter=meter,
    repeats=repeats,
    timeout=timeout,
    memory_mb=memory_mb,
    confidence=confidence,
    max_rounds=max_rounds,
    extra_inputs=extra_inputs,
  )
  grouped = group_by_task(from_records(candidates), tasks)
  missing = sum(1 for t in tasks if t.task_id not in grouped)
  if missing:
    log.warning('%d of %d tasks have no candidate: they count as incorrect', missing, len(tasks))
  out_dir = Path(out_dir)
  out_dir.mkdir(parents=True, exist_ok=True)
  states = {t.task_id: _state(t, grouped.get(t.task_id, []), config) for t in tasks}
  rows = _resumed_rows(out_dir / RESULTS, states, resume)
  todo = [s for s in states.values() if s.task.task_id not in rows]
  bar = Progress(len(tasks), already=len(rows), enabled=progress)
  if rows and progress:
    print(f'[evaluate] reusing {len(rows)} scored task(s) from {out_dir / RESULTS}', flush=True, file=bar.stream)
  if todo:
    own = pool is None
    if own:
      pool = Pool(workers, config=executor_config)
    try:
      with (out_dir / RESULTS).open('a', encoding='utf-8') as sink:
        for row in _score(todo, pool, config):
          rows[row['task_id']] = row
          sink.write(json.dumps(row) + '\n')
          sink.flush()
          bar.advance(note=f'{sum(1 for r in rows.values() if r.get("correct"))} correct')
    finally:
      if own:
        pool.close()
  ordered = [rows[t.task_id] for t in tasks]
  return write_outputs(
    ordered,
    out_dir,
    title=title,
    details=details,
    complexities=task_complexities(tasks),
    threshold=complexity_threshold,
  )


def _resumed_rows(path: Path, states: dict, resume: bool) -> dict:
  """Rows of a previous run that match the current tasks and settings; the file is rewritten to hold only them."""
  kept = {}
  if resume:
    for row in read_results(path):
      state = states.get(row['task_id'])
      if state is not None and row['fingerprint'] == state.fingerprint:
        kept[row['task_id']] = row
  tmp = path.with_suffix('.jsonl.tmp')
  with tmp.open('w', encoding='utf-8') as f:
    for row in kept.values():
      f.write(json.dumps(row) + '\n')
  os.replace(tmp, path)
  return kept


def _check_jobs(states: list[_TaskState], config: ScoringConfig):
  """Stage-1 jobs, lazily: ((task_id, role, j), job) for src, expert and each distinct candidate."""
  for s in states:
    if not s.codes:
      continue
    programs = [('src', 0, s.task.src), ('expert', 0, s.task.expert)] + [('cand', j, c) for j, c in enumerate(s.codes)]
    if s.extras:
      programs += [('src_extra', 0, s.task.src), ('expert_extra', 0, s.task.expert)]
    s.pending = len(programs)
    for role, j, source in programs:
      inputs = s.extras if role.endswith('_extra') else s.task.inputs
      yield (s.task.task_id, role, j), _run_job(s, role, j, source, inputs, config)


def _run_job(s: _TaskState, role: str, j: int, source: str, inputs, config: ScoringConfig) -> dict:
  return {
    'kind': 'run',
    'id': f'{s.task.task_id}:{role}:{j}',
    'lang': s.task.language,
    'source': source,
    'inputs': list(inputs),
    **config.job_fields(),
  }


def _after_checks(s: _TaskState, config: ScoringConfig) -> tuple[str, list]:
  """(invalid reason or '', next jobs: the candidates' extra-input runs, else the measure job, else none)
  once a task's stage-1 results are in."""
  task, src = s.task, s.results[('src', 0)]
  expected = expected_references(task.outputs) if task.outputs is not None else None
  failed = failure(src)
  if failed is not None:
    return f'src fails: {failed.reason} {failed.detail}'.strip(), []
  s.references = expected if expected is not None else run_references(src)
  if expected is not None:
    own = check_runs(src, expected)
    if own.reason not in ('ok', 'undecided'):
      return f'src does not print the expected output: {own.reason} {own.detail}'.strip(), []
  expert = check_runs(s.results[('expert', 0)], s.references)
  if expert.reason not in ('ok', 'undecided'):
    return f'expert is not correct: {expert.reason} {expert.detail}'.strip(), []
  s.checks = [check_runs(s.results[('cand', j)], s.references) for j in range(len(s.codes))]
  s.measured = [j for j, c in enumerate(s.checks) if c.reason in ('ok', 'undecided')]
  if ('src_extra', 0) in s.results:
    src_extra, expert_extra = s.results[('src_extra', 0)], s.results[('expert_extra', 0)]
    s.extra_refs = accepted_references(src_extra, expert_extra)
    s.extra_runs = len(src_extra.get('runs') or []) + len(expert_extra.get('runs') or [])
    s.extra_seconds = run_seconds(src_extra) + run_seconds(expert_extra)
    if s.measured and s.extra_refs:
      s.pending = len(s.measured)
      inputs = [s.extras[i] for i, _ in s.extra_refs]
      return '', [((task.task_id, 'extra', j), _run_job(s, 'extra', j, s.codes[j], inputs, config)) for j in s.measured]
  return '', _measure_jobs(s, config)


def _after_extra_checks(s: _TaskState, config: ScoringConfig) -> list:
  """The measure job (or none) once every candidate's extra-input run is in; those that differ drop out."""
  for j in s.measured:
    result = s.results[('extra', j)]
    s.extra_runs += len(result.get('runs') or [])
    s.extra_seconds += run_seconds(result)
    check = extra_check(result, s.extra_refs)
    if not check.ok:
      s.checks[j] = check
  s.measured = [j for j in s.measured if s.checks[j].reason in ('ok', 'undecided')]
  return _measure_jobs(s, config)


def _measure_jobs(s: _TaskState, config: ScoringConfig) -> list:
  """[((task_id, 'measure', 0), job)] for [src, expert, correct candidates...], or [] when none is correct."""
  task = s.task
  if not s.measured:
    return []
  job = {
    'kind': 'measure',
    'id': f'{task.task_id}:measure',
    'lang': task.language,
    'inputs': list(task.inputs),
    'sources': [task.src, task.expert] + [s.codes[j] for j in s.measured],
    **config.job_fields(),
  }
  if config.meter is not None:
    job['meter'] = config.meter
  if config.repeats is not None:
    job['repeats'] = config.repeats
  return [((task.task_id, 'measure', 0), job)]


def _settle_job(s: _TaskState, config: ScoringConfig) -> dict | None:
  """A follow-up measure job of [src, unsettled candidates...], or None when every speedup is settled."""
  costs = s.costs
  if costs.exact:
    return None
  s.settling = [
    k
    for k, logs in enumerate(costs.logs)
    if logs is not None and len(logs) < config.max_rounds and unsettled(logs, config.confidence, metrics.OPT_THRESHOLD)
  ]
  if not s.settling:
    return None
  done = max(len(costs.logs[k]) for k in s.settling)
  job = {
    'kind': 'measure',
    'id': f'{s.task.task_id}:settle',
    'lang': s.task.language,
    'inputs': list(s.task.inputs),
    'sources': [s.task.src] + [s.codes[s.measured[k]] for k in s.settling],
    'repeats': max(1, min(config.repeats or 5, config.max_rounds - done)),
    **config.job_fields(),
  }
  if config.meter is not None:
    job['meter'] = config.meter
  return job


def _score(states: list[_TaskState], pool, config: ScoringConfig):
  """Yields each task's row as soon as it is final (order of completion)."""
  by_id = {s.task.task_id: s for s in states}
  for s in states:
    if not s.codes:
      yield _row(s)
  scheduler = _Scheduler(pool)
  jobs = _check_jobs(states, config)
  while True:
    scheduler.fill(jobs)
    if scheduler.in_flight == 0:
      return
    (task_id, role, j), result = scheduler.next_result()
    s = by_id[task_id]
    if role in ('measure', 'settle'):
      expected = expected_references(s.task.outputs) if s.task.outputs is not None else None
      if role == 'measure':
        undecided = [s.checks[j].reason == 'undecided' for j in s.measured]
        s.costs, why = measured_costs(result, len(s.measured), expected, undecided)
        if s.costs is None:
          yield _row(s, invalid=why)
          continue
      else:
        add_rounds(s.costs, result, s.settling, expected)
      job = _settle_job(s, config)
      if job is not None:
        scheduler.urgent.append(((task_id, 'settle', 0), job))
      else:
        yield _row(s, costs=s.costs, confidence=config.confidence)
      continue
    s.results[(role, j)] = result
    s.pending -= 1
    if s.pending:
      continue
    if role == 'extra':
      invalid, follow = '', _after_extra_checks(s, config)
    else:
      invalid, follow = _after_checks(s, config)
    s.results.clear()  # these outputs are no longer needed
    if invalid or not follow:
      yield _row(s, invalid=invalid)
    else:
      scheduler.urgent.extend(follow)
