"""Executor: compile (cached), run in the sandbox, apply a meter.  One per process or worker."""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
import shutil
import threading
import time
from pathlib import Path

from executor import stats
from executor.cache import CompileCache, cache_key
from executor.config import ExecutorConfig, Limits
from executor.languages import (
  Language,
  Toolchain,
  canonical_language,
  discover_toolchain,
  java_main_class,
  resolve_languages,
)
from executor.meters import Meter, MeterSupport, resolve_meter
from executor.mounts import rewrite
from executor.results import ProcessResult
from executor.sandbox import Sandbox, program_env

_STATUS_ORDER = ('timeout', 'memory_limit', 'output_limit', 'runtime_error')


@dataclasses.dataclass
class Program:
  """A compiled (or, for Python, staged) program ready to run."""

  lang: str
  status: str  # ok | compile_error
  message: str
  dir: Path
  key: str
  cached: bool
  seconds: float
  main_class: str | None = None

  def compile_dict(self) -> dict:
    return {
      'status': self.status,
      'message': self.message,
      'cached': self.cached,
      'seconds': round(self.seconds, 4),
      'key': self.key[:16],
    }


@dataclasses.dataclass
class Run:
  """One run of a program on one input under a meter."""

  result: ProcessResult
  instructions: int | None
  meter: Meter

  @property
  def status(self) -> str:
    return self.result.status

  def cost(self) -> float | None:
    """CPU seconds (cpu meter) or instructions (instructions meter)."""
    return float(self.instructions) if self.meter.name == 'instructions' else self.result.cpu_time

  def as_dict(self, limits: Limits, name) -> dict:
    out = {'input': name}
    out.update(self.result.as_dict(limits))
    out['instructions'] = self.instructions
    return out


def overall_status(statuses) -> str:
  """ok if every run is ok, else the first failure in input order."""
  for status in statuses:
    if status != 'ok':
      return status
  return 'ok'


class Executor:
  """Compiles, runs and meters programs in this process.  Thread-safe for compile;
  runs are serialised per executor (one sandbox uid, one state dir)."""

  def __init__(self, config: ExecutorConfig | None = None):
    self.config = config or ExecutorConfig()
    self.languages: dict[str, Language] = resolve_languages(self.config.language_overrides)
    self.cache = CompileCache(self.config.cache_dir)
    self._support: MeterSupport | None = None
    self._probed: list[MeterSupport] = []  # the meter probe (perf) runs while the sandbox starts
    self._probe = threading.Thread(target=lambda: self._probed.append(MeterSupport.probe()), daemon=True)
    self._probe.start()
    self.sandbox = Sandbox(self.config)
    self._toolchains: dict[str, Toolchain] = {}
    self._startup: dict = {}
    self._run_lock = threading.Lock()

  # ----- setup -----
  def toolchain(self, lang: str) -> Toolchain:
    """Tools of a language on this host (found once); their dirs become visible in the sandbox."""
    if lang not in self._toolchains:
      tc = discover_toolchain(self.languages[lang], self.config.cache_dir / 'toolchains.json')
      for d in tc.ro_dirs:
        self.sandbox.add_ro_dir(d)
      for f in tc.masked:
        self.sandbox.add_mask(f)
      self._toolchains[lang] = tc
    return self._toolchains[lang]

  @property
  def support(self) -> MeterSupport:
    if self._support is None:
      self._probe.join()
      self._support = self._probed[0] if self._probed else MeterSupport.probe()
    return self._support

  def meter(self, requested: str | None, lang: str) -> Meter:
    """Resolve a meter request (None/auto, cpu, instructions) for a language."""
    lang = canonical_language(lang)
    return resolve_meter(requested, lang, self.support, self.languages[lang].exact_instructions)

  def _argv(self, template, lang: str, program_class: str | None, source_name: str, heap_mb: int) -> list[str]:
    tc = self.toolchain(lang)
    out = []
    for i, arg in enumerate(template):
      if i == 0 and arg in tc.tools:
        out.append(tc.tools[arg])
        continue
      out.append(
        arg.replace('{src}', source_name)
        .replace('{cls}', program_class or 'Main')
        .replace('{heap_mb}', str(heap_mb))
        .replace('{python}', tc.tools.get('{python}', ''))
      )
    return out

  # ----- compile -----
  def compile(self, lang: str, source: str) -> Program:
    """Compile source once per (language, toolchain, flags, source); cached on disk."""
    lang = canonical_language(lang)
    if not isinstance(source, str):
      raise TypeError(f'source must be str, got {type(source).__name__}')
    spec, tc = self.languages[lang], self.toolchain(lang)
    main_class = java_main_class(source) if lang == 'java' else None
    source_name = spec.source_name.replace('{cls}', main_class or 'Main')
    key = cache_key('program-v1', lang, tc.version, spec.compile, spec.compile_env, spec.keep, source_name, source)
    started = time.monotonic()

    def build(tmp: Path) -> dict:
      (tmp / source_name).write_text(source, encoding='utf-8')
      if not spec.compile:
        return {'status': 'ok', 'message': '', 'main_class': main_class}
      if os.geteuid() == 0:
        os.chown(tmp, self.sandbox.uid.uid, self.sandbox.uid.gid)
      argv = self._argv(spec.compile, lang, main_class, source_name, 0)
      with self._run_lock:
        res = self.sandbox.execute(
          argv, limits=self.config.compile_limits, env=spec.compile_env, rw_dir=tmp, rlimit_as=False
        )
      for entry in os.listdir(tmp):
        if not any(fnmatch.fnmatch(entry, pat) for pat in spec.keep) or res.status != 'ok':
          path = tmp / entry
          if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
          else:
            path.unlink(missing_ok=True)
      if res.status == 'ok':
        return {'status': 'ok', 'message': res.stderr_tail[-2000:], 'main_class': main_class}
      message = res.stderr_tail[-4000:]
      if res.status != 'runtime_error':
        message = f'compiler {res.status}: {res.detail}\n{message}'
      return {
        'status': 'compile_error',
        'message': message.strip(),
        'main_class': main_class,
        'cacheable': res.status == 'runtime_error',
      }  # limit hits depend on limits and load

    entry, meta, cached = self.cache.get_or_build(key, build)
    if meta['status'] != 'ok':
      self.cache.discard(entry)  # an uncached failure has nothing left to run
    return Program(
      lang=lang,
      status=meta['status'],
      message=meta.get('message', ''),
      dir=entry,
      key=key,
      cached=cached,
      seconds=time.monotonic() - started,
      main_class=meta.get('main_class'),
    )

  # ----- run -----
  def execute(self, program: Program, stdin, *, limits: Limits, meter: Meter) -> Run:
    """Run a compiled program once on stdin (str, bytes or None) under limits and a meter."""
    if program.status != 'ok':
      raise ValueError(f'cannot run a program whose compile status is {program.status}')
    lang = program.lang
    spec = self.languages[lang]
    run_limits = limits
    if lang == 'java':
      run_limits = dataclasses.replace(limits, memory_mb=limits.memory_mb + self.config.java_overhead_mb)
    argv = self._argv(spec.run, lang, program.main_class, spec.source_name, limits.memory_mb)
    if meter.backend == 'valgrind':
      run_limits = run_limits.scaled(self.config.valgrind_slowdown, self.config.valgrind_memory_mb)
    argv = meter.wrap(argv)
    data = stdin.encode('utf-8') if isinstance(stdin, str) else stdin
    rlimit_as = lang in ('c', 'cpp', 'python') and meter.backend == 'rusage'
    with self._run_lock:
      res = self.sandbox.execute(
        argv,
        limits=run_limits,
        env=spec.env,
        prog_dir=program.dir,
        stdin=data,
        rlimit_as=rlimit_as,
        allow_perf=meter.backend == 'perf',
      )
    count = meter.instructions(res.stderr_tail)
    if meter.backend != 'rusage':
      res.stderr_tail = meter.clean_stderr(res.stderr_tail)
      if count is None and res.status == 'ok':
        res.status, res.detail = 'runtime_error', f'{meter.backend} reported no instruction count'
    return Run(res, count, meter)

  def host_command(self, program: Program, workdir: Path, limits: Limits | None = None) -> tuple[list[str], dict]:
    """argv and environment that run a compiled program bare, on the sandbox's terms (the same interpreter,
    flags and environment, /prog, /box and /tmp moved to host paths); wrap argv in sandbox.host_view() to
    mask the same start-up hooks.  For baselines that measure what the sandbox costs."""
    spec = self.languages[program.lang]
    heap_mb = (limits or Limits()).memory_mb
    argv = self._argv(spec.run, program.lang, program.main_class, spec.source_name, heap_mb)
    rewrites = {'/prog': str(program.dir), '/box': str(workdir), '/tmp': str(workdir)}
    host_dirs = self.toolchain(program.lang).ro_dirs
    env = {k: rewrite(v, rewrites, host_dirs) for k, v in program_env(spec.env).items()}
    return [rewrite(a, rewrites, host_dirs) for a in argv], env

  def run(
    self,
    lang: str,
    source: str,
    inputs=(),
    *,
    limits: Limits | None = None,
    meter: str | None = None,
    repeats: int = 1,
    input_names=None,
  ) -> dict:
    """Compile and run source on each input (repeats times each); the CLI `run` JSON shape."""
    lang = canonical_language(lang)
    limits = limits or Limits()
    if repeats < 1:
      raise ValueError(f'repeats must be >= 1, got {repeats}')
    inputs = list(inputs)
    names = list(input_names) if input_names is not None else list(range(len(inputs)))
    m = self.meter(meter, lang)
    program = self.compile(lang, source)
    out = {
      'status': program.status,
      'language': lang,
      'compile': program.compile_dict(),
      'runs': [],
      **m.as_dict(),
      'isolation': self.sandbox.isolation(),
    }
    if program.status != 'ok':
      return out
    for name, data in list(zip(names, inputs)) or [(None, None)]:
      runs = [self.execute(program, data, limits=limits, meter=m) for _ in range(repeats)]
      record = runs[0].as_dict(limits, name)
      record['status'] = overall_status(r.status for r in runs)
      if repeats > 1:
        record['cpu_times'] = [round(r.result.cpu_time, 6) for r in runs]
        record['cpu_time'] = round(stats.median(r.result.cpu_time for r in runs), 6)
        counts = [r.instructions for r in runs if r.instructions is not None]
        record['instructions'] = int(stats.median(counts)) if counts else None
        record['wall_time'] = round(stats.median(r.result.wall_time for r in runs), 6)
      out['runs'].append(record)
    out['status'] = overall_status(r['status'] for r in out['runs'])
    return out

  # ----- startup cost -----
  def startup_cost(self, lang: str, meter: Meter, limits: Limits) -> float:
    """Cost of the language's empty program under a meter (interpreter/VM/loader startup).
    Exact meters: measured once and kept on disk; cpu: minimum of 5 runs, kept per executor."""
    lang = canonical_language(lang)
    spec, tc = self.languages[lang], self.toolchain(lang)
    key = cache_key('startup-v1', lang, tc.version, meter.backend, spec.run, spec.env, spec.compile)
    if key in self._startup:
      return self._startup[key]
    path = self.config.cache_dir / 'startup.json'
    if meter.exact:
      try:
        known = json.loads(path.read_text())
      except (OSError, ValueError):
        known = {}
      if key in known:
        self._startup[key] = float(known[key])
        return self._startup[key]
    program = self.compile(lang, spec.empty_program)
    runs = [self.execute(program, None, limits=limits, meter=meter) for _ in range(1 if meter.exact else 5)]
    costs = [r.cost() for r in runs if r.status == 'ok' and r.cost() is not None]
    value = min(costs) if costs else 0.0
    self._startup[key] = value
    if meter.exact and costs:
      try:
        known = json.loads(path.read_text())
      except (OSError, ValueError):
        known = {}
      known[key] = value
      tmp = path.with_suffix(f'.tmp{os.getpid()}-{os.urandom(4).hex()}')
      tmp.write_text(json.dumps(known))
      os.replace(tmp, path)
    return value

  def close(self) -> None:
    """Release the sandbox (uid, cgroups, state dir)."""
    self.sandbox.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()
