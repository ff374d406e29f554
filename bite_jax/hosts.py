"""The processes of a multi-host run: each one's share of the work, barriers, and who writes shared files.

A run has one JAX process per host (bite_jax.parallel.initialize_distributed). Training runs on the
global mesh with every process in step. The stages that sample and execute programs (trees,
curriculum, evaluate) split their items instead: item i of a list belongs to process i mod N
(`share`). Each process samples on its own devices (bite_jax.sample.load_sampler never spans
processes), runs programs on its own host's executor pool, and writes only its own shard files
(`shard_file`); after a barrier, process 0 (the `writer`) merges the shards into the stage's usual
outputs, and every other process waits for that merge at a second barrier. Files that every stage
shares (config.json, isolation.json, report.md, the demo base model) are written by the writer alone.
So no file is ever written by two processes, and with one process nothing of this applies: the
outputs are the single-process ones, written directly.

With a workdir in a bucket (bite_jax.storage), each host works in a local mirror: `exchange` pushes
what a process wrote before the barrier and pulls what the others wrote after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import jax
from jax.experimental import multihost_utils

from bite_jax.config import ConfigError

T = TypeVar('T')

_MIRROR = None  # the bite_jax.storage.Workdir of a remote workdir, when there is one (use_mirror)


def index() -> int:
  """This process's index (0 on a single host)."""
  return jax.process_index()


def count() -> int:
  """How many processes the run has (1 on a single host)."""
  return jax.process_count()


def is_writer() -> bool:
  """Whether this process writes the files every process shares (process 0)."""
  return index() == 0


def share(items: Sequence[T], *, process: int | None = None, processes: int | None = None) -> list[T]:
  """The items of `process` (default: this one) out of `processes` (default: all): every N-th item, from
  the process index on. Round robin keeps the shares balanced when items come grouped (by language)."""
  process = index() if process is None else process
  processes = count() if processes is None else processes
  if not 0 <= process < processes:
    raise ValueError(f'share: process {process} is not in [0, {processes})')
  return list(items[process::processes])


def shard_file(path: str | Path, *, process: int | None = None, processes: int | None = None) -> Path:
  """The shard of `path` that one process writes: trees/opt.jsonl -> trees/shards/opt.p0of2.jsonl.

  The process count is in the name, so a rerun on another number of hosts starts new shards rather
  than mixing shares assigned under another count."""
  path = Path(path)
  process = index() if process is None else process
  processes = count() if processes is None else processes
  return path.parent / 'shards' / f'{path.stem}.p{process}of{processes}{path.suffix}'


def barrier(name: str) -> None:
  """Waits until every process reaches the barrier `name` (nothing to wait for on one process)."""
  if count() > 1:
    multihost_utils.sync_global_devices(name)


def use_mirror(mirror) -> None:
  """Makes `exchange` push and pull through `mirror` (a bite_jax.storage.Workdir; None: a local workdir)."""
  global _MIRROR
  _MIRROR = mirror if mirror is not None and getattr(mirror, 'remote', False) else None


def mirror():
  """The remote workdir's mirror in use, or None."""
  return _MIRROR


def exchange(name: str, *, push: str | None = '', pull: str | None = None) -> None:
  """A barrier at which files change hands: before it this process publishes what it wrote under the
  workdir prefix `push` (None: nothing), after it it fetches what is under `pull` (None: nothing).

  On a local or shared-disk workdir the files are already where every process sees them and only the
  barrier remains."""
  if _MIRROR is not None and push is not None:
    _MIRROR.push(push)
  barrier(name)
  if _MIRROR is not None and pull is not None:
    _MIRROR.pull(pull)


SYNC_EVERY_S = 60.0  # how often a remote workdir receives the files a long stage appends to


@contextlib.contextmanager
def syncing(path: str | Path, every_s: float = SYNC_EVERY_S) -> Iterator[None]:
  """While the block runs, the file (or directory) `path` in the workdir is pushed to a remote workdir
  every `every_s` seconds and once more at the end, so a host that dies loses at most that interval
  there (the tree shards: a rerun samples the lost nodes again, keyed by node id). No-op when local."""
  if _MIRROR is None:
    yield
    return
  prefix = Path(path).resolve().relative_to(Path(_MIRROR.local).resolve()).as_posix()
  with _MIRROR.syncing(prefix, every_s):
    yield


# Protocols whose URLs Orbax reads and writes itself (through its own cloud storage support).
ORBAX_PROTOCOLS = ('gs',)


def orbax_dir(path: str | Path) -> str | Path:
  """Where Orbax is to save and restore the checkpoint directory `path` of the workdir.

  Orbax's multi-process protocol needs one directory that every process sees: process 0 creates it, each
  process writes its own shards into it, and process 0 commits it. Local mirrors are not such a directory,
  so in a multi-host run with a workdir in a bucket, checkpoints bypass the mirror and Orbax writes them
  straight to the bucket (the mirrors then pull them like any other file). Otherwise, `path` itself.

  Raises ConfigError when that is needed for a protocol Orbax cannot write (only gs:// here; for
  anything else a multi-host run needs a shared disk as its workdir).
  """
  if _MIRROR is None or count() == 1:
    return Path(path)
  protocol = _MIRROR.url.split('://', 1)[0]
  if protocol not in ORBAX_PROTOCOLS:
    raise ConfigError(
      f'--workdir={_MIRROR.url}: a multi-host run saves its training checkpoints with Orbax, which needs one '
      f'directory every host sees; Orbax writes {", ".join(p + "://" for p in ORBAX_PROTOCOLS)} itself but '
      f'not {protocol}://. Use a gs:// bucket or a shared disk as the workdir'
    )
  relative = Path(path).resolve().relative_to(Path(_MIRROR.local).resolve()).as_posix()
  return f'{_MIRROR.url.rstrip("/")}/{relative}'


def publish(path: str | Path, name: str) -> None:
  """Every process's copy of the workdir directory `path` becomes the same: what this process wrote there
  goes up, then (after a barrier named `name`) what the others wrote, or Orbax wrote to the bucket,
  comes down. Only a barrier on a shared or local workdir; nothing at all on one process."""
  if count() == 1 and _MIRROR is None:
    return
  prefix = None
  if _MIRROR is not None:
    prefix = Path(path).resolve().relative_to(Path(_MIRROR.local).resolve()).as_posix()
  exchange(name, push=prefix, pull=prefix)
