"""OUT/pairs.jsonl, OUT/roots.jsonl and OUT/stats.json from a Project CodeNet directory.

pairs.jsonl: one editor pair per line in our pair format (records.Pair: `language`, `problem_id`,
  `slow`, `fast`, `speedup` = judged cpu_time(slow) / cpu_time(fast), `source` 'codenet') plus
  `slow_id`, `fast_id` (submission ids), `slow_cpu_time_ms`, `fast_cpu_time_ms` and `same_user`.
roots.jsonl: one tree root per line as a records.Task (`task_id` 'codenet/<problem>/<language>/<id>',
  `src`, `inputs`, `outputs`) plus `submission_id` and `tests_from` ('derived' or 'statement').
stats.json: per language, metadata rows `read`, programs `kept`, `dropped` and `normalised` by
  reason, `pairs`, `roots`, `pairs_same_user`, `pairs_across_users`, and roots dropped for lack of
  tests (`roots_no_tests`) or for failing them (`roots_fails_own_tests`); plus `metadata_files`
  and the settings used.

Each file is written to a .tmp name and renamed into place; stats.json is renamed last, so its
presence says the other two are complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from bite_jax.data.codenet.metadata import Submission, problem_tests
from bite_jax.data.codenet.mining import mine
from bite_jax.data.records import Task
from executor import outputs_equal

VERIFY_CHUNK = 64  # roots checked per round while filling a language's quota


def _text(path: Path) -> str:
  # The miner already accepted this file as UTF-8; the same normalisation as metadata.read_program.
  return path.read_bytes().removeprefix(b'\xef\xbb\xbf').decode('utf-8').replace('\r\n', '\n').replace('\r', '\n')


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
      task = tasks[result['id']]
      runs = result.get('runs') or []
      ok[result['id']] = (
        result.get('status') == 'ok'
        and len(runs) == len(task.inputs)
        and all(outputs_equal(r.get('stdout', ''), want) for r, want in zip(runs, task.outputs))
      )
    return ok

  return verify


def _verified_roots(candidates, limit, verify, tests, counts) -> list[tuple[Submission, Task]]:
  """The first `limit` candidates (in order) whose program passes its tests; failures are counted."""
  kept, at = [], 0
  while len(kept) < limit and at < len(candidates):
    chunk = candidates[at : at + max(VERIFY_CHUNK, limit - len(kept))]
    at += len(chunk)
    tasks = [root_task(sub, tests[sub.problem_id]) for sub in chunk]
    passed = verify(tasks) if verify is not None else [True] * len(tasks)
    for sub, task, ok in zip(chunk, tasks, passed):
      if not ok:
        counts['roots_fails_own_tests'] = counts.get('roots_fails_own_tests', 0) + 1
      elif len(kept) < limit:
        kept.append((sub, task))
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
  progress=None,
) -> dict:
  """Mines ROOT (mining.mine) and writes OUT/{pairs,roots}.jsonl and OUT/stats.json; returns the stats.

  verify: None keeps every root that has tests (the executor check is skipped and stats say so);
  else a function of a list of Tasks -> [passes] (pool_verifier), and failing roots are dropped.
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
  tests = {}
  for subs in mined.roots.values():
    for sub in subs:
      if sub.problem_id not in tests:
        tests[sub.problem_id] = problem_tests(root, sub.problem_id)
  roots = {
    lang: _verified_roots(subs, roots_per_language, verify, tests, counts[lang]) for lang, subs in mined.roots.items()
  }
  out_dir.mkdir(parents=True, exist_ok=True)

  def write_pairs(f):
    for lang in sorted(mined.pairs):
      for p in mined.pairs[lang]:
        f.write(json.dumps(pair_record(p.slow, p.fast, p.same_user), ensure_ascii=False) + '\n')

  def write_roots(f):
    for lang in sorted(roots):
      for sub, task in roots[lang]:
        record = task.to_dict()
        record.update(submission_id=sub.submission_id, tests_from=tests[sub.problem_id][2])
        f.write(json.dumps(record, ensure_ascii=False) + '\n')

  _replace(out_dir / 'pairs.jsonl', write_pairs)
  _replace(out_dir / 'roots.jsonl', write_roots)
  stats = mined.stats.to_dict()
  for lang, entry in stats['languages'].items():
    entry['pairs'] = len(mined.pairs.get(lang, ()))
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
  }
  _replace(out_dir / 'stats.json', lambda f: f.write(json.dumps(stats, indent=1) + '\n'))
  return stats
