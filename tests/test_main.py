"""The entry point: stages run in order, each gets the config and workdir, unknown stages are usage errors."""

import subprocess
import sys

import pytest

from bite_jax import main as bite_main
from tests.helpers import paths
from tests.helpers.configs import load_config

ROOT = paths.REPO


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
  config = load_config(ROOT / 'configs' / 'tiny.py')
  config.stage = 'ift'
  config.ift.steps = 7
  assert bite_main.run(config, tmp_path) == {'ift': 'done'}
  assert seen == {'steps': 7, 'workdir': tmp_path}
