"""ECCO loader: the edit split's JSONL with cases spread over public and generated test directories."""

import pytest

from bite_jax.evaluate.loaders import load_benchmark, load_ecco
from tests.helpers import paths

FIXTURES = paths.FIXTURES / 'ecco'
DIRS = [FIXTURES / 'public_test_cases', FIXTURES / 'generated_test_cases']


def test_cases_of_all_test_directories_are_concatenated_in_order():
  tasks = load_ecco(FIXTURES / 'edit_test.jsonl', tests_dir=DIRS)
  assert [t.task_id for t in tasks] == ['ecco/p90003/line1']
  task = tasks[0]
  assert task.inputs == ('abc\n', 'hello\n', 'xy\n') and task.outputs == ('cba\n', 'olleh\n', 'yx\n')
  assert task.language == 'python' and task.source == 'ecco'
  assert task.expert == 'print(input().strip()[::-1])\n'


def test_problems_without_test_cases_are_skipped():
  tasks = load_ecco(FIXTURES / 'edit_test.jsonl', tests_dir=FIXTURES / 'public_test_cases')
  assert {t.problem_id for t in tasks} == {'p90003'}


def test_ecco_needs_its_test_directory():
  with pytest.raises(ValueError, match='tests_dir'):
    load_benchmark(f'ecco:{FIXTURES / "edit_test.jsonl"}')


def test_a_missing_test_directory_is_named(tmp_path):
  with pytest.raises(FileNotFoundError, match='nowhere'):
    load_ecco(FIXTURES / 'edit_test.jsonl', tests_dir=tmp_path / 'nowhere')
