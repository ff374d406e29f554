"""Config files under configs/ as the entry point reads them (each defines get_config())."""

from pathlib import Path

import ml_collections

from tests.helpers.paths import CONFIGS


def load_config(path: Path) -> ml_collections.ConfigDict:
  """get_config() of the config file at `path`."""
  namespace = {}
  exec(compile(path.read_text(), str(path), 'exec'), namespace)
  return namespace['get_config']()


def config_files() -> list[Path]:
  """Every config file of the repository, sorted."""
  return sorted(CONFIGS.glob('*.py'))
