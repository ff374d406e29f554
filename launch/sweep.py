r"""Expands absl flag grids into one `bite_jax.main` command per point, each with its own workdir.

  python launch/sweep.py --config=configs/qwen2_5_1_5b.py --root=runs/hm --preset=height_width
  python launch/sweep.py --config=configs/tiny.py --root=runs/g \
      --grid=tree.height=1,2,3 --grid=tree.width=2,4 --set=model.hf_path=/ckpt
  ... --run   # run the commands one after another instead of printing them

Presets: `height_width` (tree height h x children m, as in the paper's Figure 3),
`pkac_ablation` (which curriculum stages run and how levels are mixed, as in Figure 4) and
`baselines` (BITE and the six training-based baselines of Tables 2 and 3, trained from the same base
on the same pairs and scored in one run). `--baselines=NAMES` adds baselines to every point of any
grid (`all`, or a comma list of pie-ift, pie-perfcond, ecco-exec, ecco-trajectory, mercury-dpo,
supersonic, base).
absl flags: --grid and --set repeat, --run / --norun; exit status 2 for bad usage.
"""

import itertools
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from absl import flags

PRESETS = {
  'height_width': {'tree.height': ['1', '2', '3', '4', '5'], 'tree.width': ['1', '2', '5', '10']},
  'pkac_ablation': {
    'curriculum.stages': ['1', '2', '3', '1,2', '2,3', '1,2,3'],
    'curriculum.mixing': ['progressive', 'union'],
  },
  'baselines': {'evaluate.baselines': ['all']},
}

PROG = 'python launch/sweep.py'
# Its own flag set, not absl's process-wide flags.FLAGS: bite_jax.main defines --config there, and the
# tests import both into one process.
FLAGS = flags.FlagValues()
flags.DEFINE_string('config', None, '(required) configs/*.py file of every command', flag_values=FLAGS)
flags.DEFINE_string('root', None, '(required) parent of the per-point workdirs', flag_values=FLAGS)
flags.DEFINE_enum('preset', None, sorted(PRESETS), 'a predefined grid', flag_values=FLAGS)
flags.DEFINE_multi_string('grid', [], 'FIELD=V1,V2,... (repeatable)', flag_values=FLAGS)
flags.DEFINE_multi_string('set', [], 'FIELD=VALUE fixed for every point (repeatable)', flag_values=FLAGS)
flags.DEFINE_string(
  'baselines', None, 'config.evaluate.baselines of every point (all, none or names)', flag_values=FLAGS
)
flags.DEFINE_bool('run', False, 'run the commands instead of printing them', flag_values=FLAGS)
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
  try:
    grid = dict(PRESETS.get(args.preset, {}))
    grid.update(parse_grid(args.grid))
    fixed = {k: v[0] for k, v in parse_grid(args.set).items()}
    if args.baselines is not None:
      fixed['evaluate.baselines'] = args.baselines
  except ValueError as e:
    _usage_error(str(e))
  commands = expand(args.config, args.root, grid, fixed)
  for i, (workdir, cmd) in enumerate(commands, 1):
    print(shlex.join(cmd), flush=True)
    if args.run:
      print(f'[sweep] {i}/{len(commands)} -> {workdir}', file=sys.stderr, flush=True)
      rc = subprocess.call(cmd)
      if rc:
        print(f'[sweep] {workdir} failed with exit code {rc}', file=sys.stderr)
        return rc
  return 0


if __name__ == '__main__':
  sys.exit(main())
