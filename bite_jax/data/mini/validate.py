"""Checks the mini benchmark with the executor: every variant agrees with src on every input,
src costs at least the floor, expert is clearly faster than src, slow is slower, and mid lies
between (src costlier than mid, mid costlier than expert).

  python -m bite_jax.data.mini.validate [--problems=p1,p2] [--languages=c,cpp] [--split=test]
      [--repeats=3] [--meter=cpu] [--min_speedup=1.5] [--json=report.json]

Costs are the executor's (executor.measuring): the median over interleaved rounds of the summed
per-input cost with the language's empty-program startup subtracted, in CPU seconds (or
instructions with --meter instructions). Prints one row per task as it finishes and exits 1
listing every failure; 2 for bad usage (the message names the flag).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import NoReturn

from absl import flags

from bite_jax.data.mini import MiniFormatError, load_mini, load_problems, problems_dir
from bite_jax.data.records import Task, normalize_language
from executor import Executor
from executor.measuring import measure as measure_costs

MIN_SRC_SECONDS = 0.005  # the paper's floor on the source program's run time, per input
MIN_SPEEDUP = 1.5  # expert over src
MIN_SLOW_RATIO = 1.1  # slow over src
MIN_MID_RATIO = 1.1  # src over mid and mid over expert

PROG = 'python -m bite_jax.data.mini.validate'
# This command's own flag set, not absl's process-wide flags.FLAGS (one process may import several CLIs).
FLAGS = flags.FlagValues()
flags.DEFINE_list('problems', None, 'comma-separated problem ids (default: all)', flag_values=FLAGS)
flags.DEFINE_list('languages', None, 'comma-separated languages (default: c,cpp,go,java,python)', flag_values=FLAGS)
flags.DEFINE_enum('split', None, ['train', 'test'], 'only this split', flag_values=FLAGS)
flags.DEFINE_integer('repeats', 3, 'measured rounds per task', lower_bound=1, flag_values=FLAGS)
flags.DEFINE_enum('meter', None, ['auto', 'cpu', 'instructions'], 'executor meter (default: auto)', flag_values=FLAGS)
flags.DEFINE_float('min_speedup', MIN_SPEEDUP, 'required expert speedup over src', flag_values=FLAGS)
flags.DEFINE_string('json', None, 'write the per-task reports to this JSON file', flag_values=FLAGS)
flags.DEFINE_bool('help', False, 'print this help and exit', short_name='h', flag_values=FLAGS)


def _failure_detail(entry: dict) -> str:
  """The first useful line of why a program failed (compile message or the failing run)."""
  if entry.get('compile', {}).get('status') not in (None, 'ok'):
    message = entry['compile'].get('message', '').strip().splitlines()
    return f'compile_error: {message[0] if message else ""}'
  for i, run in enumerate(entry.get('runs', [])):
    if run.get('status') != 'ok':
      return f'input {i}: {run.get("status")} {run.get("detail", "")}'.strip()
  return entry.get('status', 'unknown')


def check_task(
  ex,
  task: Task,
  *,
  repeats: int = 3,
  meter: str | None = None,
  min_speedup: float = MIN_SPEEDUP,
  min_src_seconds: float = MIN_SRC_SECONDS,
  min_slow_ratio: float = MIN_SLOW_RATIO,
  mid: str | None = None,
  min_mid_ratio: float = MIN_MID_RATIO,
) -> dict:
  """Measures src, expert (and slow, and mid: the program text, if given) of one task interleaved on
  its inputs with executor `ex`.

  Returns {'task_id', 'language', 'meter', 'costs': {variant: cost}, 'src_net_cpu': [seconds per input],
  'speedup', 'slow_ratio', 'src_mid_ratio' (src / mid), 'mid_expert_ratio' (mid / expert), 'failures': [str]};
  costs are in the meter's unit (CPU seconds or instructions), startup subtracted.
  """

  if task.expert is None:
    raise ValueError(f'{task.task_id}: has no expert program to validate against')
  variants = {'src': task.src, 'expert': task.expert, 'slow': task.slow, 'mid': mid}
  names = [name for name, code in variants.items() if code is not None]
  sources = [variants[name] for name in names]
  result = measure_costs(ex, task.language, sources, task.inputs, meter=meter, repeats=repeats)
  entries = dict(zip(names, result['programs']))
  report = {
    'task_id': task.task_id,
    'language': task.language,
    'meter': result['meter'],
    'meter_backend': result['meter_backend'],
    'startup_cost': result['startup_cost'],
    'costs': {},
    'src_net_cpu': None,
    'speedup': None,
    'slow_ratio': None,
    'src_mid_ratio': None,
    'mid_expert_ratio': None,
    'failures': [],
  }
  failures = report['failures']
  for name, entry in entries.items():
    if entry.get('status') != 'ok':
      failures.append(f'{name}: {_failure_detail(entry)}')
    elif entry.get('outputs_match_first') is False:
      failures.append(f'{name}: output differs from src')
    elif 'cost' in entry:
      report['costs'][name] = entry['cost']
  src_runs = entries['src'].get('runs', [])
  if entries['src'].get('status') == 'ok':
    empty = [i for i, run in enumerate(src_runs) if not run.get('stdout_bytes')]
    if empty:
      failures.append(f'src: prints nothing on input(s) {empty}')
    # the floor is on CPU time; startup is subtracted only when the meter itself is CPU time
    startup = result['startup_cost'] if result['meter'] == 'cpu' else 0.0
    report['src_net_cpu'] = [run['cpu_time'] - startup for run in src_runs]
    short = [i for i, t in enumerate(report['src_net_cpu']) if t < min_src_seconds]
    if short:
      failures.append(f'src: runs under {min_src_seconds * 1000:g} ms on input(s) {short}')
  costs = report['costs']
  if 'src' in costs and 'expert' in costs:
    report['speedup'] = costs['src'] / costs['expert']
    if report['speedup'] < min_speedup:
      failures.append(f'expert: only {report["speedup"]:.2f}x faster than src (need {min_speedup:g}x)')
  if 'src' in costs and 'slow' in costs:
    report['slow_ratio'] = costs['slow'] / costs['src']
    if report['slow_ratio'] < min_slow_ratio:
      failures.append(f'slow: only {report["slow_ratio"]:.2f}x the cost of src (need {min_slow_ratio:g}x)')
  if 'mid' in costs and 'src' in costs:
    report['src_mid_ratio'] = costs['src'] / costs['mid']
    if report['src_mid_ratio'] < min_mid_ratio:
      failures.append(f'mid: src costs only {report["src_mid_ratio"]:.2f}x mid (need {min_mid_ratio:g}x)')
  if 'mid' in costs and 'expert' in costs:
    report['mid_expert_ratio'] = costs['mid'] / costs['expert']
    if report['mid_expert_ratio'] < min_mid_ratio:
      failures.append(f'mid: only {report["mid_expert_ratio"]:.2f}x the cost of expert (need {min_mid_ratio:g}x)')
  return report


def _fmt_cost(value, meter: str) -> str:
  if value is None:
    return '-'
  return f'{value * 1000:.1f}' if meter == 'cpu' else f'{value / 1e6:.1f}M'


def _fmt_ratio(value) -> str:
  return f'{value:.2f}x' if value else '-'


def format_row(report: dict) -> str:
  """One table row: task, costs (ms, or millions of instructions), speedup, slow cost and ratio, mid cost and
  ratios (src/mid, mid/expert), verdict."""
  meter, costs = report['meter'], report['costs']
  speedup = f'{report["speedup"]:.1f}x' if report['speedup'] else '-'
  verdict = 'ok' if not report['failures'] else 'FAIL'
  return (
    f'{report["task_id"]:<36} {_fmt_cost(costs.get("src"), meter):>9} {_fmt_cost(costs.get("expert"), meter):>9} '
    f'{speedup:>8} {_fmt_cost(costs.get("slow"), meter):>9} {_fmt_ratio(report["slow_ratio"]):>8} '
    f'{_fmt_cost(costs.get("mid"), meter):>9} {_fmt_ratio(report.get("src_mid_ratio")):>8} '
    f'{_fmt_ratio(report.get("mid_expert_ratio")):>8}  {verdict}'
  )


def _mid_source(task: Task) -> str | None:
  """The mid program of a mini task's problem in its language, None when there is none or the task is not mini."""
  if task.source != 'mini' or not (problems_dir() / task.problem_id).is_dir():
    return None
  return load_problems(problems=[task.problem_id])[0].source('mid', task.language)


def validate(
  tasks: list[Task],
  *,
  repeats: int = 3,
  meter: str | None = None,
  min_speedup: float = MIN_SPEEDUP,
  out=sys.stdout,
  executor_config=None,
) -> list[dict]:
  """check_task on every task (with its problem's mid program, if any) with one long-lived executor,
  printing a row per task as it ends; returns the reports."""

  header = (
    f'{"task":<36} {"src":>9} {"expert":>9} {"speedup":>8} {"slow":>9} {"slow/src":>8} '
    f'{"mid":>9} {"src/mid":>8} {"mid/exp":>8}  verdict'
  )
  print(header + '\n' + '-' * len(header), file=out, flush=True)
  reports = []
  started = time.monotonic()
  with Executor(executor_config) as ex:
    for i, task in enumerate(tasks, start=1):
      report = check_task(ex, task, repeats=repeats, meter=meter, min_speedup=min_speedup, mid=_mid_source(task))
      reports.append(report)
      print(f'{format_row(report)}   [{i}/{len(tasks)}, {time.monotonic() - started:.0f}s]', file=out, flush=True)
  if reports:
    unit = 'ms net CPU' if reports[0]['meter'] == 'cpu' else 'instructions net'
    print(
      f'costs: {unit} per round (all inputs), startup subtracted; meter {reports[0]["meter"]} '
      f'({reports[0]["meter_backend"]})',
      file=out,
    )
  return reports


def _usage_error(message: str) -> NoReturn:
  print(f'{PROG}: error: {message} (see --help)', file=sys.stderr)
  raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
  """Entry point on argv (default sys.argv[1:]); returns 0 when every task passes, 1 listing the failures.

  Bad usage (unknown flag, bad value, unknown problem or language) prints the error and raises SystemExit(2);
  --help prints the module doc and the flags and raises SystemExit(0).
  """
  FLAGS.unparse_flags()
  try:
    rest = FLAGS([PROG, *(sys.argv[1:] if argv is None else argv)])[1:]
  except flags.Error as e:
    _usage_error(str(e))
  if FLAGS.help:
    print(f'usage: {PROG} [--flag=value ...]\n{__doc__}\nflags:\n{FLAGS.get_help(include_special_flags=False)}')
    raise SystemExit(0)
  if rest:
    _usage_error(f'unexpected argument(s) {rest}: every option is a --flag=value')
  args = FLAGS
  languages = [s for s in args.languages or () if s] or None
  for name in languages or ():
    try:
      normalize_language(name)
    except ValueError as e:
      _usage_error(f'--languages: {e}')
  problems = [s for s in args.problems or () if s] or None
  try:
    load_problems(problems=problems)
  except MiniFormatError as e:
    _usage_error(str(e))  # a problem directory is malformed: the message names its file and field
  except ValueError as e:
    _usage_error(f'--problems: {e}')
  try:
    tasks = load_mini(split=args.split, languages=languages, problems=problems)
  except ValueError as e:
    _usage_error(str(e))
  reports = validate(tasks, repeats=args.repeats, meter=args.meter, min_speedup=args.min_speedup)
  if args.json:
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(reports, indent=1) + '\n', encoding='utf-8')
  failures = [(r['task_id'], f) for r in reports for f in r['failures']]
  if failures:
    print(f'\n{len(failures)} failure(s) in {len({t for t, _ in failures})} of {len(reports)} task(s):')
    for task, why in failures:
      print(f'  {task}: {why}')
    return 1
  print(f'\nall {len(reports)} task(s) pass')
  return 0


if __name__ == '__main__':
  sys.exit(main())
