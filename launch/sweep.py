r"""Sweeps of `bite_jax.main` runs: the paper's figures and tables as presets, or any absl flag grid.

  python -m launch.sweep --config=configs/qwen2_5_1_5b.py --root=runs/fig4 --preset=fig4 --parallel=2
  python -m launch.sweep --config=configs/tiny.py --root=runs/f3 --preset=fig3 --reduced
  python -m launch.sweep --config=configs/tiny.py --root=runs/f3 --preset=fig3 --reduced --collect
  python -m launch.sweep --config=configs/tiny.py --root=runs/g \
      --grid=tree.height=1,2,3 --grid=tree.width=2,4 --set=model.hf_path=/ckpt --dry_run

Each point is one workdir ROOT/<point>, run (or resumed) one after another, or `--parallel=N` at a
time. Points that agree on what a stage depends on share its outputs (launch/experiments.py: the
base model, the editors, each tree, the curriculum), so a sweep costs what its distinct stages cost.
`--collect` gathers the finished points into ROOT/summary.jsonl, a table in ROOT/report.md and the
figure ROOT/<preset>.png (launch/paper.py). `--dry_run` prints the commands instead of running them.

Presets (launch/paper.py): fig3 (h x m per tree direction), fig4 (PKAC stage ablations), fig5 (with
and without consolidation, on simple and complex code), fig6 (one model per language vs one for
all), table4 (CodeBLEU and speedup of pairs by source; `--user_pairs=PIE.jsonl` adds the same-user
row), baselines (BITE and the six training-based baselines), and the grids height_width and
pkac_ablation. `--reduced` keeps a preset's grid small and adds small settings (paper.REDUCED) so it
runs on configs/tiny.py on a CPU. `--baselines=NAMES` sets config.evaluate.baselines of every point.
absl flags: --grid and --set repeat; exit status 2 for bad usage.
"""

import itertools
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from absl import flags

from launch import experiments, paper

PRESETS = {
  'height_width': {'tree.height': ['1', '2', '3', '4', '5'], 'tree.width': ['1', '2', '5', '10']},
  'pkac_ablation': {
    'curriculum.stages': ['1', '2', '3', '1,2', '2,3', '1,2,3'],
    'curriculum.mixing': ['progressive', 'union'],
  },
  'baselines': {'evaluate.baselines': ['all']},
}

PROG = 'python -m launch.sweep'
# Its own flag set, not absl's process-wide flags.FLAGS: bite_jax.main defines --config there, and the
# tests import both into one process.
FLAGS = flags.FlagValues()
flags.DEFINE_string('config', None, '(required) configs/*.py file of every command', flag_values=FLAGS)
flags.DEFINE_string('root', None, '(required) parent of the per-point workdirs', flag_values=FLAGS)
flags.DEFINE_enum('preset', None, sorted({*PRESETS, *paper.PRESETS}), 'a predefined sweep', flag_values=FLAGS)
flags.DEFINE_bool(
  'reduced', False, "a preset's small grid with small settings (runs on configs/tiny.py)", flag_values=FLAGS
)
flags.DEFINE_integer('parallel', 1, 'points run at once', flag_values=FLAGS)
flags.DEFINE_bool('collect', False, 'gather finished points into summary.jsonl, report.md and a PNG', flag_values=FLAGS)
flags.DEFINE_bool('dry_run', False, 'print the commands instead of running them', flag_values=FLAGS)
flags.DEFINE_string(
  'user_pairs', '', 'table4: a PIE pairs file (pairs of one user) for the same-user row', flag_values=FLAGS
)
flags.DEFINE_multi_string('grid', [], 'FIELD=V1,V2,... (repeatable)', flag_values=FLAGS)
flags.DEFINE_multi_string('set', [], 'FIELD=VALUE fixed for every point (repeatable)', flag_values=FLAGS)
flags.DEFINE_string(
  'baselines', None, 'config.evaluate.baselines of every point (all, none or names)', flag_values=FLAGS
)
flags.DEFINE_bool('help', False, 'print this help and exit', short_name='h', flag_values=FLAGS)


def parse_grid(items: list[str]) -> dict[str, list[str]]:
  """['a.b=1,2', ...] -> {'a.b': ['1', '2']}; raises ValueError naming a malformed item."""
  grid = {}
  for item in items:
    key, sep, values = item.partition('=')
    if not sep or not key or not values:
      raise ValueError(f'--grid {item!r}: expected FIELD=V1,V2,...')
    grid[key] = values.split(',')
  return grid


def expand(
  config: str, root: str, grid: dict[str, list[str]], fixed: dict[str, str], python: str = sys.executable
) -> list[tuple[str, list[str]]]:
  """One (workdir, argv) per grid point; the workdir name spells the point's values."""
  keys = sorted(grid)
  commands = []
  for values in itertools.product(*(grid[k] for k in keys)):
    name = '_'.join(f'{k.split(".")[-1]}-{v.replace(",", "+")}' for k, v in zip(keys, values)) or 'base'
    workdir = str(Path(root) / name)
    argv = [python, '-m', 'bite_jax.main', f'--config={config}', f'--workdir={workdir}']
    argv += [f'--config.{k}={v}' for k, v in sorted(fixed.items())]
    argv += [f'--config.{k}={v}' for k, v in zip(keys, values)]
    commands.append((workdir, argv))
  return commands


def _usage_error(message: str) -> NoReturn:
  print(f'{PROG}: error: {message} (see --help)', file=sys.stderr)
  raise SystemExit(2)


def point_commands(
  config: str, root: str, values_list: list[dict], fixed: dict[str, str], python: str = sys.executable
) -> list[tuple[str, list[str], dict]]:
  """(workdir, argv, overrides) per point of a list of {field: value} (a paper preset's points)."""
  out = []
  for values in values_list:
    name = '_'.join(
      f'{k.replace("tree.", "").replace(".", "-")}-{v.replace(",", "+") or "none"}' for k, v in values.items()
    )
    workdir = str(Path(root) / (name or 'base'))
    overrides = {**fixed, **values}
    argv = [python, '-m', 'bite_jax.main', f'--config={config}', f'--workdir={workdir}']
    argv += [f'--config.{k}={v}' for k, v in sorted(overrides.items())]
    out.append((workdir, argv, overrides))
  return out


def collect(preset: str | None, root: Path, commands: list[tuple[str, list[str], dict]], user_pairs: str = '') -> dict:
  """Writes ROOT/summary.jsonl, ROOT/report.md and ROOT/<preset>.png from the points' workdirs."""
  name = preset or 'sweep'
  runs = [(w, {k: v for k, v in o.items() if k in _varied(commands)}) for w, _, o in commands]
  rows = paper.collect_rows(root, runs)
  lines = [f'# Sweep {name}', '', f'{sum(r["done"] for r in rows)} of {len(rows)} points finished.', '']
  lines += paper.table_lines(name, rows)
  if preset == 'table4':
    done = [w for w, _, _ in commands if (Path(w) / 'curriculum' / 'levels.json').is_file()]
    t4 = paper.table4_rows(Path(done[0]), user_pairs) if done else []
    for r in t4:
      rows.append({'table4': r})
    lines += ['', '## Table 4: where pairs come from', ''] + paper.table4_lines(t4)
    figure = paper.plot_table4(t4, root / f'{name}.png')
  else:
    figure = paper.plot(name, [r for r in rows if 'point' in r], root / f'{name}.png')
  lines += ['', f'![{name}]({figure.name})', '']
  root.mkdir(parents=True, exist_ok=True)
  with (root / 'summary.jsonl').open('w', encoding='utf-8') as f:
    for r in rows:
      f.write(json.dumps(r) + '\n')
  (root / 'report.md').write_text('\n'.join(lines), encoding='utf-8')
  return {'summary': str(root / 'summary.jsonl'), 'report': str(root / 'report.md'), 'figure': str(figure)}


def _varied(commands) -> set[str]:
  """The fields whose values differ between points (what a point is known by in the table)."""
  keys = {k for _, _, o in commands for k in o}
  varied = {k for k in keys if len({o.get(k) for _, _, o in commands}) > 1}
  return varied or keys


def main(argv: list[str] | None = None) -> int:
  """Entry point on argv (default sys.argv[1:]); returns the exit status. Bad usage raises SystemExit(2)."""
  FLAGS.unparse_flags()
  try:
    rest = FLAGS([PROG, *(sys.argv[1:] if argv is None else argv)])[1:]
  except flags.Error as e:
    _usage_error(str(e))
  if FLAGS.help:
    flags_help = FLAGS.get_help(include_special_flags=False)
    print(f'usage: {PROG} --config=FILE --root=DIR [--flag=value ...]\n{__doc__}\nflags:\n{flags_help}')
    raise SystemExit(0)
  if rest:
    _usage_error(f'unexpected argument(s) {rest}: every option is a --flag=value')
  for name in ('config', 'root'):
    if FLAGS[name].value is None:
      _usage_error(f'--{name} is required')
  args = FLAGS
  if args.parallel < 1:
    _usage_error(f'--parallel: {args.parallel} must be >= 1')
  try:
    fixed = dict(paper.REDUCED) if args.reduced else {}
    fixed.update({k: v[0] for k, v in parse_grid(args.set).items()})
    if args.baselines is not None:
      fixed['evaluate.baselines'] = args.baselines
    if args.preset in paper.PRESETS:
      values = paper.points(args.preset, args.reduced)
      extra = parse_grid(args.grid)
      if extra:
        values = [{**v, **dict(zip(extra, combo))} for v in values for combo in itertools.product(*extra.values())]
      commands = point_commands(args.config, args.root, values, fixed)
    else:
      grid = dict(PRESETS.get(args.preset, {}))
      grid.update(parse_grid(args.grid))
      commands = [(w, argv, {**fixed, **_argv_values(argv)}) for w, argv in expand(args.config, args.root, grid, fixed)]
  except ValueError as e:
    _usage_error(str(e))
  root = Path(args.root)
  if args.collect:
    written = collect(args.preset, root, commands, args.user_pairs)
    print(json.dumps(written), flush=True)
    return 0
  for _, cmd, _ in commands:
    print(shlex.join(cmd), flush=True)
  if args.dry_run:
    return 0
  root.mkdir(parents=True, exist_ok=True)

  def run(cmd):
    return subprocess.call(cmd)

  def log(message):
    print(message, file=sys.stderr, flush=True)

  rc = experiments.run_points(commands, args.config, root, run, parallel=args.parallel, log=log)
  if rc:
    log(f'[sweep] a point failed with exit code {rc}; rerun the same command to resume')
  return rc


def _argv_values(argv: list[str]) -> dict:
  out = {}
  for item in argv:
    if item.startswith('--config.'):
      key, _, value = item[len('--config.') :].partition('=')
      out[key] = value
  return out


if __name__ == '__main__':
  sys.exit(main())
