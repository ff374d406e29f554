"""WORKDIR/config.json: the config fields that decide a run's outputs, recorded when a workdir is first used.

A stage whose outputs exist skips itself, so a second run with, say, another `tree.width` would mix
trees of one config with a curriculum of another and say nothing. `check_workdir_config` refuses such
a run instead, naming the first field that differs. Fields that change how fast or where a run goes,
not what it writes, are left out (IGNORED): `stage`, `mesh`, `executor.workers`,
`executor.allow_unsandboxed`, `sample.batch_size`, `model.remat`, the trainers' pass/chunk sizes and
checkpoint cadence, and `ift.steps` / `ift.epochs` and `dpo.steps` / `dpo.epochs` (a larger `steps` continues such a run).
"""

from __future__ import annotations

import json
from pathlib import Path

import ml_collections

from bite_jax import config as bite_config

RECORD = 'config.json'
# Files that are no stage's output: a workdir holding only these takes a new config (see has_outputs).
NOT_OUTPUTS = frozenset({RECORD, RECORD + '.tmp', 'isolation.json', 'report.md', 'report.md.tmp', 'plots'})
# The sections (and top-level fields) recorded; every other top-level field (stage, mesh) is ignored.
RECORDED = (
  'seed',
  'model',
  'data',
  'ift',
  'editors',
  'sample',
  'tree',
  'curriculum',
  'pkac',
  'dpo',
  'evaluate',
  'baselines',
  'executor',
)
_TRAINING = ('ift', 'editors.optimizer', 'editors.degrader', 'pkac', 'dpo')
_SPEED_ONLY = ('rows_per_pass', 'loss_chunk', 'checkpoint_every', 'keep_checkpoints', 'log_every')
IGNORED = frozenset(
  {
    'executor.workers',
    'executor.allow_unsandboxed',
    'sample.batch_size',
    'model.remat',
    'ift.steps',
    'ift.epochs',
    'evaluate.baselines',  # adds or leaves out systems; each system's results stay valid (evaluate reruns for new ones)
    'dpo.steps',
    'dpo.epochs',
  }
  | {f'{section}.{field}' for section in _TRAINING for field in _SPEED_ONLY}
)


class WorkdirConfigError(ValueError):
  """A run's config differs from the one recorded in WORKDIR/config.json; the message names the field."""


def _flatten(value, prefix: str, out: dict) -> None:
  if isinstance(value, (ml_collections.ConfigDict, dict)):
    for key in value.keys():
      _flatten(value[key], f'{prefix}.{key}' if prefix else str(key), out)
  elif prefix not in IGNORED:
    out[prefix] = json.loads(json.dumps(value))  # tuples as lists, as they read back from the file


def output_fields(config) -> dict:
  """{'tree.width': 2, ...}: every recorded field of `config` (dotted name -> JSON value), IGNORED left out."""
  out = {}
  for name in RECORDED:
    if name in config:
      _flatten(config[name], name, out)
  return out


def _first_difference(recorded: dict, current: dict) -> tuple[str, list[str]] | None:
  """(first differing field, all differing fields) in the config's order, or None when they agree.

  A field the record lacks counts as equal while this run keeps its default: it was added to the config
  after the workdir was written, and its default is what that run did.
  """
  defaults = output_fields(bite_config.base_config())
  names = list(current) + [k for k in recorded if k not in current]

  def agrees(k):
    if k not in recorded:
      return k in defaults and current.get(k) == defaults[k]
    return k in current and recorded[k] == current[k]

  differing = [k for k in names if not agrees(k)]
  return (differing[0], differing) if differing else None


def _describe(fields: dict, name: str) -> str:
  return repr(fields[name]) if name in fields else '(no such field)'


def has_outputs(workdir: Path) -> bool:
  """Whether a stage has written to `workdir` (anything but the record, isolation.json and the report)."""
  return workdir.is_dir() and any(p.name not in NOT_OUTPUTS for p in workdir.iterdir())


def check_workdir_config(config, workdir: str | Path, *, write: bool = True) -> Path:
  """Records `output_fields(config)` in WORKDIR/config.json on first use; later, checks the run agrees with it.

  A workdir that holds no stage output yet (a first run that stopped on bad input) takes the new config.

  With `write=False` nothing is written: a workdir the record does not bind yet passes.

  Returns the record's path. Raises WorkdirConfigError naming the first differing field, both values
  and the way out (a new --workdir, or deleting the record to adopt this config), or naming the record
  when it is not a JSON object of fields.
  """
  workdir = Path(workdir)
  path = workdir / RECORD
  current = output_fields(config)
  if not path.exists() or not has_outputs(workdir):
    if not write:  # only checking (every process of a multi-host run; process 0 then writes)
      return path
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(RECORD + '.tmp')
    tmp.write_text(json.dumps(current, indent=1) + '\n', encoding='utf-8')
    tmp.replace(path)
    return path
  try:
    recorded = json.loads(path.read_text(encoding='utf-8'))
  except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
    raise WorkdirConfigError(
      f'{path}: unreadable ({e}); it records the config that wrote {workdir}: restore it, or delete it to adopt '
      "this run's config"
    ) from None
  if not isinstance(recorded, dict):
    raise WorkdirConfigError(f'{path}: expected a JSON object of config fields, got {type(recorded).__name__}')
  found = _first_difference(recorded, current)
  if found is None:
    return path
  name, differing = found
  more = f' (and {len(differing) - 1} more: {", ".join(differing[1:4])}{", ..." if len(differing) > 4 else ""})'
  raise WorkdirConfigError(
    f'{workdir} was written by another config: config.{name} is {_describe(recorded, name)} there ({path}) but '
    f'{_describe(current, name)} in this run{more if len(differing) > 1 else ""}. Its outputs would mix both '
    f'configs: give a new --workdir, or, to adopt this config here, first delete the outputs that depend on '
    f'config.{name} (WORKSPACE.md) and then {path}'
  )
