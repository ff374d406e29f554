r"""Expands absl flag grids into one `bite_jax.main` command per point, each with its own workdir.

  python launch/sweep.py --config=configs/qwen2_5_1_5b.py --root=runs/hm --preset=height_width
  python launch/sweep.py --config=configs/tiny.py --root=runs/g \
      --grid=tree.height=1,2,3 --grid=tree.width=2,4 --set=model.hf_path=/ckpt
  ... --run   # run the commands one after another instead of printing them

Presets: `height_width` (tree height h x children m, as in the paper's Figure 3) and
`pkac_ablation` (which curriculum stages run and how levels are mixed, as in Figure 4).
"""

import argparse
import itertools
import shlex
import subprocess
import sys
from pathlib import Path

PRESETS = {
  'height_width': {'tree.height': ['1', '2', '3', '4', '5'], 'tree.width': ['1', '2', '5', '10']},
  'pkac_ablation': {
    'curriculum.stages': ['1', '2', '3', '1,2', '2,3', '1,2,3'],
    'curriculum.mixing': ['progressive', 'union'],
  },
}


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


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument('--config', required=True)
  parser.add_argument('--root', required=True, help='parent of the per-point workdirs')
  parser.add_argument('--preset', choices=sorted(PRESETS))
  parser.add_argument('--grid', action='append', default=[], help='FIELD=V1,V2,... (repeatable)')
  parser.add_argument('--set', action='append', default=[], help='FIELD=VALUE fixed for every point')
  parser.add_argument('--run', action='store_true', help='run the commands instead of printing them')
  args = parser.parse_args(argv)
  try:
    grid = dict(PRESETS.get(args.preset, {}))
    grid.update(parse_grid(args.grid))
    fixed = {k: v[0] for k, v in parse_grid(args.set).items()}
  except ValueError as e:
    parser.error(str(e))
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
