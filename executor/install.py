"""`python -m executor setup`: install what the executor needs on this host, then check the sandbox works.

Needed: compilers and runtimes for the five languages, bubblewrap (the sandbox) and valgrind (the exact
`instructions` meter). On Debian/Ubuntu as root the missing ones are installed with apt-get; elsewhere the
command names what to install and exits 1. Exit 0 means every tool is on PATH and bubblewrap can create
the namespaces the sandbox uses.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys

from executor.config import ExecutorConfig
from executor.engine import Executor


@dataclasses.dataclass(frozen=True)
class Requirement:
  tool: str  # looked up on PATH
  apt: str  # Debian/Ubuntu package
  dnf: str  # Fedora/RHEL package
  purpose: str


REQUIREMENTS = (
  Requirement('gcc', 'gcc', 'gcc', 'C'),
  Requirement('g++', 'g++', 'gcc-c++', 'C++'),
  Requirement('javac', 'default-jdk-headless', 'java-17-openjdk-devel', 'Java'),
  Requirement('java', 'default-jdk-headless', 'java-17-openjdk-devel', 'Java'),
  Requirement('go', 'golang-go', 'golang', 'Go'),
  Requirement('bwrap', 'bubblewrap', 'bubblewrap', 'the sandbox'),
  Requirement('valgrind', 'valgrind', 'valgrind', 'the exact instructions meter'),
)


def missing(requirements=REQUIREMENTS) -> list[Requirement]:
  """The requirements whose tool is not on PATH."""
  return [r for r in requirements if shutil.which(r.tool) is None]


def _unique(names) -> list[str]:
  return list(dict.fromkeys(names))


def apt_install(packages: list[str]) -> None:
  """apt-get update + install (non-interactive); raises CalledProcessError when apt fails."""
  env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
  print(f'[setup] apt-get install {" ".join(packages)}', flush=True)
  subprocess.run(['apt-get', 'update', '-qq'], check=True, env=env)
  subprocess.run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', *packages], check=True, env=env)


def instructions(needed: list[Requirement]) -> str:
  """What to run by hand, per package manager."""
  return (
    'install them with your package manager, e.g.\n'
    f'  Debian/Ubuntu: sudo apt-get install {" ".join(_unique(r.apt for r in needed))}\n'
    f'  Fedora/RHEL:   sudo dnf install {" ".join(_unique(r.dnf for r in needed))}\n'
    'then run `python -m executor setup` again.'
  )


def sandbox_problem() -> str | None:
  """None when bubblewrap gives the executor its namespaces here, else why not."""
  with Executor(ExecutorConfig(sandbox='auto')) as ex:
    if ex.sandbox.isolation().get('sandbox') == 'bwrap':
      return None
  return (
    'bubblewrap is installed but cannot create namespaces here. Common causes: unprivileged user namespaces '
    'are disabled (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 '
    'on Ubuntu 24.04+), or a container runs without the rights to create them (e.g. Docker with its default '
    'seccomp profile). Without namespaces, model-written programs run only with '
    '--config.executor.allow_unsandboxed=True.'
  )


def main(*, check_only: bool = False, out=sys.stdout) -> int:
  """Installs what is missing (unless `check_only`), then checks; returns the exit status (0 = ready)."""
  needed = missing()
  if needed and not check_only:
    if os.geteuid() == 0 and shutil.which('apt-get'):
      try:
        apt_install(_unique(r.apt for r in needed))
      except subprocess.CalledProcessError as exc:
        print(f'[setup] apt-get failed ({exc}); ' + instructions(needed), file=out)
        return 1
    else:
      why = 'not root' if os.geteuid() != 0 else 'no apt-get on this machine'
      print(f'[setup] cannot install ({why}).', file=out)
    needed = missing()
  if needed:
    tools = ', '.join(f'{r.tool} ({r.purpose})' for r in needed)
    print(f'[setup] missing: {tools}; ' + instructions(needed), file=out)
    return 1
  problem = sandbox_problem()
  if problem:
    print(f'[setup] {problem}', file=out)
    return 1
  print('[setup] ready: ' + ', '.join(r.tool for r in REQUIREMENTS) + ' found; bubblewrap sandbox works', file=out)
  return 0
