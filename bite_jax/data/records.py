"""Shared records: a benchmark Task and a (slow, fast) program Pair, JSON-friendly.

Language keys are the executor's: c, cpp, go, java, python. `normalize_language`
maps the spellings found in datasets and prompts ('C++', 'py', 'Python3', ...)
onto them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

LANGUAGES = ('c', 'cpp', 'go', 'java', 'python')
LANGUAGE_NAMES = {'c': 'C', 'cpp': 'C++', 'go': 'Go', 'java': 'Java', 'python': 'Python'}
SOURCE_EXTENSIONS = {'c': 'c', 'cpp': 'cpp', 'go': 'go', 'java': 'java', 'python': 'py'}

_ALIASES = {
  'c': 'c',
  'gnu c': 'c',
  'c11': 'c',
  'c17': 'c',
  'cpp': 'cpp',
  'c++': 'cpp',
  'cxx': 'cpp',
  'cc': 'cpp',
  'gnu c++': 'cpp',
  'c++17': 'cpp',
  'c++14': 'cpp',
  'go': 'go',
  'golang': 'go',
  'java': 'java',
  'python': 'python',
  'py': 'python',
  'python3': 'python',
  'py3': 'python',
  'pypy': 'python',
  'pypy3': 'python',
}


def normalize_language(name: str) -> str:
  """Maps a language spelling ('C++', 'cpp', 'py', 'Python', ...) to its key in LANGUAGES.

  Raises:
    ValueError: the name is not a string or not one of the five languages.
  """
  if not isinstance(name, str):
    raise ValueError(f'language must be a string, got {type(name).__name__}')
  key = _ALIASES.get(name.strip().lower())
  if key is None:
    raise ValueError(
      f'unknown language {name!r}; expected one of {", ".join(LANGUAGES)} '
      f'(or a spelling such as C++, py, Python3, golang)'
    )
  return key


def write_jsonl(path, records: Iterable) -> Path:
  """Writes one `record.to_dict()` JSON line per record to `path` (parents created); returns the path."""
  path = Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  with path.open('w', encoding='utf-8') as f:
    for record in records:
      f.write(json.dumps(record.to_dict()) + '\n')
  return path


def _optional_str(record: Mapping, key: str) -> str | None:
  value = record.get(key)
  if value is not None and not isinstance(value, str):
    raise ValueError(f'field {key!r} must be a string or null, got {type(value).__name__}')
  return value


def required_str(record: Mapping, key: str) -> str:
  """record[key] as a string; ValueError naming the field when it is missing or not a string."""
  if key not in record:
    raise ValueError(f'missing field {key!r}')
  value = record[key]
  if not isinstance(value, str):
    raise ValueError(f'field {key!r} must be a string, got {type(value).__name__}')
  return value


def _str_tuple(value, key: str) -> tuple[str, ...]:
  if isinstance(value, str) or not isinstance(value, (list, tuple)):
    raise ValueError(f'field {key!r} must be a list of strings, got {type(value).__name__}')
  for i, item in enumerate(value):
    if not isinstance(item, str):
      raise ValueError(f'field {key!r}[{i}] must be a string, got {type(item).__name__}')
  return tuple(value)


@dataclasses.dataclass(frozen=True)
class Task:
  """One benchmark task: a source program to accelerate, in one language, with its test inputs.

  task_id: unique id, e.g. 'mini/<problem_id>/<language>'.
  src: the program to accelerate. expert: a known faster solution (None if unknown).
  inputs: stdin texts the programs are run and timed on.
  outputs: expected stdout per input when known, else None (then src's outputs are the reference).
  slow: an even less efficient correct version, if any. split: 'train' | 'test' | None.
  """

  task_id: str
  problem_id: str
  language: str
  src: str
  expert: str | None
  inputs: tuple[str, ...]
  outputs: tuple[str, ...] | None
  slow: str | None = None
  split: str | None = None
  statement: str | None = None
  source: str = 'mini'

  def __post_init__(self):
    object.__setattr__(self, 'language', normalize_language(self.language))
    object.__setattr__(self, 'inputs', _str_tuple(self.inputs, 'inputs'))
    if self.outputs is not None:
      outputs = _str_tuple(self.outputs, 'outputs')
      if len(outputs) != len(self.inputs):
        raise ValueError(f'task {self.task_id}: {len(outputs)} outputs for {len(self.inputs)} inputs')
      object.__setattr__(self, 'outputs', outputs)
    if self.split not in (None, 'train', 'test'):
      raise ValueError(f'task {self.task_id}: split must be train, test or None, got {self.split!r}')

  def to_dict(self) -> dict:
    """A JSON-serialisable dict (tuples become lists)."""
    out = dataclasses.asdict(self)
    out['inputs'] = list(self.inputs)
    out['outputs'] = None if self.outputs is None else list(self.outputs)
    return out

  @classmethod
  def from_dict(cls, record: Mapping) -> Task:
    """Inverse of to_dict; unknown keys are ignored. Raises ValueError naming a bad field."""
    if not isinstance(record, Mapping):
      raise ValueError(f'expected a JSON object, got {type(record).__name__}')
    if 'inputs' not in record:
      raise ValueError("missing field 'inputs'")
    outputs = record.get('outputs')
    return cls(
      task_id=required_str(record, 'task_id'),
      problem_id=required_str(record, 'problem_id'),
      language=required_str(record, 'language'),
      src=required_str(record, 'src'),
      expert=_optional_str(record, 'expert'),
      inputs=_str_tuple(record['inputs'], 'inputs'),
      outputs=None if outputs is None else _str_tuple(outputs, 'outputs'),
      slow=_optional_str(record, 'slow'),
      split=_optional_str(record, 'split'),
      statement=_optional_str(record, 'statement'),
      source=_optional_str(record, 'source') or 'mini',
    )


@dataclasses.dataclass(frozen=True)
class Pair:
  """A (slow, fast) pair of programs solving the same problem in one language.

  speedup: measured cost(slow) / cost(fast) if known. source: where the pair comes from
  (e.g. 'mini', 'pie', 'tree'). user_id: the author of both programs when known (PIE pairs are two
  submissions of one user), which links a user's successive versions into a trajectory.
  """

  language: str
  slow: str
  fast: str
  problem_id: str | None = None
  speedup: float | None = None
  source: str | None = None
  user_id: str | None = None

  def __post_init__(self):
    object.__setattr__(self, 'language', normalize_language(self.language))
    for key in ('slow', 'fast'):
      if not isinstance(getattr(self, key), str):
        raise ValueError(f'field {key!r} must be a string, got {type(getattr(self, key)).__name__}')
    if self.speedup is not None and (isinstance(self.speedup, bool) or not isinstance(self.speedup, (int, float))):
      raise ValueError(f"field 'speedup' must be a number or null, got {type(self.speedup).__name__}")
    if self.speedup is not None:
      object.__setattr__(self, 'speedup', float(self.speedup))

  def to_dict(self) -> dict:
    """A JSON-serialisable dict."""
    return dataclasses.asdict(self)

  @classmethod
  def from_dict(cls, record: Mapping) -> Pair:
    """Inverse of to_dict; unknown keys are ignored. Raises ValueError naming a bad field."""
    if not isinstance(record, Mapping):
      raise ValueError(f'expected a JSON object, got {type(record).__name__}')
    speedup = record.get('speedup')
    if speedup is not None and (isinstance(speedup, bool) or not isinstance(speedup, (int, float))):
      raise ValueError(f"field 'speedup' must be a number or null, got {type(speedup).__name__}")
    problem_id = record.get('problem_id')
    return cls(
      language=required_str(record, 'language'),
      slow=required_str(record, 'slow'),
      fast=required_str(record, 'fast'),
      problem_id=None if problem_id is None else str(problem_id),
      speedup=None if speedup is None else float(speedup),
      source=_optional_str(record, 'source'),
      user_id=None if record.get('user_id') is None else str(record['user_id']),
    )
