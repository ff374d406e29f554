"""Benchmark loaders: every benchmark becomes a list of bite_jax.data.records.Task.

load_benchmark(spec, **options) -> list[Task]      spec: 'mini', 'pie:PATH', 'ecco:PATH',
                                                    'mercury:PATH', 'codenet:PATH', 'tasks:PATH'
load_pie(path, tests_dir=, statements=), load_ecco(path, tests_dir=), load_mercury(path),
load_codenet(root), load_tasks_jsonl(path)   (a file written by --export_tasks)
"""

from __future__ import annotations

from pathlib import Path

from bite_jax.data.mini import load_mini
from bite_jax.data.records import Task
from bite_jax.evaluate.loaders.codenet import load_codenet
from bite_jax.evaluate.loaders.common import BenchmarkFormatError, language_filter, read_jsonl, select
from bite_jax.evaluate.loaders.ecco import load_ecco
from bite_jax.evaluate.loaders.mercury import load_mercury
from bite_jax.evaluate.loaders.pie import load_pie

__all__ = [
  'BENCHMARKS',
  'BenchmarkFormatError',
  'load_benchmark',
  'load_codenet',
  'load_ecco',
  'load_mercury',
  'load_pie',
  'load_tasks_jsonl',
  'parse_spec',
]

BENCHMARKS = ('mini', 'pie', 'ecco', 'mercury', 'codenet', 'tasks')


def load_tasks_jsonl(path, *, languages=None, problems=None, limit: int | None = None) -> list[Task]:
  """Tasks from a JSONL of Task.to_dict() lines (what --export_tasks writes); errors name file:line."""
  tasks, seen = [], {}
  for number, record in read_jsonl(path):
    try:
      task = Task.from_dict(record)
    except ValueError as e:
      raise BenchmarkFormatError(f'{path}:{number}: {e}') from None
    if task.task_id in seen:
      raise BenchmarkFormatError(f'{path}:{number}: task_id {task.task_id!r} already on line {seen[task.task_id]}')
    seen[task.task_id] = number
    tasks.append(task)
  return select(tasks, languages=languages, problems=problems, limit=limit)


def parse_spec(spec: str) -> tuple[str, Path | None]:
  """('mini', None) or (kind, path) from 'kind:PATH'; ValueError naming the accepted forms."""
  if spec == 'mini':
    return 'mini', None
  kind, sep, path = spec.partition(':')
  if not sep or kind not in BENCHMARKS or kind == 'mini' or not path:
    raise ValueError(
      f'benchmark {spec!r}: expected mini, pie:PATH, ecco:PATH, mercury:PATH, codenet:PATH or tasks:PATH'
    )
  return kind, Path(path)


def load_benchmark(
  spec: str,
  *,
  split: str | None = None,
  languages=None,
  problems=None,
  limit: int | None = None,
  tests_dir=None,
  statements=None,
  language: str | None = None,
  generated_cases: int = 0,
  executor_config=None,
) -> list[Task]:
  """The tasks of one benchmark spec (see the module docstring), filtered and limited.

  split: only for mini ('train' | 'test'). tests_dir / statements: test cases for pie (one is
  needed) and ecco (tests_dir). language: for pie files without a language field.
  generated_cases: extra sandbox-generated Mercury cases per task.
  """
  kind, path = parse_spec(spec)
  if split is not None and kind != 'mini':
    raise ValueError(f'--split applies to the mini benchmark only, not {kind}')
  if kind == 'mini':
    problem_list = problems.split(',') if isinstance(problems, str) else problems
    langs = language_filter(languages)
    return select(
      load_mini(split=split, languages=None if langs is None else sorted(langs), problems=problem_list), limit=limit
    )
  if path is not None and not path.exists():
    raise FileNotFoundError(f'{kind}: {path} does not exist')
  if kind == 'pie':
    return load_pie(
      path,
      tests_dir=tests_dir,
      statements=statements,
      language=language,
      languages=languages,
      problems=problems,
      limit=limit,
    )
  if kind == 'ecco':
    return load_ecco(path, tests_dir=tests_dir, languages=languages, problems=problems, limit=limit)
  if kind == 'mercury':
    return load_mercury(
      path,
      generated_cases=generated_cases,
      executor_config=executor_config,
      problems=problems,
      limit=limit,
      languages=languages,
    )
  if kind == 'codenet':
    return load_codenet(path, languages=languages, problems=problems, limit=limit)
  return load_tasks_jsonl(path, languages=languages, problems=problems, limit=limit)
