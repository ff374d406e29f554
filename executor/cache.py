"""Compile cache: one build per (language, toolchain version, flags, source).

An entry is a directory `programs/<key>/` holding the kept artifacts and
meta.json.  It is built in a private temporary directory and published with an
atomic rename, under an exclusive file lock per key, so concurrent executors
(threads or processes) compiling the same source build it once and never see a
half-written entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable


def cache_key(*parts) -> str:
  """Stable sha256 key of JSON-serialisable parts."""
  blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
  return hashlib.sha256(blob).hexdigest()


class CompileCache:
  """Directory of compiled programs shared by every executor using the same cache_dir."""

  def __init__(self, root: Path):
    self.root = Path(root)
    self.programs = self.root / 'programs'
    self.locks = self.root / 'locks'
    for d in (self.root, self.programs, self.locks):
      d.mkdir(parents=True, exist_ok=True)
      os.chmod(d, 0o755)

  def lookup(self, key: str) -> tuple[Path, dict] | None:
    """(entry dir, meta) of a finished entry, or None."""
    entry = self.programs / key
    try:
      meta = json.loads((entry / 'meta.json').read_text())
    except (OSError, ValueError):
      return None
    return entry, meta

  @contextlib.contextmanager
  def _locked(self, key: str):
    with open(self.locks / f'{key[:32]}.lock', 'w') as lock:
      fcntl.flock(lock, fcntl.LOCK_EX)
      try:
        yield
      finally:
        fcntl.flock(lock, fcntl.LOCK_UN)

  def get_or_build(self, key: str, build: Callable[[Path], dict]) -> tuple[Path, dict, bool]:
    """Return (entry dir, meta, cached).  build(tmp_dir) fills tmp_dir and returns meta;
    meta["cacheable"] = False keeps a result (e.g. a compile timeout) out of the cache."""
    found = self.lookup(key)
    if found:
      return found[0], found[1], True
    with self._locked(key):
      found = self.lookup(key)
      if found:
        return found[0], found[1], True
      tmp = self.programs / f'.tmp-{key[:16]}-{os.urandom(4).hex()}'
      tmp.mkdir(mode=0o755)
      try:
        meta = build(tmp)
        cacheable = meta.pop('cacheable', True)
        (tmp / 'meta.json').write_text(json.dumps(meta, sort_keys=True))
        _publishable(tmp)
        if not cacheable:
          # keep the artifacts reachable for this caller only, under a unique name
          private = self.programs / f'.uncached-{os.urandom(16).hex()}'
          os.rename(tmp, private)
          return private, meta, False
        os.rename(tmp, self.programs / key)
      except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return self.programs / key, meta, False

  def discard(self, entry: Path) -> None:
    """Remove an uncached entry once its caller is done with it."""
    if entry.name.startswith('.uncached-'):
      shutil.rmtree(entry, ignore_errors=True)


def _publishable(tmp: Path) -> None:
  """Artifacts become root-owned and world-readable; nothing in them stays writable by a sandbox uid."""
  is_root = os.geteuid() == 0
  for dirpath, dirnames, filenames in os.walk(tmp):
    for name in dirnames + filenames:
      path = os.path.join(dirpath, name)
      if os.path.islink(path):
        os.unlink(path)
        continue
      if is_root:
        os.chown(path, 0, 0)
      mode = os.stat(path).st_mode
      os.chmod(path, 0o755 if (os.path.isdir(path) or mode & 0o111) else 0o644)
  if is_root:
    os.chown(tmp, 0, 0)
  os.chmod(tmp, 0o755)
