"""A run that starts a sandbox of its own: `launcher enter` -> bubblewrap -> `launcher ns`, or, in host mode,
`launcher enter` -> `launcher host` (compiles, and every run where no zygote serves)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

from executor.mounts import Mounts, blocked_ancestor


def host_args(
  state: Path, launcher: Path, uid: tuple[int, int], ro_dirs, masked, mounts: Mounts, prog_dir, rw_dir
) -> tuple[list, dict]:
  """Launcher argv prefix and path rewrites for host mode (no namespaces besides mount)."""
  cmd = [mounts.stage(launcher.parent) + '/launcher', 'host']
  if rw_dir is not None:
    (rw_dir / '.tmp').mkdir(exist_ok=True)
    if os.geteuid() == 0:
      os.chown(rw_dir / '.tmp', *uid)
  box = mounts.stage(rw_dir) if rw_dir is not None else str(_host_box(state, uid))
  mounts.chdir(box)
  rewrites = {'/box': box, '/tmp': box + '/.tmp'}
  if prog_dir is not None:
    rewrites['/prog'] = mounts.stage(prog_dir)
  for path in ro_dirs:  # toolchains under root-only dirs (e.g. /root/.pyenv) made reachable
    blocked = blocked_ancestor(path)
    if blocked is not None:
      mounts.cover(blocked, path)
  for path in masked:
    mounts.mask(str(state / 'empty'), path)
  return cmd, rewrites


def _host_box(state: Path, uid: tuple[int, int]) -> Path:
  box = state / 'box'
  for d in (box, box / '.tmp'):
    d.mkdir(exist_ok=True)
    if os.geteuid() == 0:
      os.chown(d, *uid)
  return box


def clean_host_box(state: Path) -> None:
  box = state / 'box'
  if box.exists():
    subprocess.run(['rm', '-rf', '--one-file-system', str(box)], check=False)


def spawn(argv: list[str], env: dict, fds, report_w: int, report_r: int, timeout: float):
  """Run argv (`launcher enter ...`) with stdin, stdout, stderr = fds; it writes its report on report_w
  (closed here).  (report, wall seconds, backstop, exit status); backstop: killed from here after timeout."""
  started = time.monotonic()
  try:
    proc = subprocess.Popen(
      argv, stdin=fds[0], stdout=fds[1], stderr=fds[2], pass_fds=(report_w,), env=env, close_fds=True
    )
  finally:
    os.close(report_w)
  backstop = not _wait_exit(proc, timeout)
  if backstop:  # the launcher enforces the wall limit; this only catches a stuck sandbox
    proc.kill()
    proc.wait()
  wall = time.monotonic() - started
  return _read_all(report_r), wall, backstop, proc.returncode


def _wait_exit(proc: subprocess.Popen, timeout: float) -> bool:
  """Wait for proc to exit without polling; False if it is still running after timeout seconds."""
  try:
    pidfd = os.pidfd_open(proc.pid)
  except (AttributeError, OSError):
    try:
      proc.wait(timeout=timeout)
      return True
    except subprocess.TimeoutExpired:
      return False
  try:
    ready, _, _ = select.select([pidfd], [], [], timeout)
  finally:
    os.close(pidfd)
  if ready:
    proc.wait()
  return bool(ready)


def _read_all(fd: int) -> bytes:
  chunks = []
  while True:
    ready, _, _ = select.select([fd], [], [], 0)
    if not ready:
      break
    chunk = os.read(fd, 65536)
    if not chunk:
      break
    chunks.append(chunk)
  return b''.join(chunks)
