"""A Project CodeNet directory -> tasks pairing a slow Accepted submission with a faster one.

Layout read:
  <root>/metadata/<pid>.csv    submission_id, problem_id, user_id, date, language, original_language,
                               filename_ext, status, cpu_time (ms), memory, code_size, accuracy
  <root>/data/<pid>/<language>/<submission_id>.<filename_ext>
  <root>/derived/input_output/data/<pid>/input.txt + output.txt   (the test input and its answer)
  <root>/problem_descriptions/<pid>.html                           (optional: the statement)

For each problem and language, a pair is (slowest, fastest) Accepted submission of one user whose
judged cpu_time differs by at least min_ratio; when no user has such a pair (and pairing allows it)
the problem's slowest and fastest Accepted submissions are paired instead. Rows are read as the data
stage reads them (bite_jax.data.codenet.metadata): Python only when original_language says Python 3.
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from pathlib import Path

from bite_jax.data.codenet.metadata import Stats, problem_files, submissions
from bite_jax.data.records import Task
from bite_jax.evaluate.loaders.common import BenchmarkFormatError, language_filter, select

log = logging.getLogger(__name__)

PAIRINGS = ('user', 'problem', 'user_or_problem')
_TAG = re.compile(r'<[^>]+>')


def _statement(root: Path, problem_id: str) -> str | None:
  page = root / 'problem_descriptions' / f'{problem_id}.html'
  if not page.is_file():
    return None
  text = html.unescape(_TAG.sub('', page.read_text(encoding='utf-8', errors='replace')))
  return re.sub(r'\n{3,}', '\n\n', text).strip() or None


def _submissions(root: Path, csv_path: Path, languages) -> dict[str, list[dict]]:
  """Accepted submissions with a cpu_time and a source file, by language key (the data stage's reader,
  bite_jax.data.codenet.metadata; a file it cannot read is an error here)."""
  out = defaultdict(list)
  stats = Stats()
  for sub in submissions(root, csv_path, stats):
    if languages is None or sub.language in languages:
      out[sub.language].append(
        {'sid': sub.submission_id, 'user': sub.user_id, 'cpu': sub.cpu_time, 'path': sub.path, 'line': sub.line}
      )
  if stats.bad_files:
    where, why = stats.bad_files[0]
    raise BenchmarkFormatError(f'{where}: {why}')
  return out


def _pairs(subs: list[dict], pairing: str, min_ratio: float, per_problem: int) -> list[tuple[dict, dict]]:
  """(slow, fast) submissions, best ratio first: same-user pairs, then the problem-wide one if allowed."""

  def ok(slow, fast):
    return (
      slow['sid'] != fast['sid'] and slow['cpu'] >= min_ratio * max(fast['cpu'], 1e-9) and slow['cpu'] > fast['cpu']
    )

  found = []
  if pairing in ('user', 'user_or_problem'):
    by_user = defaultdict(list)
    for s in subs:
      by_user[s['user']].append(s)
    for items in by_user.values():
      slow = max(items, key=lambda s: (s['cpu'], s['sid']))
      fast = min(items, key=lambda s: (s['cpu'], s['sid']))
      if ok(slow, fast):
        found.append((slow, fast))
  if not found and pairing in ('problem', 'user_or_problem') and subs:
    slow = max(subs, key=lambda s: (s['cpu'], s['sid']))
    fast = min(subs, key=lambda s: (s['cpu'], s['sid']))
    if ok(slow, fast):
      found.append((slow, fast))
  found.sort(key=lambda p: (-p[0]['cpu'] / max(p[1]['cpu'], 1e-9), p[0]['sid']))
  return found[:per_problem]


def load_codenet(
  root,
  *,
  languages=None,
  problems=None,
  limit: int | None = None,
  pairing: str = 'user_or_problem',
  min_ratio: float = 1.1,
  pairs_per_problem: int = 1,
) -> list[Task]:
  """CodeNet tasks, ids 'codenet/<pid>/<lang>/<slow sid>-<fast sid>'; see the module docstring.

  min_ratio: least judged cpu_time ratio slow/fast of a pair. pairs_per_problem: most pairs per
  (problem, language). Problems without derived/input_output/data/<pid>/input.txt are skipped.
  """
  root = Path(root)
  if pairing not in PAIRINGS:
    raise ValueError(f'pairing must be one of {", ".join(PAIRINGS)}, got {pairing!r}')
  if pairs_per_problem < 1:
    raise ValueError(f'pairs_per_problem must be >= 1, got {pairs_per_problem}')
  langs = language_filter(languages)
  wanted = None if problems is None else set(problems.split(',') if isinstance(problems, str) else problems)
  tasks, no_tests = [], 0
  for csv_path in problem_files(root):
    problem_id = csv_path.stem
    if wanted is not None and problem_id not in wanted:
      continue
    io_dir = root / 'derived' / 'input_output' / 'data' / problem_id
    if not (io_dir / 'input.txt').is_file() or not (io_dir / 'output.txt').is_file():
      no_tests += 1
      continue
    inputs = ((io_dir / 'input.txt').read_text(encoding='utf-8', errors='replace'),)
    outputs = ((io_dir / 'output.txt').read_text(encoding='utf-8', errors='replace'),)
    statement = _statement(root, problem_id)
    for lang, subs in sorted(_submissions(root, csv_path, langs).items()):
      for slow, fast in _pairs(subs, pairing, min_ratio, pairs_per_problem):
        tasks.append(
          Task(
            task_id=f'codenet/{problem_id}/{lang}/{slow["sid"]}-{fast["sid"]}',
            problem_id=problem_id,
            language=lang,
            src=slow['path'].read_text(encoding='utf-8', errors='replace'),
            expert=fast['path'].read_text(encoding='utf-8', errors='replace'),
            inputs=inputs,
            outputs=outputs,
            statement=statement,
            source='codenet',
          )
        )
  if no_tests:
    log.warning('%s: %d problem(s) skipped: no derived/input_output test', root, no_tests)
  return select(tasks, limit=limit)
