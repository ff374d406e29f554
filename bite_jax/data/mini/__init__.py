"""The bundled `mini` benchmark: 24 problems x 5 languages of (slow) source, expert, optional
even-slower and optional intermediate (mid) programs with seeded input generators. Layout: README.md here.

  load_mini(split=None, languages=None, problems=None) -> list[Task]
  train_pairs(split='train', languages=None) -> list[Pair]
  load_problems(split=None, problems=None) -> list[Problem]
  problems_dir() -> Path

Validation against the executor: python -m bite_jax.data.mini.validate
"""

from __future__ import annotations

from bite_jax.data.mini.catalog import (
  PATTERNS,
  SPLITS,
  MiniFormatError,
  Problem,
  load_generator,
  load_problems,
  problems_dir,
  read_problem,
)
from bite_jax.data.records import LANGUAGES, Pair, Task, normalize_language

__all__ = [
  'load_mini',
  'train_pairs',
  'load_problems',
  'load_generator',
  'read_problem',
  'problems_dir',
  'task_id',
  'Problem',
  'MiniFormatError',
  'PATTERNS',
  'SPLITS',
]


def task_id(problem_id: str, language: str) -> str:
  """The id of a mini task: 'mini/<problem_id>/<language key>'."""
  return f'mini/{problem_id}/{normalize_language(language)}'


def _languages(languages) -> list[str]:
  if languages is None:
    return list(LANGUAGES)
  names = [languages] if isinstance(languages, str) else list(languages)
  keys = [normalize_language(name) for name in names]
  return [lang for lang in LANGUAGES if lang in keys]  # canonical order, no duplicates


def load_mini(split: str | None = None, languages=None, problems=None) -> list[Task]:
  """The benchmark's tasks, one per (problem, language), sorted by problem id then language.

  split: 'train', 'test' or None for both. languages: language names (any spelling) or None
  for all five. problems: problem ids or None for all. Inputs are generated deterministically
  from each problem's seeds and per-language scale; outputs are None (src is the reference).
  """
  tasks = []
  langs = _languages(languages)
  for problem in load_problems(split, problems):
    for lang in langs:
      tasks.append(
        Task(
          task_id=task_id(problem.problem_id, lang),
          problem_id=problem.problem_id,
          language=lang,
          src=problem.source('src', lang),
          expert=problem.source('expert', lang),
          inputs=problem.inputs(lang),
          outputs=None,
          slow=problem.source('slow', lang),
          split=problem.split,
          statement=problem.statement,
          source='mini',
        )
      )
  return tasks


# the source field of the pairs joining src -> mid and mid -> expert ('mini' for src -> expert and slow -> src)
_MID_PAIRS = {('src', 'mid'): 'mini/src-mid', ('mid', 'expert'): 'mini/mid-expert'}


def train_pairs(split: str = 'train', languages=None) -> list[Pair]:
  """Editor training pairs from one split, per task in this order: (src -> expert); where a slow
  variant exists, (slow -> src); where a mid variant exists, (src -> mid) and (mid -> expert).

  Every pair's problem_id is the problem's; source is 'mini' for the first two kinds and names the
  two variants joined for the mid ones ('mini/src-mid', 'mini/mid-expert'). speedup is left None
  (it depends on the machine that measures it).
  """
  pairs = []
  langs = _languages(languages)
  for problem in load_problems(split):
    for lang in langs:
      code = {v: problem.source(v, lang) for v in ('src', 'expert', 'slow', 'mid')}
      pid = problem.problem_id
      pairs.append(Pair(language=lang, slow=code['src'], fast=code['expert'], problem_id=pid, source='mini'))
      if code['slow'] is not None:
        pairs.append(Pair(language=lang, slow=code['slow'], fast=code['src'], problem_id=pid, source='mini'))
      if code['mid'] is not None:
        for (slow, fast), source in _MID_PAIRS.items():
          pairs.append(Pair(language=lang, slow=code[slow], fast=code[fast], problem_id=pid, source=source))
  return pairs
