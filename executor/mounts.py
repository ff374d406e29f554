"""Mount operations for `launcher enter`, and host-mode path rewriting.

The launcher applies them as root in a private mount namespace before it drops
privileges, so nothing changes on the host: host sources (cache entries, the
Python prefix under /root) are bound under a tmpfs "stage" inside the executor's
state dir, which the sandbox uid can traverse.
"""

from __future__ import annotations

import os
from pathlib import Path


class Mounts:
  """Mount operations the launcher performs as root in a private mount namespace before
  dropping privileges: host sources are bound under a tmpfs stage inside the state dir
  (reachable by the sandbox uid); blocked directories can be covered by a tmpfs."""

  def __init__(self, stage: Path, privileged: bool | None = None):
    self.root = stage
    # without root there is no private mount namespace to stage in; the caller's own paths are reachable
    self.privileged = os.geteuid() == 0 if privileged is None else privileged
    self.ops: list[tuple[str, str, str]] = []
    self._late: list[tuple[str, str, str]] = []
    self._masks: list[tuple[str, str, str]] = []
    self._covered: set[str] = set()
    self._count = 0
    self._cwd: str | None = None

  def stage(self, path) -> str:
    """Bind a host path into the stage; returns the staged path (the path itself when unprivileged)."""
    if not self.privileged:
      return str(path)
    if not self.ops:
      self.ops.append(('tmpfs', '-', str(self.root)))
    dst = str(self.root / str(self._count))
    self._count += 1
    self.ops.append(('bind', str(path), dst))
    return dst

  def cover(self, blocked: str, path: str) -> None:
    """Hide `blocked` (a directory the uid cannot traverse) under a tmpfs and re-expose `path` inside it."""
    if not self.privileged:
      return
    staged = self.stage(path)
    if blocked not in self._covered:
      self._covered.add(blocked)
      self._late.append(('tmpfs', '-', blocked))
    self._late.append(('bind', staged, path))

  def mask(self, empty_file: str, path: str) -> None:
    """Show `path` as `empty_file` (applied after every other mount)."""
    if self.privileged:
      self._masks.append(('bind', empty_file, path))

  def chdir(self, path: str) -> None:
    self._cwd = path

  def argv(self) -> list[str]:
    """Arguments for `launcher enter`: the count, then three words per operation."""
    ops = self.ops + self._late + self._masks + ([('chdir', '-', self._cwd)] if self._cwd else [])
    return [str(len(ops))] + [part for op in ops for part in op]


def blocked_ancestor(path: str) -> str | None:
  """The outermost ancestor of path that others may not traverse (mode lacks o+x), if any."""
  parts = Path(path).parts
  for i in range(2, len(parts) + 1):
    ancestor = str(Path(*parts[:i]))
    try:
      if not os.stat(ancestor).st_mode & 0o001:
        return ancestor
    except OSError:
      return None
  return None


def rewrite(arg: str, rewrites: dict, host_dirs=()) -> str:
  """Map a sandbox path (/prog/..., /box/..., /tmp/...) to its host-mode location.

  Paths inside host_dirs (toolchains the sandbox shows at their host path, e.g. a Python under
  /tmp) are host paths in both modes and stay as they are.
  """
  if any(arg == d or arg.startswith(d + '/') for d in host_dirs):
    return arg
  for prefix, target in rewrites.items():
    if arg == prefix or arg.startswith(prefix + '/'):
      return target + arg[len(prefix) :]
  return arg
