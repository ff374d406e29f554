"""executor: compile, run, check and time C, C++, Go, Java and Python programs in a sandbox.

Public API (every function is self-contained: it opens an Executor and closes it):

  run(lang, source, inputs=(), *, timeout=10.0, memory_mb=1024, meter=None, repeats=1) -> dict
      {"status", "compile", "runs": [{"input", "status", "exit_code", "signal", "stdout",
       "stdout_sha256", "stdout_bytes", "cpu_time", "wall_time", "peak_rss_kb", "instructions", ...}],
       "meter", "isolation"}
  compare(lang, baseline, candidate, inputs, *, threshold=1.1, meter=None, ...) -> dict
      {"correct", "speedup", "interval", "faster", "slower", "meter", "rounds", ...}
  measure(lang, sources, inputs, *, meter=None, repeats=None, ...) -> dict
      {"programs": [{"status", "cost", "cost_interval", "speedup_vs_first", ...}], "meter", ...}
  outputs_equal(a, b, *, rel_tol=1e-6, abs_tol=1e-6, exact=False) -> bool
  Pool(workers=None, *, config=None, max_in_flight=None): submit(job) -> Future,
      map_unordered(jobs) -> iterator of result dicts, close(); a context manager.
  sample_io(problem_id, tar_path) -> [(input, output)], sample_io_many(ids, tar_path) -> {id: pairs}
  Executor(config): the same operations on one long-lived sandbox (cheaper for many calls).
  Limits, ExecutorConfig: limits of a run, and how the executor is set up.

Meters: None/"auto" (best the machine supports), "cpu", "instructions"; see executor/README.md.
"""

from __future__ import annotations

import dataclasses

from executor.codenet import sample_io, sample_io_many
from executor.config import ExecutorConfig, Limits
from executor.engine import Executor
from executor.measuring import compare as _compare
from executor.measuring import measure as _measure
from executor.outputs import outputs_equal
from executor.pool import Pool

__all__ = [
  'run',
  'compare',
  'measure',
  'outputs_equal',
  'Pool',
  'Executor',
  'Limits',
  'ExecutorConfig',
  'sample_io',
  'sample_io_many',
  'SandboxRequiredError',
  'require_sandbox',
]


class SandboxRequiredError(RuntimeError):
  """Namespace isolation is not available and running without it was not allowed."""


def require_sandbox(config: ExecutorConfig | None = None, *, allow_unsandboxed: bool = False) -> dict:
  """The isolation runs with `config` would get; raises SandboxRequiredError when it is not bubblewrap's
  namespaces and `allow_unsandboxed` is False. Call before running untrusted (model-written) programs."""
  with Executor(config) as ex:
    isolation = ex.sandbox.isolation()
  if isolation.get('sandbox') != 'bwrap' and not allow_unsandboxed:
    raise SandboxRequiredError(
      'the executor cannot isolate programs here (bubblewrap is missing or does not work; see the warning '
      'above), and model-written programs are not run without namespaces by default. Install bubblewrap '
      '(`python -m executor setup`), or accept the risk with --config.executor.allow_unsandboxed=True '
      '(bite_jax.main) / --allow_unsandboxed (bite_jax.evaluate).'
    )
  return isolation


def _limits(limits: Limits | None, timeout: float | None, memory_mb: int | None) -> Limits:

  base = limits or Limits()
  patch = {k: v for k, v in (('timeout', timeout), ('memory_mb', memory_mb)) if v is not None}
  return dataclasses.replace(base, **patch)


def run(
  lang: str,
  source: str,
  inputs=(),
  *,
  timeout: float | None = None,
  memory_mb: int | None = None,
  meter: str | None = None,
  repeats: int = 1,
  limits: Limits | None = None,
  config: ExecutorConfig | None = None,
) -> dict:
  """Compile source and run it on each input (stdin text); timeout in CPU seconds, memory in MiB."""
  with Executor(config) as ex:
    return ex.run(lang, source, inputs, limits=_limits(limits, timeout, memory_mb), meter=meter, repeats=repeats)


def compare(
  lang: str,
  baseline: str,
  candidate: str,
  inputs,
  *,
  threshold: float = 1.1,
  meter: str | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  limits: Limits | None = None,
  config: ExecutorConfig | None = None,
  **options,
) -> dict:
  """Is candidate correct (same outputs as baseline on every input) and faster/slower by threshold?
  options: confidence, min_rounds, max_rounds, budget_s, rel_tol, abs_tol, exact, net."""

  with Executor(config) as ex:
    return _compare(
      ex,
      lang,
      baseline,
      candidate,
      inputs,
      threshold=threshold,
      meter=meter,
      limits=_limits(limits, timeout, memory_mb),
      **options,
    )


def measure(
  lang: str,
  sources,
  inputs,
  *,
  meter: str | None = None,
  repeats: int | None = None,
  timeout: float | None = None,
  memory_mb: int | None = None,
  limits: Limits | None = None,
  config: ExecutorConfig | None = None,
  **options,
) -> dict:
  """Costs of several programs on the same inputs, measured interleaved (e.g. old/new/expert)."""

  with Executor(config) as ex:
    return _measure(
      ex, lang, sources, inputs, meter=meter, repeats=repeats, limits=_limits(limits, timeout, memory_mb), **options
    )
