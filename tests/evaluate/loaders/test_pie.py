"""PIE loader: pairs JSONL + test-case directories or CodeNet statement sample I/O, and the real files."""

import json
import tarfile

import pytest

from bite_jax.evaluate import evaluate_candidates, reference_candidates
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_benchmark, load_pie
from bite_jax.evaluate.loaders import pie as pie_loader
from tests.helpers import paths

FIXTURES = paths.FIXTURES / 'pie'
DATA = paths.SHARED_DATA
PIE = DATA / 'pie' / 'py_reference.jsonl'
TAR = DATA / 'codenet' / 'problem_descriptions.tar.gz'


def test_tests_dir_gives_each_row_its_problems_cases():
  tasks = load_pie(FIXTURES / 'pairs.jsonl', tests_dir=FIXTURES / 'tests')
  assert [t.task_id for t in tasks] == ['pie/p90001/s001-s002', 'pie/p90001/s003-s004']
  py, cpp = tasks
  assert (py.language, cpp.language) == ('python', 'cpp')
  assert py.inputs == ('10\n', '1000\n') and py.outputs == ('55\n', '500500\n')
  assert 'for i in range' in py.src and 'n * (n + 1) // 2' in py.expert
  assert py.source == 'pie' and py.problem_id == 'p90001'


def test_statement_directory_supplies_sample_io():
  tasks = load_pie(FIXTURES / 'pairs.jsonl', statements=FIXTURES / 'statements')
  assert [t.task_id for t in tasks] == ['pie/p90002/s005-s006']
  assert tasks[0].inputs == ('3\n1 5 2\n', '2\n-3 -7\n')  # <var> tags stripped
  assert tasks[0].outputs == ('5\n', '-3\n')


def test_statement_tarball_and_tests_dir_together_cover_every_row(tmp_path):
  tar_path = tmp_path / 'problem_descriptions.tar.gz'
  with tarfile.open(tar_path, 'w:gz') as tar:
    tar.add(FIXTURES / 'statements' / 'problem_descriptions', arcname='problem_descriptions')
  tasks = load_pie(FIXTURES / 'pairs.jsonl', tests_dir=FIXTURES / 'tests', statements=tar_path)
  assert sorted(t.problem_id for t in tasks) == ['p90001', 'p90001', 'p90002']


def test_rows_without_any_test_case_are_skipped(tmp_path):
  tasks = load_pie(FIXTURES / 'pairs.jsonl', tests_dir=tmp_path)
  assert tasks == []


def test_without_a_test_source_the_error_says_what_is_missing():
  with pytest.raises(ValueError, match='tests_dir.*statements'):
    load_pie(FIXTURES / 'pairs.jsonl')


def test_malformed_row_names_file_line_and_field(tmp_path):
  path = tmp_path / 'bad.jsonl'
  path.write_text(json.dumps({'problem_id': 'p90001', 'input': 'x', 'language': 'python'}) + '\n')
  with pytest.raises(BenchmarkFormatError, match=r'bad.jsonl:1: field .target.'):
    load_pie(path, tests_dir=FIXTURES / 'tests')


def test_row_without_language_needs_the_language_option(tmp_path):
  path = tmp_path / 'nolang.jsonl'
  path.write_text('\n' + json.dumps({'problem_id': 'p90001', 'input': 'a', 'target': 'b'}) + '\n')
  with pytest.raises(BenchmarkFormatError, match=r'nolang.jsonl:2: no .language.'):
    load_pie(path, tests_dir=FIXTURES / 'tests')
  tasks = load_pie(path, tests_dir=FIXTURES / 'tests', language='C++')
  assert tasks[0].language == 'cpp' and tasks[0].task_id == 'pie/p90001/line2'


def test_filters_apply_to_languages_problems_and_limit():
  both = dict(tests_dir=FIXTURES / 'tests', statements=FIXTURES / 'statements')
  assert [t.language for t in load_pie(FIXTURES / 'pairs.jsonl', languages='c++', **both)] == ['cpp']
  assert [t.problem_id for t in load_pie(FIXTURES / 'pairs.jsonl', problems=['p90002'], **both)] == ['p90002']
  assert len(load_pie(FIXTURES / 'pairs.jsonl', limit=1, **both)) == 1


needs_data = pytest.mark.skipif(
  not (PIE.exists() and TAR.exists()), reason=f'real PIE/CodeNet files not present under {DATA}'
)


@needs_data
def test_real_pie_with_statement_samples_reads_the_tarball_once(monkeypatch):
  calls = []
  real = pie_loader.sample_io_many

  def counting(problem_ids, tar_path):
    calls.append(len(list(problem_ids)))
    return real(problem_ids, tar_path)

  monkeypatch.setattr(pie_loader, 'sample_io_many', counting)  # the name the PIE loader calls it by
  tasks = load_benchmark(f'pie:{PIE}', statements=TAR)
  assert len(calls) == 1 and calls[0] == len({t.problem_id for t in tasks})
  assert len(tasks) >= 900
  assert all(t.language == 'python' and t.inputs and len(t.outputs) == len(t.inputs) for t in tasks)
  assert len({t.task_id for t in tasks}) == len(tasks)


@needs_data
def test_real_pie_experts_score_correct(tmp_path):
  tasks = load_benchmark(f'pie:{PIE}', statements=TAR, problems=['p03371'], limit=2)
  metrics = evaluate_candidates(
    tasks, reference_candidates(tasks, 'expert'), tmp_path, workers=1, repeats=1, progress=False
  )
  assert metrics['invalid_tasks'] == 0
  assert metrics['overall']['COR'] == 100.0 and metrics['overall']['tasks'] == 2
