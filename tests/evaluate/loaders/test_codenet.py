"""CodeNet loader: metadata CSV + submissions + derived test I/O -> slow/fast Accepted pairs."""

import shutil

import pytest

from bite_jax.evaluate.loaders import load_benchmark, load_codenet
from tests.helpers import paths

ROOT = paths.FIXTURES / 'codenet'


def test_pairs_a_users_slow_and_fast_accepted_submissions():
  tasks = {t.language: t for t in load_codenet(ROOT)}
  py = tasks['python']
  assert py.task_id == 'codenet/p90010/python/s101-s102'
  assert 'for i in range' in py.src and 'n * (n + 1) // 2' in py.expert
  assert py.inputs == ('100\n',) and py.outputs == ('5050\n',)


def test_falls_back_to_the_problems_slowest_and_fastest_when_no_user_has_a_pair():
  tasks = {t.language: t for t in load_codenet(ROOT)}
  assert tasks['cpp'].task_id == 'codenet/p90010/cpp/s105-s106'


def test_rejected_python2_and_unsupported_language_submissions_are_left_out():
  tasks = load_codenet(ROOT)
  assert sorted(t.language for t in tasks) == ['cpp', 'python']
  assert all('s103' not in t.task_id and 's104' not in t.task_id for t in tasks)


def test_problems_without_derived_test_io_are_skipped():
  assert {t.problem_id for t in load_codenet(ROOT)} == {'p90010'}


def test_user_only_pairing_and_ratio_threshold():
  assert [t.language for t in load_codenet(ROOT, pairing='user')] == ['python']
  assert load_codenet(ROOT, min_ratio=20.0) == []


def test_statement_is_the_html_text():
  task = load_benchmark(f'codenet:{ROOT}', languages='python')[0]
  assert task.statement == 'Sum\nPrint 1 + 2 + ... + n & nothing else.'


def test_a_directory_without_metadata_is_refused(tmp_path):
  with pytest.raises(FileNotFoundError, match='metadata'):
    load_codenet(tmp_path)


def test_a_csv_missing_columns_is_named(tmp_path):
  (tmp_path / 'metadata').mkdir()
  (tmp_path / 'metadata' / 'p1.csv').write_text('submission_id,problem_id\ns1,p1\n')
  (tmp_path / 'derived/input_output/data/p1').mkdir(parents=True)
  for name in ('input.txt', 'output.txt'):
    (tmp_path / 'derived/input_output/data/p1' / name).write_text('1\n')
  with pytest.raises(ValueError, match=r'p1.csv: missing column\(s\) user_id'):
    load_codenet(tmp_path)


def test_problem_list_csv_is_not_read_as_a_problem(tmp_path):
  shutil.copytree(ROOT, tmp_path / 'cn')
  (tmp_path / 'cn' / 'metadata' / 'problem_list.csv').write_text('id,name,dataset\np90010,Sum,AtCoder\n')
  assert [t.task_id for t in load_codenet(tmp_path / 'cn')] == [t.task_id for t in load_codenet(ROOT)]
