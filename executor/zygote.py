"""Host side of the zygote: one long-lived bubblewrap sandbox per executor, one fresh set of namespaces per run.

Starting bubblewrap costs more than a short program's whole run, so an executor starts one sandbox (user and
network namespaces, the read-only view of the system) whose init, `launcher zygote` (executor/zygote.c),
clones a new process for each run into new PID, mount, IPC and UTS namespaces with fresh tmpfs `/tmp`,
`/box` and `/dev/shm`, its own `/proc` and only its program at `/prog`.  That process (P1) greets the host
on the run's socket (the message's credentials give the host P1's pid), drops every capability and becomes
the run's init (`launcher ns`), which writes the usual report on the same socket.  On cgroup v1 the zygote
lives in a group that all its runs share (limits set and peak reset per run); otherwise the host moves P1
into a group of the run's own before letting it go on.  Runs of one executor are sequential and share only
the user and network namespaces, where nothing of a run survives its processes.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

from executor.cgroups import RunCgroup

log = logging.getLogger('executor')
_CREDS = struct.calcsize('3i')
MAX_REQUEST = 128 * 1024  # within a socket's default send buffer (the zygote reads up to 256 KiB)


class ZygoteError(RuntimeError):
  """The zygote did not answer as it should; it is stopped and the next run starts a new one."""


def _readable(sock: socket.socket, deadline: float) -> bool:
  left = deadline - time.monotonic()
  return left > 0 and bool(select.select([sock], [], [], left)[0])


class Zygote:
  """One running zygote sandbox; `key` names the view it was started with (toolchain dirs, masks)."""

  def __init__(self, command, key, log_path: Path, group: RunCgroup | None = None):
    """command(fd): the argv that starts `launcher zygote fd` in its sandbox (via `launcher enter`, which
    joins group: the zygote's runs are then born in it)."""
    self.key = key
    self.group = group
    self.idle: set[int] = set()  # what the group holds between runs: the zygote and bubblewrap's monitor
    self.ctl, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    self.ctl.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    self.started = False
    self._reaping = False  # a run's init may still be exiting
    self.pid: int | None = None  # the zygote's (bubblewrap's monitor is self.proc)
    try:
      with open(log_path, 'wb') as err:
        self.proc = subprocess.Popen(
          command(child.fileno()),
          stdin=subprocess.DEVNULL,
          stdout=subprocess.DEVNULL,
          stderr=err,
          pass_fds=(child.fileno(),),
          env={},
          close_fds=True,
        )
    finally:
      child.close()

  def run(self, request: list[str], fds, join: RunCgroup | None, timeout: float) -> tuple[bytes, float, bool]:
    """Start one run (request: its words after the greeting, see request(); fds: stdin, stdout, stderr; join:
    cgroups to move its init into before it starts the program) and wait for its report; (report, wall
    seconds, backstop).  backstop: the run outlived timeout and was killed from here.  Call finish() next."""
    if not self.started:
      self._ready(time.monotonic() + 30.0)
    self.finish()
    # P1 greets (its credentials name it) when the host must move it, or could not find it in a group
    greeting = 'join' if join is not None else 'hello' if self.group is None else '-'
    payload = _encode(request[:2] + [greeting] + request[2:])
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with parent:
      parent.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
      started = time.monotonic()
      deadline = started + timeout
      try:
        socket.send_fds(self.ctl, [payload], [*fds, child.fileno()])
      except OSError as exc:
        raise ZygoteError(f'zygote gone: {exc}') from None
      finally:
        child.close()
      pid, report, backstop = None, b'', False
      while not report.endswith(b'\n'):  # the hello, if any, then the report line (or end of file)
        if not _readable(parent, deadline):
          backstop = True
          break
        data, ancillary, _, _ = parent.recvmsg(4096, socket.CMSG_SPACE(_CREDS))
        if not data:
          break
        if greeting != '-' and pid is None and data == b'h':
          pid = _sender(ancillary)
          if join is not None and pid:
            join.join(pid)
            parent.send(b'g')
        else:
          report += data
      wall = time.monotonic() - started
      if backstop:  # the kernel kills the rest of the run's PID namespace with its init
        self._kill_run(pid, parent)
    self._reaping = True
    return report, wall, backstop

  def finish(self) -> None:
    """Wait until the zygote has reaped the last run's init (the host reads the run's results meanwhile);
    then nothing of the run is left in the zygote's group."""
    if self._reaping:
      self._done(time.monotonic() + 5.0)
      self._reaping = False
      if self.group is not None:
        self.sweep()

  def _kill_run(self, pid: int | None, sock: socket.socket) -> None:
    if pid:
      _kill(pid, sock)
    elif self.group is not None:  # everything in the shared group but the zygote is the run's
      for other in set(self.group.pids()) - self.idle:
        try:
          os.kill(other, signal.SIGKILL)
        except ProcessLookupError:
          pass

  def _done(self, deadline: float) -> None:
    """Wait for the zygote to say it has reaped the run's init (so the run's cgroups are empty)."""
    if not _readable(self.ctl, deadline):
      raise ZygoteError('zygote did not reap a run')
    answer = self.ctl.recv(64)
    if not answer.startswith(b'done '):
      raise ZygoteError(f'zygote answered {answer[:64]!r}')

  def _ready(self, deadline: float) -> None:
    """The zygote's first word: "ready", sent with its credentials (its pid as the host sees it)."""
    if not _readable(self.ctl, deadline):
      raise ZygoteError('zygote did not start')
    data, ancillary, _, _ = self.ctl.recvmsg(16, socket.CMSG_SPACE(_CREDS))
    if data != b'ready':
      raise ZygoteError(f'zygote did not start: {data!r}')
    self.pid = _sender(ancillary)
    self.idle = {self.proc.pid, self.pid}
    self.started = True

  def sweep(self) -> None:
    """Kill whatever a run left in the shared group (its PID namespace ended with its init: nothing)."""
    left = set(self.group.pids()) - self.idle
    if left:
      log.error('executor: processes %s outlived their run; killing them', sorted(left))
      for pid in left:
        try:
          os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
          pass

  def alive(self) -> bool:
    return self.proc.poll() is None

  def close(self) -> None:
    """End of file on its socket stops the zygote (the kernel ends its namespaces)."""
    self.ctl.close()
    try:
      self.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
      self.proc.kill()
      self.proc.wait()
    if self.group is not None:
      self.group.kill_all()
      self.group.remove()


def _kill(pid: int, sock: socket.socket) -> None:
  """SIGKILL the run's init, which has not closed its end of sock (so pid is still its own)."""
  try:
    pidfd = os.pidfd_open(pid)
  except ProcessLookupError:
    return
  try:
    if not select.select([sock], [], [], 0)[0]:
      signal.pidfd_send_signal(pidfd, signal.SIGKILL)
  finally:
    os.close(pidfd)


def _sender(ancillary) -> int | None:
  """The sender's pid (in this process's PID namespace) from SCM_CREDENTIALS."""
  for level, kind, value in ancillary:
    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(value) >= _CREDS:
      return struct.unpack('3i', value[:_CREDS])[0]
  return None


def request(prog: str, tmpfs_bytes: int, env: dict, init_args: list[str]) -> list[str]:
  """The words of a run request (see executor/zygote.c), but for the greeting Zygote.run() adds."""
  return [prog, str(tmpfs_bytes), str(len(env)), *(f'{k}={v}' for k, v in env.items()), *init_args]


def _encode(words: list[str]) -> bytes:
  if any('\0' in w for w in words):
    raise ValueError('NUL byte in a sandbox argument')
  data = b''.join(w.encode() + b'\0' for w in words)
  if len(data) > MAX_REQUEST:
    raise ValueError(f'arguments and environment of {len(data)} bytes exceed a run request ({MAX_REQUEST})')
  return data
