"""McCabe cyclomatic complexity per program and the simple / complex split of the metrics."""

import json

import pytest

from bite_jax.evaluate.complexity import THRESHOLD, complexity_class, program_complexity
from bite_jax.evaluate.report import render_report, summarize
from tests.helpers import paths

# One loop and one if in each: complexity 3 (two decision points + 1).
PROGRAMS = {
  'python': 'n = int(input())\nfor i in range(n):\n    if i % 2:\n        print(i)\n',
  'c': '#include <stdio.h>\nint main(void) { int n; scanf("%d", &n);\n'
  '  for (int i = 0; i < n; i++) { if (i % 2) printf("%d\\n", i); } return 0; }\n',
  'cpp': '#include <iostream>\nint main() { int n; std::cin >> n;\n'
  '  for (int i = 0; i < n; i++) { if (i % 2) std::cout << i << "\\n"; } }\n',
  'go': 'package main\nimport "fmt"\nfunc main() { var n int; fmt.Scan(&n)\n'
  '  for i := 0; i < n; i++ { if i%2 == 1 { fmt.Println(i) } } }\n',
  'java': 'public class Main { public static void main(String[] a) { int n = 5;\n'
  '  for (int i = 0; i < n; i++) { if (i % 2 == 1) System.out.println(i); } } }\n',
}


@pytest.mark.parametrize('language', sorted(PROGRAMS))
def test_a_loop_and_a_branch_give_three(language):
  assert program_complexity(PROGRAMS[language], language) == 3


def test_python_functions_and_top_level_code_both_count():
  code = 'def f(x):\n    return 1 if x else 2\n\nfor i in range(3):\n    print(f(i))\n'
  assert program_complexity(code, 'python') == 2 + 2
  assert program_complexity('', 'python') == 1


def test_the_class_is_complex_only_above_the_threshold():
  assert complexity_class(THRESHOLD) == 'simple' and complexity_class(THRESHOLD + 1) == 'complex'
  assert complexity_class(4, threshold=3) == 'complex'


def test_real_pie_programs_spread_over_both_classes():
  path = paths.SHARED_DATA / 'pie' / 'py_reference.jsonl'
  if not path.is_file():
    pytest.skip(f'{path} is absent (real PIE pairs are not part of the project)')
  rows = [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines()]
  classes = [complexity_class(program_complexity(r['input'], 'python')) for r in rows]
  assert 0 < classes.count('complex') < classes.count('simple')


def _row(task_id, correct, new):
  return {
    'task_id': task_id,
    'language': 'python',
    'status': 'scored',
    'old': 10.0,
    'opti': 5.0,
    'samples': [{'sample_index': 0, 'correct': correct, 'new': new, 'reason': 'ok' if correct else 'wrong'}],
  }


def test_metrics_split_by_the_sources_complexity():
  rows = [_row('a', True, 5.0), _row('b', False, None), _row('c', True, 10.0)]
  summary = summarize(rows, {'a': 2, 'b': 30, 'c': 12}, threshold=10)
  split = summary['by_complexity']
  assert split['threshold'] == 10
  assert split['simple']['tasks'] == 1 and split['simple']['AP'] == 100.0
  assert split['complex']['tasks'] == 2 and split['complex']['COR'] == 50.0
  report = render_report(summary)
  assert '| simple (complexity <= 10) | 100.0 |' in report and '| complex (complexity > 10) |' in report
  assert 'by_complexity' not in summarize(rows)
