"""measure() and compare() take the startup they subtract from empty-program runs in their own rounds.

A fake executor stands in for the sandbox: a program 'work:S' costs the startup plus S seconds (or
instructions per second under an exact meter), the empty program costs the startup alone, and the
executor's one-off startup estimate (Executor.startup_cost) is stale, as it is when the load has
changed since the executor measured it.
"""

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from executor.config import Limits
from executor.engine import Program, Run
from executor.measuring import compare, measure
from executor.meters import CPU, Meter
from executor.results import ProcessResult

STARTUP = 0.010  # what the empty program costs while the programs are measured
STALE = 0.013  # the executor's estimate from when it started (the load was heavier then)
EMPTY = ''
VALGRIND = Meter('instructions', 'valgrind', True)


class FakeExecutor:
  def __init__(self, meter=CPU):
    self.config = SimpleNamespace(rel_tol=1e-6, abs_tol=1e-6)
    self.languages = {'python': SimpleNamespace(empty_program=EMPTY)}
    self.sandbox = SimpleNamespace(isolation=lambda: {'sandbox': 'fake'})
    self.runs: list[tuple[str, str | None]] = []  # (source, stdin) of every run, in order
    self._meter = meter

  def meter(self, name, lang):
    return self._meter

  def compile(self, lang, source):
    return Program(lang, 'ok', '', Path('/nonexistent'), source, False, 0.0)

  def execute(self, program, stdin, *, limits, meter):
    self.runs.append((program.key, stdin))
    cpu = STARTUP + (0.0 if program.key == EMPTY else float(program.key.split(':')[1]))
    out = b'' if program.key == EMPTY else b'7\n'
    result = ProcessResult('ok', 0, None, cpu, cpu, None, None, out, hashlib.sha256(out).hexdigest(), len(out), '', 0)
    return Run(result, round(cpu * 1e9) if meter.exact else None, meter)

  def startup_cost(self, lang, meter, limits):
    return STALE * 1e9 if meter.exact else STALE


def test_measure_subtracts_the_startup_of_empty_runs_interleaved_in_its_rounds():
  ex = FakeExecutor()
  inputs = ['1\n', '2\n', '3\n']
  result = measure(ex, 'python', ['work:0.004', 'work:0.001'], inputs, repeats=4, limits=Limits())
  assert result['startup_cost'] == pytest.approx(STARTUP)
  slow, fast = result['programs']
  # with the stale estimate both would be floored at 0.1 ms per input (3e-4) and look equally fast
  assert slow['cost'] == pytest.approx(3 * 0.004) and fast['cost'] == pytest.approx(3 * 0.001)
  assert fast['speedup_vs_first']['speedup'] == pytest.approx(4.0)
  empty_runs = [stdin for source, stdin in ex.runs if source == EMPTY]
  assert len(empty_runs) == len(inputs) * (1 + 4) and set(empty_runs) == {None}  # warm-up + 4 rounds, no stdin
  assert [s for s, _ in ex.runs].count('work:0.004') == len(inputs) * (1 + 4)


def test_measure_turns_the_empty_program_through_every_position_of_a_round():
  ex = FakeExecutor()
  measure(ex, 'python', ['work:0.002', 'work:0.001'], ['1\n', '2\n', '3\n'], repeats=2, limits=Limits())
  slots = [ex.runs[k : k + 3] for k in range(0, len(ex.runs), 3)]  # one input of one round each
  assert {[s for s, _ in slot].index(EMPTY) for slot in slots} == {0, 1, 2}


def test_compare_keeps_the_cached_startup_and_runs_no_empty_program():
  ex = FakeExecutor()
  ex.startup_cost = lambda lang, meter, limits: 0.008  # measured once, biased low: dilutes the ratio only
  result = compare(ex, 'python', 'work:0.003', 'work:0.002', ['1\n', '2\n'], limits=Limits())
  assert result['correct'] and result['faster'] and result['startup_cost'] == pytest.approx(0.008)
  assert result['speedup'] == pytest.approx(0.005 / 0.004)
  assert all(source != EMPTY for source, _ in ex.runs)
