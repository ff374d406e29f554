"""Workdirs anywhere: a local mirror of a workdir given as a URL (`gs://bucket/run`, `s3://...`, any fsspec URL).

The stages read and write a local directory: append-only JSONL files with fsync, markers made atomic by
tmp + rename, Orbax checkpoints. Object stores have neither append nor rename, so a remote workdir is
worked on through a mirror, `Workdir.local`, and copied whole-object to and from the remote:

- The mirror is `<cache>/<slug of url>-<sha of url>`, where cache is `cache_dir`, else $BITE_CACHE_DIR, else
  ~/.cache/bite_jax/workdirs. `open_workdir` pulls everything the remote holds, so a fresh host resumes a run.
- `push` uploads whole files; a PUT replaces an object atomically, so a reader of the remote sees a file's
  old or new content, never a mix. Files go up oldest local modification time first (ties in path order).
  Stages write a completion marker (`*.done`, `levels.json`, `metrics.json`, `BASE_DONE`, Orbax's
  `commit_success.txt`) after the data it certifies, so a marker never reaches the remote before its data,
  even when a push is killed midway.
- Files ending in `.tmp` and Orbax's in-progress directories (`*.orbax-checkpoint-tmp*`) never go up or down:
  their rename is the local commit, and what it produces is pushed as itself.
- A manifest, `<mirror>.sync.json` beside the mirror, records each file's local (size, mtime_ns) and the
  remote object's fingerprint (size plus generation / etag / mtime, whichever the file system reports) at
  the last push or pull. Only files that changed since go up; only objects that changed since come down.
- Append-only files (tree shards) are appended locally with fsync; `start_sync` / `syncing` re-upload the
  whole file every `every_s` seconds, so a kill loses at most the last interval on the remote. The caller
  guarantees that a rerun regenerates exactly the lost lines (tree sampling is keyed by node id). A PUT made
  while a line is being written may end in a torn line; readers of append-only files ignore a torn last line.
- pull is a three-way merge against the manifest. A remote object is copied down when it is missing
  locally or changed since the manifest's record of it; when the local file changed too, the remote wins
  (another host wrote it; the local version is logged as overwritten). A local file that changed while the
  remote did not is left for push. A local file missing from the mirror is copied down again (a damaged
  mirror is repaired, never propagated). A file recorded as synced that the remote no longer holds was
  deleted there and is deleted locally, unless it changed locally since (then push re-uploads it).
- push deletes a remote object whose local file, recorded as synced, is gone (Orbax removing an old step;
  a pull in between brings it back instead), in the reverse of upload order, so a directory loses its
  marker before its data.
- A remote Orbax step directory holding `_CHECKPOINT_METADATA` (pushed first) but no `commit_success.txt`
  (pushed last) is a push or delete cut short: pull skips it, as Orbax skips a tmp directory.
- One host pushes a given file at a time (in a multi-host run, the host that writes it); object stores
  offer no lock, and the last PUT wins.

A local path is its own workdir: `local == Path(path)`, `remote` is False, pull and push do nothing.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import fsspec
import fsspec.core

logger = logging.getLogger(__name__)

CACHE_ENV = 'BITE_CACHE_DIR'
DEFAULT_CACHE = Path('~/.cache/bite_jax/workdirs')
# The pip extra that brings each protocol's file system.
EXTRAS = {'gs': 'gcs', 'gcs': 'gcs', 's3': 's3', 's3a': 's3'}
ORBAX_TMP = '.orbax-checkpoint-tmp'
ORBAX_STEP_METADATA = '_CHECKPOINT_METADATA'
ORBAX_COMMIT = 'commit_success.txt'
# Info fields that change when an object is rewritten, most precise first (gcsfs, s3fs, local, memory).
_VERSION_FIELDS = ('generation', 'ETag', 'etag', 'md5Hash', 'mtime', 'LastModified', 'updated', 'created')
_URL = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*(://|::)')
_MANIFEST_SAVE_S = 5.0


def is_url(workdir: str | Path) -> bool:
  """Whether `workdir` is a URL (`gs://b/run`, `memory://x`, `file:///tmp/x`, `simplecache::s3://...`).

  A plain path (a Path, `runs/x`, `/tmp/x`) is not; `file://` URLs are, so a remote workdir can be tested
  on a local directory.
  """
  return isinstance(workdir, str) and bool(_URL.match(workdir))


def _slug(url: str) -> str:
  readable = re.sub(r'[^A-Za-z0-9._-]+', '-', url).strip('-.')[:60]
  return f'{readable}-{hashlib.sha256(url.encode()).hexdigest()[:10]}'


def _skipped(rel: str) -> bool:
  """Files that are never synced: `*.tmp` and anything inside an Orbax in-progress directory."""
  return rel.endswith('.tmp') or ORBAX_TMP in rel


def _under(rel: str, prefix: str) -> bool:
  return not prefix or rel == prefix or rel.startswith(prefix + '/')


def _version(value) -> str:
  if isinstance(value, datetime.datetime):
    value = value.timestamp()
  if isinstance(value, float):
    return f'{value:.6f}'
  return str(value)


def fingerprint(info: dict) -> list:
  """[size, version] of a remote object from its fsspec info; changes whenever the object is rewritten."""
  version = next((_version(info[k]) for k in _VERSION_FIELDS if info.get(k) is not None), '')
  return [int(info.get('size') or 0), version]


def _local_state(path: Path) -> list | None:
  try:
    st = path.stat()
  except FileNotFoundError:
    return None
  return [st.st_size, st.st_mtime_ns]


def upload_order(mtimes: dict[str, int]) -> list[str]:
  """Relative paths in the order push sends them: oldest `mtimes` (ns) first, ties in path order.

  An Orbax `_CHECKPOINT_METADATA` goes first of its step directory (Orbax rewrites it late, when it
  finalizes the step), so a step on the remote that lacks its newest file, `commit_success.txt`, shows
  as incomplete. Deletions go in the reverse order.
  """

  def key(rel):
    parent, _, name = rel.rpartition('/')
    if name != ORBAX_STEP_METADATA:
      return (mtimes[rel], 1, rel)
    return (min(t for r, t in mtimes.items() if _under(r, parent)), 0, rel)

  return sorted(mtimes, key=key)


def _partial_orbax_dirs(rels: list[str]) -> set[str]:
  """Directories (relative) holding Orbax step metadata but no commit file: steps whose push was cut short."""
  by_dir: dict[str, set[str]] = {}
  for rel in rels:
    parent, _, name = rel.rpartition('/')
    by_dir.setdefault(parent, set()).add(name)
  return {d for d, names in by_dir.items() if ORBAX_STEP_METADATA in names and ORBAX_COMMIT not in names}


class Workdir:
  """A workdir the stages use through `local`; for a URL, a mirror kept in step with the remote by pull/push.

  Attributes:
    url: the workdir as the user gave it (a local path or a URL).
    local: the directory the stages read and write.
    remote: False for a local path (then pull and push do nothing and local == Path(url)).
    fs: the fsspec file system of a remote workdir (None for a local one).
    root: the remote workdir's path within `fs` ('' for a local one).
    manifest_path: the sync record, beside the mirror (None for a local one).
  """

  def __init__(self, url: str, local: Path, *, fs=None, root: str = '', manifest_path: Path | None = None):
    self.url, self.local, self.fs, self.root = url, local, fs, root.rstrip('/')
    self.remote = fs is not None
    self.manifest_path = manifest_path
    self._lock = threading.RLock()
    self._syncs: dict[str, tuple[threading.Thread, threading.Event]] = {}
    self._manifest: dict[str, dict] = {}
    if manifest_path is not None and manifest_path.is_file():
      try:
        self._manifest = json.loads(manifest_path.read_text(encoding='utf-8'))['files']
      except (ValueError, KeyError, TypeError) as e:
        # Losing the record costs a full re-sync, not data: every file then counts as changed.
        logger.warning('%s: unreadable sync record (%s); resyncing every file', manifest_path, e)

  def __repr__(self) -> str:
    return f'Workdir({self.url!r}, local={str(self.local)!r})'

  def _remote_path(self, rel: str) -> str:
    return f'{self.root}/{rel}' if self.root else rel

  def _save_manifest(self) -> None:
    tmp = self.manifest_path.with_name(self.manifest_path.name + '.tmp')
    tmp.write_text(json.dumps({'url': self.url, 'files': self._manifest}, indent=0, sort_keys=True), encoding='utf-8')
    tmp.replace(self.manifest_path)

  def _list_local(self, prefix: str) -> list[str]:
    start = self.local / prefix if prefix else self.local
    if start.is_file():
      return [prefix]
    rels = []
    for dirpath, dirnames, filenames in os.walk(start):
      dirnames[:] = [d for d in dirnames if ORBAX_TMP not in d]
      base = Path(dirpath).relative_to(self.local).as_posix()
      rels += [name if base == '.' else f'{base}/{name}' for name in filenames]
    return [r for r in rels if not _skipped(r)]

  def _list_remote(self, prefix: str) -> dict[str, dict]:
    self.fs.invalidate_cache()
    top = self._remote_path(prefix) if prefix else self.root
    try:
      found = self.fs.find(top, detail=True)
    except FileNotFoundError:
      found = {}
    if not found and prefix and self.fs.isfile(top):
      found = {top: self.fs.info(top)}
    out = {}
    for path, info in found.items():
      path = path.rstrip('/')
      if info.get('type', 'file') != 'file':
        continue
      rel = prefix if path == top and prefix else path[len(self.root) + 1 :] if self.root else path.lstrip('/')
      if _under(rel, prefix) and not _skipped(rel):
        out[rel] = info
    return out

  def _upload(self, path: Path, rpath: str) -> None:
    try:
      self.fs.put_file(str(path), rpath)
    except FileNotFoundError:
      # File systems with real directories need the parent first; object stores never get here.
      self.fs.makedirs(self.fs._parent(rpath), exist_ok=True)
      self.fs.put_file(str(path), rpath)

  def push(self, prefix: str = '') -> int:
    """Uploads local files under `prefix` (relative, e.g. 'trees') changed since the last push or pull.

    In `upload_order`; a remote object whose local file was deleted after a sync is removed.
    Returns how many objects were uploaded or removed (0 for a local workdir).
    """
    if not self.remote:
      return 0
    prefix = prefix.strip('/')
    with self._lock:
      states = {rel: _local_state(self.local / rel) for rel in self._list_local(prefix)}
      changed = [rel for rel, st in states.items() if st is not None and self._manifest.get(rel, {}).get('local') != st]
      changed = upload_order({rel: states[rel][1] for rel in changed})
      gone = [rel for rel in self._manifest if _under(rel, prefix) and not (self.local / rel).exists()]
      gone = upload_order({rel: self._manifest[rel]['local'][1] for rel in gone})[::-1]
      count, last_save = 0, time.monotonic()
      try:
        for rel in changed:
          rpath = self._remote_path(rel)
          self._upload(self.local / rel, rpath)
          self._manifest[rel] = {'local': states[rel], 'remote': fingerprint(self.fs.info(rpath))}
          count += 1
          if time.monotonic() - last_save > _MANIFEST_SAVE_S:
            self._save_manifest()
            last_save = time.monotonic()
        for rel in gone:
          with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._remote_path(rel))
          del self._manifest[rel]
          count += 1
      finally:
        if count:
          self._save_manifest()
    return count

  def pull(self, prefix: str = '') -> int:
    """Copies remote objects under `prefix` that are missing locally or changed since the last sync.

    A local file recorded as synced that the remote no longer holds is deleted (see the module docstring).
    Returns how many local files were written or deleted (0 for a local workdir).
    """
    if not self.remote:
      return 0
    prefix = prefix.strip('/')
    with self._lock:
      listing = self._list_remote(prefix)
      partial = _partial_orbax_dirs(list(listing))
      count = 0
      try:
        for rel, info in sorted(listing.items()):
          if any(_under(rel, d) for d in partial):
            continue
          path, record = self.local / rel, self._manifest.get(rel)
          remote_fp, state = fingerprint(info), _local_state(self.local / rel)
          if record is not None and record['remote'] == remote_fp and state is not None:
            continue  # unchanged remotely; a local change is push's to send
          if record is not None and state is not None and record['local'] != state:
            logger.warning('%s: changed here and on %s since the last sync; taking the remote copy', path, self.url)
          path.parent.mkdir(parents=True, exist_ok=True)
          tmp = path.with_name(path.name + '.pull.tmp')
          self.fs.get_file(self._remote_path(rel), str(tmp))
          tmp.replace(path)
          self._manifest[rel] = {'local': _local_state(path), 'remote': remote_fp}
          count += 1
        for rel in [r for r in self._manifest if _under(r, prefix) and r not in listing]:
          path = self.local / rel
          if any(_under(rel, d) for d in partial):
            continue
          if _local_state(path) == self._manifest[rel]['local']:
            path.unlink()
            count += 1
          if not path.exists():
            del self._manifest[rel]
      finally:
        if count:
          self._save_manifest()
    return count

  def start_sync(self, prefix: str, every_s: float) -> None:
    """Pushes `prefix` every `every_s` seconds from a background thread until `stop_sync`.

    For long stages that append to files under `prefix`. A failed periodic push is logged and retried at
    the next interval; the final push in `stop_sync` raises.
    """
    if not self.remote:
      return
    prefix = prefix.strip('/')
    if prefix in self._syncs:
      raise RuntimeError(f'{self.url}: {prefix or "the workdir"} is already being synced')
    stop = threading.Event()

    def loop():
      while not stop.wait(every_s):
        try:
          self.push(prefix)
        except Exception as e:  # a network error must not end a stage; the final push raises
          logger.warning('%s: periodic push of %r failed (%s); retrying in %.0f s', self.url, prefix, e, every_s)

    thread = threading.Thread(target=loop, name=f'bite-sync:{prefix}', daemon=True)
    self._syncs[prefix] = (thread, stop)
    thread.start()

  def stop_sync(self, prefix: str | None = None) -> int:
    """Stops the background sync of `prefix` (of every prefix when None), then pushes each once more.

    Returns how many objects the final pushes uploaded or removed (0 for a local workdir).
    """
    if not self.remote:
      return 0
    prefixes = list(self._syncs) if prefix is None else [prefix.strip('/')]
    count = 0
    for p in prefixes:
      thread, stop = self._syncs.pop(p)
      stop.set()
      thread.join()
      count += self.push(p)
    return count

  @contextlib.contextmanager
  def syncing(self, prefix: str, every_s: float) -> Iterator[Workdir]:
    """`with workdir.syncing('trees', 60):` pushes 'trees' every minute inside the block and once at its end."""
    self.start_sync(prefix, every_s)
    try:
      yield self
    finally:
      self.stop_sync(prefix)


def _filesystem(url: str):
  protocol = url.split('::')[-1].split('://')[0] if '::' in url else url.split('://')[0]
  try:
    return fsspec.core.url_to_fs(url)
  except ImportError as e:
    extra = EXTRAS.get(protocol)
    how = f"pip install 'bite-jax[{extra}]'" if extra else f'install the package fsspec names ({e})'
    raise ImportError(f'--workdir {url}: the {protocol}:// file system is not installed: {how}') from e
  except ValueError as e:
    if 'not known' not in str(e):
      raise
    raise ValueError(
      f'--workdir {url}: fsspec knows no protocol {protocol!r} (a local path, or a URL such as gs://bucket/run '
      f"with pip install 'bite-jax[gcs]', or s3://bucket/run with pip install 'bite-jax[s3]')"
    ) from e


def cache_root(cache_dir: str | Path | None = None) -> Path:
  """Where mirrors live: `cache_dir`, else $BITE_CACHE_DIR, else ~/.cache/bite_jax/workdirs."""
  return Path(cache_dir or os.environ.get(CACHE_ENV) or DEFAULT_CACHE).expanduser()


def open_workdir(workdir: str | Path, *, cache_dir: str | Path | None = None) -> Workdir:
  """The Workdir for `workdir`: a local path as is, a URL as a mirror under the cache, pulled from the remote.

  Raises:
    ValueError: the URL's protocol is unknown to fsspec.
    ImportError: its file system package is missing; the message names the pip extra.
  """
  if not is_url(workdir):
    return Workdir(str(workdir), Path(workdir))
  url = str(workdir).rstrip('/')
  fs, root = _filesystem(url)
  mirror = cache_root(cache_dir) / _slug(url)
  mirror.mkdir(parents=True, exist_ok=True)
  wd = Workdir(url, mirror, fs=fs, root=root, manifest_path=mirror.with_name(mirror.name + '.sync.json'))
  pulled = wd.pull()
  logger.info('workdir %s: mirror %s (%d files pulled)', url, mirror, pulled)
  return wd
