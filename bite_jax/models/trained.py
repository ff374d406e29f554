"""Trained model directories: the self-contained `final/` a training run ends with, and loading any model dir.

OUT/final/ holds everything a later stage needs, nothing else:
  config.json            the base model's Hugging Face config (copied)
  tokenizer files        the base model's, copied verbatim
  params/                the trained parameters (Orbax)
  train_info.json        steps, direction, data, dtypes
  hf/                    optional: a Hugging Face export (config.json + safetensors)

`load_trained(OUT/final)` returns (model, tokenizer); `load_model_dir(DIR)` does the same for a
final directory or a Hugging Face checkpoint directory, whichever DIR is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jax
import jax.numpy as jnp
import orbax.checkpoint as ocp
from flax import nnx
from jax.sharding import Mesh

from bite_jax import hosts, parallel
from bite_jax.models.config import ModelConfig
from bite_jax.models.decoder import Decoder
from bite_jax.models.hf import from_pretrained, load_tokenizer

TRAIN_INFO = 'train_info.json'
TOKENIZER_FILES = ('tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'tokenizer.model')


def is_trained_dir(path) -> bool:
  """Whether `path` is a final directory written by `save_final`."""
  path = Path(path)
  return (path / 'params').is_dir() and (path / 'config.json').is_file()


# Files of a base checkpoint directory that are weights (or their index), never copied into final/.
_WEIGHT_SUFFIXES = ('.safetensors', '.bin', '.pt', '.pth', '.h5', '.msgpack', '.ckpt', '.index.json')


def copy_tokenizer_files(source: Path, dest: Path) -> list[str]:
  """Copies the tokenizer (and generation) files of a model directory verbatim; returns their names.

  Everything at the top level of `source` except weights, config.json and train_info.json is copied,
  so AutoTokenizer on `dest` builds exactly the tokenizer it builds on `source`.
  """
  copied = []
  if Path(source).resolve() == Path(dest).resolve():
    return copied
  for path in sorted(Path(source).iterdir()):
    if (
      not path.is_file()
      or path.name in ('config.json', TRAIN_INFO)
      or path.name.endswith(_WEIGHT_SUFFIXES)
      or path.name.startswith('.')
    ):
      continue
    shutil.copyfile(path, Path(dest) / path.name)
    copied.append(path.name)
  return copied


def save_final(final_dir: Path, params, *, model_config: ModelConfig, source: Path, info: dict) -> Path:
  """Writes the final directory (see the module docstring); every process must call it.

  `source` is the model directory training started from: its config.json and tokenizer files are
  copied next to the parameters.
  """
  final_dir = Path(final_dir).absolute()
  source = Path(source)
  if jax.process_index() == 0:
    final_dir.mkdir(parents=True, exist_ok=True)
    if (source / 'config.json').is_file():
      config_text = (source / 'config.json').read_text(encoding='utf-8')
    else:
      config_text = json.dumps(model_config.to_hf_dict(), indent=2)
    (final_dir / 'config.json').write_text(config_text, encoding='utf-8')
    copy_tokenizer_files(source, final_dir)
    info = dict(info, dtype=model_config.dtype, param_dtype=model_config.param_dtype)
    (final_dir / TRAIN_INFO).write_text(json.dumps(info, indent=2), encoding='utf-8')
  checkpointer = ocp.StandardCheckpointer()
  checkpointer.save(hosts.orbax_dir(final_dir / 'params'), params, force=True)  # see hosts.orbax_dir
  checkpointer.wait_until_finished()
  hosts.publish(final_dir, 'final-saved')  # with a bucket workdir, every host's mirror holds the final dir
  return final_dir


def _abstract_model(config: ModelConfig, mesh: Mesh, rules) -> Decoder:
  model = nnx.eval_shape(lambda: Decoder(config, rngs=nnx.Rngs(0)))
  for _, variable in nnx.iter_graph(model):
    if isinstance(variable, nnx.Variable) and hasattr(variable.get_value(), 'shape'):
      value = variable.get_value()
      sharding = parallel.logical_to_sharding(mesh, parallel.param_logical_axes(variable), rules, value.shape)
      variable.set_value(jax.ShapeDtypeStruct(value.shape, value.dtype, sharding=sharding))
  return model


def read_model_config(path, **overrides) -> ModelConfig:
  """The ModelConfig of a final (or Hugging Face) directory's config.json, with `overrides` applied."""
  path = Path(path)
  config_file = path / 'config.json'
  if not config_file.is_file():
    raise FileNotFoundError(f'{config_file}: missing (not a trained model directory)')
  config = ModelConfig.from_hf_dict(json.loads(config_file.read_text(encoding='utf-8')))
  info_file = path / TRAIN_INFO
  if info_file.is_file():
    info = json.loads(info_file.read_text(encoding='utf-8'))
    config = config.replace(
      dtype=info.get('dtype', config.dtype), param_dtype=info.get('param_dtype', config.param_dtype)
    )
  return config.replace(**{k: v for k, v in overrides.items() if v is not None})


def _checkpointer_for(mesh: Mesh) -> ocp.StandardCheckpointer:
  """A checkpointer whose restore involves only the processes that own `mesh`'s devices.

  A mesh of this process's devices alone (the sampler's, on every host) restores without waiting for
  the other processes, which may be busy elsewhere (growing their share of the trees); a global mesh
  restores with all of them, as training does.
  """
  owners = {d.process_index for d in mesh.devices.flat}
  if jax.process_count() == 1 or len(owners) == jax.process_count():
    return ocp.StandardCheckpointer()
  options = ocp.options.MultiprocessingOptions(
    primary_host=min(owners), active_processes=owners, barrier_sync_key_prefix=f'restore-p{min(owners)}'
  )
  return ocp.StandardCheckpointer(multiprocessing_options=options)


def load_trained_model(
  path, *, mesh: Mesh | None = None, rules=parallel.LOGICAL_AXIS_RULES, dtype=None, param_dtype=None, remat=None
) -> Decoder:
  """The Decoder of a final directory, its parameters restored straight onto `mesh` (default: all devices)."""
  path = Path(path).absolute()
  if not is_trained_dir(path):
    raise FileNotFoundError(f'{path}: not a trained model directory (needs config.json and params/)')
  config = read_model_config(path, dtype=dtype, param_dtype=param_dtype, remat=remat)
  mesh = mesh if mesh is not None else parallel.make_mesh()
  model = _abstract_model(config, mesh, rules)
  graphdef, abstract_params, rest = nnx.split(model, nnx.Param, ...)
  params = _checkpointer_for(mesh).restore(path / 'params', abstract_params)
  model = nnx.merge(graphdef, params, rest)
  parallel.set_activation_sharding(model, mesh, rules)
  return model


def load_trained(path, *, mesh: Mesh | None = None, dtype=None, param_dtype=None):
  """(model, tokenizer) of a directory written by `train_ift` (OUT/final).

  Args:
    path: the final directory.
    mesh: where to place the parameters (default: a data-parallel mesh over all devices).
    dtype, param_dtype: override the compute / parameter dtype names ('float32', 'bfloat16').
  """
  model = load_trained_model(path, mesh=mesh, dtype=dtype, param_dtype=param_dtype)
  return model, load_tokenizer(str(path))


def has_tokenizer(path) -> bool:
  """Whether a model directory holds tokenizer files."""
  return any((Path(path) / name).exists() for name in TOKENIZER_FILES)


def load_model_dir(path, *, mesh: Mesh | None = None, dtype: str | None = None, tokenizer: bool = True):
  """(model, tokenizer or None) of a trained directory (`save_final`) or a Hugging Face checkpoint directory.

  Args:
    path: the directory.
    mesh: where to place the parameters (trained dirs default to a data-parallel mesh over all devices).
    dtype: compute and parameter dtype name ('float32', 'bfloat16'); None keeps a trained dir's own
      dtypes and reads a Hugging Face dir in float32.
    tokenizer: whether a tokenizer is required; when False, a directory without one gives None.
  """
  path = Path(path)
  if not path.is_dir():
    raise FileNotFoundError(f'{path}: model directory does not exist')
  if is_trained_dir(path):
    return load_trained(path, mesh=mesh, dtype=dtype, param_dtype=dtype)
  model = from_pretrained(path, dtype=jnp.dtype(dtype or 'float32'), mesh=mesh)
  if has_tokenizer(path):
    return model, load_tokenizer(path)
  if tokenizer:
    raise FileNotFoundError(f'{path}: no tokenizer files ({", ".join(TOKENIZER_FILES)})')
  return model, None
