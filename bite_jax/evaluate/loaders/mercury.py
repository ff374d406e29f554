"""Mercury (LeetCode-style Python tasks) -> tasks run through a generated driver.

Input: a JSONL export of the dataset's rows with `slug_name`, `prompt` (the starter code),
`pretty_content` (the statement, a string or a list of strings), `solutions` ([{"solution",
"runtime": "44 ms"}]), `test_cases` (a JSON string or list of {"input": [args] or {kwargs},
"expected": value}), `entry_point` (the Solution method) and optional `generator_code` (defines
generate_test_case()). src is the slowest listed solution and expert the fastest, each wrapped by
bite_jax.evaluate.loaders.mercury_driver into a stdin/stdout program; the stdin is one test case
per line, the expected output one canonical line per case.

With generated_cases > 0, generate_test_case() is run in the executor's sandbox (never on the
host) to add that many cases; their expected outputs are unknown, so such tasks have
outputs=None and src's outputs are the reference.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from pathlib import Path

from bite_jax.data.records import Task
from bite_jax.evaluate.loaders.common import BenchmarkFormatError, read_jsonl, required_str, select
from bite_jax.evaluate.loaders.mercury_driver import PRELUDE, case_line, driver_program, render
from executor import Pool

log = logging.getLogger(__name__)

_RUNTIME = re.compile(r'\s*(\d+(?:\.\d+)?)\s*(ms)?\s*\Z')


def _runtime_ms(value, where: str) -> float:
  if isinstance(value, (int, float)) and not isinstance(value, bool):
    return float(value)
  match = _RUNTIME.match(str(value)) if isinstance(value, str) else None
  if match is None:
    raise BenchmarkFormatError(f"{where}: solution 'runtime' must be a number or like '44 ms', got {value!r}")
  return float(match.group(1))


def _test_cases(record: dict, where: str) -> list[dict]:
  cases = record.get('test_cases')
  if isinstance(cases, str):
    try:
      cases = json.loads(cases)
    except json.JSONDecodeError as e:
      raise BenchmarkFormatError(f"{where}: field 'test_cases' is not valid JSON ({e.msg})") from None
  if not isinstance(cases, list) or not cases:
    raise BenchmarkFormatError(f"{where}: field 'test_cases' must be a non-empty list of {{input, expected}}")
  for i, case in enumerate(cases):
    if not isinstance(case, dict) or 'input' not in case or 'expected' not in case:
      raise BenchmarkFormatError(f"{where}: test_cases[{i}] must be an object with 'input' and 'expected'")
  return cases


def _case_args(value, params: int, where: str):
  """The argument list (or keyword object) of a case; a one-parameter method's argument may be stored bare."""
  if isinstance(value, dict) or (isinstance(value, list) and len(value) == params):
    return value
  if params == 1:
    return [value]
  raise BenchmarkFormatError(f'{where}: input {str(value)[:60]!r} is not a list of {params} arguments')


def _statement(record: dict) -> str | None:
  content = record.get('pretty_content')
  if isinstance(content, list):
    content = '\n'.join(str(c) for c in content)
  return content if isinstance(content, str) and content.strip() else None


def _parameter_count(solution: str, entry_point: str, where: str) -> int:
  """Arguments of Solution.<entry_point> besides self, read from the source without running it."""
  try:
    tree = ast.parse(solution)
  except SyntaxError as e:
    raise BenchmarkFormatError(f'{where}: a solution does not parse ({e.msg}, line {e.lineno})') from None
  for node in ast.walk(tree):
    if isinstance(node, ast.FunctionDef) and node.name == entry_point:
      return len(node.args.args) - 1 + len(node.args.kwonlyargs)
  raise BenchmarkFormatError(f'{where}: no method {entry_point!r} (entry_point) in the solution')


def _generator_program(generator_code: str, count: int, seed: int, params: int) -> str:
  """A program printing `count` cases of generate_test_case(), one JSON argument list per line."""
  wrap = 'case = [case]' if params == 1 else 'case = list(case) if isinstance(case, tuple) else case'
  return (
    PRELUDE + generator_code.rstrip() + '\n\n\n'
    f'random.seed({seed})\n'
    'import json as _json\n'
    f'for _ in range({count}):\n'
    '    case = generate_test_case()\n'
    f'    {wrap}\n'
    '    print(_json.dumps(case))\n'
  )


def _generated(rows: list[dict], count: int, seed: int, executor_config) -> dict[str, list[str]]:
  """Generated case lines per slug, from each row's generator run in the sandbox."""
  jobs = [
    {
      'kind': 'run',
      'id': r['slug'],
      'lang': 'python',
      'inputs': [''],
      'timeout': 30,
      'source': _generator_program(r['generator_code'], count, seed, r['params']),
    }
    for r in rows
    if r['generator_code']
  ]
  out = {}
  with Pool(1, config=executor_config) as pool:
    for result in pool.map_unordered(jobs):
      run = (result.get('runs') or [{}])[0]
      if result.get('status') != 'ok' or run.get('status') != 'ok' or run.get('stdout_truncated'):
        log.warning(
          'mercury %s: test generator failed (%s); using the listed test cases only',
          result['id'],
          run.get('status') or result.get('status'),
        )
        continue
      out[result['id']] = [line for line in run['stdout'].splitlines() if line.strip()]
  return out


def load_mercury(
  path,
  *,
  generated_cases: int = 0,
  seed: int = 0,
  executor_config=None,
  problems=None,
  limit: int | None = None,
  languages=None,
) -> list[Task]:
  """Mercury tasks, ids 'mercury/<slug_name>' (Python); see the module docstring.

  Rows with fewer than two solutions of different runtime are skipped (nothing to accelerate).
  Raises BenchmarkFormatError naming file:line and field for a malformed row.
  """
  path = Path(path)
  if generated_cases < 0:
    raise ValueError(f'generated_cases must be >= 0, got {generated_cases}')
  rows, skipped = [], 0
  for number, record in read_jsonl(path):
    where = f'{path}:{number}'
    slug = required_str(record, 'slug_name', where)
    entry_point = required_str(record, 'entry_point', where).strip()
    solutions = record.get('solutions')
    if not isinstance(solutions, list) or not all(
      isinstance(s, dict) and isinstance(s.get('solution'), str) for s in solutions
    ):
      raise BenchmarkFormatError(f"{where}: field 'solutions' must be a list of {{solution, runtime}}")
    ranked = sorted(((_runtime_ms(s.get('runtime'), where), i, s['solution']) for i, s in enumerate(solutions)))
    if len(ranked) < 2 or ranked[0][0] == ranked[-1][0]:
      skipped += 1
      continue
    params = _parameter_count(ranked[-1][2], entry_point, where)
    cases = [
      {'args': _case_args(c['input'], params, f'{where}: test_cases[{i}]'), 'expected': c['expected']}
      for i, c in enumerate(_test_cases(record, where))
    ]
    rows.append(
      {
        'slug': slug,
        'entry_point': entry_point,
        'slow': ranked[-1][2],
        'fast': ranked[0][2],
        'cases': cases,
        'statement': _statement(record),
        'params': params,
        'generator_code': record.get('generator_code') if isinstance(record.get('generator_code'), str) else None,
      }
    )
  if problems is not None:
    wanted = set(problems.split(',') if isinstance(problems, str) else problems)
    rows = [r for r in rows if r['slug'] in wanted]
  generated = _generated(rows, generated_cases, seed, executor_config) if generated_cases else {}
  tasks = []
  for r in rows:
    lines = [case_line(c['args']) for c in r['cases']]
    outputs = '\n'.join(render(c['expected']) for c in r['cases']) + '\n'
    extra = generated.get(r['slug'], [])
    tasks.append(
      Task(
        task_id=f'mercury/{r["slug"]}',
        problem_id=r['slug'],
        language='python',
        src=driver_program(r['slow'], r['entry_point']),
        expert=driver_program(r['fast'], r['entry_point']),
        inputs=('\n'.join(lines + extra) + '\n',),
        outputs=None if extra else (outputs,),
        statement=r['statement'],
        source='mercury',
      )
    )
  if skipped:
    log.warning('%s: %d row(s) skipped: fewer than two solutions of different runtime', path, skipped)
  return select(tasks, languages=languages, limit=limit)
