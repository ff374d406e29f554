r"""Runs the BITE stages in order, linked by files in the workdir.

  python -m bite_jax.main --config=configs/tiny.py --workdir=runs/tiny
  python -m bite_jax.main --config=configs/qwen2_5_1_5b.py --workdir=W \
      --config.model.hf_path=/ckpt/Qwen2.5-1.5B --config.stage=editors

`--config.stage=all` runs editors, trees, curriculum, pkac and evaluate; a
stage name runs that one; `ift` runs a single instruction fine-tuning job
from `--config.ift.*`. WORKSPACE.md lists what each stage reads and writes.
"""

import sys
import time
from pathlib import Path

from absl import app, flags, logging
from ml_collections import config_flags

import executor
from bite_jax import config as bite_config
from bite_jax import parallel, report, stages

_CONFIG = config_flags.DEFINE_config_file('config', None, 'Path to a configs/*.py file.')
_WORKDIR = flags.DEFINE_string('workdir', None, 'Run directory: every stage reads and writes here.')

# Stage name -> function of (config, workdir: Path).
STAGE_FUNCTIONS = {
  'ift': stages.run_ift,
  'editors': stages.run_editors,
  'trees': stages.run_trees,
  'curriculum': stages.run_curriculum,
  'pkac': stages.run_pkac,
  'evaluate': stages.run_evaluate,
}


def requested_stages(stage: str) -> list[str]:
  """The stages `config.stage` names, in order: `all` is every BITE stage, else one name."""
  if stage == 'all':
    return list(bite_config.STAGES)
  if stage not in STAGE_FUNCTIONS:
    raise ValueError(
      f'config.stage: unknown stage {stage!r}; choose all, ift or one of {", ".join(bite_config.STAGES)}'
    )
  return [stage]


def run(config, workdir: Path) -> dict[str, str]:
  """Runs the requested stages in order; returns {stage: 'done'}."""
  workdir.mkdir(parents=True, exist_ok=True)
  if config.mesh.coordinator:
    parallel.initialize_distributed(
      config.mesh.coordinator,
      config.mesh.num_processes or None,
      None if config.mesh.process_id < 0 else config.mesh.process_id,
    )
  outcome = {}
  for name in requested_stages(config.stage):
    start = time.time()
    print(f'[bite] stage {name}: start', flush=True)
    STAGE_FUNCTIONS[name](config, workdir)
    print(f'[bite] stage {name}: done in {time.time() - start:.1f}s', flush=True)
    outcome[name] = 'done'
  if config.stage != 'ift':
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
  try:
    outcome = run(config, Path(_WORKDIR.value))
  except executor.SandboxRequiredError as e:
    print(f'[bite] error: {e}', file=sys.stderr, flush=True)
    sys.exit(3)
  print('[bite] summary: ' + ', '.join(f'{k}={v}' for k, v in outcome.items()), flush=True)


if __name__ == '__main__':
  app.run(main)
