"""Meters and compare(): exact instruction counts, noise-robust CPU comparisons."""

import pytest

from executor.measuring import compare, measure
from executor.meters import Meter, MeterSupport, resolve_meter


def c_loop(n: int) -> str:
  return (
    '#include <stdio.h>\nint main(void){ volatile long s = 0; for (long i = 0; i < %dL; i++) s += i %% 7;'
    ' printf("%%d\\n", s >= 0); return 0; }\n' % n
  )


def py_loop(n: int) -> str:
  return f's = 0\nfor i in range({n}):\n    s += i * i % 7\nprint(s >= 0)\n'


def needs_valgrind(ex):
  if not ex.support.valgrind and not ex.support.perf:
    pytest.skip('no instruction counter (perf or valgrind) on this machine')


def test_auto_meter_without_counters_is_cpu_and_says_why():
  meter = resolve_meter(None, 'c', MeterSupport(perf=False, valgrind=True), exact_language=True)
  assert meter.name == 'cpu' and 'no hardware instruction counter' in meter.note


def test_auto_meter_with_hardware_counters_counts_instructions():
  meter = resolve_meter('auto', 'python', MeterSupport(perf=True, valgrind=True), exact_language=True)
  assert (meter.name, meter.backend) == ('instructions', 'perf')


def test_instructions_for_java_fall_back_to_cpu_with_a_note():
  meter = resolve_meter('instructions', 'java', MeterSupport(perf=False, valgrind=True), exact_language=False)
  assert meter.name == 'cpu' and 'java' in meter.note


def test_unknown_meter_is_rejected():
  with pytest.raises(ValueError, match='unknown meter'):
    resolve_meter('wallclock', 'c', MeterSupport(False, False), True)


def test_counts_are_parsed_from_valgrind_and_perf_reports():
  valgrind = Meter('instructions', 'valgrind', True)
  perf = Meter('instructions', 'perf', False)
  tail = 'out\n==2== \n==2== I   refs:      1,234,567\n'
  assert valgrind.instructions(tail) == 1234567 and valgrind.clean_stderr(tail) == 'out\n'
  assert perf.instructions('x\n98765,,instructions:u,1000,100.00,,\n') == 98765
  assert perf.instructions('<not supported>,,instructions:u,0,100.00,,\n') is None


def test_instruction_counts_of_identical_programs_agree_within_one_percent(ex):
  needs_valgrind(ex)
  result = compare(ex, 'c', c_loop(2_000_000), c_loop(2_000_000), [''], meter='instructions')
  assert result['correct'] and abs(result['speedup'] - 1.0) < 0.01
  assert not result['faster'] and not result['slower'] and result['meter'] == 'instructions'


def test_instructions_detect_an_eleven_percent_speedup(ex):
  needs_valgrind(ex)
  result = compare(ex, 'c', c_loop(2_220_000), c_loop(2_000_000), [''], meter='instructions')
  assert result['faster'] and result['speedup'] == pytest.approx(1.11, abs=0.005)


def test_instructions_detect_a_slowdown(ex):
  needs_valgrind(ex)
  result = compare(ex, 'cpp', c_loop(1_000_000), c_loop(1_250_000), [''], meter='instructions')
  assert result['slower'] and not result['faster']


@pytest.mark.slow
def test_python_instruction_counts_are_exact_and_detect_eleven_percent(ex):
  needs_valgrind(ex)
  same = compare(ex, 'python', py_loop(60_000), py_loop(60_000), [''], meter='instructions')
  assert same['speedup'] == pytest.approx(1.0, abs=0.01)
  faster = compare(ex, 'python', py_loop(66_600), py_loop(60_000), [''], meter='instructions')
  assert faster['faster'] and faster['speedup'] == pytest.approx(1.11, abs=0.01)


def test_cpu_meter_never_calls_the_same_program_faster(ex):
  for _ in range(3):
    result = compare(ex, 'python', py_loop(150_000), py_loop(150_000), ['', ''], meter='cpu')
    assert result['correct'] and not result['faster'] and not result['slower']
    assert result['meter'] == 'cpu' and result['rounds'] >= 6


def test_cpu_meter_detects_a_quarter_speedup(ex):
  result = compare(ex, 'c', c_loop(50_000_000), c_loop(40_000_000), ['', ''], meter='cpu')
  assert result['faster'] and 1.15 < result['speedup'] < 1.35
  assert result['interval'][0] > 1.1


def test_default_meter_detects_a_quarter_speedup(ex):
  result = compare(ex, 'python', py_loop(250_000), py_loop(200_000), [''])
  assert result['faster'], result['interval']


def test_wrong_output_is_not_correct_and_not_timed(ex):
  result = compare(ex, 'python', 'print(1)', 'print(2)', [''])
  assert not result['correct'] and result['speedup'] is None and result['mismatch']['input'] == 0
  assert not result['faster']


def test_failing_candidate_is_not_correct(ex):
  result = compare(ex, 'python', 'print(input())', "import sys\nif input() == 'b': sys.exit(1)\nprint('a')", ['a', 'b'])
  assert not result['correct'] and 'fails on input 1' in result['reason']


def test_measure_reports_costs_of_several_programs(ex):
  result = measure(
    ex, 'c', [c_loop(20_000_000), c_loop(10_000_000), 'int main(void){ return 1; }'], [''], meter='cpu', repeats=3
  )
  old, new, broken = result['programs']
  assert broken['status'] == 'runtime_error' and 'cost' not in broken
  assert old['cost'] > new['cost'] and new['outputs_match_first']
  assert old['cost_interval'][0] <= old['cost'] <= old['cost_interval'][1]
  assert 1.5 < new['speedup_vs_first']['speedup'] < 2.5
