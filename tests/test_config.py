"""bite_jax.config and configs/*.py: every file has the base field set; the paper presets hold the paper settings."""

import pytest

from bite_jax import config as bite_config
from tests.helpers.configs import config_files, load_config
from tests.helpers.paths import CONFIGS


@pytest.mark.parametrize('path', config_files(), ids=lambda p: p.stem)
def test_every_config_has_the_full_field_set(path):
  config = load_config(path)
  base = bite_config.base_config()
  assert set(config.keys()) == set(base.keys())
  for section in ('model', 'mesh', 'ift', 'tree', 'evaluate', 'executor'):
    assert set(config[section].keys()) == set(base[section].keys()), section


def test_paper_presets_use_the_paper_settings():
  config = load_config(CONFIGS / 'qwen2_5_1_5b.py')
  assert (config.tree.height, config.tree.width, config.tree.threshold) == (5, 10, 1.1)
  assert config.sample.temperature == 1.0
  assert config.editors.optimizer.lr == 1e-5 and config.editors.optimizer.epochs == 2
  assert config.curriculum.top_fraction == 0.5
