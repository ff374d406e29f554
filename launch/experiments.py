"""The paper's analyses as sweeps: presets of points, upstream stages shared between points, and the
collection of their results into summary.jsonl, a table and a figure.

A point is a set of config overrides run as one `bite_jax.main` workdir (ROOT/<point name>). Points
that agree on everything a stage depends on share that stage's outputs: before a point runs, the
runner links (symlinks) into its workdir the outputs another point already produced for the same key,
and the stage then finds them complete and skips itself. The shared units and what they depend on:

  base              model.*, data.languages, seed (the demo base model and its tokenizer)
  editors           everything but the tree, sampling, curriculum, PKAC, evaluate and baselines fields
  trees/opt, trees/degr   the editors' fields + sampling + the tree fields of that direction
  curriculum        both trees' fields + curriculum.min_speedup / repeats (not the PKAC mixtures)

so every PKAC ablation (Figure 4) trains the editors and grows the trees once, the consolidation
variants (Figure 5) share their curriculum, and Figure 3's points share the editors and every tree of
the same effective shape. A key is the hash of the unit's fields in the point's resolved config (the
config file with the point's overrides; `tree.opt.height=-1` read as `tree.height`).
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

from bite_jax.workdir import output_fields

EXECUTOR_SPEED = ('executor.workers',)
_DOWNSTREAM = ('curriculum.', 'pkac.', 'evaluate.', 'baselines.', 'stage')
# Unit -> (the files or directories it owns in a workdir, which overrides it ignores, or None with `only`).
UNITS = {
  'base': {'paths': ('base',), 'only': ('model.', 'data.languages', 'seed')},
  'editors': {'paths': ('editors',), 'ignore': ('tree.', 'sample.', *_DOWNSTREAM, *EXECUTOR_SPEED)},
  'trees/opt': {
    'paths': ('trees/opt.jsonl', 'trees/opt.done'),
    'ignore': ('tree.degr.', *_DOWNSTREAM, *EXECUTOR_SPEED),
  },
  'trees/degr': {
    'paths': ('trees/degr.jsonl', 'trees/degr.done'),
    'ignore': ('tree.opt.', *_DOWNSTREAM, *EXECUTOR_SPEED),
  },
  'curriculum': {
    'paths': ('curriculum',),
    'ignore': (
      'curriculum.top_fraction',
      'curriculum.stages',
      'curriculum.mixing',
      'pkac.',
      'evaluate.',
      'baselines.',
      'stage',
      *EXECUTOR_SPEED,
    ),
  },
}
# Evidence that a unit is complete in a workdir (the stage's own completion markers).
_COMPLETE = {
  'base': ('base/config.json',),
  'editors': ('editors/optimizer/final', 'editors/degrader/final'),
  'trees/opt': ('trees/opt.done',),
  'trees/degr': ('trees/degr.done',),
  'curriculum': ('curriculum/levels.json',),
}


@dataclasses.dataclass(frozen=True)
class Point:
  name: str  # the workdir's name under the sweep root
  values: dict  # config field -> value (strings, as on a command line)


def _matches(field: str, prefixes) -> bool:
  return any(field == p or (p.endswith('.') and field.startswith(p)) for p in prefixes)


def resolved_fields(config_file: str, overrides: dict) -> dict | None:
  """The point's recorded config fields (bite_jax.workdir.output_fields) with the overrides applied, tree
  shapes made effective (-1 -> the shared height / width); None when the config file cannot be loaded
  (keys then come from the overrides alone)."""
  try:
    spec = importlib.util.spec_from_file_location('sweep_config', config_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = module.get_config()
  except (OSError, AttributeError, ImportError, SyntaxError):
    return None
  for field, value in overrides.items():
    *parents, leaf = field.split('.')
    section = config
    for name in parents:
      section = section[name]
    current = section[leaf]
    if isinstance(current, bool):
      value = str(value).lower() in ('1', 'true', 'yes')
    elif isinstance(current, (int, float)) and not isinstance(current, bool):
      value = type(current)(float(value)) if isinstance(current, int) else float(value)
    section[leaf] = value
  fields = output_fields(config)
  for tree in ('opt', 'degr'):
    for dim in ('height', 'width'):
      if fields.get(f'tree.{tree}.{dim}', -1) < 0:
        fields[f'tree.{tree}.{dim}'] = fields[f'tree.{dim}']
  for dim in ('height', 'width'):
    fields.pop(f'tree.{dim}', None)  # only through the effective shapes above
  return fields


_RESOLVED: dict = {}


def unit_key(unit: str, config_file: str, overrides: dict) -> str:
  """The sharing key of one unit for a point: a hash of the fields it depends on, taken from the point's
  resolved config (so two points whose trees have the same effective shape share them), or from the
  config file's name and the overrides when the file cannot be loaded."""
  cache_key = (str(config_file), json.dumps(sorted(overrides.items())))
  if cache_key not in _RESOLVED:
    _RESOLVED[cache_key] = resolved_fields(config_file, overrides)
  fields = _RESOLVED[cache_key]
  if fields is None:
    fields = {'config_file': str(Path(config_file)), **overrides}
  spec = UNITS[unit]
  if 'only' in spec:
    relevant = {k: v for k, v in fields.items() if _matches(k, spec['only'])}
  else:
    relevant = {k: v for k, v in fields.items() if not _matches(k, spec['ignore'])}
  text = json.dumps(sorted(relevant.items()), default=str)
  return hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]


def unit_complete(workdir: Path, unit: str) -> bool:
  return all((Path(workdir) / p).exists() for p in _COMPLETE[unit])


def link_unit(source: Path, target: Path, unit: str) -> list[Path]:
  """Symlinks a unit's outputs of workdir `source` into workdir `target` (existing paths are left alone);
  returns the links made."""
  made = []
  for rel in UNITS[unit]['paths']:
    src, dst = Path(source) / rel, Path(target) / rel
    if not src.exists() or dst.exists() or dst.is_symlink():
      continue
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(src.resolve(), dst.parent.resolve()), dst)
    made.append(dst)
  return made


class Registry:
  """ROOT/shared.json: unit -> key -> the workdir that produced it (complete units only)."""

  def __init__(self, root: Path):
    self.path = Path(root) / 'shared.json'
    self.data = json.loads(self.path.read_text(encoding='utf-8')) if self.path.is_file() else {}

  def producer(self, unit: str, key: str) -> Path | None:
    found = self.data.get(unit, {}).get(key)
    return Path(found) if found and unit_complete(Path(found), unit) else None

  def record(self, unit: str, key: str, workdir: Path) -> None:
    if unit_complete(workdir, unit) and not (Path(workdir) / UNITS[unit]['paths'][0]).is_symlink():
      self.data.setdefault(unit, {}).setdefault(key, str(workdir))
      tmp = self.path.with_name('shared.json.tmp')
      tmp.write_text(json.dumps(self.data, indent=1) + '\n', encoding='utf-8')
      tmp.replace(self.path)


def share_upstream(registry: Registry, config_file: str, point_dir: Path, overrides: dict) -> dict[str, str]:
  """Links into `point_dir` every unit another point already produced for the same key; returns
  {unit: producer workdir} of what was linked."""
  linked = {}
  for unit in UNITS:
    producer = registry.producer(unit, unit_key(unit, config_file, overrides))
    if producer is not None and Path(producer).resolve() != Path(point_dir).resolve():
      if link_unit(producer, point_dir, unit):
        linked[unit] = str(producer)
  return linked


def record_produced(registry: Registry, config_file: str, point_dir: Path, overrides: dict) -> None:
  for unit in UNITS:
    registry.record(unit, unit_key(unit, config_file, overrides), point_dir)


def run_points(
  points: list[tuple[str, list[str], dict]],
  config_file: str,
  root: Path,
  run: Callable[[list[str]], int],
  *,
  parallel: int = 1,
  log=print,
) -> int:
  """Runs (or resumes) every point: [(workdir, argv, overrides)]. With `parallel` > 1 several run at once,
  but a point waits while another running point is producing a unit it would share. Returns the first
  non-zero exit status, else 0."""
  registry = Registry(root)
  pending = list(points)
  running: dict = {}
  status = 0

  def claims(overrides):
    return {(u, unit_key(u, config_file, overrides)) for u in UNITS}

  with cf.ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
    while pending or running:
      busy = set().union(*(claims(o) for _, _, o in running.values())) if running else set()
      started = False
      for item in list(pending):
        if len(running) >= max(1, parallel):
          break
        workdir, argv, overrides = item
        wanted = {c for c in claims(overrides) if registry.producer(*c) is None}
        if wanted & busy:
          continue  # another running point is producing what this one would reuse
        pending.remove(item)
        Path(workdir).mkdir(parents=True, exist_ok=True)
        linked = share_upstream(registry, config_file, Path(workdir), overrides)
        if linked:
          log(f'[sweep] {workdir}: reusing ' + ', '.join(f'{u} of {Path(p).name}' for u, p in linked.items()))
        running[pool.submit(run, argv)] = item
        busy |= wanted
        started = True
      if not running:
        break
      if not started or len(running) >= max(1, parallel) or not pending:
        done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
        for future in done:
          workdir, argv, overrides = running.pop(future)
          rc = future.result()
          record_produced(registry, config_file, Path(workdir), overrides)
          log(f'[sweep] {workdir}: exit {rc}')
          status = status or rc
  return status
