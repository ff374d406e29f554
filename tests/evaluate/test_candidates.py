"""Candidate files: lines {"task_id", "code"}, samples per task, and errors naming file:line."""

import json

import pytest

import executor
from bite_jax.evaluate.candidates import (
  CandidateError,
  constant_program,
  from_records,
  group_by_task,
  read_candidates,
  reference_candidates,
  write_candidates,
)
from tests.helpers.toy_tasks import sum_task


def _write(path, lines):
  path.write_text(''.join((line if isinstance(line, str) else json.dumps(line)) + '\n' for line in lines))
  return path


def test_lines_of_one_task_are_its_samples_in_order(tmp_path):
  path = _write(
    tmp_path / 'c.jsonl',
    [{'task_id': 'a', 'code': 'x'}, '', {'task_id': 'b', 'code': 'y'}, {'task_id': 'a', 'code': 'z'}],
  )
  got = [(c.task_id, c.code, c.sample_index, c.where) for c in read_candidates(path)]
  assert got == [('a', 'x', 0, f'{path}:1'), ('b', 'y', 0, f'{path}:3'), ('a', 'z', 1, f'{path}:4')]


def test_explicit_sample_indices_are_kept(tmp_path):
  path = _write(tmp_path / 'c.jsonl', [{'task_id': 'a', 'code': 'x', 'sample_index': 4}, {'task_id': 'a', 'code': 'y'}])
  assert [c.sample_index for c in read_candidates(path)] == [4, 5]


@pytest.mark.parametrize(
  'line, why',
  [
    ('{"task_id": "a", "code": ', 'not valid JSON'),
    ('["a", "b"]', 'expected a JSON object'),
    ('{"code": "x"}', 'field "task_id"'),
    ('{"task_id": "a", "code": 3}', 'field "code" must be a string'),
    ('{"task_id": "a", "code": "x", "sample_index": -1}', 'field "sample_index"'),
  ],
)
def test_a_malformed_line_names_file_and_line(tmp_path, line, why):
  path = _write(tmp_path / 'c.jsonl', [{'task_id': 'a', 'code': 'ok'}, line])
  with pytest.raises(CandidateError, match=f'c.jsonl:2: .*{why}'):
    read_candidates(path)


def test_a_task_id_the_benchmark_lacks_is_named_with_its_line(tmp_path):
  path = _write(tmp_path / 'c.jsonl', [{'task_id': 'toy/sum/python', 'code': 'x'}, {'task_id': 'nope', 'code': 'y'}])
  with pytest.raises(CandidateError, match=r"c.jsonl:2: task_id 'nope' is not in the benchmark"):
    group_by_task(read_candidates(path), [sum_task()])


def test_a_repeated_sample_index_is_an_error():
  cands = from_records(
    [{'task_id': 't', 'code': 'a', 'sample_index': 0}, {'task_id': 't', 'code': 'b', 'sample_index': 0}]
  )
  with pytest.raises(CandidateError, match=r'candidates\[1\]: sample_index 0 .* already given at candidates\[0\]'):
    group_by_task(cands, [sum_task('t')])


def test_write_then_read_round_trips(tmp_path):
  cands = reference_candidates([sum_task()], 'expert')
  back = read_candidates(write_candidates(tmp_path / 'out.jsonl', cands))
  assert [(c.task_id, c.code, c.sample_index) for c in back] == [(c.task_id, c.code, c.sample_index) for c in cands]


def test_reference_candidates_are_the_tasks_own_programs():
  task = sum_task()
  assert [c.code for c in reference_candidates([task], 'src')] == [task.src]
  assert [c.code for c in reference_candidates([task], 'expert')] == [task.expert]
  with pytest.raises(ValueError, match="'expert', 'src' or 'wrong'"):
    reference_candidates([task], 'slow')


@pytest.mark.parametrize('language', ['c', 'cpp', 'go', 'java', 'python'])
def test_constant_program_compiles_and_prints_its_text(language):
  result = executor.run(language, constant_program(language, '-1'), ['7\n'])
  assert result['status'] == 'ok' and result['runs'][0]['stdout'] == '-1\n'


@pytest.mark.parametrize('key', ['task_id', 'code'])
def test_a_missing_field_is_named_as_missing(tmp_path, key):
  record = {'task_id': 'a', 'code': 'x'}
  del record[key]
  path = _write(tmp_path / 'c.jsonl', [record])
  with pytest.raises(CandidateError, match=f'c.jsonl:1: missing field "{key}"'):
    read_candidates(path)
