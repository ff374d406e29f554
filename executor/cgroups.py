"""Per-run cgroups (v2 or v1) for memory and task limits, peak memory and OOM events.

Each executor makes one parent group `bite-exec-<pid>-<n>` (beside or below the
cgroup it runs in) and one child group per run, so a run's peak memory and OOM
count are its own.  The sandboxed process joins the child group before it execs
bubblewrap, or the host moves a zygote run's init into it before the program starts
(see sandbox.py), so every process of the run is inside.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)
_counter = itertools.count()


def _mounts() -> list[tuple[str, str, str, set[str]]]:
  """(mount root, mount point, fs type, options) of cgroup filesystems."""
  found = []
  with open('/proc/self/mountinfo') as f:
    for line in f:
      left, _, right = line.partition(' - ')
      parts, rparts = left.split(), right.split()
      if len(rparts) >= 3 and rparts[0] in ('cgroup', 'cgroup2'):
        found.append((parts[3], parts[4], rparts[0], set(rparts[2].split(',')) | set(parts[5].split(','))))
  return found


def _own_paths() -> dict[str, str]:
  """Controller (or "" for v2) -> path of this process's cgroup."""
  paths = {}
  with open('/proc/self/cgroup') as f:
    for line in f:
      _hid, controllers, path = line.rstrip('\n').split(':', 2)
      for c in controllers.split(',') if controllers else ['']:
        paths[c] = path
  return paths


def _write(path, value: str) -> None:
  fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
  try:
    os.write(fd, value.encode())
  finally:
    os.close(fd)


def _read(path) -> str:
  """A cgroup file's text ('' where it is missing); raw calls: a few of these are read per run."""
  try:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
  except OSError:
    return ''
  try:
    chunks = []
    while chunk := os.read(fd, 65536):
      chunks.append(chunk)
  except OSError:
    pass
  finally:
    os.close(fd)
  return b''.join(chunks).decode()


def _read_kv(path) -> dict[str, int]:
  out = {}
  for line in _read(path).splitlines():
    key, _, value = line.partition(' ')
    if value.strip().lstrip('-').isdigit():
      out[key] = int(value)
  return out


def _under(mount_root: str, mount_point: str, path: str) -> Path:
  rel = os.path.relpath(path, mount_root) if path.startswith(mount_root) else path.lstrip('/')
  return Path(mount_point) / ('' if rel == '.' else rel.lstrip('/'))


@dataclasses.dataclass
class RunCgroup:
  """The groups of one run: join them, read them, empty them, remove them."""

  version: int
  dirs: dict  # controller ("memory", "pids", or "" for v2) -> Path
  procs_files: tuple[str, ...]
  memory_bytes: int | None = None  # the limits written last
  tasks: int | None = None

  def join(self, pid: int) -> None:
    """Move process pid into the run's groups."""
    for path in self.procs_files:
      with open(path, 'w') as f:
        f.write(str(pid))

  def _file(self, controller: str, v1_name: str, v2_name: str) -> str | None:
    base = self.dirs.get('' if self.version == 2 else controller)
    return None if base is None else str(base / (v2_name if self.version == 2 else v1_name))

  @functools.cached_property
  def _stat_files(self) -> tuple[str | None, str | None, str | None]:
    """Peak memory, memory events and pids events files."""
    return (
      self._file('memory', 'memory.max_usage_in_bytes', 'memory.peak'),
      self._file('memory', 'memory.oom_control', 'memory.events'),
      self._file('pids', 'pids.events', 'pids.events'),
    )

  def reuse(self, memory_bytes: int, tasks: int) -> dict:
    """Set the next run's limits on a group kept across runs and reset its peak; returns the counters now,
    which stats(since=...) subtracts (the group's idle occupants stay charged at their baseline)."""
    mem, pids = self.dirs.get('memory'), self.dirs.get('pids')
    if mem is not None:
      if memory_bytes != self.memory_bytes:
        names = ('memory.limit_in_bytes', 'memory.memsw.limit_in_bytes')  # memsw may never be below the limit
        for name in names if memory_bytes < (self.memory_bytes or 0) else reversed(names):
          try:
            _write(mem / name, str(memory_bytes))
          except OSError:
            if name == names[0]:
              raise
        self.memory_bytes = memory_bytes
      _write(mem / 'memory.max_usage_in_bytes', '0')
    if pids is not None and tasks != self.tasks:
      _write(pids / 'pids.max', str(tasks))
      self.tasks = tasks
    base = self.stats()
    base['usage_kb'] = base['memory_peak_kb'] or 0  # a peak just reset is the usage now
    return base

  def stats(self, since: dict | None = None) -> dict:
    """peak memory (KiB), OOM kills and refused forks of the run so far (since reuse() when given)."""
    out = {'memory_peak_kb': None, 'oom_kills': 0, 'pids_refused': 0}
    peak, events, pids = self._stat_files
    text = _read(peak) if peak is not None else ''
    if text.strip():
      out['memory_peak_kb'] = int(text.split()[0]) // 1024
    if events is not None:
      out['oom_kills'] = _read_kv(events).get('oom_kill', 0)
    if pids is not None:
      out['pids_refused'] = _read_kv(pids).get('max', 0)
    if since is not None:
      if out['memory_peak_kb'] is not None:
        out['memory_peak_kb'] = max(0, out['memory_peak_kb'] - since['usage_kb'])
      out['oom_kills'] -= since['oom_kills']
      out['pids_refused'] -= since['pids_refused']
    return out

  def pids(self) -> list[int]:
    found = set()
    for base in self.dirs.values():
      found.update(int(p) for p in _read(f'{base}/cgroup.procs').split())
    return sorted(found)

  def kill_all(self, deadline_s: float = 5.0) -> int:
    """SIGKILL every process left in the groups and wait until they are gone; returns how many."""
    killed = 0
    end = time.monotonic() + deadline_s
    kill_file = self.dirs.get('', Path('/nonexistent')) / 'cgroup.kill' if self.version == 2 else None
    while True:
      left = self.pids()
      if not left:
        return killed
      if kill_file is not None and kill_file.exists():
        _write(kill_file, '1')
      for pid in left:
        try:
          os.kill(pid, signal.SIGKILL)
          killed += 1
        except ProcessLookupError:
          pass
      if time.monotonic() > end:
        log.error('cgroup %s still has processes %s after SIGKILL', self.dirs, left)
        return killed
      time.sleep(0.005)

  def remove(self) -> None:
    for base in self.dirs.values():
      for _ in range(50):
        try:
          base.rmdir()
          break
        except FileNotFoundError:
          break
        except OSError:
          self.kill_all(deadline_s=0.1)
          time.sleep(0.01)


class CgroupManager:
  """Creates run groups under this executor's parent groups."""

  def __init__(self, version: int, parents: dict):
    self.version = version
    self.parents = parents  # controller -> Path of the executor's parent group

  @property
  def controllers(self) -> tuple[str, ...]:
    return ('memory', 'pids') if self.version == 2 else tuple(sorted(self.parents))

  @staticmethod
  def sweep(where: Path) -> None:
    """Remove empty groups left in `where` by executors whose process is gone."""
    try:
      entries = list(where.glob('bite-exec-*'))
    except OSError:
      return
    for parent in entries:
      pid = parent.name.split('-')[2] if parent.name.count('-') >= 3 else ''
      if not pid.isdigit() or os.path.exists(f'/proc/{pid}'):
        continue
      for child in parent.glob('r*'):
        if child.is_dir():
          RunCgroup(1, {'x': child}, ()).remove()
      try:
        parent.rmdir()
      except OSError:
        pass

  @classmethod
  def create(cls) -> 'CgroupManager | None':
    """Set up parent groups if cgroups are writable here; None (and a log line) if not."""
    try:
      return cls._create_v2() or cls._create_v1()
    except OSError as exc:
      log.warning('cgroups unusable here (%s)', exc)
      return None

  @classmethod
  def _create_v2(cls) -> 'CgroupManager | None':
    own = _own_paths().get('')
    mount = next((m for m in _mounts() if m[2] == 'cgroup2'), None)
    if own is None or mount is None:
      return None
    here = _under(mount[0], mount[1], own)
    # a group with processes cannot delegate controllers: use a sibling unless we are at the root
    base = here if here == Path(mount[1]) else here.parent
    available = (
      set((base / 'cgroup.controllers').read_text().split()) if (base / 'cgroup.controllers').exists() else set()
    )
    if base != here:
      available = set((here / 'cgroup.controllers').read_text().split())
    if not {'memory', 'pids'} <= available:
      return None
    cls.sweep(base)
    parent = base / f'bite-exec-{os.getpid()}-{next(_counter)}'
    try:
      if base == here:
        _write(base / 'cgroup.subtree_control', '+memory +pids')
      parent.mkdir()
      _write(parent / 'cgroup.subtree_control', '+memory +pids')
    except OSError as exc:
      log.info('cgroup v2 not delegable at %s: %s', base, exc)
      if parent.exists():
        parent.rmdir()
      return None
    return cls(2, {'': parent})

  @classmethod
  def _create_v1(cls) -> 'CgroupManager | None':
    own = _own_paths()
    parents = {}
    for root, point, fstype, opts in _mounts():
      if fstype != 'cgroup':
        continue
      for controller in ('memory', 'pids'):
        if controller in opts and controller in own and controller not in parents:
          where = _under(root, point, own[controller])
          cls.sweep(where)
          parent = where / f'bite-exec-{os.getpid()}-{next(_counter)}'
          try:
            parent.mkdir()
          except OSError as exc:
            log.info('cgroup v1 %s not writable: %s', controller, exc)
            continue
          parents[controller] = parent
    return cls(1, parents) if parents else None

  def run_group(self, memory_bytes: int, tasks: int) -> RunCgroup:
    """A fresh group for one run with the given memory (bytes) and task limits."""
    name = f'r{next(_counter)}'
    if self.version == 2:
      path = self.parents[''] / name
      path.mkdir()
      _write(path / 'memory.max', str(memory_bytes))
      if (path / 'memory.swap.max').exists():
        _write(path / 'memory.swap.max', '0')
      _write(path / 'pids.max', str(tasks))
      return RunCgroup(2, {'': path}, (str(path / 'cgroup.procs'),), memory_bytes, tasks)
    dirs = {}
    for controller, parent in self.parents.items():
      path = parent / name
      path.mkdir()
      dirs[controller] = path
      if controller == 'memory':
        _write(path / 'memory.limit_in_bytes', str(memory_bytes))
        try:  # forbid swap where swap accounting exists
          _write(path / 'memory.memsw.limit_in_bytes', str(memory_bytes))
        except OSError:
          pass
      elif controller == 'pids':
        _write(path / 'pids.max', str(tasks))
    return RunCgroup(1, dirs, tuple(str(p / 'cgroup.procs') for p in dirs.values()), memory_bytes, tasks)

  def close(self) -> None:
    """Remove the parent groups (their run groups are removed after each run)."""
    for parent in self.parents.values():
      for child in sorted(parent.glob('r*')):
        if child.is_dir():
          RunCgroup(self.version, {'x': child}, ()).remove()
      try:
        parent.rmdir()
      except OSError as exc:
        log.warning('could not remove cgroup %s: %s', parent, exc)
