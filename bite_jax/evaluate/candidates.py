"""Candidate programs to score: lines `{"task_id", "code"}` (optional `sample_index`); several lines
for one task are several samples of it (best-of-k)."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from bite_jax.data.records import Task, normalize_language, write_jsonl


class CandidateError(ValueError):
  """A malformed candidate or one naming an unknown task; the message names file:line (or the index)."""


@dataclasses.dataclass(frozen=True)
class Candidate:
  """One candidate program for a task. where: 'FILE:LINE' or 'candidates[i]', for error messages."""

  task_id: str
  code: str
  sample_index: int
  where: str = ''

  def to_dict(self) -> dict:
    """The JSONL line form: {"task_id", "code", "sample_index"}."""
    return {'task_id': self.task_id, 'code': self.code, 'sample_index': self.sample_index}


def _parse(record, where: str, counts: dict) -> Candidate:
  if not isinstance(record, Mapping):
    raise CandidateError(f'{where}: expected a JSON object with "task_id" and "code", got {type(record).__name__}')
  for key in ('task_id', 'code'):
    if key not in record:
      raise CandidateError(f'{where}: missing field "{key}"')
  task_id, code = record['task_id'], record['code']
  if not isinstance(task_id, str) or not task_id:
    raise CandidateError(f'{where}: field "task_id" must be a non-empty string (got {task_id!r})')
  if not isinstance(code, str):
    raise CandidateError(f'{where}: field "code" must be a string (got {type(code).__name__})')
  index = record.get('sample_index')
  if index is None:
    index = counts[task_id]
  elif isinstance(index, bool) or not isinstance(index, int) or index < 0:
    raise CandidateError(f'{where}: field "sample_index" must be an integer >= 0, got {index!r}')
  counts[task_id] = max(counts[task_id], index + 1)
  return Candidate(task_id=task_id, code=code, sample_index=index, where=where)


def from_records(records: Iterable, *, name: str = 'candidates') -> list[Candidate]:
  """Candidates from dicts (or Candidate objects); a missing sample_index is the order within its task."""
  counts: dict[str, int] = defaultdict(int)
  out = []
  for i, record in enumerate(records):
    if isinstance(record, Candidate):
      out.append(record)
      counts[record.task_id] = max(counts[record.task_id], record.sample_index + 1)
    else:
      out.append(_parse(record, f'{name}[{i}]', counts))
  return out


def read_candidates(path) -> list[Candidate]:
  """Candidates of a JSONL file (blank lines skipped); CandidateError naming file:line otherwise."""
  path = Path(path)
  if not path.is_file():
    raise FileNotFoundError(f'{path}: candidates file does not exist')
  counts: dict[str, int] = defaultdict(int)
  out = []
  with path.open(encoding='utf-8') as f:
    for number, line in enumerate(f, 1):
      if not line.strip():
        continue
      where = f'{path}:{number}'
      try:
        record = json.loads(line)
      except json.JSONDecodeError as e:
        raise CandidateError(f'{where}: not valid JSON ({e.msg})') from None
      out.append(_parse(record, where, counts))
  if not out:
    raise CandidateError(f'{path}: no candidates')
  return out


def write_candidates(path, candidates: Iterable[Candidate]) -> Path:
  """Writes candidates as JSONL lines {"task_id", "code", "sample_index"}; returns the path."""
  return write_jsonl(path, candidates)


def group_by_task(candidates: Iterable[Candidate], tasks: Iterable[Task]) -> dict[str, list[Candidate]]:
  """{task_id: candidates sorted by sample_index}; CandidateError for an unknown task id or a repeated
  (task_id, sample_index), naming the candidate's file:line."""
  known = {t.task_id for t in tasks}
  grouped: dict[str, dict[int, Candidate]] = defaultdict(dict)
  for c in candidates:
    if c.task_id not in known:
      hint = ', '.join(sorted(known)[:3])
      raise CandidateError(
        f'{c.where or c.task_id}: task_id {c.task_id!r} is not in the benchmark ({len(known)} tasks, e.g. {hint})'
      )
    if c.sample_index in grouped[c.task_id]:
      first = grouped[c.task_id][c.sample_index]
      raise CandidateError(
        f'{c.where or c.task_id}: sample_index {c.sample_index} of {c.task_id!r} already given '
        f'at {first.where or "an earlier candidate"}'
      )
    grouped[c.task_id][c.sample_index] = c
  return {task_id: [by_index[i] for i in sorted(by_index)] for task_id, by_index in grouped.items()}


_CONSTANT = {
  'c': '#include <stdio.h>\nint main(void) {{ puts("{0}"); return 0; }}\n',
  'cpp': '#include <iostream>\nint main() {{ std::cout << "{0}" << std::endl; return 0; }}\n',
  'go': 'package main\n\nimport "fmt"\n\nfunc main() {{ fmt.Println("{0}") }}\n',
  'java': 'public class Main {{\n  public static void main(String[] args) {{ System.out.println("{0}"); }}\n}}\n',
  'python': 'print("{0}")\n',
}


def constant_program(language: str, text: str = '-1') -> str:
  """A program in `language` that compiles, ignores its input and prints `text` (no quotes or backslashes)."""
  if any(ch in text for ch in '"\\\n'):
    raise ValueError(f'constant_program: text must not hold quotes, backslashes or newlines: {text!r}')
  return _CONSTANT[normalize_language(language)].format(text)


def reference_candidates(tasks: Iterable[Task], variant: str) -> list[Candidate]:
  """One candidate per task: the task's own 'expert' or 'src' program, or 'wrong' (a program that
  compiles and prints -1), e.g. to check that a benchmark scores experts near AP 100, sources near 0
  and wrong answers at 0."""
  if variant not in ('expert', 'src', 'wrong'):
    raise ValueError(f"variant must be 'expert', 'src' or 'wrong', got {variant!r}")
  out = []
  for t in tasks:
    code = constant_program(t.language) if variant == 'wrong' else getattr(t, variant)
    if code is None:
      raise ValueError(f'task {t.task_id} has no {variant} program')
    out.append(Candidate(task_id=t.task_id, code=code, sample_index=0, where=f'{t.task_id} ({variant})'))
  return out
