"""Verdicts from executor result dicts: correctness against a reference, and costs from a measure job."""

import pytest

from bite_jax.evaluate.verdicts import Reference, check_runs, expected_references, measured_costs


def _run(stdout, status='ok', truncated=False, sha=None):
  import hashlib
  return {'status': status, 'stdout': stdout, 'stdout_truncated': truncated, 'detail': '' if status == 'ok' else 'x',
          'stdout_sha256': sha or hashlib.sha256(stdout.encode()).hexdigest(), 'stderr': 'Boom\n'}


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
  result = {'status': 'compile_error', 'compile': {'status': 'compile_error', 'message': 'main.c:1: error\nmore'},
            'runs': []}
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


def _entry(cost=None, speedup=None, status='ok', match=True, stdout='1\n'):
  e = {'status': status, 'compile': {'status': 'ok'}, 'runs': [_run(stdout)], 'outputs_match_first': match}
  if cost is not None:
    e['cost'] = cost
  if speedup is not None:
    e['speedup_vs_first'] = {'speedup': speedup, 'interval': [speedup * 0.9, speedup * 1.1]}
  return e


def test_costs_are_old_and_paired_speedups():
  result = {'meter': 'cpu', 'meter_backend': 'rusage',
            'programs': [_entry(cost=2.0), _entry(speedup=4.0), _entry(speedup=2.0), _entry(speedup=1.0)]}
  costs, why = measured_costs(result, 2, None)
  assert why == '' and costs.old == 2.0 and costs.opti == pytest.approx(0.5)
  assert costs.speedups == [2.0, 1.0] and costs.reasons == ['ok', 'ok'] and costs.meter == 'cpu'


def test_src_failing_while_measured_makes_the_task_unscorable():
  result = {'programs': [_entry(status='timeout'), _entry(speedup=4.0), _entry(speedup=2.0)]}
  costs, why = measured_costs(result, 1, None)
  assert costs is None and why == 'src failed while measured: timeout'


def test_a_candidate_that_changes_output_while_measured_is_flaky():
  result = {'programs': [_entry(cost=1.0), _entry(speedup=3.0), _entry(speedup=2.0, match=False, stdout='9\n')]}
  costs, _ = measured_costs(result, 1, None)
  assert costs.speedups == [None] and costs.reasons == ['flaky: output changed while measured']


def test_a_token_differing_before_the_cut_is_wrong_output():
  ref = [Reference('1 2 3 4', 'h1', truncated=True)]
  result = {'status': 'ok', 'compile': {'status': 'ok'}, 'runs': [_run('1 2 9 4', truncated=True, sha='h2')]}
  check = check_runs(result, ref)
  assert check.reason == 'wrong_output' and check.detail == "input 0: token 2: expected '3', got '9'"


def test_a_short_uncut_output_against_a_cut_reference_is_wrong_output():
  ref = [Reference('1 2 3 4', 'h1', truncated=True)]
  assert check_runs(_result('1 2\n'), ref).reason == 'wrong_output'
