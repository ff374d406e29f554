"""Loads (slow, fast) program pairs from JSONL, in our record format or PIE's.

Our format: one `Pair.to_dict()` per line (`language`, `slow`, `fast`, optional
`problem_id`, `speedup`, `source`). PIE's format: `problem_id`, `input` (the
slow program), `target` (the fast one), `language` and `cpu_time_v0`/`cpu_time_v1`
(the speedup is their ratio). A row without a language is an error naming its
file and line unless the reader is told the file's language (`language=`, from
`config.data.language`): PIE ships C++ and Python files whose rows do not say which.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bite_jax.data.prompts import OPTIMIZE, check_direction
from bite_jax.data.records import Pair, normalize_language


class PairFormatError(ValueError):
  """A pairs file line that is not a valid pair; the message names file:line."""


def _pie_speedup(record: dict) -> float | None:
  slow, fast = record.get('cpu_time_v0'), record.get('cpu_time_v1')
  if isinstance(slow, (int, float)) and isinstance(fast, (int, float)) and slow > 0 and fast > 0:
    return float(slow) / float(fast)
  return None


def _require_str(record: dict, key: str) -> str:
  value = record[key]
  if not isinstance(value, str):
    raise ValueError(f'field {key!r} must be a string, got {type(value).__name__}')
  return value


_NO_LANGUAGE = "missing field 'language' (say the file's language, e.g. --config.data.language=cpp)"


def pair_from_record(record: dict, language: str | None = None) -> Pair:
  """Parses one JSON object in our format or PIE's; raises ValueError naming the field.

  language: the language of a record that names none; None makes such a record an error.
  """
  if not isinstance(record, dict):
    raise ValueError(f'expected a JSON object, got {type(record).__name__}')
  if not record.get('language') and ('slow' in record or 'fast' in record or 'input' in record or 'target' in record):
    if language is None:
      raise ValueError(_NO_LANGUAGE)
    record = dict(record, language=language)
  if 'slow' in record or 'fast' in record:
    missing = [k for k in ('language', 'slow', 'fast') if k not in record]
    if missing:
      raise ValueError(f'missing field(s) {", ".join(missing)}')
    _require_str(record, 'slow')
    _require_str(record, 'fast')
    return Pair.from_dict(record)
  if 'input' in record or 'target' in record:
    missing = [k for k in ('input', 'target') if k not in record]
    if missing:
      raise ValueError(f'missing field(s) {", ".join(missing)} (PIE format)')
    problem_id = record.get('problem_id')
    return Pair(
      language=normalize_language(record['language']),
      slow=_require_str(record, 'input'),
      fast=_require_str(record, 'target'),
      problem_id=None if problem_id is None else str(problem_id),
      speedup=_pie_speedup(record),
      source='pie',
      user_id=None if record.get('user_id') is None else str(record['user_id']),
    )
  raise ValueError('neither our pair format (language, slow, fast) nor PIE format (input, target)')


def read_pairs(path: str | Path, language: str | None = None) -> list[Pair]:
  """All pairs of a JSONL file; blank lines are skipped. `language`: that of rows naming none (else an error).

  Raises:
    FileNotFoundError: the file does not exist.
    PairFormatError: a line is not JSON or not a pair; the message is 'FILE:LINE: why'.
  """
  return read_records(path, lambda record: pair_from_record(record, language), PairFormatError, 'pairs')


def read_records(path: str | Path, parse, error: type[ValueError], what: str) -> list:
  """parse(object) of every non-blank line of a JSONL file, in order.

  Raises:
    FileNotFoundError: the file does not exist ('{what} file not found: PATH').
    error: 'FILE:LINE: why' for a line that is not JSON or that `parse` refuses (ValueError, KeyError,
      TypeError).
  """
  path = Path(path)
  if not path.is_file():
    raise FileNotFoundError(f'{what} file not found: {path}')
  out = []
  with path.open(encoding='utf-8') as f:
    for lineno, line in enumerate(f, start=1):
      if not line.strip():
        continue
      try:
        record = json.loads(line)
      except json.JSONDecodeError as e:
        raise error(f'{path}:{lineno}: not valid JSON ({e.msg})') from None
      try:
        out.append(parse(record))
      except (ValueError, KeyError, TypeError) as e:
        raise error(f'{path}:{lineno}: {e}') from e
  return out


def write_pairs(path: str | Path, pairs: Iterable[Pair]) -> int:
  """Writes pairs as JSONL in our format; returns how many were written."""
  path = Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  count = 0
  with path.open('w', encoding='utf-8') as f:
    for pair in pairs:
      f.write(json.dumps(pair.to_dict(), ensure_ascii=False) + '\n')
      count += 1
  return count


def source_and_target(pair: Pair, direction: str = OPTIMIZE) -> tuple[str, str]:
  """(program in the prompt, program to write): (slow, fast) to optimize, (fast, slow) to degrade."""
  check_direction(direction)
  return (pair.slow, pair.fast) if direction == OPTIMIZE else (pair.fast, pair.slow)
