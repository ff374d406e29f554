"""The entry point: configs load, stages run in order, unknown stages are usage errors."""

import subprocess
import sys
from pathlib import Path

import pytest

from bite_jax import config as bite_config
from bite_jax import main as bite_main

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / 'configs').glob('*.py'))


def _load(path: Path):
  namespace = {}
  exec(compile(path.read_text(), str(path), 'exec'), namespace)
  return namespace['get_config']()


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_every_config_has_the_full_field_set(path):
  config = _load(path)
  base = bite_config.base_config()
  assert set(config.keys()) == set(base.keys())
  for section in ('model', 'mesh', 'ift', 'tree', 'evaluate', 'executor'):
    assert set(config[section].keys()) == set(base[section].keys()), section


def test_paper_presets_use_the_paper_settings():
  config = _load(ROOT / 'configs' / 'qwen2_5_1_5b.py')
  assert (config.tree.height, config.tree.width, config.tree.threshold) == (5, 10, 1.1)
  assert config.sample.temperature == 1.0
  assert config.editors.optimizer.lr == 1e-5 and config.editors.optimizer.epochs == 2
  assert config.curriculum.top_fraction == 0.5


def test_all_runs_the_five_stages_in_order():
  assert bite_main.requested_stages('all') == ['editors', 'trees', 'curriculum', 'pkac', 'evaluate']


def test_unknown_stage_is_rejected_with_its_name():
  with pytest.raises(ValueError, match='bogus'):
    bite_main.requested_stages('bogus')


def test_cli_rejects_unknown_stage_as_usage_error(tmp_path):
  proc = subprocess.run(
    [
      sys.executable,
      '-m',
      'bite_jax.main',
      f'--config={ROOT / "configs" / "tiny.py"}',
      f'--workdir={tmp_path}',
      '--config.stage=bogus',
    ],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=120,
  )
  assert proc.returncode != 0
  assert "unknown stage 'bogus'" in proc.stderr
  assert 'Traceback' not in proc.stderr


def test_run_hands_config_and_workdir_to_each_stage(tmp_path, monkeypatch):
  seen = {}

  def fake_stage(config, workdir):
    seen.update(steps=config.ift.steps, workdir=workdir)

  monkeypatch.setitem(bite_main.STAGE_FUNCTIONS, 'ift', fake_stage)
  config = _load(ROOT / 'configs' / 'tiny.py')
  config.stage = 'ift'
  config.ift.steps = 7
  assert bite_main.run(config, tmp_path) == {'ift': 'done'}
  assert seen == {'steps': 7, 'workdir': tmp_path}
