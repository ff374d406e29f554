"""What isolation this machine gives: bubblewrap, user namespaces, cgroups, uids, the system-call filter.

Probed once per executor; every result carries the summary so a run is never
silently less isolated than documented.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger('executor')
_WARNED: set[str] = set()

LAUNCHER_SOURCES = tuple(Path(__file__).with_name(name) for name in ('launcher.c', 'filter.c', 'zygote.c'))


def warn_once(message: str) -> None:
  """Log a warning the first time this message is seen in this process."""
  if message not in _WARNED:
    _WARNED.add(message)
    log.warning('executor isolation: %s', message)


def build_launcher(cache_dir: Path) -> Path:
  """Compile the launcher (launcher.c, filter.c, zygote.c) once per source version into cache_dir; returns the
  binary's path."""
  digest = hashlib.sha256(b''.join(s.read_bytes() for s in LAUNCHER_SOURCES)).hexdigest()[:16]
  target_dir = cache_dir / 'launcher' / digest
  binary = target_dir / 'launcher'
  if binary.exists():
    return binary
  target_dir.mkdir(parents=True, exist_ok=True)
  with open(target_dir.parent / f'{digest}.lock', 'w') as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    if binary.exists():
      return binary
    gcc = shutil.which('gcc') or shutil.which('cc')
    if gcc is None:
      raise RuntimeError('executor: a C compiler (gcc) is needed to build the sandbox launcher')
    tmp = target_dir / f'launcher.tmp{os.getpid()}'
    base = [gcc, '-O2', '-Wall', '-o', str(tmp), *map(str, LAUNCHER_SOURCES)]
    proc = subprocess.run(base[:2] + ['-static'] + base[2:], capture_output=True, text=True)
    if proc.returncode != 0:  # static libc missing: a dynamic binary works too
      proc = subprocess.run(base, capture_output=True, text=True)
    if proc.returncode != 0:
      raise RuntimeError(f'executor: cannot build the launcher: {proc.stderr[-2000:]}')
    os.chmod(tmp, 0o755)
    os.chmod(target_dir, 0o755)
    os.replace(tmp, binary)
  return binary


class UidSlot:
  """An unprivileged uid reserved for one executor with a file lock (only when root)."""

  def __init__(self, lock_dir: Path, base: int, count: int):
    self.uid = os.getuid()
    self.gid = os.getgid()
    self._lock = None
    if os.geteuid() != 0:
      return
    lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    start = os.getpid() % count  # spread concurrent executors over the range
    for i in range(count):
      uid = base + (start + i) % count
      fd = os.open(lock_dir / f'{uid}.lock', os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
      try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
      except BlockingIOError:
        os.close(fd)
        continue
      self._lock, self.uid, self.gid = fd, uid, uid
      return
    raise RuntimeError(f'executor: all {count} sandbox uids from {base} are in use (locks in {lock_dir})')

  def release(self) -> None:
    if self._lock is not None:
      os.close(self._lock)
      self._lock = None


def host_mode_summary(*, uid: int, separate_uid: bool, cgroups: bool, syscall_filter: bool) -> str:
  """What host mode (no namespaces) does and does not protect, for this uid setup."""
  limits = 'rlimits, CPU and wall-time limits' + (', cgroup memory and process limits' if cgroups else '')
  if syscall_filter:
    limits += ', the system-call filter'
  if separate_uid:
    return (
      f'programs run as uid {uid} (not the caller), without capabilities or supplementary groups, in their own '
      f'session, under {limits}; nothing outlives a run. NOT protected: the network (host listeners on '
      '127.0.0.1 and the internet are reachable), host processes (visible in /proc, though not signalable), and '
      'every file that any user may read or write (world-readable files anywhere, including home directories that '
      'allow it, and world-writable dirs such as /tmp); files only root can reach stay out of reach'
    )
  return (
    f'programs run as YOUR uid {uid} (a separate uid needs root), in their own session, under {limits}; '
    'nothing outlives a run. NOT protected: every file you can read or write (home, this repository, the '
    'cache), your other processes (visible and signalable, the executor included), and the network (host '
    'listeners on 127.0.0.1 and the internet are reachable)'
  )


def bwrap_path() -> str | None:
  """The bubblewrap binary, if installed."""
  return shutil.which('bwrap')
