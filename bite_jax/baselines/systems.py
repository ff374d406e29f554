"""The training-based baselines as systems of the evaluate stage: what each trains, where, and how it
is prompted.

  name             trains (from the base, on the editors' pairs)             scored with method
  pie-ift          IFT slow -> fast: the optimizer editor itself             direct
  pie-perfcond     IFT with the target's speedup bin in the prompt           perfcond (top bin)
  ecco-exec        nothing more: pie-ift refining with execution feedback    ecco
  ecco-trajectory  IFT on program histories (earlier versions in context)    trajectory
  mercury-dpo      DPO from pie-ift (fast chosen, slow rejected; reference    direct
                   = pie-ift, frozen)
  supersonic       IFT slow -> diff to fast                                  diff
  base             nothing: the base model prompted directly                 direct

Every IFT run uses the optimizer editor's section (`config.editors.optimizer`: steps, batch, rate,
lengths), so the baselines differ from PIE-IFT in their data only; DPO uses `config.dpo`. Models go
to WORKDIR/baselines/<name>/ (pie-ift is WORKDIR/editors/optimizer/, trained there when the editors
stage has not run), each resumable like any IFT run. `config.evaluate.baselines` selects them: a
comma list of names, `all`, or `none` ('true' and 'false' are read as the default pair and none).

  python -m bite_jax.main --config=configs/tiny.py --config.stage=baselines --config.evaluate.baselines=supersonic

trains one alone; the evaluate stage trains what it scores and has not been trained yet.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bite_jax import hosts
from bite_jax.baselines import data as baseline_data
from bite_jax.config import ConfigError
from bite_jax.data.mini import load_mini
from bite_jax.data.pairs import read_pairs, write_pairs
from bite_jax.data.preferences import preference_from_record, write_preferences
from bite_jax.data.records import Pair
from bite_jax.models.trained import is_trained_dir
from bite_jax.stages import editor_dir, editor_pairs, executor_pool, prepare_base, tree_roots
from bite_jax.train.dpo import train_dpo
from bite_jax.train.loop import train_ift

# name -> (system name in reports, sampling method)
SYSTEMS = {
  'pie-ift': ('pie-ift', 'direct'),
  'pie-perfcond': ('pie-perfcond', 'perfcond'),
  'ecco-exec': ('ecco-exec', 'ecco'),
  'ecco-trajectory': ('ecco-trajectory', 'trajectory'),
  'mercury-dpo': ('mercury-dpo', 'direct'),
  'supersonic': ('supersonic', 'diff'),
  'base': ('base-direct', 'direct'),
}
NAMES = tuple(SYSTEMS)
DEFAULT = ('pie-ift', 'base')
_IFT_TRAINED = ('pie-perfcond', 'ecco-trajectory', 'supersonic')  # their own IFT run on their own data


def parse_baselines(value) -> list[str]:
  """The baselines `config.evaluate.baselines` selects, in NAMES order; raises ConfigError naming an
  unknown one."""
  if isinstance(value, bool):
    return list(DEFAULT) if value else []
  text = str(value).strip().lower()
  if text in ('', 'none', 'false'):
    return []
  if text == 'true':
    return list(DEFAULT)
  if text == 'all':
    return list(NAMES)
  names = [n.strip() for n in text.split(',') if n.strip()]
  unknown = [n for n in names if n not in SYSTEMS]
  if unknown:
    raise ConfigError(
      f'config.evaluate.baselines: unknown baseline(s) {", ".join(unknown)}; choose from {", ".join(NAMES)}, all or none'
    )
  return [n for n in NAMES if n in names]


def baseline_dir(workdir: Path, name: str) -> Path:
  return Path(workdir) / 'baselines' / name


def model_dir(config, workdir: Path, name: str) -> Path:
  """The model directory a baseline is scored with (trained or not yet)."""
  if name in ('pie-ift', 'ecco-exec'):
    return editor_dir(workdir, 'optimizer')
  if name == 'base':
    return prepare_base(config, workdir)
  return baseline_dir(workdir, name) / 'final'


def _say(message: str) -> None:
  if hosts.is_writer():
    print(f'[bite] {message}', flush=True)


def _pie_ift(config, workdir: Path, pairs, base: Path) -> Path:
  """The optimizer editor (= PIE-IFT), trained as the editors stage trains it when it is not there."""
  final = editor_dir(workdir, 'optimizer')
  if not is_trained_dir(final):
    ift = copy.deepcopy(config.editors.optimizer)
    ift.direction = 'optimize'
    _say(f'baselines: pie-ift (the optimizer editor) on {len(pairs)} pairs')
    train_ift(ift, config.model, config.mesh, final.parent, base_dir=str(base), pairs=pairs)
  return final


def _problem_tasks(config, workdir: Path) -> dict[tuple, object]:
  """{(problem_id, language): a task with test inputs}: the tree roots and the mini benchmark, where a
  pair without a speedup can be measured."""
  found = {}
  for task in [*load_mini(), *_roots_or_none(config, workdir)]:
    found.setdefault((task.problem_id, task.language), task)
  return found


def _roots_or_none(config, workdir):
  try:
    return tree_roots(config, workdir)
  except (ConfigError, FileNotFoundError):
    return []


def measured_pairs(config, workdir: Path, pairs: list[Pair]) -> list[Pair]:
  """`pairs` with every missing speedup measured by the executor (slow and fast measured interleaved on
  their problem's test inputs (the first `baselines.measure_inputs`; 0 = all), `baselines.measure_repeats`
  rounds, CPU time unless `executor.meter` says otherwise: bins need ranks, not precision); pairs that cannot be measured (no task with inputs, or a fast program that
  fails) are left out. Written once to WORKDIR/baselines/pie-perfcond/pairs.jsonl and read back after."""
  out_dir = baseline_dir(workdir, 'pie-perfcond')
  path = out_dir / 'pairs.jsonl'
  rel = path.relative_to(workdir).as_posix()
  if hosts.count() > 1:
    hosts.barrier('baselines-perfcond-check')
  if hosts.is_writer() and not path.is_file():
    todo = [i for i, p in enumerate(pairs) if p.speedup is None]
    measured = {}
    if todo:
      tasks = _problem_tasks(config, workdir)
      jobs = []
      for i in todo:
        task = tasks.get((pairs[i].problem_id, pairs[i].language))
        if task is None or not task.inputs:
          continue
        jobs.append(
          {
            'kind': 'measure',
            'id': i,
            'lang': pairs[i].language,
            'sources': [pairs[i].slow, pairs[i].fast],
            'inputs': list(task.inputs[: int(config.baselines.measure_inputs) or None]),
            'meter': config.executor.meter or 'cpu',
            'repeats': int(config.baselines.measure_repeats),
          }
        )
      _say(f'baselines: pie-perfcond: measuring {len(jobs)} of {len(todo)} pairs without a speedup')
      with executor_pool(config, workdir) as pool:
        for result in pool.map_unordered(jobs):
          programs = result.get('programs') or []
          fast = programs[1] if len(programs) == 2 else {}
          speedup = (fast.get('speedup_vs_first') or {}).get('speedup')
          if fast.get('outputs_match_first') and speedup:
            measured[result['id']] = float(speedup)
    kept = []
    for i, p in enumerate(pairs):
      speedup = p.speedup if p.speedup is not None else measured.get(i)
      if speedup is not None and speedup > 0:
        kept.append(Pair(**{**p.to_dict(), 'speedup': speedup}))
    if not kept:
      raise ConfigError('config.evaluate.baselines: pie-perfcond has no pair with a known or measurable speedup')
    _say(f'baselines: pie-perfcond: {len(kept)} of {len(pairs)} pairs have a speedup')
    out_dir.mkdir(parents=True, exist_ok=True)
    write_pairs(path.with_name(path.name + '.tmp'), kept)
    path.with_name(path.name + '.tmp').replace(path)
  if hosts.count() > 1:
    hosts.exchange('baselines-perfcond-measured', push=rel, pull=rel)
  return read_pairs(path)


def training_items(config, workdir: Path, name: str, pairs: list[Pair]) -> list:
  """The PromptedPairs an IFT-trained baseline learns from."""
  if name == 'pie-perfcond':
    return baseline_data.perfcond_pairs(measured_pairs(config, workdir, pairs), int(config.baselines.perfcond_bins))
  if name == 'ecco-trajectory':
    return baseline_data.trajectory_pairs(pairs, int(config.baselines.trajectory_context))
  if name == 'supersonic':
    return baseline_data.diff_pairs(pairs, int(config.baselines.diff_context))
  raise ValueError(f'{name} is not trained by IFT on its own data')


def train_baseline(config, workdir: Path, name: str, pairs: list[Pair] | None = None) -> Path:
  """Trains one baseline (what it needs first, too) unless done; returns the model dir it is scored with."""
  workdir = Path(workdir)
  final = model_dir(config, workdir, name)
  if name == 'base' or is_trained_dir(final):
    return final
  pairs = editor_pairs(config, workdir) if pairs is None else pairs
  base = prepare_base(config, workdir)
  if name in ('pie-ift', 'ecco-exec'):
    return _pie_ift(config, workdir, pairs, base)
  if name in _IFT_TRAINED:
    items = training_items(config, workdir, name, pairs)
    ift = copy.deepcopy(config.editors.optimizer)
    ift.direction = 'optimize'
    _say(f'baselines: {name} on {len(items)} examples')
    train_ift(ift, config.model, config.mesh, final.parent, base_dir=str(base), pairs=items)
    return final
  if name == 'mercury-dpo':
    start = _pie_ift(config, workdir, pairs, base)
    records = [preference_from_record(r) for r in baseline_data.preference_records(pairs)]
    write_preferences(baseline_dir(workdir, name) / 'preferences.jsonl', records)
    dpo = copy.deepcopy(config.dpo)
    dpo.init = str(start)
    _say(f'baselines: mercury-dpo on {len(records)} preference records from {start}')
    train_dpo(dpo, config.model, config.mesh, final.parent, base_dir=str(base), records=records)
    return final
  raise ValueError(f'unknown baseline {name!r}')


def run_baselines(config, workdir: Path) -> dict[str, str]:
  """The `baselines` stage: trains every baseline `config.evaluate.baselines` selects; returns
  {name: model dir} and writes WORKDIR/baselines/models.json."""
  names = parse_baselines(config.evaluate.baselines)
  if not names:
    _say('baselines: config.evaluate.baselines selects none, nothing to train')
    return {}
  pairs = editor_pairs(config, workdir)
  models = {name: str(train_baseline(config, workdir, name, pairs)) for name in names}
  if hosts.is_writer():
    path = Path(workdir) / 'baselines' / 'models.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(models, indent=1) + '\n', encoding='utf-8')
  return models
