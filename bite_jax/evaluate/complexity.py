"""McCabe cyclomatic complexity of a program, and the split of a benchmark into simple and complex code.

A program's complexity is the sum of the cyclomatic complexity (decision points + 1) of its
functions, counted by lizard for C, C++, Go, Java and Python; a Python program's top-level code
counts as one more function (lizard reads only functions, and contest scripts are mostly top-level
code). A task is `complex` when its source program's complexity exceeds THRESHOLD, else `simple`.

THRESHOLD = 10 is McCabe's own limit for a module (NIST SP 500-235): above it, code is considered
hard to test and understand. `config.evaluate.complexity_threshold` sets another, per run.
"""

from __future__ import annotations

from collections.abc import Iterable

import lizard

from bite_jax.data.records import SOURCE_EXTENSIONS, Task, normalize_language

THRESHOLD = 10
CLASSES = ('simple', 'complex')


def program_complexity(code: str, language: str) -> int:
  """Sum of the cyclomatic complexity of the program's functions (>= 1)."""
  language = normalize_language(language)
  if language == 'python':
    # Top-level statements become the body of one function, so their branches and loops count.
    body = '\n'.join('    ' + line if line.strip() else line for line in code.split('\n'))
    code = 'def __program__():\n' + (body if body.strip() else '    pass') + '\n'
  result = lizard.analyze_file.analyze_source_code(f'program.{SOURCE_EXTENSIONS[language]}', code)
  return max(1, sum(f.cyclomatic_complexity for f in result.function_list))


def complexity_class(complexity: int, threshold: int = THRESHOLD) -> str:
  """'complex' above the threshold, else 'simple'."""
  return 'complex' if complexity > threshold else 'simple'


def task_complexities(tasks: Iterable[Task]) -> dict[str, int]:
  """{task_id: complexity of the task's source program}."""
  return {t.task_id: program_complexity(t.src, t.language) for t in tasks}
