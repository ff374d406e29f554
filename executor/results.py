"""The result of one sandboxed process and how its status is decided."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import signal as _signal
from pathlib import Path

from executor.config import Limits

# stderr markers of a program that ran out of memory without being OOM-killed
_MEMORY_MARKERS = (
  'MemoryError',
  'java.lang.OutOfMemoryError',
  'std::bad_alloc',
  'runtime: out of memory',
  'fatal error: out of memory',
  'Cannot allocate memory',
)
_REPORT = re.compile(rb'(\w+)=(\S+)')


@dataclasses.dataclass
class ProcessResult:
  """What one sandboxed process did.  Times in seconds, memory in KiB."""

  status: str
  exit_code: int | None
  signal: int | None
  cpu_time: float
  wall_time: float
  peak_rss_kb: int | None
  max_process_rss_kb: int | None
  stdout: bytes
  stdout_sha256: str
  stdout_bytes: int
  stderr_tail: str
  stderr_bytes: int
  detail: str = ''
  syscall_filter: bool = False  # the launcher installed its seccomp filter in the program

  def as_dict(self, limits: Limits) -> dict:
    """JSON-ready fields (stdout capped at limits.stdout_keep bytes)."""
    keep = self.stdout[: limits.stdout_keep]
    return {
      'status': self.status,
      'exit_code': self.exit_code,
      'signal': self.signal,
      'stdout': keep.decode('utf-8', errors='replace'),
      'stdout_truncated': len(keep) < self.stdout_bytes,
      'stdout_sha256': self.stdout_sha256,
      'stdout_bytes': self.stdout_bytes,
      'stderr': self.stderr_tail,
      'stderr_bytes': self.stderr_bytes,
      'cpu_time': round(self.cpu_time, 6),
      'wall_time': round(self.wall_time, 6),
      'peak_rss_kb': self.peak_rss_kb,
      'max_process_rss_kb': self.max_process_rss_kb,
      'detail': self.detail,
    }


def parse_report(raw: bytes) -> dict | None:
  """Fields of the launcher's report line, or None if there is none."""
  fields = {k.decode(): v.decode() for k, v in _REPORT.findall(raw)}
  if 'status' not in fields or 'wall_us' not in fields:
    return None
  out = {'timeout': fields.get('timeout', 'none')}
  for key in ('status', 'main_done', 'exec_errno', 'utime_us', 'stime_us', 'maxrss_kb', 'wall_us', 'seccomp'):
    out[key] = int(fields.get(key, '0'))
  return out


def _read_limited(path: Path, limit: int) -> bytes:
  with open(path, 'rb') as f:
    return f.read(limit)


def _tail(path: Path, n: int) -> tuple[str, int]:
  with open(path, 'rb') as f:
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - n))
    return f.read().decode('utf-8', errors='replace'), size


def _signal_name(sig: int) -> str:
  try:
    return _signal.Signals(sig).name
  except ValueError:
    return f'signal {sig}'


def classify(
  report: dict | None,
  *,
  backstop: bool,
  host_wall: float,
  limits: Limits,
  cgroup: dict,
  stdout_path: Path,
  stderr_path: Path,
) -> ProcessResult:
  """Decide the status of a finished run from the launcher report, cgroup counters and outputs.

  Order: timeout (CPU or wall limit, or the host backstop) > memory_limit (OOM kill
  or an out-of-memory message on failure) > output_limit (stdout/stderr reached the
  cap, or SIGXFSZ) > runtime_error (nonzero exit, signal, exec failure) > ok.
  """
  stdout = _read_limited(stdout_path, limits.output_bytes)
  stderr_tail, stderr_bytes = _tail(stderr_path, limits.stderr_keep)
  stdout_bytes = os.path.getsize(stdout_path)
  exit_code = sig = None
  cpu = wall = 0.0
  rss = None
  timeout = 'wall' if backstop else 'none'
  exec_errno = 0
  if report is not None:
    status = report['status']
    if report['main_done']:
      if os.WIFEXITED(status):
        exit_code = os.WEXITSTATUS(status)
      elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
    cpu = (report['utime_us'] + report['stime_us']) / 1e6
    wall = report['wall_us'] / 1e6
    rss = report['maxrss_kb']
    timeout = report['timeout'] if not backstop else 'wall'
    exec_errno = report['exec_errno']
  else:
    wall = host_wall
  # the cgroup counts memory charged to the tree (anon, tmpfs, new page cache); rusage the largest process
  peak = max(v for v in (cgroup.get('memory_peak_kb'), rss, 0) if v is not None)
  failed = exit_code not in (0, None) or sig is not None or report is None or exec_errno
  if timeout != 'none':
    status, detail = 'timeout', f'{timeout} time limit ({limits.timeout:g} s CPU, {limits.wall:g} s wall)'
  elif sig == _signal.SIGXCPU or (sig == _signal.SIGKILL and cpu >= limits.timeout):
    status, detail = 'timeout', f'cpu time limit ({limits.timeout:g} s)'
  elif cgroup.get('oom_kills', 0) > 0:
    status, detail = 'memory_limit', f'killed by the memory limit ({limits.memory_mb} MiB)'
  elif failed and cgroup.get('pids_refused', 0) == 0 and any(m in stderr_tail for m in _MEMORY_MARKERS):
    status, detail = 'memory_limit', f'out of memory ({limits.memory_mb} MiB limit)'
  elif failed and 'memory_peak_kb' not in cgroup and (rss or 0) >= 0.75 * (limits.memory_mb << 10):
    # rlimit-only isolation: a failure at the address-space limit is taken as running out of memory
    status, detail = 'memory_limit', f'failed at the memory limit ({limits.memory_mb} MiB, rlimit)'
  elif (
    sig == _signal.SIGXFSZ
    or stdout_bytes >= limits.output_bytes
    or stderr_bytes >= limits.output_bytes
    or (failed and 'File too large' in stderr_tail)
  ):
    status = 'output_limit'
    if max(stdout_bytes, stderr_bytes) >= limits.output_bytes:
      detail = f'output reached {limits.output_bytes} bytes'
    else:
      detail = f'file size limit ({min(limits.output_bytes, limits.file_bytes)} bytes) reached'
  elif exec_errno:
    status, detail = 'runtime_error', f'cannot execute: {os.strerror(exec_errno)}'
  elif sig == _signal.SIGSYS and report is not None and report['seccomp']:
    status, detail = 'runtime_error', 'killed by SIGSYS (the system-call filter stops calls through another ABI)'
  elif sig is not None:
    status, detail = 'runtime_error', f'killed by {_signal_name(sig)}'
  elif exit_code not in (0, None):
    status, detail = 'runtime_error', f'exit code {exit_code}'
  else:
    status, detail = 'ok', ''
  if status == 'runtime_error' and cgroup.get('pids_refused', 0) > 0:
    detail += f'; {cgroup["pids_refused"]} forks refused by the process limit ({limits.processes})'
  return ProcessResult(
    status=status,
    exit_code=exit_code,
    signal=sig,
    cpu_time=cpu,
    wall_time=wall,
    peak_rss_kb=peak,
    max_process_rss_kb=rss,
    stdout=stdout,
    stdout_sha256=hashlib.sha256(stdout).hexdigest(),
    stdout_bytes=stdout_bytes,
    stderr_tail=stderr_tail,
    stderr_bytes=stderr_bytes,
    detail=detail,
    syscall_filter=bool(report and report['seccomp']),
  )
