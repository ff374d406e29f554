"""Verdicts from executor result dicts: correctness against a reference, and costs from a measure job."""

import hashlib
import math

import pytest

from bite_jax.evaluate.verdicts import (
  Reference,
  accepted_references,
  add_rounds,
  check_runs,
  expected_references,
  extra_check,
  measured_costs,
  paired_logs,
  run_seconds,
  unsettled,
)


def _run(stdout, status='ok', truncated=False, sha=None):
  return {
    'status': status,
    'stdout': stdout,
    'stdout_truncated': truncated,
    'detail': '' if status == 'ok' else 'x',
    'stdout_sha256': sha or hashlib.sha256(stdout.encode()).hexdigest(),
    'stderr': 'Boom\n',
  }


def _result(*stdouts, status='ok'):
  return {'status': status, 'compile': {'status': 'ok'}, 'runs': [_run(s) for s in stdouts]}


def test_same_tokens_are_correct_whatever_the_whitespace():
  assert check_runs(_result('1 2\n', '3'), expected_references(['1  2', '3\n'])).ok


def test_numbers_agree_within_tolerance():
  assert check_runs(_result('0.3333333\n'), expected_references(['0.33333333333\n'])).ok
  assert not check_runs(_result('0.34\n'), expected_references(['0.33333333333\n'])).ok


def test_a_different_token_is_wrong_output_with_where():
  check = check_runs(_result('5\n', '7\n'), expected_references(['5\n', '8\n']))
  assert check.reason == 'wrong_output' and check.detail == "input 1: token 0: expected '8', got '7'"


def test_compile_error_reports_the_first_message_line():
  result = {
    'status': 'compile_error',
    'compile': {'status': 'compile_error', 'message': 'main.c:1: error\nmore'},
    'runs': [],
  }
  check = check_runs(result, expected_references(['1']))
  assert (check.reason, check.detail) == ('compile_error', 'main.c:1: error')


def test_a_failing_run_is_its_status():
  result = {'status': 'timeout', 'compile': {'status': 'ok'}, 'runs': [_run('1\n'), _run('', status='timeout')]}
  check = check_runs(result, expected_references(['1\n', '2\n']))
  assert check.reason == 'timeout' and check.detail.startswith('input 1:')


def test_outputs_beyond_the_window_are_undecided_unless_bytes_match():
  ref = [Reference('a' * 10, 'h1', truncated=True)]
  result = {'status': 'ok', 'compile': {'status': 'ok'}, 'runs': [_run('a' * 10, truncated=True, sha='h2')]}
  assert check_runs(result, ref).reason == 'undecided'
  result['runs'][0]['stdout_sha256'] = 'h1'
  assert check_runs(result, ref).ok


def _entry(cost=None, costs=None, status='ok', match=True, stdout='1\n'):
  e = {'status': status, 'compile': {'status': 'ok'}, 'runs': [_run(stdout)], 'outputs_match_first': match}
  if cost is not None:
    e['cost'] = cost
  if costs is not None:
    e['costs'] = costs
  return e


SRC = _entry(cost=2.0, costs=[2.0, 2.0, 2.0])


def test_costs_are_old_and_paired_speedups():
  result = {
    'meter': 'cpu',
    'meter_backend': 'rusage',
    'programs': [SRC, _entry(costs=[0.5] * 3), _entry(costs=[1.0] * 3), _entry(costs=[2.0] * 3)],
  }
  costs, why = measured_costs(result, 2, None)
  assert why == '' and costs.old == 2.0 and costs.opti == pytest.approx(0.5)
  assert costs.speedup(0, 0.95) == pytest.approx((2.0, 2.0, 2.0)) and costs.speedup(1, 0.95)[0] == pytest.approx(1.0)
  assert costs.reasons == ['ok', 'ok'] and costs.meter == 'cpu'


def test_speedup_is_the_trimmed_mean_of_paired_round_ratios():
  src = _entry(cost=1.0, costs=[1.0, 2.0, 1.0, 1.0, 1.0])  # round 2 was slow for everyone
  cand = _entry(costs=[0.5, 1.0, 0.5, 0.5, 5.0])  # one outlier round
  costs, _ = measured_costs({'programs': [src, cand, cand]}, 1, None)
  assert costs.speedup(0, 0.95)[0] == pytest.approx(2.0)
  assert paired_logs({'programs': [src, cand]}, 1)[1] == pytest.approx(math.log(2.0))


def test_src_failing_while_measured_makes_the_task_unscorable():
  result = {'programs': [_entry(status='timeout'), _entry(costs=[1.0]), _entry(costs=[1.0])]}
  costs, why = measured_costs(result, 1, None)
  assert costs is None and why == 'src failed while measured: timeout'


def test_a_candidate_that_changes_output_while_measured_is_flaky():
  result = {'programs': [SRC, _entry(costs=[1.0] * 3), _entry(costs=[1.0] * 3, match=False, stdout='9\n')]}
  costs, _ = measured_costs(result, 1, None)
  assert costs.logs == [None] and costs.reasons == ['flaky: output changed while measured']
  assert costs.speedup(0, 0.95) is None


def test_an_interval_containing_the_threshold_is_unsettled():
  assert unsettled([math.log(x) for x in (1.0, 1.25, 1.05, 1.2, 1.0)], 0.95, 1.1)
  assert not unsettled([math.log(x) for x in (1.0, 1.01, 0.99, 1.0, 1.02)], 0.95, 1.1)
  assert not unsettled([math.log(1.5)] * 5, 0.95, 1.1)
  assert not unsettled([math.log(1.0), math.log(1.3)], 0.95, 1.1)  # too few rounds to judge


def test_follow_up_rounds_are_pooled_and_can_unmake_a_candidate():
  result = {'programs': [SRC, _entry(costs=[1.0] * 3), _entry(costs=[1.6, 1.8, 2.0]), _entry(costs=[1.0] * 3)]}
  costs, _ = measured_costs(result, 2, None)
  follow = {
    'programs': [_entry(cost=2.0, costs=[2.0] * 3), _entry(costs=[2.0] * 3), _entry(costs=[1.0] * 3, status='timeout')]
  }
  add_rounds(costs, follow, [0, 1], None)
  assert len(costs.logs[0]) == 6 and costs.speedup(0, 0.95)[0] < 1.1
  assert costs.logs[1] is None and costs.reasons[1] == 'flaky: timeout while measured'


def test_a_token_differing_before_the_cut_is_wrong_output():
  ref = [Reference('1 2 3 4', 'h1', truncated=True)]
  result = {'status': 'ok', 'compile': {'status': 'ok'}, 'runs': [_run('1 2 9 4', truncated=True, sha='h2')]}
  check = check_runs(result, ref)
  assert check.reason == 'wrong_output' and check.detail == "input 0: token 2: expected '3', got '9'"


def test_a_short_uncut_output_against_a_cut_reference_is_wrong_output():
  ref = [Reference('1 2 3 4', 'h1', truncated=True)]
  assert check_runs(_result('1 2\n'), ref).reason == 'wrong_output'


def test_only_extra_inputs_src_runs_cleanly_on_are_references():
  src = {
    'status': 'timeout',
    'compile': {'status': 'ok'},
    'runs': [_run('1\n'), _run('', status='timeout'), _run('3\n')],
  }
  assert [(i, ref.text) for i, ref in accepted_references(src)] == [(0, '1\n'), (2, '3\n')]
  assert accepted_references({'status': 'internal_error', 'error': 'worker died', 'runs': []}) == []


def test_an_extra_input_the_expert_answers_differently_is_dropped():
  src = _result('1\n', '2\n', '3\n')
  expert = {'status': 'timeout', 'compile': {'status': 'ok'}, 'runs': [_run('1\n'), _run('9\n'), _run('', 'timeout')]}
  assert [i for i, _ in accepted_references(src, expert)] == [0]
  assert accepted_references(src, {'status': 'internal_error', 'error': 'worker died', 'runs': []}) == []


def test_a_candidate_must_print_what_src_prints_on_every_accepted_extra_input():
  accepted = accepted_references(_result('1\n', '2\n', '3\n'))[::2]  # src accepted extras 0 and 2
  assert extra_check(_result('1\n', '3.0000000001\n'), accepted).ok
  wrong = extra_check(_result('1\n', '0\n'), accepted)
  assert wrong.reason == 'differs_on_extra' and wrong.detail == "extra input 2: token 0: expected '3', got '0'"
  crash = {'status': 'runtime_error', 'compile': {'status': 'ok'}, 'runs': [_run('1\n'), _run('', 'runtime_error')]}
  check = extra_check(crash, accepted)
  assert check.reason == 'differs_on_extra' and check.detail == 'extra input 2: runtime_error where src runs; Boom'


def test_the_check_costs_its_runs_wall_time_and_uncached_compiles():
  result = _result('1\n', '2\n')
  result['runs'][0]['wall_time'], result['runs'][1]['wall_time'] = 0.25, 0.5
  assert run_seconds(result) == 0.75
  result['compile'].update(cached=False, seconds=1.0)
  assert run_seconds(result) == 1.75
