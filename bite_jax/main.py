r"""Runs the BITE stages in order, linked by files in the workdir.

  python -m bite_jax.main --config=configs/tiny.py --workdir=runs/tiny
  python -m bite_jax.main --config=configs/qwen2_5_1_5b.py --workdir=W \
      --config.model.hf_path=/ckpt/Qwen2.5-1.5B --config.stage=editors

`--config.stage=all` runs editors, trees, curriculum, pkac and evaluate (after
data when `--config.data.codenet` names a Project CodeNet root); a stage name runs that one; `ift` runs a single instruction fine-tuning job
from `--config.ift.*` and `dpo` a single DPO run from `--config.dpo.*` (preference records in
`--config.dpo.data`). WORKSPACE.md lists what each stage reads and writes.

Bad usage or input (an unknown flag or config field, a value of the wrong type or out of range, a
bad line in an input file, a workdir written by another config) is one line
`python -m bite_jax.main: error: ...` naming the flag, field or FILE:LINE, with exit status 2.
"""

import importlib.util
import sys
import time
import traceback
from pathlib import Path

import jax
import ml_collections
import tokenizers
from absl import app, flags, logging
from ml_collections import config_flags

import executor
from bite_jax import config as bite_config
from bite_jax import curriculum, evaluation, hosts, parallel, report, stages, storage, usage
from bite_jax.baselines import systems as baseline_systems
from bite_jax.config import ConfigError
from bite_jax.data.mini import MiniFormatError
from bite_jax.data.pairs import PairFormatError
from bite_jax.data.preferences import PreferenceFormatError
from bite_jax.data.records import normalize_language
from bite_jax.evaluate.baselines import METHODS
from bite_jax.evaluate.candidates import CandidateError
from bite_jax.evaluate.endpoint import parse_endpoint
from bite_jax.evaluate.loaders import BenchmarkFormatError, parse_spec
from bite_jax.models import PRESETS
from bite_jax.tree.store import TreeFormatError
from bite_jax.workdir import WorkdirConfigError, check_workdir_config

PROG = 'python -m bite_jax.main'

_CONFIG = config_flags.DEFINE_config_file('config', None, 'Path to a configs/*.py file.')
_WORKDIR = flags.DEFINE_string('workdir', None, 'Run directory: every stage reads and writes here.')

# Stage name -> function of (config, workdir: Path).
STAGE_FUNCTIONS = {
  'ift': stages.run_ift,
  'dpo': stages.run_dpo,
  'data': stages.run_data,
  'editors': stages.run_editors,
  'trees': stages.run_trees,
  'curriculum': stages.run_curriculum,
  'pkac': stages.run_pkac,
  'evaluate': evaluation.run_evaluate,
  'baselines': baseline_systems.run_baselines,
}


def requested_stages(stage: str, codenet: str = '') -> list[str]:
  """The stages `config.stage` names, in order: `all` is every BITE stage (data only when `codenet`, the
  config's data.codenet, is set), else one name."""
  if stage == 'all':
    return [s for s in bite_config.STAGES if s != 'data' or codenet]
  if stage not in STAGE_FUNCTIONS:
    raise ConfigError(
      f'config.stage: unknown stage {stage!r}; choose all, ift, dpo, baselines or one of {", ".join(bite_config.STAGES)}'
    )
  return [stage]


def run(config, workdir: str | Path) -> dict[str, str]:
  """Runs the requested stages in order; returns {stage: 'done'}.

  `workdir` is a local directory or a URL (`gs://bucket/run`, any fsspec file system): a remote workdir
  is worked on in a local mirror (bite_jax.storage), pulled at the start, pushed after every stage and
  while the trees grow, so a run on a fresh host resumes from the bucket. With several processes, files
  change hands at the stages' barriers (bite_jax.hosts).

  The workdir's first run records the config's output fields in WORKDIR/config.json; a later run whose
  fields differ raises WorkdirConfigError before any stage starts (bite_jax.workdir).
  """
  if config.mesh.coordinator:
    parallel.initialize_distributed(
      config.mesh.coordinator,
      config.mesh.num_processes or None,
      None if config.mesh.process_id < 0 else config.mesh.process_id,
    )
  stages_run = requested_stages(config.stage, config.data.codenet)
  if not set(stages_run) <= {'data', 'curriculum'}:  # every other stage trains or samples on the mesh
    check_mesh(config)
  try:
    mirror = storage.open_workdir(workdir)
  except (ValueError, ImportError) as e:
    raise ConfigError(f'--workdir: {e}') from None
  hosts.use_mirror(mirror)
  if mirror.remote:
    print(f'[bite] workdir {mirror.url}: local mirror {mirror.local}', flush=True)
  workdir = mirror.local
  workdir.mkdir(parents=True, exist_ok=True)
  # Every process checks the record before process 0 (re)writes it, so all of them stop on a mismatch.
  check_workdir_config(config, workdir, write=False)
  hosts.barrier('workdir-config')
  if hosts.is_writer():
    check_workdir_config(config, workdir)
  outcome = {}
  for name in stages_run:
    start = time.time()
    print(f'[bite] stage {name}: start', flush=True)
    STAGE_FUNCTIONS[name](config, workdir)
    hosts.exchange(f'stage-{name}', push='', pull='')  # what each process wrote, for the next stage
    print(f'[bite] stage {name}: done in {time.time() - start:.1f}s', flush=True)
    outcome[name] = 'done'
  if config.stage not in ('ift', 'dpo') and hosts.is_writer():
    print(f'[bite] report: {report.write_report(workdir)}', flush=True)
    if mirror.remote:
      mirror.push()
  return outcome


# Errors of the inputs a run is given (config fields, data files, files of earlier stages, the workdir's record):
# one line naming the field or the file and line, exit status 2. Anything else keeps its traceback.
INPUT_ERRORS = (
  ConfigError,
  WorkdirConfigError,
  PairFormatError,
  PreferenceFormatError,
  BenchmarkFormatError,
  MiniFormatError,
  CandidateError,
  TreeFormatError,
  report.ReportInputError,
  FileNotFoundError,
)
_DTYPES = ('float32', 'bfloat16', 'float16')  # what bite_jax.models.ModelConfig accepts
_METERS = ('', 'auto', 'cpu', 'instructions')
# field -> (check, what it must be); checked on every run, whichever stage it asks for.
_VALUE_CHECKS = {
  'model.dtype': (lambda v: v in _DTYPES, f'one of {", ".join(_DTYPES)}'),
  'model.param_dtype': (lambda v: v in _DTYPES, f'one of {", ".join(_DTYPES)}'),
  'data.pairs_per_language': (lambda v: v >= 1, '>= 1'),
  'data.roots_per_language': (lambda v: v >= 1, '>= 1'),
  'data.min_speedup': (lambda v: v >= 1, '>= 1 (e.g. 1.1 = slow at least 10% slower than fast)'),
  'sample.temperature': (lambda v: v >= 0, '>= 0 (0 = greedy)'),
  'sample.top_p': (lambda v: 0 < v <= 1, 'in (0, 1]'),
  'sample.top_k': (lambda v: v >= 0, '>= 0 (0 = all tokens)'),
  'sample.max_new_tokens': (lambda v: v >= 1, '>= 1'),
  'sample.batch_size': (lambda v: v >= 1, '>= 1'),
  'tree.height': (lambda v: v >= 0, '>= 0'),
  'tree.width': (lambda v: v >= 1, '>= 1'),
  'tree.opt.height': (lambda v: v >= -1, '>= 0, or -1 (tree.height)'),
  'tree.opt.width': (lambda v: v == -1 or v >= 1, '>= 1, or -1 (tree.width)'),
  'tree.degr.height': (lambda v: v >= -1, '>= 0, or -1 (tree.height)'),
  'tree.degr.width': (lambda v: v == -1 or v >= 1, '>= 1, or -1 (tree.width)'),
  'tree.height_counts': (lambda v: v in ('edits', 'levels'), 'edits or levels'),
  'tree.threshold': (lambda v: v > 1, '> 1 (e.g. 1.1 = 10% faster/slower)'),
  'tree.max_roots': (lambda v: v >= 0, '>= 0 (0 = all)'),
  'tree.extra_inputs': (lambda v: v >= 0, '>= 0 (0 = no differential check)'),
  'curriculum.top_fraction': (lambda v: 0 <= v <= 1, 'in [0, 1] (0 = no replay of the previous level)'),
  'curriculum.mixing': (lambda v: v in curriculum.MIXINGS, f'one of {", ".join(curriculum.MIXINGS)}'),
  'evaluate.split': (lambda v: v in ('', 'train', 'test'), "'', train or test"),
  'evaluate.seen_split': (lambda v: v in ('', 'train', 'test'), "'', train or test"),
  'evaluate.num_samples': (lambda v: v >= 1, '>= 1'),
  'evaluate.limit': (lambda v: v >= 0, '>= 0 (0 = all tasks)'),
  'evaluate.extra_inputs': (lambda v: v >= 0, '>= 0 (0 = no differential check)'),
  'evaluate.endpoint_concurrency': (lambda v: v >= 1, '>= 1'),
  'evaluate.sbllm_rounds': (lambda v: v >= 0, '>= 0'),
  'evaluate.sbllm_keep': (lambda v: v >= 1, '>= 1'),
  'evaluate.sbllm_patterns': (lambda v: v >= 0, '>= 0 (0 = no retrieved patterns)'),
  'executor.workers': (lambda v: v >= 0, '>= 0 (0 = one per core)'),
  'executor.meter': (lambda v: v in _METERS, "'' (the best available), auto, cpu or instructions"),
  'executor.timeout': (lambda v: v > 0, '> 0'),
  'executor.memory_mb': (lambda v: v > 0, '> 0'),
  'dpo.beta': (lambda v: v > 0, '> 0 (the DPO temperature, e.g. 0.1)'),
}
_TRAINING_CHECKS = {
  'batch_size': (lambda v: v >= 1, '>= 1'),
  'max_len': (lambda v: v >= 2, '>= 2'),
  'grad_accum': (lambda v: v >= 1, '>= 1'),
  'length_buckets': (lambda v: v >= 1, '>= 1 (1 = every row padded to max_len)'),
  'steps': (lambda v: v >= 0, '>= 0 (0 = from epochs)'),
  'epochs': (lambda v: v >= 0, '>= 0'),
  'direction': (lambda v: v in ('optimize', 'degrade'), 'optimize or degrade'),
}


def _field(config, name: str):
  value = config
  for key in name.split('.'):
    value = value[key]
  return value


def _check_data(config, stages_run: list[str]) -> None:
  """The data stage's fields: a CodeNet root with metadata/ when it runs, positive quotas, a known language."""
  codenet = config.data.codenet
  if 'data' in stages_run and not codenet:
    raise ConfigError('config.data.codenet: empty; the data stage needs --config.data.codenet=CODENET_ROOT')
  if codenet and not (Path(codenet) / 'metadata').is_dir():
    raise ConfigError(f'config.data.codenet: {codenet}: not a Project CodeNet directory (no metadata/ in it)')
  if config.data.language:
    try:
      normalize_language(config.data.language)
    except ValueError as e:
      raise ConfigError(f'config.data.language: {e}') from None


def _check_benchmark_tests(config, kind: str, stages_run: list[str]) -> None:
  """evaluate.tests_dir / statements exist, and pie / ecco have the tests they need when evaluate runs."""
  for name in ('tests_dir', 'statements'):
    for value in (v.strip() for v in config.evaluate[name].split(',') if v.strip()):
      if not Path(value).exists():
        raise ConfigError(f'config.evaluate.{name}: {value}: no such file or directory')
  if 'evaluate' not in stages_run:
    return
  if kind == 'pie' and not (config.evaluate.tests_dir or config.evaluate.statements):
    raise ConfigError(
      'config.evaluate.tests_dir: pie needs test cases: --config.evaluate.tests_dir=DIR (<problem_id>/input.N.txt) '
      'or --config.evaluate.statements=problem_descriptions.tar.gz (their sample I/O)'
    )
  if kind == 'ecco' and not config.evaluate.tests_dir:
    raise ConfigError('config.evaluate.tests_dir: ecco needs its test-case directories, e.g. ECCO/public_test_cases')


def check_config(config) -> None:
  """Checks the config's values before any stage runs; ConfigError names the first bad field (`config.x.y`).

  Covers the stage name, languages, input files, the model source, the benchmark spec and methods, the
  curriculum stages and the numeric ranges of sample, tree, curriculum, evaluate, executor and the four
  training sections. (Types are checked earlier, by ml_collections when it parses --config.x.y=value.)
  """
  stages_run = requested_stages(config.stage, config.data.codenet)
  _check_data(config, stages_run)
  for name in config.data.languages.split(','):
    if name.strip():
      try:
        normalize_language(name)
      except ValueError as e:
        raise ConfigError(f'config.data.languages: {e}') from None
  if 'ift' in stages_run and not config.ift.data:
    raise ConfigError('config.ift.data: empty; the ift stage trains on --config.ift.data=PAIRS.jsonl')
  if 'dpo' in stages_run and not config.dpo.data:
    raise ConfigError('config.dpo.data: empty; the dpo stage trains on --config.dpo.data=PREFERENCES.jsonl')
  files = ['data.pairs', 'data.roots'] + [f'{s}.data' for s in ('ift', 'dpo') if s in stages_run]
  for name in files:
    value = _field(config, name)
    if value and not Path(value).is_file():
      raise ConfigError(f'config.{name}: {value}: no such file')
  if config.model.hf_path:
    if not (Path(config.model.hf_path) / 'config.json').is_file():
      raise ConfigError(f'config.model.hf_path: no config.json in {config.model.hf_path}')
  else:
    if config.model.preset not in PRESETS:
      raise ConfigError(f'config.model.preset: unknown preset {config.model.preset!r}; known: {", ".join(PRESETS)}')
    smallest = len(tokenizers.pre_tokenizers.ByteLevel.alphabet()) + len(stages.SPECIAL_TOKENS)
    if config.model.tokenizer_vocab < smallest:
      raise ConfigError(f'config.model.tokenizer_vocab: {config.model.tokenizer_vocab} must be >= {smallest}')
  checks = dict(_VALUE_CHECKS)
  for section in ('ift', 'editors.optimizer', 'editors.degrader', 'pkac', 'dpo'):
    checks.update({f'{section}.{key}': check for key, check in _TRAINING_CHECKS.items()})
  for name, (ok, what) in checks.items():
    value = _field(config, name)
    try:
      good = ok(value)
    except TypeError:  # e.g. None given for a number
      good = False
    if not good:
      raise ConfigError(f'config.{name}: {value!r} must be {what}')
  try:
    curriculum.parse_stages(config.curriculum.stages)
  except ValueError as e:
    raise ConfigError(f'config.{e}') from None  # the message starts with 'curriculum.stages:'
  try:
    kind, _ = parse_spec(config.evaluate.benchmark)
  except ValueError as e:
    raise ConfigError(f'config.evaluate.benchmark: {e}') from None
  _check_benchmark_tests(config, kind, stages_run)
  if config.dpo.reference and not (Path(config.dpo.reference) / 'config.json').is_file():
    raise ConfigError(f'config.dpo.reference: no config.json in {config.dpo.reference}')
  methods = [m.strip() for m in config.evaluate.methods.split(',') if m.strip()]
  unknown = [m for m in methods if m not in METHODS]
  if not methods or unknown:
    raise ConfigError(
      f'config.evaluate.methods: {config.evaluate.methods!r} must list methods from {", ".join(METHODS)}, '
      'separated by commas'
    )
  try:
    parse_endpoint(config.evaluate.model)
  except ValueError as e:
    raise ConfigError(f'config.evaluate.model: {e}') from None
  baseline_systems.parse_baselines(config.evaluate.baselines)  # ConfigError names an unknown one
  for key in ('perfcond_bins', 'trajectory_context', 'ecco_rounds', 'measure_repeats'):
    if int(config.baselines[key]) < 1:
      raise ConfigError(f'config.baselines.{key}: {config.baselines[key]!r} must be >= 1')
  for key in ('diff_context', 'measure_inputs'):
    if int(config.baselines[key]) < 0:
      raise ConfigError(f'config.baselines.{key}: {config.baselines[key]!r} must be >= 0')
  sizes = {axis: _field(config, f'mesh.{axis}') for axis in ('data', 'fsdp', 'tensor')}
  for axis, size in sizes.items():
    if size == 0 or size < -1:
      raise ConfigError(f'config.mesh.{axis}: {size} must be a positive number of devices or -1 (the rest)')
  if sum(size == -1 for size in sizes.values()) > 1:
    raise ConfigError(f'config.mesh: only one of data, fsdp, tensor may be -1, got {sizes}')
  invariant = _field(config, 'mesh.invariant')
  if invariant < 0 or invariant & (invariant - 1):
    raise ConfigError(f'config.mesh.invariant: {invariant} must be 0 (off) or a power of two (devices it covers)')
  if invariant and sizes['tensor'] != 1:
    raise ConfigError(
      f'config.mesh.invariant: needs mesh.tensor = 1 (got {sizes["tensor"]}): tensor parallelism splits the '
      'sums inside every matmul, so no fixed order of the gradient sum survives it'
    )


def check_mesh(config) -> None:
  """Checks config.mesh against the devices JAX sees (all hosts' after jax.distributed is up), so a mesh
  that cannot be built stops the run before any stage starts rather than when training begins."""
  sizes = {axis: _field(config, f'mesh.{axis}') for axis in ('data', 'fsdp', 'tensor')}
  try:
    parallel.make_mesh(**sizes)
  except ValueError as e:
    raise ConfigError(
      f'config.mesh: {str(e).removeprefix("make_mesh: ")} (jax backend {jax.default_backend()})'
    ) from None


def _config_path(argv: list[str]) -> str | None:
  for i, arg in enumerate(argv):
    if arg.startswith('--config='):
      return arg.split('=', 1)[1]
    if arg == '--config' and i + 1 < len(argv):
      return argv[i + 1]
  return None


def _load_config_file(path: str):
  spec = importlib.util.spec_from_file_location('_bite_config_file', path.split(':', 1)[0])
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.get_config()


def unknown_field(config, dotted: str) -> str | None:
  """Why `dotted` (e.g. 'tree.widht') names no field of `config`, listing the fields where it goes wrong;
  None when it names one."""
  node, path = config, []
  for key in dotted.split('.'):
    if not isinstance(node, ml_collections.ConfigDict) or key not in node:
      where = f"'{'.'.join(path)}'" if path else 'the config'
      known = f' (its fields: {", ".join(sorted(node.keys()))})' if isinstance(node, ml_collections.ConfigDict) else ''
      return f'no such config field: {where} has no field {key!r}{known}'
    node, path = node[key], [*path, key]
  return None


def _unknown_override(argv: list[str]) -> str | None:
  """The message for the first --config.FIELD override of argv that names no field of the config file."""
  path = _config_path(argv)
  if path is None:
    return None
  try:
    config = _load_config_file(path)
  except Exception:  # only to improve the message: the caller reports the original error without it
    return None
  for arg in argv:
    if arg.startswith('--config.'):
      name = arg[len('--config.') :].split('=', 1)[0]
      why = unknown_field(config, name)
      if why:
        return f'--config.{name}: {why}; bite_jax/config.py lists every field'
  return None


def _where(path: str | None, error: BaseException) -> str | None:
  """`path:line` of the deepest frame of `error`'s traceback inside the config file `path` (else `path`)."""
  if not path:
    return path
  file = Path(path.split(':', 1)[0]).resolve()
  lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve() == file]
  return f'{path}:{lines[-1]}' if lines else path


def parse_flags(argv: list[str]) -> list[str]:
  """app.run's flags_parser: absl's parsing of --config, --config.FIELD=value and --workdir, with every mistake
  (unknown flag or field, a value of the wrong type, a config file that is missing or broken) reported as one
  line and exit status 2 (usage.fail)."""
  try:
    rest = flags.FLAGS(argv)
    if _CONFIG.value is not None:
      _CONFIG.value.keys()  # ml_collections defers a config file's failure to load until the config is used
    return rest
  except flags.Error as e:
    usage.fail(PROG, str(e))
  except (AttributeError, KeyError) as e:  # ml_collections, on an override naming no field
    usage.fail(PROG, _unknown_override(argv) or f'--config: {e}')
  except Exception as e:  # the config file is missing, does not parse or fails in get_config()
    path = _config_path(argv)
    if path and not Path(path.split(':', 1)[0]).is_file():
      usage.fail(PROG, f'--config={path}: no such file')
    cause = e.__cause__ or e
    usage.fail(PROG, f'--config={_where(path, cause)}: {type(cause).__name__}: {" ".join(str(cause).split())}')


def main(argv):
  if len(argv) > 1:
    usage.fail(PROG, f'unexpected arguments: {argv[1:]}')
  config = _CONFIG.value
  if config is None:
    usage.fail(PROG, '--config=configs/X.py is required')
  if not _WORKDIR.value:
    usage.fail(PROG, '--workdir=DIR is required')
  logging.set_verbosity(logging.WARNING)
  try:
    check_config(config)
    outcome = run(config, _WORKDIR.value)
  except executor.SandboxRequiredError as e:
    print(f'[bite] error: {e}', file=sys.stderr, flush=True)
    sys.exit(3)
  except INPUT_ERRORS as e:
    usage.fail(PROG, str(e))
  print('[bite] summary: ' + ', '.join(f'{k}={v}' for k, v in outcome.items()), flush=True)


if __name__ == '__main__':
  app.run(main, flags_parser=parse_flags)
