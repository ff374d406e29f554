r"""Runs the BITE stages in order, linked by files in the workdir.

  python -m bite_jax.main --config=configs/tiny.py --workdir=runs/tiny
  python -m bite_jax.main --config=configs/qwen2_5_1_5b.py --workdir=W \
      --config.model.hf_path=/ckpt/Qwen2.5-1.5B --config.stage=editors

`--config.stage=all` runs editors, trees, curriculum, pkac and evaluate; a
stage name runs that one; `ift` runs a single instruction fine-tuning job
from `--config.ift.*`. WORKSPACE.md lists what each stage reads and writes.
"""

import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from bite_jax import defaults

_CONFIG = config_flags.DEFINE_config_file('config', None, 'Path to a configs/*.py file.')
_WORKDIR = flags.DEFINE_string('workdir', None, 'Run directory: every stage reads and writes here.')

# Stage name -> 'module:function'; each function takes (config, workdir: Path).
STAGE_TARGETS = {
    'ift': 'bite_jax.train:run_stage',
    'editors': 'bite_jax.pipeline:run_editors',
    'trees': 'bite_jax.pipeline:run_trees',
    'curriculum': 'bite_jax.pipeline:run_curriculum',
    'pkac': 'bite_jax.pipeline:run_pkac',
    'evaluate': 'bite_jax.pipeline:run_evaluate',
}


def resolve_stage(name: str) -> Callable | None:
  """The stage's function, or None when that stage is not built in this version."""
  if name not in STAGE_TARGETS:
    raise ValueError(f'config.stage: unknown stage {name!r}; choose all, ift or one of {", ".join(defaults.STAGES)}')
  module_name, fn_name = STAGE_TARGETS[name].split(':')
  try:
    module = importlib.import_module(module_name)
  except ModuleNotFoundError as e:
    if e.name == module_name:
      return None
    raise
  return getattr(module, fn_name, None)


def requested_stages(stage: str) -> list[str]:
  if stage == 'all':
    return list(defaults.STAGES)
  resolve_stage(stage)  # validates the name
  return [stage]


def run(config, workdir: Path) -> dict[str, str]:
  """Runs the requested stages in order; returns {stage: 'done' | 'not built'}."""
  workdir.mkdir(parents=True, exist_ok=True)
  if config.mesh.coordinator:
    from bite_jax import parallel
    parallel.initialize_distributed(config.mesh.coordinator, config.mesh.num_processes or None,
                                    None if config.mesh.process_id < 0 else config.mesh.process_id)
  outcome = {}
  stages = requested_stages(config.stage)
  missing = [s for s in stages if resolve_stage(s) is None]
  if missing:
    print(f'[bite] not built yet in this version, skipped: {", ".join(missing)}', flush=True)
  for name in stages:
    fn = resolve_stage(name)
    if fn is None:
      outcome[name] = 'not built'
      continue
    start = time.time()
    print(f'[bite] stage {name}: start', flush=True)
    fn(config, workdir)
    print(f'[bite] stage {name}: done in {time.time() - start:.1f}s', flush=True)
    outcome[name] = 'done'
  if any(v == 'done' for v in outcome.values()) and config.stage != 'ift':
    from bite_jax import report
    print(f'[bite] report: {report.write_report(workdir)}', flush=True)
  return outcome


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  config = _CONFIG.value
  if config is None:
    raise app.UsageError('--config=configs/X.py is required')
  if not _WORKDIR.value:
    raise app.UsageError('--workdir=DIR is required')
  logging.set_verbosity(logging.WARNING)
  try:
    requested_stages(config.stage)
  except ValueError as e:
    raise app.UsageError(str(e)) from None
  outcome = run(config, Path(_WORKDIR.value))
  print('[bite] summary: ' + ', '.join(f'{k}={v}' for k, v in outcome.items()), flush=True)
  if config.stage != 'all' and 'not built' in outcome.values():
    sys.exit(2)


if __name__ == '__main__':
  app.run(main)
