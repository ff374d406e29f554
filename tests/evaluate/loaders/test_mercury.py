"""Mercury loader: Solution classes become stdin/stdout programs through a generated driver."""

import json

import pytest

import executor
from bite_jax.evaluate.loaders import BenchmarkFormatError, load_mercury
from bite_jax.evaluate.loaders.mercury_driver import render
from tests.helpers import paths

FIXTURE = paths.FIXTURES / 'mercury' / 'mercury.jsonl'


@pytest.fixture(scope='module')
def tasks():
  return {t.problem_id: t for t in load_mercury(FIXTURE)}


def test_one_task_per_row_with_two_solutions_of_different_runtime(tasks):
  assert sorted(tasks) == ['maximum-depth-of-binary-tree', 'reverse-linked-list', 'rotate-array', 'two-sum']
  t = tasks['two-sum']
  assert t.task_id == 'mercury/two-sum' and t.language == 'python' and t.source == 'mercury'
  assert 'for j in range(i + 1, len(nums))' in t.src  # the 1200 ms solution
  assert 'seen = {}' in t.expert  # the 40 ms one
  assert t.statement.startswith('Given an array nums')


def test_cases_become_one_stdin_line_each_and_expected_lines(tasks):
  t = tasks['two-sum']
  assert t.inputs == ('[[2,7,11,15],9]\n[[3,2,4],6]\n',)
  assert t.outputs == ('[ 0 1 ]\n[ 1 2 ]\n',)


def test_a_bare_single_argument_is_wrapped_and_keywords_are_kept(tasks):
  assert tasks['reverse-linked-list'].inputs == ('[[1,2,3,4,5]]\n[[1,2]]\n[[]]\n',)
  assert tasks['rotate-array'].inputs[0].splitlines()[1] == '{"nums":[-1,-100,3,99],"k":2}'


def test_render_is_a_canonical_token_form():
  assert render([1, [2.5, None], True, 'a b']) == '[ 1 [ 2.5 null ] true "a b" ]'
  assert render({'k': [False]}) == '{ "k" : [ false ] }'
  assert render([]) == '[ ]'


@pytest.mark.parametrize('variant', ['src', 'expert'])
def test_driver_programs_print_the_expected_output(tasks, variant):
  for t in tasks.values():
    result = executor.run('python', getattr(t, variant), t.inputs)
    run = result['runs'][0]
    assert run['status'] == 'ok', (t.task_id, run['stderr'])
    assert executor.outputs_equal(run['stdout'], t.outputs[0]), (t.task_id, run['stdout'])


def test_generated_cases_run_in_the_sandbox_and_make_src_the_reference():
  t = load_mercury(FIXTURE, problems=['two-sum'], generated_cases=4, seed=3)[0]
  lines = t.inputs[0].splitlines()
  assert len(lines) == 2 + 4 and t.outputs is None
  nums, target = json.loads(lines[-1])
  assert isinstance(nums, list) and isinstance(target, int)
  again = load_mercury(FIXTURE, problems=['two-sum'], generated_cases=4, seed=3)[0]
  assert again.inputs == t.inputs  # seeded


def test_test_cases_that_are_not_json_name_the_line(tmp_path):
  row = json.loads(FIXTURE.read_text().splitlines()[0])
  row['test_cases'] = '[{"input": '
  path = tmp_path / 'bad.jsonl'
  path.write_text(json.dumps(row) + '\n')
  with pytest.raises(BenchmarkFormatError, match=r'bad.jsonl:1: field .test_cases. is not valid JSON'):
    load_mercury(path)


def test_a_missing_entry_point_method_is_an_error(tmp_path):
  row = json.loads(FIXTURE.read_text().splitlines()[0])
  row['entry_point'] = 'threeSum'
  path = tmp_path / 'bad.jsonl'
  path.write_text(json.dumps(row) + '\n')
  with pytest.raises(BenchmarkFormatError, match="bad.jsonl:1: no method 'threeSum'"):
    load_mercury(path)
