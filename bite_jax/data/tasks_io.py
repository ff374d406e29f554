"""Task JSONL files: one `Task.to_dict()` object per line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bite_jax.data.records import Task


def read_tasks(path: str | Path) -> list[Task]:
  """Tasks from a JSONL file; a malformed line raises ValueError naming file:line and the field."""
  path = Path(path)
  if not path.is_file():
    raise FileNotFoundError(f'{path}: no such task file')
  tasks, seen = [], {}
  with path.open(encoding='utf-8') as f:
    for number, line in enumerate(f, 1):
      if not line.strip():
        continue
      try:
        task = Task.from_dict(json.loads(line))
      except (json.JSONDecodeError, ValueError) as e:
        raise ValueError(f'{path}:{number}: {e}') from None
      if task.task_id in seen:
        raise ValueError(f'{path}:{number}: task_id {task.task_id!r} repeats line {seen[task.task_id]}')
      seen[task.task_id] = number
      tasks.append(task)
  return tasks


def write_tasks(path: str | Path, tasks: Iterable[Task]) -> int:
  """Writes tasks as JSONL (atomically: a temp file renamed into place); returns the count."""
  path = Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  tmp = path.with_name(path.name + '.tmp')
  n = 0
  with tmp.open('w', encoding='utf-8') as f:
    for task in tasks:
      f.write(json.dumps(task.to_dict()) + '\n')
      n += 1
  tmp.replace(path)
  return n
