"""OUT/pairs.jsonl, OUT/roots.jsonl and OUT/stats.json from a Project CodeNet directory.

pairs.jsonl: one editor pair per line in our pair format (records.Pair: `language`, `problem_id`,
  `slow`, `fast`, `speedup` = judged cpu_time(slow) / cpu_time(fast), `source` 'codenet') plus
  `slow_id`, `fast_id` (submission ids), `slow_cpu_time_ms`, `fast_cpu_time_ms` and `same_user`;
  with the pairs checked in the executor, `measured_speedup` (its compare: slow cost / fast cost).
roots.jsonl: one tree root per line as a records.Task (`task_id` 'codenet/<problem>/<language>/<id>',
  `src`, `inputs`, `outputs`) plus `submission_id` and `tests_from` ('derived' or 'statement').
stats.json: per language, metadata rows `read`, programs `kept`, `dropped` and `normalised` by
  reason, `pairs`, `roots`, `pairs_same_user`, `pairs_across_users`, and roots dropped for lack of
  tests (`roots_no_tests`) or for failing them (`roots_fails_own_tests`), pairs dropped by the optional
  executor check (`pairs_no_tests`, `pairs_fail_tests`, `pairs_not_confirmed`); plus `metadata_files`
  and the settings used.

Each file is written to a .tmp name and renamed into place; stats.json is renamed last, so its
presence says the other two are complete.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from bite_jax.data.codenet.metadata import Submission, problem_tests, program_text
from bite_jax.data.codenet.mining import PROGRESS_EVERY_S, mine
from bite_jax.data.codenet.mining import progress as mining_progress
from bite_jax.data.records import Task
from executor import outputs_equal

VERIFY_CHUNK = 256  # candidates run per round while filling a quota (at most this many run past it)


def _text(path: Path) -> str:
  return program_text(path.read_bytes())  # the miner read this file as UTF-8 already


def pair_record(slow: Submission, fast: Submission, same_user: bool) -> dict:
  return {
    'language': slow.language,
    'problem_id': slow.problem_id,
    'slow': _text(slow.path),
    'fast': _text(fast.path),
    'speedup': slow.cpu_time / fast.cpu_time,
    'source': 'codenet',
    'slow_id': slow.submission_id,
    'fast_id': fast.submission_id,
    'slow_cpu_time_ms': slow.cpu_time,
    'fast_cpu_time_ms': fast.cpu_time,
    'same_user': same_user,
  }


def root_task(sub: Submission, tests) -> Task:
  inputs, outputs, _ = tests
  return Task(
    task_id=f'codenet/{sub.problem_id}/{sub.language}/{sub.submission_id}',
    problem_id=sub.problem_id,
    language=sub.language,
    src=_text(sub.path),
    expert=None,
    inputs=inputs,
    outputs=outputs,
    source='codenet',
  )


def pool_verifier(pool, *, timeout: float, memory_mb: int) -> Callable[[list[Task]], list[bool]]:
  """A verifier for `prepare`: runs each task's `src` on its inputs in an executor.Pool and says whether
  every run ends ok and prints the expected output (executor.outputs_equal)."""

  def verify(tasks: list[Task]) -> list[bool]:
    jobs = [
      {
        'id': i,
        'kind': 'run',
        'lang': t.language,
        'source': t.src,
        'inputs': list(t.inputs),
        'timeout': timeout,
        'memory_mb': memory_mb,
      }
      for i, t in enumerate(tasks)
    ]
    ok = [False] * len(tasks)
    for result in pool.map_unordered(jobs):
      ok[result['id']] = _passes(result, tasks[result['id']])
    return ok

  return verify


def pool_pair_verifier(pool, *, threshold: float, timeout: float, memory_mb: int):
  """A pair verifier for `prepare`: for each (slow Task, fast program), runs both programs on the task's
  tests and compares them (executor compare job: fast against slow, repeated interleaved runs) in an
  executor.Pool. Returns, per pair, (None, measured speedup) when both pass and fast is faster by
  `threshold`, else (reason, measured speedup or None): pairs_fail_tests or pairs_not_confirmed."""
  limits = {'timeout': timeout, 'memory_mb': memory_mb}

  def verify(pairs: list[tuple[Task, str]]) -> list[tuple[str | None, float | None]]:
    jobs = []
    for i, (task, fast) in enumerate(pairs):
      inputs = list(task.inputs)
      for role, source in (('slow', task.src), ('fast', fast)):
        jobs.append(
          {'id': [role, i], 'kind': 'run', 'lang': task.language, 'source': source, 'inputs': inputs, **limits}
        )
      jobs.append(
        {
          'id': ['compare', i],
          'kind': 'compare',
          'lang': task.language,
          'baseline': task.src,
          'candidate': fast,
          'inputs': inputs,
          'threshold': threshold,
          **limits,
        }
      )
    results = {tuple(r['id']): r for r in pool.map_unordered(jobs)}
    out = []
    for i, (task, _) in enumerate(pairs):
      passed = all(_passes(results[(role, i)], task) for role in ('slow', 'fast'))
      compared = results[('compare', i)]
      speedup = compared.get('speedup')
      if not passed:
        out.append(('pairs_fail_tests', speedup))
      elif not (compared.get('correct') and compared.get('faster')):
        out.append(('pairs_not_confirmed', speedup))
      else:
        out.append((None, speedup))
    return out

  return verify


def _passes(result: dict, task: Task) -> bool:
  runs = result.get('runs') or []
  return (
    result.get('status') == 'ok'
    and len(runs) == len(task.inputs)
    and all(outputs_equal(r.get('stdout', ''), want) for r, want in zip(runs, task.outputs))
  )


def _take(candidates: list, limit: int, check, counts: dict, progress=None, what: str = '') -> list:
  """The first `limit` candidates, in order, that `check` passes (None: all). check(chunk) gives a drop
  reason or None per item; candidates are checked in chunks of VERIFY_CHUNK until the quota is filled,
  the reasons counted in `counts`, and a line about `what` sent to `progress` every PROGRESS_EVERY_S."""
  if check is None:
    return candidates[:limit]
  kept, at, last = [], 0, time.time()
  while len(kept) < limit and at < len(candidates):
    chunk = candidates[at : at + VERIFY_CHUNK]
    at += len(chunk)
    for item, why in zip(chunk, check(chunk)):
      if why:
        counts[why] = counts.get(why, 0) + 1
      elif len(kept) < limit:
        kept.append(item)
    if progress is not None and time.time() - last >= PROGRESS_EVERY_S:
      progress(f'{what}: {at} checked in the executor, {len(kept)} kept (quota {limit})')
      last = time.time()
  return kept


def _replace(path: Path, write) -> None:
  tmp = path.with_name(path.name + '.tmp')
  with tmp.open('w', encoding='utf-8') as f:
    write(f)
  os.replace(tmp, path)


def prepare(
  root,
  out_dir,
  *,
  pairs_per_language: int = 5000,
  roots_per_language: int = 10000,
  min_speedup: float = 1.1,
  seed: int = 0,
  max_tokens: int = 2048,
  count_tokens=None,
  languages=None,
  verify: Callable[[list[Task]], list[bool]] | None = None,
  verify_pairs=None,
  progress=None,
) -> dict:
  """Mines ROOT (mining.mine) and writes OUT/{pairs,roots}.jsonl and OUT/stats.json; returns the stats.

  verify: None keeps every root that has tests (the executor check is skipped and stats say so);
  else a function of a list of Tasks -> [passes] (pool_verifier), and failing roots are dropped.
  verify_pairs: None keeps pairs on the judge's times; else a function of [(slow as a Task, fast
  program)] -> [(drop reason or None, measured speedup)] (pool_pair_verifier); a pair whose problem has
  no tests is then dropped as pairs_no_tests. Dropped candidates are replaced by the next in order.
  """
  root, out_dir = Path(root), Path(out_dir)
  options = {} if count_tokens is None else {'count_tokens': count_tokens}
  if progress is not None:
    options['progress'] = progress
  mined = mine(
    root,
    pairs_per_language=pairs_per_language,
    roots_per_language=roots_per_language,
    min_speedup=min_speedup,
    seed=seed,
    max_tokens=max_tokens,
    languages=languages,
    **options,
  )
  counts = {lang: dict(mined.pair_stats.get(lang, {})) for lang in set(mined.pairs) | set(mined.roots)}
  tests = functools.lru_cache(maxsize=256)(lambda problem_id: problem_tests(root, problem_id))
  measured = {}

  def check_roots(subs):
    passed = verify([root_task(sub, tests(sub.problem_id)) for sub in subs])
    return [None if ok else 'roots_fails_own_tests' for ok in passed]

  def check_pairs(pairs):
    why = {i: 'pairs_no_tests' for i, p in enumerate(pairs) if tests(p.slow.problem_id) is None}
    todo = [i for i in range(len(pairs)) if i not in why]
    verdicts = verify_pairs(
      [(root_task(pairs[i].slow, tests(pairs[i].slow.problem_id)), _text(pairs[i].fast.path)) for i in todo]
    )
    for i, (reason, speedup) in zip(todo, verdicts):
      why[i] = reason
      measured[pairs[i].slow.submission_id] = speedup
    return [why[i] for i in range(len(pairs))]

  say = progress or mining_progress
  pairs = {
    lang: _take(found, pairs_per_language, check_pairs if verify_pairs else None, counts[lang], say, f'{lang} pairs')
    for lang, found in mined.pairs.items()
  }
  roots = {
    lang: _take(found, roots_per_language, check_roots if verify else None, counts[lang], say, f'{lang} roots')
    for lang, found in mined.roots.items()
  }
  out_dir.mkdir(parents=True, exist_ok=True)

  def write_pairs(f):
    for lang in sorted(pairs):
      for p in pairs[lang]:
        record = pair_record(p.slow, p.fast, p.same_user)
        if verify_pairs:
          record['measured_speedup'] = measured[p.slow.submission_id]
        f.write(json.dumps(record, ensure_ascii=False) + '\n')

  def write_roots(f):
    for lang in sorted(roots):
      for sub in roots[lang]:
        found = tests(sub.problem_id)
        record = root_task(sub, found).to_dict()
        record.update(submission_id=sub.submission_id, tests_from=found[2])
        f.write(json.dumps(record, ensure_ascii=False) + '\n')

  _replace(out_dir / 'pairs.jsonl', write_pairs)
  _replace(out_dir / 'roots.jsonl', write_roots)
  stats = mined.stats.to_dict()
  for lang, entry in stats['languages'].items():
    entry['pairs'] = len(pairs.get(lang, ()))
    entry['pairs_same_user'] = sum(p.same_user for p in pairs.get(lang, ()))
    entry['pairs_across_users'] = entry['pairs'] - entry['pairs_same_user']
    entry['roots'] = len(roots.get(lang, ()))
    entry.update(counts.get(lang, {}))
  stats['settings'] = {
    'codenet': str(root),
    'pairs_per_language': pairs_per_language,
    'roots_per_language': roots_per_language,
    'min_speedup': min_speedup,
    'seed': seed,
    'max_tokens': max_tokens,
    'tokens': 'estimated (characters / 3)' if count_tokens is None else 'tokenizer',
    'roots_verified': verify is not None,
    'pairs_verified': verify_pairs is not None,
  }
  _replace(out_dir / 'stats.json', lambda f: f.write(json.dumps(stats, indent=1) + '\n'))
  return stats
