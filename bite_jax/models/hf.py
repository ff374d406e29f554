"""Hugging Face checkpoint import/export for the Decoder (config.json + safetensors, single or sharded).

Mapping: our parameter path (layers, 3, self_attn, q_proj, kernel) is the HF name
model.layers.3.self_attn.q_proj.weight (lm_head.weight for the untied head). Leaves map as
  kernel    <-> weight: HF [prod(out), prod(in)] = kernel.reshape(prod(in), prod(out)).T
  bias      <-> bias:   flattened
  embedding <-> weight, scale <-> weight: unchanged.
Import reads one tensor at a time from memory-mapped files and places it directly on its device(s).
"""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from jax.experimental import multihost_utils

from bite_jax import parallel
from bite_jax.models.config import ModelConfig
from bite_jax.models.decoder import Decoder
from bite_jax.models.layers import Linear
from bite_jax.models.safetensors_io import SafetensorsFile, dtype_itemsize, safetensors_dtype, write_safetensors

log = logging.getLogger(__name__)

INDEX_FILE = 'model.safetensors.index.json'
SINGLE_FILE = 'model.safetensors'


class CheckpointError(ValueError):
  """A checkpoint does not match the model: names the tensor and the file."""


# ------------------------------------------------------------------------------------ mapping


def _module_at(model: nnx.Module, path: tuple) -> object:
  node = model
  for key in path:
    node = node[key] if isinstance(key, int) else getattr(node, key)
  return node


def hf_name(path: tuple) -> str:
  """HF tensor name of our parameter at `path` (tuple of attribute names / layer indices)."""
  *module_path, leaf = path
  suffix = 'bias' if leaf == 'bias' else 'weight'
  dotted = '.'.join(str(p) for p in module_path)
  if tuple(module_path) == ('lm_head',):
    return f'lm_head.{suffix}'
  return f'model.{dotted}.{suffix}'


class _Leaf:
  """How one parameter converts between our layout and the HF layout."""

  def __init__(self, module: object, leaf: str, shape: tuple[int, ...]):
    self.shape = tuple(shape)
    self.n_in = module.n_in if isinstance(module, Linear) else None
    self.is_kernel = isinstance(module, Linear) and leaf == 'kernel'
    self.is_linear_bias = isinstance(module, Linear) and leaf == 'bias'

  def hf_shape(self) -> tuple[int, ...]:
    if self.is_kernel:
      return (math.prod(self.shape[self.n_in :]), math.prod(self.shape[: self.n_in]))
    if self.is_linear_bias:
      return (math.prod(self.shape),)
    return self.shape

  def to_ours(self, hf: np.ndarray) -> np.ndarray:
    if self.is_kernel:
      return hf.T.reshape(self.shape)
    return hf.reshape(self.shape)

  def to_hf(self, ours: np.ndarray) -> np.ndarray:
    if self.is_kernel:
      return ours.reshape(math.prod(self.shape[: self.n_in]), -1).T
    return ours.reshape(self.hf_shape())


def _param_leaves(model: nnx.Module):
  """Yields (path, variable, _Leaf, hf_name) for every parameter, in a stable order."""
  for path, variable in nnx.iter_graph(model):
    if isinstance(variable, nnx.Param):
      module = _module_at(model, tuple(path[:-1]))
      value = variable.get_value()
      yield tuple(path), variable, _Leaf(module, path[-1], value.shape), hf_name(tuple(path))


# ------------------------------------------------------------------------------------ reading


class _CheckpointFiles:
  """Name -> file lookup over a checkpoint directory (index json, single file, or all *.safetensors)."""

  def __init__(self, directory: Path):
    self.directory = directory
    self._files: dict[str, SafetensorsFile] = {}
    index_path = directory / INDEX_FILE
    if index_path.exists():
      self.source = index_path
      try:
        weight_map = json.loads(index_path.read_text())['weight_map']
      except (json.JSONDecodeError, KeyError) as e:
        raise CheckpointError(f'{index_path}: no readable "weight_map" ({e})') from e
      self._where = {name: directory / file for name, file in weight_map.items()}
    else:
      paths = (
        [directory / SINGLE_FILE] if (directory / SINGLE_FILE).exists() else sorted(directory.glob('*.safetensors'))
      )
      if not paths:
        raise CheckpointError(f'{directory}: no {INDEX_FILE}, {SINGLE_FILE} or *.safetensors file')
      self.source = paths[0] if len(paths) == 1 else directory
      self._where = {}
      for path in paths:
        for name in self._open(path).keys():
          self._where[name] = path

  def _open(self, path: Path) -> SafetensorsFile:
    if path not in self._files:
      if not path.exists():
        raise CheckpointError(f'{path}: file listed in {self.source} does not exist')
      self._files[path] = SafetensorsFile(path)
    return self._files[path]

  def names(self) -> set[str]:
    return set(self._where)

  def read(self, name: str, expected_shape: tuple[int, ...]) -> tuple[np.ndarray, Path]:
    """Memory-mapped tensor `name`; raises CheckpointError naming tensor and file when absent/misshaped."""
    if name not in self._where:
      raise CheckpointError(f'tensor {name} is missing from {self.source}')
    path = self._where[name]
    file = self._open(path)
    if name not in file:
      raise CheckpointError(f'tensor {name} is missing from {path} (listed in {self.source})')
    shape = file.shape(name)
    if shape != tuple(expected_shape):
      raise CheckpointError(
        f'tensor {name} in {path} has shape {list(shape)}, the config expects {list(expected_shape)}'
      )
    return file.get(name), path


def read_config(path: str | Path) -> ModelConfig:
  """ModelConfig from `path`/config.json; errors name the file."""
  config_path = Path(path) / 'config.json'
  if not config_path.exists():
    raise FileNotFoundError(f'{config_path}: no config.json in checkpoint directory')
  try:
    return ModelConfig.from_hf_dict(json.loads(config_path.read_text()))
  except (ValueError, TypeError) as e:
    raise ValueError(f'{config_path}: {e}') from e


def _dtype_name(dtype) -> str:
  return jnp.dtype(dtype).name


def from_pretrained(
  path, *, dtype=jnp.float32, param_dtype=None, mesh=None, rules=None, config_overrides=None
) -> Decoder:
  """Loads a Qwen2/StarCoder2 Hugging Face checkpoint directory into a Decoder.

  dtype: compute dtype; param_dtype: storage dtype (defaults to dtype). With `mesh`, each tensor is
  placed straight onto its sharding (logical axes via `rules`); otherwise on the default device.
  config_overrides: dict of ModelConfig fields to change (e.g. remat=True).
  """
  directory = Path(path)
  fields = {'dtype': _dtype_name(dtype), 'param_dtype': _dtype_name(param_dtype if param_dtype is not None else dtype)}
  config = read_config(directory).replace(**{**fields, **dict(config_overrides or {})})
  files = _CheckpointFiles(directory)
  rules = parallel.LOGICAL_AXIS_RULES if rules is None else rules
  model = nnx.eval_shape(lambda: Decoder(config, rngs=nnx.Rngs(0)))
  target = np.dtype(jnp.dtype(config.param_dtype))
  leaves = list(_param_leaves(model))
  used, start, total_bytes = set(), time.monotonic(), 0
  for count, (_, variable, leaf, name) in enumerate(leaves, 1):
    raw, _ = files.read(name, leaf.hf_shape())
    # One contiguous copy per tensor, detached from the mapped file (which may be overwritten later).
    host = np.empty(leaf.shape, target)
    np.copyto(host, leaf.to_ours(raw), casting='unsafe')
    if mesh is not None:
      sharding = parallel.logical_to_sharding(mesh, parallel.param_logical_axes(variable), rules, host.shape)
      value = jax.make_array_from_callback(host.shape, sharding, lambda index, h=host: h[index])
    else:
      value = jax.device_put(host)
    variable.set_value(value)
    used.add(name)
    total_bytes += host.nbytes
    del host, raw
    if count % max(1, len(leaves) // 10) == 0 or count == len(leaves):
      log.info(
        'from_pretrained: %d/%d tensors, %.1f MB, %.1f s',
        count,
        len(leaves),
        total_bytes / 1e6,
        time.monotonic() - start,
      )
  unused = sorted(files.names() - used - ({'lm_head.weight'} if config.tie_embeddings else set()))
  if unused:
    log.warning(
      'from_pretrained: %d tensors in %s were not used: %s', len(unused), files.source, ', '.join(unused[:10])
    )
  if mesh is not None:
    parallel.set_activation_sharding(model, mesh, rules)
  return model


# ------------------------------------------------------------------------------------ writing


def _to_host(value: jax.Array) -> np.ndarray:
  """Gathers one (possibly multi-host sharded) array to a host numpy array."""
  if isinstance(value, jax.Array) and not value.is_fully_addressable:
    return np.asarray(multihost_utils.process_allgather(value, tiled=True))
  return np.asarray(jax.device_get(value))


def save_pretrained(model: Decoder, out_dir, *, max_shard_size_bytes: int | None = None, tokenizer=None) -> None:
  """Writes config.json, generation_config.json and safetensors (sharded + index when over the limit).

  Tensors are streamed one at a time in HF names and layouts; with tied embeddings lm_head.weight
  is omitted, as transformers does. A given `tokenizer` is saved alongside. Only process 0 writes.
  """
  out = Path(out_dir)
  config = model.config
  entries = sorted(((name, variable, leaf) for _, variable, leaf, name in _param_leaves(model)), key=lambda e: e[0])
  specs = []
  for name, variable, leaf in entries:
    specs.append((name, safetensors_dtype(variable.get_value().dtype), leaf.hf_shape()))
  shards = _plan_shards(specs, max_shard_size_bytes)
  by_name = {name: (variable, leaf) for name, variable, leaf in entries}
  writer = jax.process_index() == 0
  if writer:
    out.mkdir(parents=True, exist_ok=True)
    (out / 'config.json').write_text(json.dumps(config.to_hf_dict(), indent=2) + '\n')
    generation = {k: v for k, v in config.to_hf_dict().items() if k in ('bos_token_id', 'eos_token_id', 'pad_token_id')}
    (out / 'generation_config.json').write_text(json.dumps(generation, indent=2) + '\n')

  def produce(name: str) -> np.ndarray:
    variable, leaf = by_name[name]
    return leaf.to_hf(_to_host(variable.get_value()))

  weight_map, total = {}, 0
  for i, shard in enumerate(shards):
    file_name = SINGLE_FILE if len(shards) == 1 else f'model-{i + 1:05d}-of-{len(shards):05d}.safetensors'
    if writer:
      total += write_safetensors(out / file_name, shard, produce, {'format': 'pt'})
    else:
      for name, _, _ in shard:  # other hosts still take part in the gathers
        produce(name)
    weight_map.update({name: file_name for name, _, _ in shard})
  if writer and len(shards) > 1:
    index = {'metadata': {'total_size': total}, 'weight_map': weight_map}
    (out / INDEX_FILE).write_text(json.dumps(index, indent=2) + '\n')
  if writer and tokenizer is not None:
    tokenizer.save_pretrained(str(out))
  log.info('save_pretrained: %d tensors in %d file(s) to %s', len(specs), len(shards), out)


def _plan_shards(specs, max_shard_size_bytes):
  """Greedy split of (name, dtype, shape) specs into files of at most max_shard_size_bytes each."""
  if max_shard_size_bytes is None:
    return [specs]
  if max_shard_size_bytes <= 0:
    raise ValueError(f'max_shard_size_bytes={max_shard_size_bytes} must be positive')
  shards, current, size = [], [], 0
  for spec in specs:
    nbytes = dtype_itemsize(spec[1]) * math.prod(spec[2])
    if current and size + nbytes > max_shard_size_bytes:
      shards.append(current)
      current, size = [], 0
    current.append(spec)
    size += nbytes
  if current:
    shards.append(current)
  return shards


# tokenizer_config.json classes that mean "tokenizer.json exactly as saved" (no model-specific class).
_PLAIN_TOKENIZER_CLASSES = ('PreTrainedTokenizerFast', 'TokenizersBackend')


def load_tokenizer(path):
  """The tokenizer saved in checkpoint directory `path`, via transformers.AutoTokenizer.

  A tokenizer saved as a plain tokenizer.json (the demo's own BPE) is loaded as exactly that: AutoTokenizer
  would pick the class of the model type (e.g. Qwen2's), which replaces the saved pre-tokenizer with its own.
  """
  import transformers  # noqa: PLC0415 -- slow to import, and only tokenizers need it

  directory = Path(path)
  if not directory.is_dir():
    raise FileNotFoundError(f'{directory}: tokenizer directory does not exist')
  settings = directory / 'tokenizer_config.json'
  try:
    saved_class = json.loads(settings.read_text(encoding='utf-8')).get('tokenizer_class')
  except (OSError, ValueError, AttributeError):
    saved_class = None
  if saved_class in _PLAIN_TOKENIZER_CLASSES and (directory / 'tokenizer.json').is_file():
    return transformers.PreTrainedTokenizerFast.from_pretrained(str(directory))
  return transformers.AutoTokenizer.from_pretrained(str(directory))
