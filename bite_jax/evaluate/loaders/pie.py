"""PIE (Performance-Improving Edits) JSONL -> tasks.

A line has `problem_id`, `input` (the slow program), `target` (the fast one) and optional
`language`, `submission_id_v0`/`submission_id_v1`, `cpu_time_v0`/`cpu_time_v1` (ms, as judged).
Test inputs and expected outputs come from a test-case directory (`<dir>/<problem_id>/input.N.txt`
+ `output.N.txt`, PIE's and ECCO's layout), from the sample I/O of CodeNet problem statements
(`problem_descriptions.tar.gz`, read in one pass), or both (the directory first).
"""

from __future__ import annotations

import logging
from pathlib import Path

from bite_jax.data.records import Task, normalize_language
from bite_jax.evaluate.loaders.common import (
  BenchmarkFormatError,
  CaseDirs,
  read_jsonl,
  required_str,
  select,
  unique_ids,
)
from executor import sample_io_many

log = logging.getLogger(__name__)


def _statement_cases(problem_ids, statements) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
  """Sample (inputs, outputs) per problem parsed from CodeNet statement HTML, one pass over the tarball."""
  pairs = sample_io_many(sorted(problem_ids), statements)
  return {pid: (tuple(i for i, _ in p), tuple(o for _, o in p)) for pid, p in pairs.items() if p}


def load_pairs_jsonl(
  path,
  *,
  source: str,
  tests_dir=None,
  statements=None,
  language: str | None = None,
  languages=None,
  problems=None,
  limit: int | None = None,
  split: str | None = None,
) -> list[Task]:
  """Tasks from a JSONL of (input=slow, target=fast) rows; see the module docstring.

  source: 'pie' or 'ecco' (the task id prefix). language: for rows without a `language` field.
  Rows whose problem has no test case anywhere are skipped (counted in a warning).
  Raises BenchmarkFormatError naming file:line and field for a malformed row.
  """
  path = Path(path)
  if tests_dir is None and statements is None:
    raise ValueError(
      f'{source}:{path} needs test cases: give tests_dir (<dir>/<problem_id>/input.N.txt + '
      'output.N.txt) or statements (CodeNet problem_descriptions.tar.gz with sample I/O)'
    )
  rows = []
  for number, record in read_jsonl(path):
    where = f'{path}:{number}'
    problem_id = str(record.get('problem_id') or '').strip()
    if not problem_id:
      raise BenchmarkFormatError(f"{where}: field 'problem_id' is missing or empty")
    slow, fast = required_str(record, 'input', where), required_str(record, 'target', where)
    lang = record.get('language', language)
    if lang is None:
      raise BenchmarkFormatError(f"{where}: no 'language' field; pass language= (--language) for this file")
    try:
      lang = normalize_language(str(lang))
    except ValueError as e:
      raise BenchmarkFormatError(f"{where}: field 'language': {e}") from None
    v0, v1 = record.get('submission_id_v0'), record.get('submission_id_v1')
    base = f'{source}/{problem_id}/{v0}-{v1}' if v0 and v1 else f'{source}/{problem_id}/line{number}'
    rows.append((base, problem_id, lang, slow, fast))
  ids = unique_ids([r[0] for r in rows])
  problem_ids = {r[1] for r in rows}
  if problems is not None:
    wanted = set(problems.split(',') if isinstance(problems, str) else problems)
    problem_ids &= wanted
  cases = {}
  if tests_dir is not None:
    dirs = CaseDirs(tests_dir)
    for pid in problem_ids:
      found = dirs.cases(pid)
      if found is not None:
        cases[pid] = found
  if statements is not None:
    missing = problem_ids - set(cases)
    if missing:
      cases.update(_statement_cases(missing, statements))
  tasks, skipped = [], 0
  for task_id, (_, problem_id, lang, slow, fast) in zip(ids, rows):
    if problem_id not in problem_ids:
      continue
    if problem_id not in cases:
      skipped += 1
      continue
    inputs, outputs = cases[problem_id]
    tasks.append(
      Task(
        task_id=task_id,
        problem_id=problem_id,
        language=lang,
        src=slow,
        expert=fast,
        inputs=inputs,
        outputs=outputs,
        split=split,
        source=source,
      )
    )
  if skipped:
    log.warning('%s: %d of %d rows skipped: their problem has no test case', path, skipped, len(rows))
  return select(tasks, languages=languages, limit=limit)


def load_pie(
  path,
  *,
  tests_dir=None,
  statements=None,
  language: str | None = None,
  languages=None,
  problems=None,
  limit: int | None = None,
) -> list[Task]:
  """PIE tasks (ids 'pie/<problem_id>/<slow submission>-<fast submission>'); see load_pairs_jsonl."""
  return load_pairs_jsonl(
    path,
    source='pie',
    tests_dir=tests_dir,
    statements=statements,
    language=language,
    languages=languages,
    problems=problems,
    limit=limit,
  )
