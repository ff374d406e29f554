"""Command line: python -m executor {run,compare,measure,batch,setup} ... (prints JSON; setup prints text).

Exit status: 0 when verdicts were produced (a failing program is a verdict),
2 for usage errors (unknown language, missing file, malformed job line), 1 when
the sandbox itself failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from pathlib import Path

from executor import install
from executor.config import ExecutorConfig, Limits
from executor.engine import Executor
from executor.jobs import JobError, validate_job
from executor.languages import LANGUAGE_NAMES, canonical_language
from executor.measuring import compare, measure
from executor.pool import Pool


class UsageError(Exception):
  """Bad command line or input file; the message says which."""


def _read(path: str, what: str) -> str:
  p = Path(path)
  if not p.is_file():
    raise UsageError(f'{what} {path}: no such file')
  try:
    return p.read_text(encoding='utf-8')
  except UnicodeDecodeError as exc:
    raise UsageError(f'{what} {path}: not UTF-8 text ({exc})') from None


def _lang(value: str) -> str:
  try:
    return canonical_language(value)
  except ValueError as exc:
    raise argparse.ArgumentTypeError(str(exc)) from None


def _config(args) -> ExecutorConfig:
  kwargs = {'sandbox': args.sandbox}
  if args.cache_dir:
    kwargs['cache_dir'] = Path(args.cache_dir)
  return ExecutorConfig(**kwargs)


def _limits(args) -> Limits:
  patch = {}
  if getattr(args, 'timeout', None) is not None:
    patch['timeout'] = args.timeout
  if getattr(args, 'memory_mb', None) is not None:
    patch['memory_mb'] = args.memory_mb
  try:
    return dataclasses.replace(Limits(), **patch)
  except ValueError as exc:
    raise UsageError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
  p = argparse.ArgumentParser(prog='python -m executor', description=__doc__.splitlines()[0])
  sub = p.add_subparsers(dest='command', required=True)

  def common(sp, limits=True):
    sp.add_argument('--cache-dir', help='compile cache directory (default: ~/.cache/bite-jax/executor)')
    sp.add_argument('--sandbox', choices=('auto', 'bwrap', 'none'), default='auto')
    if limits:
      sp.add_argument('--timeout', type=float, help='CPU seconds per run (default 10)')
      sp.add_argument('--memory-mb', type=int, help='memory per run in MiB (default 1024)')
    sp.add_argument('--meter', choices=('auto', 'cpu', 'instructions'), default=None)

  r = sub.add_parser('run', help='compile and run one program on inputs')
  r.add_argument('--lang', type=_lang, required=True, help=f'one of {", ".join(LANGUAGE_NAMES)}')
  r.add_argument('file')
  r.add_argument('--input', action='append', default=[], help='stdin file (repeatable)')
  r.add_argument('--repeats', type=int, default=1)
  common(r)

  c = sub.add_parser('compare', help='is CANDIDATE correct and faster/slower than BASELINE?')
  c.add_argument('--lang', type=_lang, required=True)
  c.add_argument('baseline')
  c.add_argument('candidate')
  c.add_argument('--input', action='append', default=[])
  c.add_argument('--threshold', type=float, default=1.1)
  c.add_argument('--confidence', type=float, default=0.99)
  c.add_argument('--max-rounds', type=int, default=40)
  c.add_argument('--budget-s', type=float, default=300.0)
  c.add_argument('--exact', action='store_true', help='compare output tokens exactly (no float tolerance)')
  common(c)

  m = sub.add_parser('measure', help='costs of several programs on the same inputs, interleaved')
  m.add_argument('--lang', type=_lang, required=True)
  m.add_argument('files', nargs='+')
  m.add_argument('--input', action='append', default=[])
  m.add_argument('--repeats', type=int, default=None)
  common(m)

  s = sub.add_parser('setup', help='install the compilers, bubblewrap and valgrind (apt, as root), then check')
  s.add_argument('--check', action='store_true', help='only check; install nothing')

  b = sub.add_parser('batch', help='run JOBS.jsonl on a worker pool, one JSON line per finished job')
  b.add_argument('jobs')
  b.add_argument('--workers', type=int, default=None)
  common(b)
  return p


def _load_jobs(path: str, args) -> list[dict]:

  text = _read(path, 'jobs file')
  jobs = []
  for number, line in enumerate(text.splitlines(), start=1):
    if not line.strip():
      continue
    try:
      job = json.loads(line)
    except json.JSONDecodeError as exc:
      raise UsageError(f'{path}:{number}: malformed JSON: {exc.msg} (column {exc.colno})') from None
    if isinstance(job, dict):
      for key in ('timeout', 'memory_mb', 'meter'):
        if getattr(args, key, None) is not None and key not in job:
          job[key] = getattr(args, key)
      job.setdefault('id', number)
    try:
      jobs.append(validate_job(job, where=f'{path}:{number}'))
    except JobError as exc:
      raise UsageError(str(exc)) from None
  return jobs


def _emit(obj) -> None:
  sys.stdout.write(json.dumps(obj) + '\n')
  sys.stdout.flush()


def main(argv=None) -> int:
  logging.basicConfig(level=logging.WARNING, format='executor: %(message)s')
  parser = _parser()
  args = parser.parse_args(argv)
  try:
    if args.command == 'batch':
      return _batch(args)
    if args.command == 'setup':
      return install.main(check_only=args.check)

    limits = _limits(args)
    if args.command == 'run':
      source = _read(args.file, 'source')
      inputs = [_read(f, 'input') for f in args.input]
      if args.repeats < 1:
        raise UsageError(f'--repeats must be >= 1, got {args.repeats}')
      with Executor(_config(args)) as ex:
        _emit(
          ex.run(
            args.lang, source, inputs, limits=limits, meter=args.meter, repeats=args.repeats, input_names=args.input
          )
        )
    elif args.command == 'compare':
      base, cand = _read(args.baseline, 'baseline'), _read(args.candidate, 'candidate')
      inputs = [_read(f, 'input') for f in args.input]
      if args.threshold <= 1.0:
        raise UsageError(f'--threshold must be > 1, got {args.threshold}')
      with Executor(_config(args)) as ex:
        _emit(
          compare(
            ex,
            args.lang,
            base,
            cand,
            inputs,
            threshold=args.threshold,
            meter=args.meter,
            limits=limits,
            confidence=args.confidence,
            max_rounds=args.max_rounds,
            budget_s=args.budget_s,
            exact=args.exact,
          )
        )
    else:
      sources = [_read(f, 'source') for f in args.files]
      inputs = [_read(f, 'input') for f in args.input]
      with Executor(_config(args)) as ex:
        _emit(measure(ex, args.lang, sources, inputs, meter=args.meter, repeats=args.repeats, limits=limits))
  except UsageError as exc:
    parser.exit(2, f'python -m executor {args.command}: error: {exc}\n')
  return 0


def _batch(args) -> int:

  jobs = _load_jobs(args.jobs, args)
  started = last = time.monotonic()
  done = 0
  with Pool(args.workers, config=_config(args), fork_workers=True) as pool:
    for result in pool.map_unordered(jobs):
      done += 1
      if result.get('kind') == 'run':
        keep = ('id', 'status', 'compile', 'runs', 'meter', 'isolation', 'error')
        result = {k: result[k] for k in keep if k in result}
      _emit(result)
      now = time.monotonic()
      if sys.stderr.isatty() or now - last > 30 or done == len(jobs) and now - started > 30:
        last = now
        end = '\r' if sys.stderr.isatty() and done < len(jobs) else '\n'
        sys.stderr.write(f'executor batch: {done}/{len(jobs)} jobs, {done / max(now - started, 1e-9):.1f} jobs/s{end}')
  return 0


if __name__ == '__main__':
  sys.exit(main())
