"""evaluate_candidates through the executor: reference candidates, best-of-k, invalid tasks, resume."""

import concurrent.futures
import hashlib
import json

import pytest

from bite_jax.data.mini import load_mini
from bite_jax.data.records import Task
from bite_jax.evaluate import CandidateError, evaluate_candidates, read_results, reference_candidates
from tests.helpers.toy_tasks import SUM_CRASH, SUM_EXPERT, SUM_SLOWER, SUM_SRC, SUM_WRONG, sum_task


@pytest.fixture(scope='module')
def mini_tasks():
  return load_mini(problems=['power_mod'], languages=['c', 'python'])


def _score(tasks, candidates, out, pool, **kw):
  return evaluate_candidates(tasks, candidates, out, pool=pool, repeats=3, progress=False, **kw)


def test_expert_candidates_reach_the_expert(tmp_path, mini_tasks, executor_pool):
  m = _score(mini_tasks, reference_candidates(mini_tasks, 'expert'), tmp_path, executor_pool)
  assert m['overall']['AP'] >= 90 and m['overall']['OPT'] == 100 and m['overall']['COR'] == 100
  assert set(m['by_language']) == {'c', 'python'} and m['meter'] == {'c': 'cpu', 'python': 'cpu'}
  rows = read_results(tmp_path / 'results.jsonl')
  assert sorted(r['task_id'] for r in rows) == sorted(t.task_id for t in mini_tasks)
  row = rows[0]
  assert row['correct'] and row['opt'] and row['meter'] == 'cpu' and row['old'] > row['opti'] > 0
  assert row['speedup'] == pytest.approx(row['old'] / row['new']) and 0.9 <= row['ap'] <= 1.0


def test_source_candidates_make_no_progress(tmp_path, mini_tasks, executor_pool):
  m = _score(mini_tasks, reference_candidates(mini_tasks, 'src'), tmp_path, executor_pool)
  assert m['overall']['AP'] <= 10 and m['overall']['OPT'] == 0 and m['overall']['COR'] == 100


def test_wrong_answers_score_zero_and_are_not_measured(tmp_path, mini_tasks, executor_pool):
  m = _score(mini_tasks, reference_candidates(mini_tasks, 'wrong'), tmp_path, executor_pool)
  assert (m['overall']['AP'], m['overall']['OPT'], m['overall']['COR']) == (0.0, 0.0, 0.0)
  assert m['failure_reasons'] == {'wrong_output': 2}
  assert all(r['old'] is None and r['meter'] is None for r in read_results(tmp_path / 'results.jsonl'))


def test_best_of_k_takes_the_fastest_correct_sample(tmp_path, executor_pool):
  task = sum_task()
  cands = [{'task_id': task.task_id, 'code': code} for code in (SUM_WRONG, SUM_SRC, SUM_EXPERT, SUM_CRASH)]
  _score([task], cands, tmp_path, executor_pool)
  row = read_results(tmp_path / 'results.jsonl')[0]
  assert row['best_sample'] == 2 and row['correct'] and row['opt']
  assert [s['reason'] for s in row['samples']] == ['wrong_output', 'ok', 'ok', 'runtime_error']
  assert row['samples'][3]['detail'].startswith('input 0:')


def test_identical_samples_are_measured_once_and_share_their_verdict(tmp_path, executor_pool):
  task = sum_task()
  _score([task], [{'task_id': task.task_id, 'code': SUM_SLOWER}] * 2, tmp_path, executor_pool)
  a, b = read_results(tmp_path / 'results.jsonl')[0]['samples']
  assert a['correct'] and a['speedup'] == b['speedup'] and a['speedup'] < 1.0


def test_expected_outputs_are_the_reference_when_given(tmp_path, executor_pool):
  task = sum_task(outputs=True)
  wrong_src = Task(**{**task.__dict__, 'task_id': 'toy/bad', 'src': SUM_WRONG})
  m = _score(
    [task, wrong_src],
    [{'task_id': 'toy/sum/python', 'code': SUM_EXPERT}, {'task_id': 'toy/bad', 'code': SUM_EXPERT}],
    tmp_path,
    executor_pool,
  )
  assert m['scored_tasks'] == 1 and m['invalid_tasks'] == 1
  assert m['invalid'][0]['task_id'] == 'toy/bad'
  assert m['invalid'][0]['reason'].startswith('src does not print the expected output: wrong_output')
  assert m['overall']['COR'] == 100.0 and m['overall']['tasks'] == 1


def test_a_task_without_candidates_counts_as_incorrect(tmp_path, executor_pool):
  m = _score(
    [sum_task(), sum_task('toy/other')], [{'task_id': 'toy/other', 'code': SUM_EXPERT}], tmp_path, executor_pool
  )
  assert m['overall']['COR'] == 50.0 and m['failure_reasons'] == {'no candidate': 1}


def test_a_candidate_for_an_unknown_task_is_an_error(tmp_path, executor_pool):
  with pytest.raises(CandidateError, match="candidates\\[0\\]: task_id 'nope' is not in the benchmark"):
    _score([sum_task()], [{'task_id': 'nope', 'code': 'x'}], tmp_path, executor_pool)


class _NoJobs:
  max_in_flight = 4

  def submit(self, job):
    raise AssertionError(f'no job expected, got {job["id"]}')


def test_a_rerun_reuses_scored_rows_and_rescores_a_torn_one(tmp_path, executor_pool):
  tasks = [sum_task(), sum_task('toy/other')]
  cands = [{'task_id': t.task_id, 'code': SUM_EXPERT} for t in tasks]
  first = _score(tasks, cands, tmp_path, executor_pool)
  assert _score(tasks, cands, tmp_path, _NoJobs()) == first
  path = tmp_path / 'results.jsonl'
  lines = path.read_text().splitlines()
  path.write_text(lines[0] + '\n' + lines[1][:40])  # a write cut by a kill
  again = _score(tasks, cands, tmp_path, executor_pool)
  assert again['overall']['COR'] == 100.0 and len(read_results(path)) == 2


def test_changed_candidates_are_rescored(tmp_path, executor_pool):
  task = sum_task()
  _score([task], [{'task_id': task.task_id, 'code': SUM_EXPERT}], tmp_path, executor_pool)
  m = _score([task], [{'task_id': task.task_id, 'code': SUM_WRONG}], tmp_path, executor_pool)
  assert m['overall']['COR'] == 0.0


def test_progress_lines_show_done_rate_and_eta(tmp_path, executor_pool, capsys):
  evaluate_candidates([sum_task()], [{'task_id': 'toy/sum/python', 'code': SUM_WRONG}], tmp_path, pool=executor_pool)
  err = capsys.readouterr().err
  assert '[evaluate] 1/1 tasks (100%)' in err and 'tasks/s' in err and 'ETA' in err


def test_output_files_are_written(tmp_path, executor_pool):
  _score([sum_task()], [{'task_id': 'toy/sum/python', 'code': SUM_EXPERT}], tmp_path, executor_pool)
  assert json.loads((tmp_path / 'metrics.json').read_text())['overall']['COR'] == 100.0
  assert '| overall |' in (tmp_path / 'report.md').read_text()
  assert (tmp_path / 'speedups.png').stat().st_size > 1000


class ScriptedPool:
  """Answers executor jobs from a script: every program prints 5; measure costs per source text."""

  max_in_flight = 4

  def __init__(self, costs):
    self.costs, self.jobs = costs, []

  def submit(self, job):

    self.jobs.append(job)
    run = {
      'status': 'ok',
      'stdout': '5\n',
      'stdout_truncated': False,
      'stdout_sha256': hashlib.sha256(b'5\n').hexdigest(),
    }
    if job['kind'] == 'run':
      result = {'status': 'ok', 'compile': {'status': 'ok'}, 'runs': [run]}
    else:
      programs = []
      for source in job['sources']:
        rounds = self.costs[source].pop(0)
        programs.append(
          {
            'status': 'ok',
            'compile': {'status': 'ok'},
            'runs': [run],
            'outputs_match_first': True,
            'cost': sorted(rounds)[len(rounds) // 2],
            'costs': rounds,
          }
        )
      result = {'meter': 'cpu', 'meter_backend': 'rusage', 'meter_exact': False, 'programs': programs}
    future = concurrent.futures.Future()
    future.set_result({'id': job['id'], 'kind': job['kind'], **result})
    return future


def test_a_speedup_whose_interval_holds_the_threshold_gets_more_rounds(tmp_path):
  task = Task(task_id='t', problem_id='p', language='python', src='SRC', expert='EXPERT', inputs=('1\n',), outputs=None)
  pool = ScriptedPool(
    {'SRC': [[1.0] * 5, [1.0] * 5], 'EXPERT': [[0.1] * 5], 'CAND': [[0.8, 1.0, 0.85, 1.0, 0.9], [1.0] * 5]}
  )
  m = evaluate_candidates([task], [{'task_id': 't', 'code': 'CAND'}], tmp_path, pool=pool, progress=False)
  assert [j['id'] for j in pool.jobs if j['kind'] == 'measure'] == ['t:measure', 't:settle']
  assert pool.jobs[-1]['sources'] == ['SRC', 'CAND']
  sample = read_results(tmp_path / 'results.jsonl')[0]['samples'][0]
  assert sample['rounds'] == 10 and sample['speedup'] < 1.1 and m['overall']['OPT'] == 0.0


def test_a_clear_speedup_is_not_measured_again(tmp_path):
  task = Task(task_id='t', problem_id='p', language='python', src='SRC', expert='EXPERT', inputs=('1\n',), outputs=None)
  pool = ScriptedPool({'SRC': [[1.0] * 5], 'EXPERT': [[0.1] * 5], 'CAND': [[0.5, 0.52, 0.49, 0.5, 0.51]]})
  m = evaluate_candidates([task], [{'task_id': 't', 'code': 'CAND'}], tmp_path, pool=pool, progress=False)
  assert [j['id'] for j in pool.jobs if j['kind'] == 'measure'] == ['t:measure']
  assert m['overall']['OPT'] == 100.0


MEMORISED = 'n = int(input())\nprint({200000: 20000100000, 300000: 45000150000}.get(n, 0))\n'  # sum_task's inputs


def test_a_candidate_that_special_cases_the_task_inputs_is_incorrect(tmp_path, executor_pool):
  task = sum_task()
  cands = [{'task_id': task.task_id, 'code': code} for code in (MEMORISED, SUM_EXPERT)]
  m = _score([task], cands, tmp_path, executor_pool)
  row = read_results(tmp_path / 'results.jsonl')[0]
  memorised, expert = row['samples']
  assert not memorised['correct'] and memorised['reason'] == 'differs_on_extra'
  assert memorised['detail'].startswith('extra input ') and "got '0'" in memorised['detail']
  assert expert['correct'] and row['best_sample'] == 1
  # src and expert ran once on the 8 extras, then each candidate right on the task's inputs on those
  # where src runs and the expert agrees with it.
  assert row['extra_inputs'] == 8 and row['extra_runs'] == 32 and row['extra_seconds'] > 0
  assert m['samples'] == 2 and m['failure_reasons'] == {'differs_on_extra': 1}


def test_special_casing_alone_scores_zero_and_the_check_can_be_turned_off(tmp_path, executor_pool):
  task = sum_task()
  cands = [{'task_id': task.task_id, 'code': MEMORISED}]
  m = _score([task], cands, tmp_path, executor_pool)
  assert (m['overall']['COR'], m['overall']['OPT'], m['overall']['AP']) == (0.0, 0.0, 0.0)
  off = _score([task], cands, tmp_path, executor_pool, extra_inputs=0)  # another setting: rescored
  assert off['overall']['COR'] == 100.0
  row = read_results(tmp_path / 'results.jsonl')[0]
  assert row['extra_inputs'] is None and row['extra_runs'] == 0


def test_wrong_candidates_never_run_on_the_extra_inputs(tmp_path, executor_pool):
  task = sum_task()
  _score([task], [{'task_id': task.task_id, 'code': SUM_WRONG}], tmp_path, executor_pool)
  row = read_results(tmp_path / 'results.jsonl')[0]
  assert row['samples'][0]['reason'] == 'wrong_output' and row['extra_runs'] == 16  # src's and expert's only
