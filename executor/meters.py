"""Meters: what the cost of one run is.

cpu           user+sys CPU seconds of the program's whole process tree (rusage
              of every reaped process, measured by the in-sandbox launcher).
              Noisy (a few % to ~10 % per run on a shared VM), so comparisons
              repeat interleaved runs and use a confidence interval.
instructions  user-space instructions retired.  From hardware counters
              (`perf stat -e instructions:u`) where the machine has them, else
              from valgrind (`--tool=cachegrind --cache-sim=no`, the fastest
              exact counter: it prints "I refs").  Exact and repeatable for C,
              C++ and Python (PYTHONHASHSEED=0).  Not exact for Java (JIT and
              GC threads) and Go (runtime threads), and valgrind runs the JVM
              impractically slowly: those languages fall back to cpu, and the
              result says so.
auto          (the default) instructions from hardware counters for C, C++
              and Python when `perf` can count them; otherwise cpu.  valgrind
              is never chosen by default: it is 20-60x slower and blind to
              system calls and memory stalls, so it is a different cost model,
              used only when asked for (--meter instructions).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

_VALGRIND_IREFS = re.compile(r'==\d+==\s+I\s+refs:\s+([\d,]+)')
_VALGRIND_LINE = re.compile(r'^==\d+==.*$\n?', re.M)
_PERF_LINE = re.compile(r'^\s*(\d+|<not counted>|<not supported>),[^,\n]*,instructions(?::u)?\b', re.M)


@dataclasses.dataclass(frozen=True)
class Meter:
  """A resolved meter: name (cpu | instructions), backend and whether counts are exact."""

  name: str
  backend: str  # rusage | perf | valgrind
  exact: bool
  note: str = ''

  def wrap(self, argv: list[str]) -> list[str]:
    """The command that runs argv under this meter."""
    if self.backend == 'valgrind':
      return ['valgrind', '--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', *argv]
    if self.backend == 'perf':
      return ['perf', 'stat', '-x', ',', '-e', 'instructions:u', '--', *argv]
    return list(argv)

  def instructions(self, stderr_tail: str) -> int | None:
    """Instruction count printed by the backend at exit, or None."""
    if self.backend == 'valgrind':
      found = _VALGRIND_IREFS.findall(stderr_tail)
      return int(found[-1].replace(',', '')) if found else None
    if self.backend == 'perf':
      found = _PERF_LINE.findall(stderr_tail)
      return int(found[-1]) if found and found[-1].isdigit() else None
    return None

  def clean_stderr(self, stderr_tail: str) -> str:
    """The program's own stderr, without the meter's report lines."""
    if self.backend == 'valgrind':
      return _VALGRIND_LINE.sub('', stderr_tail)
    if self.backend == 'perf':
      lines = stderr_tail.splitlines(keepends=True)
      return ''.join(line for line in lines if not _PERF_LINE.match(line) and line.strip() != '')
    return stderr_tail

  def as_dict(self) -> dict:
    return {'meter': self.name, 'meter_backend': self.backend, 'meter_exact': self.exact, 'meter_note': self.note}


CPU = Meter('cpu', 'rusage', False)


@dataclasses.dataclass(frozen=True)
class MeterSupport:
  """What this machine can count (probed once per executor)."""

  perf: bool
  valgrind: bool

  @classmethod
  def probe(cls) -> 'MeterSupport':
    return cls(perf=_perf_counts(), valgrind=shutil.which('valgrind') is not None)


def _perf_counts() -> bool:
  """True if `perf stat` reads a real user-space instruction count here."""
  if shutil.which('perf') is None:
    return False
  try:
    proc = subprocess.run(
      ['perf', 'stat', '-x', ',', '-e', 'instructions:u', '--', 'true'], capture_output=True, text=True, timeout=20
    )
  except (OSError, subprocess.TimeoutExpired):
    return False
  found = _PERF_LINE.findall(proc.stderr)
  return bool(found) and found[-1].isdigit() and int(found[-1]) > 0


def resolve_meter(requested: str | None, lang: str, support: MeterSupport, exact_language: bool) -> Meter:
  """The meter to use for `requested` (None/auto, cpu, instructions) on language lang."""
  requested = (requested or 'auto').lower()
  if requested not in ('auto', 'cpu', 'instructions'):
    raise ValueError(f'unknown meter {requested!r}; expected auto, cpu or instructions')
  if requested == 'cpu':
    return CPU
  if requested == 'auto':
    if support.perf and exact_language:
      return Meter('instructions', 'perf', False, 'auto: hardware instruction counter')
    why = 'no hardware instruction counter' if exact_language else f'{lang}: JIT/GC threads make counts inexact'
    return dataclasses.replace(CPU, note=f'auto: {why}; repeated interleaved CPU-time runs')
  if not exact_language:
    return dataclasses.replace(
      CPU,
      note=f'instructions requested but not exact for {lang} (JIT, GC and runtime threads; valgrind '
      'runs the JVM impractically slowly): measured CPU time instead',
    )
  if support.perf:
    return Meter('instructions', 'perf', False, 'hardware instruction counter (perf)')
  if support.valgrind:
    return Meter('instructions', 'valgrind', True, 'valgrind cachegrind instruction count (I refs)')
  return dataclasses.replace(
    CPU, note='instructions requested but neither perf counters nor valgrind are available: measured CPU time instead'
  )
