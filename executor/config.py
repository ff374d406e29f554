"""Limits and executor settings: plain frozen dataclasses, no global state."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

STATUSES = ('ok', 'compile_error', 'runtime_error', 'timeout', 'memory_limit', 'output_limit')
METERS = ('auto', 'cpu', 'instructions')


@dataclasses.dataclass(frozen=True)
class Limits:
  """Resource limits of one sandboxed process (a run or a compilation).

  timeout: CPU seconds (user+sys) of the whole process tree.
  wall_timeout: wall-clock seconds; None means 2 * timeout + 1.
  memory_mb: memory of the whole tree in MiB (cgroup when available, else rlimits);
    for Java it is the heap (-Xmx) and the tree gets java_overhead_mb more.
  processes: tasks (processes + threads) alive at once in the sandbox.
  output_bytes: cap on stdout and stderr; reaching it gives status output_limit.
  file_bytes: largest file the program may write (RLIMIT_FSIZE); the stdout cap also applies.
  tmpfs_mb: size of each writable tmpfs (/box, /tmp) in the sandbox.
  open_files: RLIMIT_NOFILE.
  stack_mb: RLIMIT_STACK in MiB (0 = unlimited).
  stdout_keep: bytes of stdout returned in results (hash and byte count cover all of it).
  stderr_keep: bytes of the stderr tail returned in results.
  """

  timeout: float = 10.0
  wall_timeout: float | None = None
  memory_mb: int = 1024
  processes: int = 64
  output_bytes: int = 16 << 20
  file_bytes: int = 16 << 20
  tmpfs_mb: int = 64
  open_files: int = 256
  stack_mb: int = 256
  stdout_keep: int = 1 << 20
  stderr_keep: int = 4096

  def __post_init__(self):
    if not self.timeout > 0:
      raise ValueError(f'Limits.timeout must be > 0 seconds, got {self.timeout!r}')
    if self.wall_timeout is not None and not self.wall_timeout > 0:
      raise ValueError(f'Limits.wall_timeout must be > 0 seconds, got {self.wall_timeout!r}')
    for field in ('memory_mb', 'processes', 'output_bytes', 'file_bytes', 'tmpfs_mb', 'open_files'):
      value = getattr(self, field)
      if not isinstance(value, int) or value <= 0:
        raise ValueError(f'Limits.{field} must be a positive integer, got {value!r}')

  @property
  def wall(self) -> float:
    """Wall-clock limit in seconds."""
    return self.wall_timeout if self.wall_timeout is not None else 2.0 * self.timeout + 1.0

  def scaled(self, factor: float, extra_memory_mb: int = 0) -> 'Limits':
    """The same limits with time multiplied by factor (e.g. under valgrind)."""
    return dataclasses.replace(
      self,
      timeout=self.timeout * factor,
      wall_timeout=self.wall * factor,
      memory_mb=self.memory_mb + extra_memory_mb,
    )


# Compilers get more room than programs: template-heavy C++ and javac need it.
COMPILE_LIMITS = Limits(
  timeout=20.0,
  wall_timeout=40.0,
  memory_mb=2048,
  processes=128,
  output_bytes=16 << 20,
  file_bytes=256 << 20,
  tmpfs_mb=512,
  open_files=1024,
  stack_mb=0,
)


def default_cache_dir() -> Path:
  """Where compiled programs and measured baselines are kept between processes."""
  base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
  return Path(base) / 'bite-jax' / 'executor'


@dataclasses.dataclass(frozen=True)
class ExecutorConfig:
  """How programs are compiled, sandboxed and measured.

  cache_dir: compiled programs, the launcher, measured startup baselines.
  sandbox: "auto" (bubblewrap if it works, else rlimits-only with a loud warning),
    "bwrap" (fail if bubblewrap does not work) or "none" (rlimits only, warned).
  cgroups: use cgroups (v1 or v2) for memory/pids limits and peak memory when writable.
  uid_base, uid_count: unprivileged uids handed out one per executor (when run as root).
  java_overhead_mb: memory the JVM needs beyond its heap (metaspace, code cache, threads).
  valgrind_slowdown: time-limit factor for runs under valgrind.
  valgrind_memory_mb: extra memory for runs under valgrind.
  rel_tol, abs_tol: default float tolerance of output comparison.
  language_overrides: {lang: {"compile": [...], "run": [...], "env": {...}}} replacing table entries.
  extra_ro_binds: host paths made visible read-only at the same path in every sandbox.
  compile_limits: limits of a compiler run (a compile that hits them is a compile_error).
  """

  cache_dir: Path = dataclasses.field(default_factory=default_cache_dir)
  sandbox: str = 'auto'
  cgroups: bool = True
  uid_base: int = 61000
  uid_count: int = 512
  java_overhead_mb: int = 320
  valgrind_slowdown: float = 60.0
  valgrind_memory_mb: int = 512
  rel_tol: float = 1e-6
  abs_tol: float = 1e-6
  language_overrides: dict = dataclasses.field(default_factory=dict)
  extra_ro_binds: tuple = ()
  compile_limits: Limits = COMPILE_LIMITS

  def __post_init__(self):
    if isinstance(self.compile_limits, dict):
      object.__setattr__(self, 'compile_limits', Limits(**self.compile_limits))
    if self.sandbox not in ('auto', 'bwrap', 'none'):
      raise ValueError(f'ExecutorConfig.sandbox must be auto, bwrap or none, got {self.sandbox!r}')
    object.__setattr__(self, 'cache_dir', Path(self.cache_dir))


def config_to_dict(config: ExecutorConfig) -> dict:
  """JSON-ready form of a config (for worker processes)."""
  out = dataclasses.asdict(config)
  out['cache_dir'] = str(config.cache_dir)
  out['extra_ro_binds'] = list(config.extra_ro_binds)
  return out


def config_from_dict(data: dict) -> ExecutorConfig:
  """Inverse of config_to_dict; unknown keys are an error naming the key."""
  names = {f.name for f in dataclasses.fields(ExecutorConfig)}
  unknown = sorted(set(data) - names)
  if unknown:
    raise ValueError(f'ExecutorConfig: unknown field(s) {unknown}')
  data = dict(data)
  if 'extra_ro_binds' in data:
    data['extra_ro_binds'] = tuple(data['extra_ro_binds'])
  return ExecutorConfig(**data)
