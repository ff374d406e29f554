"""The mini benchmark's problem catalogue: reads and checks problems/<id>/problem.json,
loads each problem's program variants and runs its seeded input generator."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import math
from pathlib import Path

from bite_jax.data.records import LANGUAGES, SOURCE_EXTENSIONS, normalize_language

PROBLEMS_DIR = Path(__file__).resolve().parent / 'problems'
SPLITS = ('train', 'test')
VARIANTS = ('src', 'expert', 'slow', 'mid')
OPTIONAL_VARIANTS = ('slow', 'mid')  # each in all five languages or in none
PATTERNS = (
  'closed_form',
  'algorithm',
  'memoisation',
  'buffered_io',
  'data_structure',
  'string_building',
  'recomputation',
)
_REQUIRED = ('problem_id', 'title', 'statement', 'pattern', 'split', 'seeds', 'scale')


class MiniFormatError(ValueError):
  """A problem directory that does not follow the layout; the message names the file and field."""


@dataclasses.dataclass(frozen=True)
class Problem:
  """One problem of the benchmark, as described by its problem.json.

  seeds: generator seeds, one test input per seed. scale: per-language size knob passed to
  gen.py's generate(seed, scale) (its meaning is documented in each gen.py).
  """

  problem_id: str
  title: str
  statement: str
  pattern: str
  split: str
  seeds: tuple[int, ...]
  scale: dict
  dir: Path

  def has(self, variant: str) -> bool:
    """Whether the problem has variant ('src', 'expert', 'slow' or 'mid'); src and expert always exist."""
    if variant not in VARIANTS:
      raise ValueError(f'unknown variant {variant!r}; expected one of {", ".join(VARIANTS)}')
    return variant not in OPTIONAL_VARIANTS or (self.dir / f'{variant}.{SOURCE_EXTENSIONS["python"]}').is_file()

  @property
  def has_slow(self) -> bool:
    """Whether there is a slow program (costlier than src)."""
    return self.has('slow')

  @property
  def has_mid(self) -> bool:
    """Whether there is a mid program (between src and expert in cost: src -> mid -> expert)."""
    return self.has('mid')

  def source(self, variant: str, language: str) -> str | None:
    """Text of variant ('src', 'expert', 'slow' or 'mid') in language; None for an absent slow or mid variant."""
    if variant not in VARIANTS:
      raise ValueError(f'unknown variant {variant!r}; expected one of {", ".join(VARIANTS)}')
    path = self.dir / f'{variant}.{SOURCE_EXTENSIONS[normalize_language(language)]}'
    if not path.is_file():
      if variant in OPTIONAL_VARIANTS:
        return None
      raise MiniFormatError(f'{path}: missing {variant} program')
    return path.read_text(encoding='utf-8')

  def inputs(self, language: str) -> tuple[str, ...]:
    """The test inputs (stdin texts) for language: generate(seed, scale[language]) for each seed."""
    language = normalize_language(language)
    return _generated_inputs(str(self.dir / 'gen.py'), self.seeds, float(self.scale[language]))


def problems_dir() -> Path:
  """The directory holding one sub-directory per problem."""
  return PROBLEMS_DIR


def _field_error(path: Path, key: str, why: str) -> MiniFormatError:
  return MiniFormatError(f'{path}: field {key!r} {why}')


def read_problem(directory: Path) -> Problem:
  """Parses and checks directory/problem.json and the presence of every program file.

  Raises:
    MiniFormatError: naming the file and the field or program that is wrong.
  """
  directory = Path(directory)
  path = directory / 'problem.json'
  try:
    meta = json.loads(path.read_text(encoding='utf-8'))
  except FileNotFoundError as e:
    raise MiniFormatError(f'{path}: missing problem.json') from e
  except json.JSONDecodeError as e:
    raise MiniFormatError(f'{path}:{e.lineno}: not valid JSON ({e.msg})') from e
  if not isinstance(meta, dict):
    raise MiniFormatError(f'{path}: expected a JSON object')
  for key in _REQUIRED:
    if key not in meta:
      raise _field_error(path, key, 'is missing')
  for key in ('problem_id', 'title', 'statement', 'pattern', 'split'):
    if not isinstance(meta[key], str) or not meta[key].strip():
      raise _field_error(path, key, 'must be a non-empty string')
  if meta['problem_id'] != directory.name:
    raise _field_error(path, 'problem_id', f'is {meta["problem_id"]!r} but the directory is {directory.name!r}')
  if meta['split'] not in SPLITS:
    raise _field_error(path, 'split', f'must be one of {", ".join(SPLITS)}, got {meta["split"]!r}')
  if meta['pattern'] not in PATTERNS:
    raise _field_error(path, 'pattern', f'must be one of {", ".join(PATTERNS)}, got {meta["pattern"]!r}')
  seeds = meta['seeds']
  if not isinstance(seeds, list) or not seeds or not all(type(s) is int for s in seeds):
    raise _field_error(path, 'seeds', 'must be a non-empty list of integers')
  if len(set(seeds)) != len(seeds):
    raise _field_error(path, 'seeds', 'must not repeat a seed')
  scale = meta['scale']
  if not isinstance(scale, dict) or set(scale) != set(LANGUAGES):
    raise _field_error(path, 'scale', f'must map exactly the languages {", ".join(LANGUAGES)} to numbers')
  for lang, value in scale.items():
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
      raise _field_error(path, f'scale.{lang}', f'must be a positive number, got {value!r}')
  if not (directory / 'gen.py').is_file():
    raise MiniFormatError(f'{directory / "gen.py"}: missing input generator')
  for variant in OPTIONAL_VARIANTS:
    present = [lang for lang in LANGUAGES if (directory / f'{variant}.{SOURCE_EXTENSIONS[lang]}').is_file()]
    if present and len(present) != len(LANGUAGES):
      missing = [directory / f'{variant}.{SOURCE_EXTENSIONS[lang]}' for lang in LANGUAGES if lang not in present]
      raise MiniFormatError(
        f'{missing[0]}: missing {variant} program: the {variant} variant is present for {", ".join(present)} '
        f'but missing for {", ".join(lang for lang in LANGUAGES if lang not in present)} '
        '(give it in every language or in none)'
      )
  for variant in ('src', 'expert'):
    for lang in LANGUAGES:
      program = directory / f'{variant}.{SOURCE_EXTENSIONS[lang]}'
      if not program.is_file():
        raise MiniFormatError(f'{program}: missing {variant} program')
  return Problem(
    problem_id=meta['problem_id'],
    title=meta['title'],
    statement=meta['statement'],
    pattern=meta['pattern'],
    split=meta['split'],
    seeds=tuple(seeds),
    scale=dict(scale),
    dir=directory,
  )


def load_problems(split: str | None = None, problems=None) -> list[Problem]:
  """All problems (sorted by id), optionally only one split and/or the named problem ids.

  Raises:
    ValueError: unknown split or unknown problem id.
    MiniFormatError: a problem directory is malformed.
  """
  if split is not None and split not in SPLITS:
    raise ValueError(f'unknown split {split!r}; expected one of {", ".join(SPLITS)} or None')
  dirs = sorted(d for d in PROBLEMS_DIR.iterdir() if d.is_dir() and not d.name.startswith(('.', '_')))
  if problems is not None:
    wanted = [problems] if isinstance(problems, str) else list(problems)
    known = {d.name for d in dirs}
    unknown = [p for p in wanted if p not in known]
    if unknown:
      raise ValueError(f'unknown mini problem(s): {", ".join(unknown)}; known: {", ".join(sorted(known))}')
    dirs = [d for d in dirs if d.name in set(wanted)]
  found = [read_problem(d) for d in dirs]
  return [p for p in found if split is None or p.split == split]


@functools.lru_cache(maxsize=None)
def load_generator(path: str):
  """The `generate(seed, scale)` function of a problem's gen.py (loaded once per path)."""
  spec = importlib.util.spec_from_file_location(f'_mini_gen_{Path(path).parent.name}', path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  generate = getattr(module, 'generate', None)
  if not callable(generate):
    raise MiniFormatError(f'{path}: defines no generate(seed, scale) function')
  return generate


@functools.lru_cache(maxsize=256)
def _generated_inputs(path: str, seeds: tuple[int, ...], scale: float) -> tuple[str, ...]:
  generate = load_generator(path)
  out = []
  for seed in seeds:
    text = generate(seed, scale)
    if not isinstance(text, str) or not text.endswith('\n'):
      raise MiniFormatError(f'{path}: generate({seed}, {scale:g}) must return text ending in a newline')
    out.append(text)
  return tuple(out)
