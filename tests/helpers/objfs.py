"""`objtest://`: an fsspec file system that behaves like an object store, kept in a local directory.

Like GCS or S3 it has flat keys (directories exist only as key prefixes), a PUT replaces an object whole
and atomically, and there is no append (opening with 'a' raises) and no rename of a directory. Each object
is one file named by its quoted key in $BITE_OBJTEST_ROOT, read at every call, so any process that imports
this module and shares the variable sees the same store, offline. Importing registers the protocol.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

import fsspec
from fsspec.spec import AbstractFileSystem

ROOT_ENV = 'BITE_OBJTEST_ROOT'
PROTOCOL = 'objtest'


class _PutOnClose(io.BytesIO):
  """A file opened for writing: its bytes become the object, atomically, when it is closed."""

  def __init__(self, fs: ObjTestFileSystem, key: str):
    super().__init__()
    self._fs, self._key = fs, key

  def close(self) -> None:
    if not self.closed:
      self._fs._put_bytes(self._key, self.getvalue())
    super().close()


class ObjTestFileSystem(AbstractFileSystem):
  protocol = PROTOCOL
  root_marker = ''
  cachable = False  # the store lives in $BITE_OBJTEST_ROOT, which a test may change

  @property
  def store(self) -> Path:
    root = os.environ.get(ROOT_ENV)
    if not root:
      raise OSError(f'objtest:// needs ${ROOT_ENV}: the directory that holds the objects')
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path

  @classmethod
  def _strip_protocol(cls, path):
    path = path[len(PROTOCOL) + 3 :] if path.startswith(PROTOCOL + '://') else path
    return path.strip('/')

  def _object(self, key: str) -> Path:
    return self.store / quote(key, safe='')

  def _keys(self) -> list[str]:
    return sorted(unquote(p.name) for p in self.store.iterdir() if not p.name.startswith('.put-'))

  def _file_info(self, key: str) -> dict:
    st = self._object(key).stat()
    return {'name': key, 'size': st.st_size, 'type': 'file', 'generation': str(st.st_mtime_ns)}

  def _put_bytes(self, key: str, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix='.put-', dir=self.store)
    with os.fdopen(fd, 'wb') as f:
      f.write(data)
    os.replace(tmp, self._object(key))

  def ls(self, path, detail=True, **kwargs):
    path = self._strip_protocol(path)
    keys = self._keys()
    if path in keys:
      entries = [self._file_info(path)]
    else:
      start = path + '/' if path else ''
      entries, dirs = [], set()
      for key in keys:
        if not key.startswith(start):
          continue
        head, sep, _ = key[len(start) :].partition('/')
        if sep:
          dirs.add(start + head)
        else:
          entries.append(self._file_info(key))
      entries += [{'name': d, 'size': 0, 'type': 'directory'} for d in sorted(dirs)]
      if not entries and path:
        raise FileNotFoundError(path)
    return entries if detail else [e['name'] for e in entries]

  def info(self, path, **kwargs):
    path = self._strip_protocol(path)
    if self._object(path).is_file():
      return self._file_info(path)
    if any(key.startswith(path + '/') for key in self._keys()) or not path:
      return {'name': path, 'size': 0, 'type': 'directory'}
    raise FileNotFoundError(path)

  def _open(self, path, mode='rb', block_size=None, autocommit=True, cache_options=None, **kwargs):
    key = self._strip_protocol(path)
    if 'a' in mode:
      raise ValueError(f'objtest://{key}: an object store has no append; write the whole object')
    if 'r' in mode:
      return open(self._object(key), 'rb')
    return _PutOnClose(self, key)

  def put_file(self, lpath, rpath, **kwargs):
    self._put_bytes(self._strip_protocol(rpath), Path(lpath).read_bytes())

  def get_file(self, rpath, lpath, **kwargs):
    shutil.copyfile(self._object(self._strip_protocol(rpath)), lpath)

  def pipe_file(self, path, value, **kwargs):
    self._put_bytes(self._strip_protocol(path), bytes(value))

  def cp_file(self, path1, path2, **kwargs):
    self._put_bytes(self._strip_protocol(path2), self._object(self._strip_protocol(path1)).read_bytes())

  def rm_file(self, path):
    try:
      self._object(self._strip_protocol(path)).unlink()
    except FileNotFoundError:
      raise FileNotFoundError(path) from None

  def _rm(self, path):
    self.rm_file(path)

  def mv(self, path1, path2, recursive=False, maxdepth=None, **kwargs):
    if self.isdir(path1):
      raise OSError(f'objtest://{self._strip_protocol(path1)}: an object store cannot rename a directory')
    self.cp_file(path1, path2)  # like GCS and S3: a copy then a delete, not atomic
    self.rm_file(path1)

  def mkdir(self, path, create_parents=True, **kwargs):
    pass  # directories are key prefixes

  def makedirs(self, path, exist_ok=False):
    pass

  def rmdir(self, path):
    pass


fsspec.register_implementation(PROTOCOL, ObjTestFileSystem, clobber=True)
