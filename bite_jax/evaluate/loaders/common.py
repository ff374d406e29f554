"""Shared pieces of the benchmark loaders: JSONL reading with file:line errors, test-case
directories (`<dir>/<problem_id>/input.N.txt` + `output.N.txt`) and task filtering."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from bite_jax.data.records import LANGUAGES, Task, normalize_language

_CASE_FILE = re.compile(r'input\.(\d+)\.txt\Z')


class BenchmarkFormatError(ValueError):
  """A benchmark file does not have the expected layout; the message names the file (and line)."""


def read_jsonl(path) -> Iterator[tuple[int, dict]]:
  """(line number, object) for every non-blank line; BenchmarkFormatError naming file:line otherwise."""
  path = Path(path)
  if not path.is_file():
    raise FileNotFoundError(f'{path}: file does not exist')
  with path.open(encoding='utf-8') as f:
    for number, line in enumerate(f, 1):
      if not line.strip():
        continue
      try:
        record = json.loads(line)
      except json.JSONDecodeError as e:
        raise BenchmarkFormatError(f'{path}:{number}: not valid JSON ({e.msg})') from None
      if not isinstance(record, dict):
        raise BenchmarkFormatError(f'{path}:{number}: expected a JSON object, got {type(record).__name__}')
      yield number, record


def required_str(record: dict, key: str, where: str) -> str:
  """record[key] as a non-empty string, else BenchmarkFormatError naming `where` and the field."""
  value = record.get(key)
  if not isinstance(value, str) or not value.strip():
    got = 'missing' if key not in record else f'a {type(value).__name__}' if not isinstance(value, str) else 'empty'
    raise BenchmarkFormatError(f'{where}: field {key!r} must be a non-empty string ({got})')
  return value


def read_case_dir(directory: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
  """(inputs, outputs) of one problem's test directory: input.N.txt with output.N.txt, by N.

  Raises BenchmarkFormatError naming the input file whose output file is missing.
  """
  cases = []
  for path in directory.iterdir():
    match = _CASE_FILE.match(path.name)
    if match:
      cases.append((int(match.group(1)), path))
  inputs, outputs = [], []
  for _, path in sorted(cases):
    expected = path.with_name('output' + path.name[len('input') :])
    if not expected.is_file():
      raise BenchmarkFormatError(f'{path}: has no matching {expected.name}')
    inputs.append(path.read_text(encoding='utf-8', errors='replace'))
    outputs.append(expected.read_text(encoding='utf-8', errors='replace'))
  return tuple(inputs), tuple(outputs)


class CaseDirs:
  """Test cases of problems spread over one or more directories (e.g. PIE's or ECCO's public and
  generated test cases); cases of a problem found in several directories are concatenated."""

  def __init__(self, directories):
    dirs = [directories] if isinstance(directories, (str, Path)) else list(directories)
    self.dirs = [Path(d) for d in dirs]
    for d in self.dirs:
      if not d.is_dir():
        raise FileNotFoundError(f'{d}: test-case directory does not exist')

  def cases(self, problem_id: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(inputs, outputs) of a problem over all directories, or None when none has a case for it."""
    inputs, outputs = [], []
    for d in self.dirs:
      sub = d / problem_id
      if sub.is_dir():
        ins, outs = read_case_dir(sub)
        inputs.extend(ins)
        outputs.extend(outs)
    return (tuple(inputs), tuple(outputs)) if inputs else None


def language_filter(languages) -> set[str] | None:
  """Language keys to keep (None keeps all); accepts any spelling or a comma-separated string."""
  if languages is None:
    return None
  names = languages.split(',') if isinstance(languages, str) else list(languages)
  keys = {normalize_language(n) for n in names if n.strip()}
  return keys or set(LANGUAGES)


def select(tasks: Iterable[Task], *, languages=None, problems=None, limit: int | None = None) -> list[Task]:
  """Tasks in one of `languages` and `problems` (None = all), at most `limit` of them, order kept."""
  keep_langs = language_filter(languages)
  keep_problems = None if problems is None else set(problems.split(',') if isinstance(problems, str) else problems)
  if limit is not None and limit < 0:
    raise ValueError(f'limit must be >= 0, got {limit}')
  out = []
  for task in tasks:
    if limit is not None and len(out) >= limit:
      break
    if keep_langs is not None and task.language not in keep_langs:
      continue
    if keep_problems is not None and task.problem_id not in keep_problems:
      continue
    out.append(task)
  return out


def unique_ids(base_ids: list[str]) -> list[str]:
  """The ids with a '#2', '#3'... suffix on repeats, so every task id is unique."""
  seen: dict[str, int] = {}
  out = []
  for base in base_ids:
    seen[base] = seen.get(base, 0) + 1
    out.append(base if seen[base] == 1 else f'{base}#{seen[base]}')
  return out
