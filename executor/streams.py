"""Standard streams of an executor's runs: files in memory (memfd), or in the state dir where there is no memfd.

Files on disk cost milliseconds per run: ext4 writes a file's data back when it is truncated for the next
run.  Each run gets fresh open file descriptions (offset 0) of the same files, as a file opened anew would.
"""

from __future__ import annotations

import os
from pathlib import Path

_NAMES = ('stdin', 'stdout', 'stderr')


class Streams:
  """stdin, stdout and stderr files (Paths the executor's own process can open while a run writes them)."""

  def __init__(self, state: Path):
    self._fds: list[int] = []
    try:
      self._fds = [os.memfd_create(f'bite-exec-{name}', os.MFD_CLOEXEC) for name in _NAMES]
      self.stdin, self.stdout, self.stderr = (Path(f'/proc/self/fd/{fd}') for fd in self._fds)
    except (AttributeError, OSError):  # no memfd (old kernel or Python): plain files
      self.close()
      self.stdin, self.stdout, self.stderr = (state / name for name in _NAMES)

  def open(self, stdin: bytes | None) -> tuple[int, int, int]:
    """Descriptors for one run: stdin holding `stdin` (/dev/null when empty), stdout and stderr emptied."""
    if stdin:
      self.stdin.write_bytes(stdin)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    fds = [os.open(self.stdin if stdin else os.devnull, os.O_RDONLY | os.O_CLOEXEC)]
    try:
      fds += [os.open(self.stdout, flags, 0o600), os.open(self.stderr, flags, 0o600)]
    except OSError:
      for fd in fds:
        os.close(fd)
      raise
    return fds[0], fds[1], fds[2]

  def close(self) -> None:
    for fd in self._fds:
      os.close(fd)
    self._fds = []
