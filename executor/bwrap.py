"""The sandbox's view and the bubblewrap command lines that build it: a sandbox for one run, or the long-lived
sandbox a zygote serves runs from.

Host sources are staged first (see Mounts) so the sandbox uid can reach them.  Both sandboxes see the
same files: read-only `/usr` (`/bin`, `/lib*` as symlinks), the sandbox's own `/etc`, the toolchain dirs,
masked start-up hooks and the launcher at `/.launcher`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from executor.config import Limits
from executor.isolation import bwrap_path
from executor.mounts import Mounts

_TOP_LINKS = ('bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin')
# copied into the sandbox's own /etc (one bind instead of one per file)
_ETC_FILES = ('ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'nsswitch.conf', 'host.conf', 'os-release')
NAMESPACES = [
  '--unshare-user',
  '--unshare-ipc',
  '--unshare-pid',
  '--unshare-net',
  '--unshare-uts',
  '--unshare-cgroup-try',
  '--disable-userns',
  '--die-with-parent',
  '--new-session',
  '--as-pid-1',
  '--hostname',
  'sandbox',
]


def write_etc(state: Path, uid: int) -> None:
  """The sandbox's own /etc in state/etc: loader config, time zone, and a passwd/group naming only the sandbox
  user; and state/empty, which masked files are shown as."""
  etc = state / 'etc'
  etc.mkdir(mode=0o755)
  for name in _ETC_FILES:
    src = Path('/etc') / name
    if src.is_dir():
      shutil.copytree(src, etc / name, symlinks=True)
    elif src.exists():
      shutil.copy(src, etc / name)
  (state / 'empty').touch(mode=0o644)
  (etc / 'passwd').write_text(
    f'root:x:0:0:root:/root:/bin/sh\nrunner:x:{uid}:{uid}:runner:/box:/bin/sh\n'
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'
  )
  (etc / 'group').write_text(f'root:x:0:\nrunner:x:{uid}:\nnogroup:x:65534:\n')
  for dirpath, dirnames, filenames in os.walk(etc):
    for name in dirnames:
      os.chmod(os.path.join(dirpath, name), 0o755)
    for name in filenames:
      if not os.path.islink(os.path.join(dirpath, name)):
        os.chmod(os.path.join(dirpath, name), 0o644)


def _system(state: Path) -> list[str]:
  args = ['--ro-bind', '/usr', '/usr']
  for name in _TOP_LINKS:
    host = Path('/') / name
    if host.is_symlink():
      args += ['--symlink', os.readlink(host), str(host)]
    elif host.is_dir():
      args += ['--ro-bind', str(host), str(host)]
  return args + ['--ro-bind', str(state / 'etc'), '/etc', '--proc', '/proc', '--dev', '/dev']


def _toolchains(state: Path, ro_dirs, masked, mounts: Mounts) -> list[str]:
  args = []
  for path in ro_dirs:
    args += ['--ro-bind', mounts.stage(path), path]
  for path in masked:
    args += ['--ro-bind', str(state / 'empty'), path]
  return args


def run_args(
  state: Path,
  launcher: Path,
  ro_dirs,
  masked,
  mounts: Mounts,
  prog_dir: Path | None,
  rw_dir: Path | None,
  limits: Limits,
  env: dict,
) -> list[str]:
  """A fresh sandbox for one run: tmpfs `/tmp` and `/box` (or rw_dir at `/box`), prog_dir read-only at `/prog`;
  it runs `launcher ns`, whose arguments follow."""
  size = str(limits.tmpfs_mb << 20)
  args = [bwrap_path(), *NAMESPACES, *_system(state), '--size', size, '--tmpfs', '/tmp']
  args += _toolchains(state, ro_dirs, masked, mounts)
  if rw_dir is not None:
    args += ['--bind', mounts.stage(rw_dir), '/box']
  else:
    args += ['--size', size, '--tmpfs', '/box']
  if prog_dir is not None:
    args += ['--ro-bind', mounts.stage(prog_dir), '/prog']
  args += ['--ro-bind', mounts.stage(launcher.parent), '/.launcher', '--chdir', '/box', '--clearenv']
  for key, value in env.items():
    args += ['--setenv', key, value]
  return args + ['/.launcher/launcher', 'ns']


def zygote_args(state: Path, launcher: Path, ro_dirs, masked, mounts: Mounts, programs: Path, ctl_fd: int) -> list[str]:
  """The zygote's sandbox: the same files with `/` and `/dev` read-only, empty mount points `/tmp`, `/box`
  and `/prog` (each run mounts its own), and the compile cache's programs at `/.programs` (each run detaches
  it after binding its own program).  Its init keeps CAP_SYS_ADMIN and CAP_SETPCAP in the sandbox's user
  namespace to set runs up; runs drop every capability."""
  args = [bwrap_path(), *NAMESPACES, '--cap-add', 'CAP_SYS_ADMIN', '--cap-add', 'CAP_SETPCAP', *_system(state)]
  args += ['--dir', '/tmp', *_toolchains(state, ro_dirs, masked, mounts), '--dir', '/box', '--dir', '/prog']
  args += ['--ro-bind', mounts.stage(programs), '/.programs']
  args += ['--ro-bind', mounts.stage(launcher.parent), '/.launcher', '--remount-ro', '/dev', '--remount-ro', '/']
  return args + ['--chdir', '/', '--clearenv', '/.launcher/launcher', 'zygote', str(ctl_fd)]


def shadowed_by_runs(paths) -> bool:
  """True if a path lies where each zygote run mounts fresh dirs (it would be hidden there)."""
  fresh = ('/tmp', '/box', '/prog', '/proc', '/dev', '/.programs')
  return any(p == d or p.startswith(d + '/') for p in paths for d in fresh)
