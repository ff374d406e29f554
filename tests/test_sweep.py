"""launch/sweep.py: grids expand into one command per point, each with its own workdir."""

import importlib.util
from pathlib import Path

import pytest

from tests.helpers import paths

_PATH = paths.REPO / 'launch' / 'sweep.py'
_spec = importlib.util.spec_from_file_location('sweep', _PATH)
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)


def test_height_width_grid_is_the_full_product():
  commands = sweep.expand('configs/x.py', 'runs', sweep.PRESETS['height_width'], {}, python='py')
  assert len(commands) == 5 * 4
  workdirs = [w for w, _ in commands]
  assert len(set(workdirs)) == len(workdirs)
  workdir, argv = commands[0]
  assert argv[:3] == ['py', '-m', 'bite_jax.main']
  assert f'--workdir={workdir}' in argv
  assert '--config.tree.height=1' in argv and '--config.tree.width=1' in argv


def test_fixed_values_reach_every_command():
  commands = sweep.expand('c.py', 'r', {'tree.width': ['2', '4']}, {'model.hf_path': '/ckpt'})
  assert all('--config.model.hf_path=/ckpt' in argv for _, argv in commands)
  assert [w for w, _ in commands] == [str(Path('r') / 'width-2'), str(Path('r') / 'width-4')]


def test_stage_lists_with_commas_stay_one_value():
  commands = sweep.expand('c.py', 'r', {'curriculum.stages': ['1,2,3']}, {})
  ((workdir, argv),) = commands
  assert '--config.curriculum.stages=1,2,3' in argv
  assert workdir.endswith('stages-1+2+3')


def test_malformed_grid_item_is_named():
  with pytest.raises(ValueError, match='tree.height'):
    sweep.parse_grid(['tree.height'])


def test_cli_prints_one_line_per_point(capsys):
  assert sweep.main(['--config=c.py', '--root=r', '--grid=tree.height=1,2', '--grid=tree.width=3', '--dry_run']) == 0
  lines = capsys.readouterr().out.strip().splitlines()
  assert len(lines) == 2 and all('bite_jax.main' in line for line in lines)


def test_the_baselines_preset_scores_every_baseline_on_a_paper_config(capsys):
  assert sweep.main(['--config=configs/qwen2_5_1_5b.py', '--root=r', '--preset=baselines', '--dry_run']) == 0
  (line,) = capsys.readouterr().out.strip().splitlines()
  assert '--config=configs/qwen2_5_1_5b.py' in line and '--config.evaluate.baselines=all' in line


def test_baselines_flag_reaches_every_point(capsys):
  assert (
    sweep.main(['--config=c.py', '--root=r', '--grid=tree.height=1,2', '--baselines=supersonic,pie-ift', '--dry_run'])
    == 0
  )
  lines = capsys.readouterr().out.strip().splitlines()
  assert len(lines) == 2 and all('--config.evaluate.baselines=supersonic,pie-ift' in line for line in lines)
