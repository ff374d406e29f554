"""Minimal streaming reader/writer for the safetensors format (memory-mapped, bfloat16-aware).

Format: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} plus
optional "__metadata__", then the raw little-endian tensor bytes. Reading maps the file, so a tensor
is only paged in when converted; writing emits one tensor at a time.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable
from pathlib import Path

import ml_dtypes
import numpy as np

_DTYPES: dict[str, np.dtype] = {
  'F64': np.dtype('<f8'),
  'F32': np.dtype('<f4'),
  'F16': np.dtype('<f2'),
  'BF16': np.dtype(ml_dtypes.bfloat16),
  'I64': np.dtype('<i8'),
  'I32': np.dtype('<i4'),
  'I16': np.dtype('<i2'),
  'I8': np.dtype('i1'),
  'U8': np.dtype('u1'),
  'BOOL': np.dtype(bool),
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def safetensors_dtype(dtype) -> str:
  """safetensors dtype string ('F32', 'BF16', ...) of a numpy/jax dtype."""
  dt = np.dtype(dtype)
  if dt not in _NAMES:
    raise ValueError(f'dtype {dt} cannot be written to safetensors')
  return _NAMES[dt]


def dtype_itemsize(dtype: str) -> int:
  """Bytes per element of a safetensors dtype string."""
  return _DTYPES[dtype].itemsize


class SafetensorsFile:
  """Read-only view of one .safetensors file; `get(name)` returns a memory-mapped numpy array."""

  def __init__(self, path: str | Path):
    self.path = Path(path)
    with open(self.path, 'rb') as f:
      raw = f.read(8)
      if len(raw) != 8:
        raise ValueError(f'{self.path}: not a safetensors file (shorter than 8 bytes)')
      (header_len,) = struct.unpack('<Q', raw)
      header_bytes = f.read(header_len)
    if len(header_bytes) != header_len:
      raise ValueError(f'{self.path}: truncated safetensors header')
    try:
      header = json.loads(header_bytes)
    except json.JSONDecodeError as e:
      raise ValueError(f'{self.path}: unreadable safetensors header ({e})') from e
    self.metadata = header.pop('__metadata__', {}) or {}
    self._entries = header
    self._data_start = 8 + header_len
    self._map: np.memmap | None = None

  def keys(self) -> list[str]:
    """Tensor names in header order."""
    return list(self._entries)

  def __contains__(self, name: str) -> bool:
    return name in self._entries

  def shape(self, name: str) -> tuple[int, ...]:
    """Shape of tensor `name` (from the header, without reading data)."""
    return tuple(self._entries[name]['shape'])

  def get(self, name: str) -> np.ndarray:
    """Tensor `name` as a read-only memory-mapped array."""
    entry = self._entries[name]
    if entry['dtype'] not in _DTYPES:
      raise ValueError(f'{self.path}: tensor {name} has unsupported dtype {entry["dtype"]}')
    dtype = _DTYPES[entry['dtype']]
    begin, end = entry['data_offsets']
    shape = tuple(entry['shape'])
    if end - begin != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
      raise ValueError(f'{self.path}: tensor {name} byte range does not match its shape {shape}')
    if self._map is None:
      self._map = np.memmap(self.path, dtype=np.uint8, mode='r')
    return self._map[self._data_start + begin : self._data_start + end].view(dtype).reshape(shape)


def write_safetensors(
  path: str | Path,
  specs: Iterable[tuple[str, str, tuple[int, ...]]],
  produce: Callable[[str], np.ndarray],
  metadata: dict[str, str] | None = None,
) -> int:
  """Writes tensors one at a time; returns the number of data bytes written.

  specs: (name, safetensors dtype, shape) in file order; produce(name) returns that tensor's array,
  called once per tensor just before it is written.
  """
  specs = list(specs)
  header: dict = {'__metadata__': dict(metadata or {'format': 'pt'})}
  offset = 0
  for name, dtype, shape in specs:
    nbytes = _DTYPES[dtype].itemsize * int(np.prod(shape, dtype=np.int64))
    header[name] = {'dtype': dtype, 'shape': list(shape), 'data_offsets': [offset, offset + nbytes]}
    offset += nbytes
  header_bytes = json.dumps(header, separators=(',', ':')).encode()
  header_bytes += b' ' * (-len(header_bytes) % 8)  # data starts 8-byte aligned
  with open(path, 'wb') as f:
    f.write(struct.pack('<Q', len(header_bytes)))
    f.write(header_bytes)
    for name, dtype, shape in specs:
      array = np.ascontiguousarray(produce(name))
      if array.dtype != _DTYPES[dtype] or tuple(array.shape) != tuple(shape):
        raise ValueError(f'{path}: tensor {name} is {array.dtype}{list(array.shape)}, header says {dtype}{list(shape)}')
      f.write(array.reshape(-1).view(np.uint8))  # no extra copy of the tensor
  return offset
