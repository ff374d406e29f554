"""The five languages: judge-style compile and run commands, toolchain discovery.

Commands are argv templates run inside the sandbox with the working directory
/box.  Placeholders: {src} source file name, {cls} Java main class,
{heap_mb} Java heap in MiB, {python} the base Python interpreter (python_interpreter()).
A compiled program is visible read-only at /prog when it runs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

LANGUAGE_NAMES = ('c', 'cpp', 'go', 'java', 'python')
ALIASES = {'c++': 'cpp', 'cxx': 'cpp', 'py': 'python', 'python3': 'python', 'golang': 'go'}


@dataclasses.dataclass(frozen=True)
class Language:
  """One language: how to compile, what to keep, how to run."""

  name: str
  source_name: str
  compile: tuple[str, ...]
  run: tuple[str, ...]
  keep: tuple[str, ...]
  env: dict = dataclasses.field(default_factory=dict)
  compile_env: dict = dataclasses.field(default_factory=dict)
  version_cmds: tuple[tuple[str, ...], ...] = ()
  # valgrind instruction counts are repeatable (single-threaded runtime, no JIT)
  exact_instructions: bool = True
  empty_program: str = ''


def python_interpreter() -> tuple[str, tuple[str, ...]]:
  """The interpreter Python programs run and the host dirs it needs.

  The base interpreter behind any virtualenv (symlinked or --copies), resolved to its real file,
  so programs get the plain interpreter and its standard library wherever this package is
  installed; sys.prefix is not used because a `python -S` worker in a venv reports the base's.
  """
  base = getattr(sys, '_base_executable', None) or sys.executable
  exe = os.path.realpath(base)
  dirs = {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)}
  if not os.access(exe, os.X_OK):  # no usable base: run this interpreter, with its venv dir for pyvenv.cfg
    exe = os.path.realpath(sys.executable)
    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    for venv in (bin_dir, os.path.dirname(bin_dir)):
      if os.path.isfile(os.path.join(venv, 'pyvenv.cfg')):
        dirs.add(os.path.realpath(venv))
  if not any(exe.startswith(d + '/') for d in dirs):
    dirs.add(os.path.dirname(exe))
  stdlib = os.path.dirname(os.__file__)
  for name in os.listdir(stdlib):  # files kept elsewhere, e.g. Debian's sitecustomize.py -> /etc/python3.X/
    target = os.path.realpath(os.path.join(stdlib, name))
    if os.path.islink(os.path.join(stdlib, name)) and os.path.exists(target):
      if not any(target.startswith(d + '/') for d in dirs):
        dirs.add(os.path.dirname(target))
  return exe, tuple(sorted(d for d in dirs if _outside_usr(d)))


def python_site_dirs() -> list[str]:
  """Site-packages dirs of the base interpreter (the one programs run), not of a virtualenv."""
  return site.getsitepackages([sys.base_prefix, sys.base_exec_prefix])


def python_code_hooks(site_dirs=None) -> list[str]:
  """`.pth` files in the programs' interpreter's site dirs that run code at every start (lines
  starting with "import": editable-install finders, certificate or setuptools hooks)."""
  dirs = set(python_site_dirs() if site_dirs is None else site_dirs)
  hooks = []
  for d in sorted(p for p in dirs if p and os.path.isdir(p)):
    for name in sorted(os.listdir(d)):
      if not name.endswith('.pth'):
        continue
      path = os.path.join(d, name)
      try:
        with open(path, encoding='utf-8', errors='replace') as f:
          if any(line.startswith(('import ', 'import\t')) for line in f):
            hooks.append(path)
      except OSError:
        pass
  return hooks


def default_languages() -> dict[str, Language]:
  """The language table with judge-style flags (see executor/README.md)."""
  return {
    'c': Language(
      name='c',
      source_name='main.c',
      compile=('gcc', '-O2', '-std=gnu17', '-pipe', '{src}', '-o', 'main', '-lm'),
      run=('/prog/main',),
      keep=('main',),
      version_cmds=(('gcc', '--version'),),
      empty_program='int main(void) { return 0; }\n',
    ),
    'cpp': Language(
      name='cpp',
      source_name='main.cpp',
      compile=('g++', '-O2', '-std=gnu++17', '-pipe', '{src}', '-o', 'main'),
      run=('/prog/main',),
      keep=('main',),
      version_cmds=(('g++', '--version'),),
      empty_program='int main() { return 0; }\n',
    ),
    'go': Language(
      name='go',
      source_name='main.go',
      compile=('go', 'build', '-o', 'main', '{src}'),
      run=('/prog/main',),
      keep=('main',),
      env={'GOMAXPROCS': '1', 'GOGC': '100'},
      compile_env={
        'GO111MODULE': 'off',
        'CGO_ENABLED': '0',
        'GOFLAGS': '',
        'GOCACHE': '/tmp/gocache',
        'GOPATH': '/tmp/gopath',
        'GOTOOLCHAIN': 'local',
        'GOTELEMETRY': 'off',
        'GOMAXPROCS': '2',
      },
      version_cmds=(('go', 'version'),),
      exact_instructions=False,
      empty_program='package main\n\nfunc main() {}\n',
    ),
    'java': Language(
      name='java',
      source_name='{cls}.java',
      compile=(
        'javac',
        '-J-XX:+UseSerialGC',
        '-J-XX:TieredStopAtLevel=1',
        '-J-Xshare:auto',
        '-J-XX:-UsePerfData',
        '-J-Xmx1g',
        '-encoding',
        'UTF-8',
        '{src}',
      ),
      # JVM log lines go to stderr so stdout is the program's alone
      run=(
        'java',
        '-XX:+UseSerialGC',
        '-XX:ActiveProcessorCount=1',
        '-Xshare:auto',
        '-XX:-UsePerfData',
        '-Xlog:disable',
        '-Xlog:all=warning:stderr',
        '-Xss64m',
        '-Xmx{heap_mb}m',
        '-cp',
        '/prog',
        '{cls}',
      ),
      keep=('*.class',),
      version_cmds=(('javac', '-version'), ('java', '-version')),
      exact_instructions=False,
      empty_program='public class Main { public static void main(String[] a) { } }\n',
    ),
    'python': Language(
      name='python',
      source_name='main.py',
      compile=(),
      run=('{python}', '/prog/main.py'),
      keep=('main.py',),
      env={'PYTHONHASHSEED': '0', 'PYTHONDONTWRITEBYTECODE': '1'},
      version_cmds=(),
      empty_program='',
    ),
  }


def canonical_language(name: str) -> str:
  """Normalise a language name (c, cpp, go, java, python and common aliases)."""
  key = str(name).strip().lower()
  key = ALIASES.get(key, key)
  if key not in LANGUAGE_NAMES:
    raise ValueError(f'unknown language {name!r}; expected one of {", ".join(LANGUAGE_NAMES)}')
  return key


def resolve_languages(overrides: dict) -> dict[str, Language]:
  """The default table with per-language overrides of compile/run/env applied."""
  table = default_languages()
  for lang, fields in (overrides or {}).items():
    lang = canonical_language(lang)
    unknown = set(fields) - {'compile', 'run', 'env', 'compile_env', 'keep'}
    if unknown:
      raise ValueError(f'language_overrides[{lang!r}]: unknown fields {sorted(unknown)}')
    patch = {k: (tuple(v) if k in ('compile', 'run', 'keep') else dict(v)) for k, v in fields.items()}
    table[lang] = dataclasses.replace(table[lang], **patch)
  return table


_COMMENT = re.compile(r'//[^\n]*|/\*.*?\*/', re.S)
_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')
_CLASS = re.compile(
  r'\b((?:public|final|abstract|static|strictfp)\s+)*(class|enum|interface|record)\s+([A-Za-z_$][\w$]*)'
)
_MAIN = re.compile(r'\bstatic\s+(?:final\s+)?(?:public\s+)?void\s+main\s*\(|\bpublic\s+static\s+void\s+main\s*\(')


def java_main_class(source: str) -> str:
  """Name of the class holding main: the public top-level class if any, else the
  class whose body contains `static void main(`, else "Main"."""
  text = _STRING.sub('""', _COMMENT.sub(' ', source))
  classes = [(m.start(), m.group(3), 'public' in (m.group(0).split(m.group(2))[0])) for m in _CLASS.finditer(text)]
  publics = [name for _, name, is_public in classes if is_public]
  mains = [m.start() for m in _MAIN.finditer(text)]
  if len(publics) == 1:
    return publics[0]
  candidates = publics or [name for _, name, _ in classes]
  for pos in mains:
    owner = [name for start, name, _ in classes if start < pos and name in candidates]
    if owner:
      return owner[-1]
  return candidates[0] if candidates else 'Main'


@dataclasses.dataclass(frozen=True)
class Toolchain:
  """Absolute tool paths, the host directories they need, and a version string."""

  tools: dict
  ro_dirs: tuple[str, ...]
  version: str
  masked: tuple[str, ...] = ()  # host files shown empty in the sandbox


def _which(tool: str) -> str | None:
  found = shutil.which(tool, path=os.environ.get('PATH', '') + ':/usr/bin:/bin')
  return os.path.realpath(found) if found else None


def _outside_usr(path: str) -> bool:
  return not (path.startswith('/usr/') or path == '/usr')


def _java_extra_dirs(java: str) -> list[str]:
  """Host dirs that java's conf/ symlinks point at (Debian: /etc/java-17-openjdk)."""
  home = Path(java).parent.parent
  extra = set()
  for root, _dirs, files in os.walk(home / 'conf'):
    for name in files:
      path = Path(root) / name
      if path.is_symlink():
        target = os.path.realpath(path)
        top = Path(target).parts[:3]
        extra.add(str(Path(*top)) if len(top) == 3 else target)
  return sorted(p for p in extra if _outside_usr(p))


def _version_of(cmd: tuple[str, ...], exe: str, memo_path: Path | None) -> str:
  """First line of `cmd --version`-style output, memoised on disk by the tool's path, size and mtime."""
  st = os.stat(exe)
  memo_key = f'{" ".join(cmd)}|{exe}|{st.st_size}|{st.st_mtime_ns}'
  memo = {}
  if memo_path is not None:
    try:
      memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
      memo = {}
    if memo_key in memo:
      return memo[memo_key]
  proc = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, timeout=60)
  text = (proc.stdout + proc.stderr).strip()
  version = text.splitlines()[0] if text else cmd[0]
  if memo_path is not None:
    memo[memo_key] = version
    tmp = memo_path.with_suffix(f'.tmp{os.getpid()}-{os.urandom(4).hex()}')
    tmp.write_text(json.dumps(memo, sort_keys=True))
    os.replace(tmp, memo_path)
  return version


def discover_toolchain(lang: Language, memo_path: Path | None = None) -> Toolchain:
  """Find the tools a language needs on this host; raise with the missing tool named.
  memo_path: JSON file remembering tool versions between processes."""
  tools, ro_dirs, versions, masked = {}, set(), [], []
  names = {a for a in lang.compile[:1] + lang.run[:1] if not a.startswith('/') and a != '{python}'}
  for name in sorted(names):
    path = _which(name)
    if path is None:
      raise FileNotFoundError(f'{lang.name}: tool {name!r} not found on PATH')
    tools[name] = path
    if _outside_usr(path):
      ro_dirs.add(str(Path(path).parent.parent))
    if name == 'java':
      ro_dirs.update(_java_extra_dirs(path))
  if '{python}' in lang.run:
    exe, dirs = python_interpreter()
    tools['{python}'] = exe
    ro_dirs.update(dirs)
    versions.append(f'python {sys.version} {exe}')
    masked = python_code_hooks()
  for cmd in lang.version_cmds:
    exe = tools.get(cmd[0]) or _which(cmd[0])
    if exe is None:
      raise FileNotFoundError(f'{lang.name}: tool {cmd[0]!r} not found on PATH')
    versions.append(_version_of(cmd, exe, memo_path))
  return Toolchain(tools=tools, ro_dirs=tuple(sorted(ro_dirs)), version=' | '.join(versions), masked=tuple(masked))
