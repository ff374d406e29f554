"""load_benchmark: benchmark specs, filters, the exported-tasks format and test-case directories."""

import json

import pytest

from bite_jax.data.records import LANGUAGES
from bite_jax.evaluate.cli import export_tasks
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_benchmark, load_tasks_jsonl, parse_spec
from bite_jax.evaluate.loaders.common import CaseDirs, unique_ids


def test_mini_has_at_least_100_tasks_in_all_five_languages():
  tasks = load_benchmark('mini')
  assert len(tasks) >= 100 and {t.language for t in tasks} == set(LANGUAGES)
  assert all(t.expert and t.inputs for t in tasks)


def test_mini_filters_take_comma_separated_strings():
  tasks = load_benchmark('mini', languages='C++,py', problems='lis,dijkstra', split='train')
  assert [t.task_id for t in tasks] == ['mini/lis/cpp', 'mini/lis/python']  # dijkstra is a test problem
  assert len(load_benchmark('mini', problems='lis', limit=2)) == 2


@pytest.mark.parametrize('spec', ['pie', 'pie:', 'mini:x', 'foo:bar', 'PIE:x'])
def test_bad_specs_name_the_accepted_forms(spec):
  with pytest.raises(ValueError, match='expected mini, pie:PATH'):
    parse_spec(spec)


def test_a_missing_benchmark_path_is_named(tmp_path):
  with pytest.raises(FileNotFoundError, match='nothing.jsonl'):
    load_benchmark(f'pie:{tmp_path / "nothing.jsonl"}', tests_dir=tmp_path)


def test_split_is_only_for_mini(tmp_path):
  with pytest.raises(ValueError, match='--split applies to the mini benchmark only'):
    load_benchmark(f'codenet:{tmp_path}', split='test')


def test_exported_tasks_load_back_identically(tmp_path):
  tasks = load_benchmark('mini', problems='lis', languages='go')
  path = export_tasks(tasks, tmp_path / 'tasks.jsonl')
  first = json.loads(path.read_text().splitlines()[0])
  assert {'task_id', 'language', 'src', 'expert', 'inputs'} <= set(first)
  assert load_benchmark(f'tasks:{path}') == tasks


def test_a_repeated_task_id_in_a_tasks_file_names_both_lines(tmp_path):
  line = json.dumps({'task_id': 't', 'problem_id': 'p', 'language': 'py', 'src': 'a', 'expert': 'b', 'inputs': []})
  path = tmp_path / 'tasks.jsonl'
  path.write_text(line + '\n' + line + '\n')
  with pytest.raises(BenchmarkFormatError, match=r"tasks.jsonl:2: task_id 't' already on line 1"):
    load_tasks_jsonl(path)


def test_a_bad_task_field_names_the_line(tmp_path):
  path = tmp_path / 'tasks.jsonl'
  path.write_text(json.dumps({'task_id': 't', 'problem_id': 'p', 'language': 'cobol', 'src': 'a', 'inputs': []}))
  with pytest.raises(BenchmarkFormatError, match=r'tasks.jsonl:1: unknown language'):
    load_tasks_jsonl(path)


def test_case_directory_pairs_inputs_with_outputs_by_number(tmp_path):
  d = tmp_path / 'p1'
  d.mkdir()
  for n in (10, 2):
    (d / f'input.{n}.txt').write_text(f'in{n}')
    (d / f'output.{n}.txt').write_text(f'out{n}')
  assert CaseDirs(tmp_path).cases('p1') == (('in2', 'in10'), ('out2', 'out10'))
  assert CaseDirs(tmp_path).cases('p2') is None


def test_an_input_without_its_output_file_is_named(tmp_path):
  (tmp_path / 'p1').mkdir()
  (tmp_path / 'p1' / 'input.0.txt').write_text('1')
  with pytest.raises(BenchmarkFormatError, match=r'input.0.txt: has no matching output.0.txt'):
    CaseDirs(tmp_path).cases('p1')


def test_repeated_ids_get_numbered_suffixes():
  assert unique_ids(['a', 'b', 'a', 'a']) == ['a', 'b', 'a#2', 'a#3']


def test_limit_zero_selects_nothing():
  assert load_benchmark('mini', problems='lis', limit=0) == []
