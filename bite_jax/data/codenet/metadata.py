"""Streaming Project CodeNet's metadata and reading its programs, counting every row dropped and why.

Layout read (ROOT is a Project CodeNet directory):
  ROOT/metadata/problem_list.csv   id, name, dataset, time_limit, memory_limit, rating, tags, complexity
  ROOT/metadata/pNNNNN.csv         submission_id, problem_id, user_id, date, language, original_language,
                                   filename_ext, status, cpu_time (ms), memory, code_size, accuracy
  ROOT/data/pNNNNN/<language>/<submission_id>.<filename_ext>
  ROOT/derived/input_output/data/pNNNNN/{input.txt,output.txt}   (optional: one test)
  ROOT/problem_descriptions/pNNNNN.html                          (optional: the statement and its samples)

`submissions` reads one problem's CSV row by row (never the whole metadata in memory) and yields the
rows a miner can use; `read_program` turns one into text. Both add to a `Stats`, keyed by our language
('other' for CodeNet languages the executor does not run), so every row read is either kept or dropped
with one of the reasons in DROP_REASONS.
"""

from __future__ import annotations

import collections
import csv
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from bite_jax.data.records import normalize_language
from executor.codenet import parse_samples

COLUMNS = (
  'submission_id',
  'problem_id',
  'user_id',
  'language',
  'original_language',
  'filename_ext',
  'status',
  'cpu_time',
)
PROBLEM_CSV = re.compile(r'p\d+\.csv')
PYTHON2 = re.compile(r'python\s*\(?\s*2|pypy\s*\(?\s*2|python2|pypy2', re.I)
PYTHON3 = re.compile(r'python\s*\(?\s*3|pypy\s*\(?\s*3|python3|pypy3', re.I)
BOM = b'\xef\xbb\xbf'
_UNSAFE = re.compile(r'[/\\\x00]|^\.\.?$')
OTHER = 'other'  # the stats key of rows in languages the executor does not run
# Why a metadata row is not used; the order is the order of the checks.
DROP_REASONS = (
  'bad_row',  # a field of COLUMNS is missing or empty, or names a path outside the layout
  'unknown_language',  # not C, C++, Go, Java or Python
  'not_accepted',  # status other than Accepted
  'python2',  # original_language says Python 2 / PyPy2
  'python_version_unknown',  # a Python row whose original_language names no version 3
  'bad_cpu_time',  # cpu_time is not a number >= 0
  'missing_file',  # the row's source file does not exist
  'language_not_selected',  # a language config.data.languages leaves out (mining.kept_programs)
  'not_utf8',  # the file does not decode as UTF-8
  'empty_file',  # nothing but white space
  'too_long',  # more tokens (estimated or counted) than the training sequence length
  'duplicate_exact',  # the same text as a program kept before in this problem and language
  'duplicate_whitespace',  # the same once runs of white space are collapsed
)


class Stats:
  """Counts per language: rows `read`, programs `kept`, `dropped` by reason, `normalised` by what was done."""

  def __init__(self):
    self.read = collections.Counter()
    self.kept = collections.Counter()
    self.dropped = collections.defaultdict(collections.Counter)
    self.normalised = collections.defaultdict(collections.Counter)
    self.files = collections.Counter()  # metadata files: read, and dropped by reason
    self.bad_files = []  # (file, why), for the log

  def drop(self, language: str, reason: str, n: int = 1) -> None:
    self.dropped[language][reason] += n

  def to_dict(self) -> dict:
    languages = sorted(set(self.read) | set(self.kept) | set(self.dropped))
    return {
      'metadata_files': dict(self.files),
      'languages': {
        lang: {
          'read': self.read[lang],
          'kept': self.kept[lang],
          'dropped': dict(sorted(self.dropped[lang].items())),
          'normalised': dict(sorted(self.normalised[lang].items())),
        }
        for lang in languages
      },
    }


class Submission(NamedTuple):
  """One usable metadata row. cpu_time: the judge's, in ms. line: its line in the problem's CSV."""

  submission_id: str
  problem_id: str
  user_id: str
  language: str  # our key (records.LANGUAGES)
  cpu_time: float
  path: Path
  line: int


def problem_files(root: Path) -> list[Path]:
  """ROOT/metadata/pNNNNN.csv, sorted (problem_list.csv and other names are not problems).

  Raises FileNotFoundError when ROOT/metadata is missing: ROOT is not a CodeNet directory.
  """
  metadata = Path(root) / 'metadata'
  if not metadata.is_dir():
    raise FileNotFoundError(f'{metadata}: not a Project CodeNet directory (needs metadata/pNNNNN.csv)')
  return sorted(p for p in metadata.iterdir() if PROBLEM_CSV.fullmatch(p.name))


def source_path(root: Path, problem_id: str, codenet_language: str, submission_id: str, ext: str) -> Path:
  """Where CodeNet keeps a submission's source file."""
  return Path(root) / 'data' / problem_id / codenet_language / f'{submission_id}.{ext}'


def _language(row: dict) -> str:
  try:
    return normalize_language(row.get('language') or '')
  except ValueError:
    return OTHER


def _check(row: dict, lang: str) -> str | None:
  """Why a row is dropped before its file is looked at, or None."""
  if any(not row.get(c) for c in COLUMNS):
    return 'bad_row'
  if any(_UNSAFE.search(row[c]) for c in ('submission_id', 'problem_id', 'language', 'filename_ext')):
    return 'bad_row'  # a field that would lead the source path out of ROOT/data/<problem>/<language>/
  if lang == OTHER:
    return 'unknown_language'
  if row['status'] != 'Accepted':
    return 'not_accepted'
  if lang == 'python':
    if PYTHON2.search(row['original_language']):
      return 'python2'
    if not PYTHON3.search(row['original_language']):
      return 'python_version_unknown'
  try:
    cpu = float(row['cpu_time'])
  except ValueError:
    return 'bad_cpu_time'
  if not cpu >= 0:  # also NaN
    return 'bad_cpu_time'
  return None


def submissions(root: Path, csv_path: Path, stats: Stats, *, check_files: bool = True) -> Iterator[Submission]:
  """The usable rows of one problem's metadata CSV, streamed; every other row is counted in `stats`.

  A file whose header lacks a column of COLUMNS, or that the csv module cannot parse, is counted in
  `stats.files` (its rows read so far stay counted) and ends early; it never raises. `check_files=False`
  skips the existence check of the source file (the metadata benchmark).
  """
  stats.files['read'] += 1
  languages = {}  # CodeNet language name -> our key, looked up once per file
  with csv_path.open(encoding='utf-8-sig', errors='replace', newline='') as f:  # -sig: a leading BOM is no header
    reader = csv.reader(f)
    try:
      header = next(reader, None) or []
      missing = [c for c in COLUMNS if c not in header]
      if missing:
        stats.files['bad_header'] += 1
        stats.bad_files.append((str(csv_path), f'missing column(s) {", ".join(missing)}'))
        return
      index = [header.index(c) for c in COLUMNS]
      pick, width = operator.itemgetter(*index), max(index) + 1
      for fields in reader:
        if not fields:
          continue  # a blank line
        if len(fields) < width:
          fields += [''] * (width - len(fields))
        row = dict(zip(COLUMNS, pick(fields)))
        name = row['language']
        lang = languages.get(name) or languages.setdefault(name, _language(row))
        stats.read[lang] += 1
        why = _check(row, lang)
        if why is None and row['problem_id'] != csv_path.stem:
          why = 'bad_row'
        if why is None:
          path = source_path(root, row['problem_id'], name, row['submission_id'], row['filename_ext'])
          if check_files and not path.is_file():
            why = 'missing_file'
        if why is not None:
          stats.drop(lang, why)
          continue
        yield Submission(
          row['submission_id'], row['problem_id'], row['user_id'], lang, float(row['cpu_time']), path, reader.line_num
        )
    except csv.Error as e:  # e.g. a field over csv's size limit: the rest of the file is skipped
      stats.files['unparsable'] += 1
      stats.bad_files.append((f'{csv_path}:{reader.line_num}', str(e)))  # the last line read: the bad one


def program_text(data: bytes) -> str:
  """A source file's bytes as text: a UTF-8 byte-order mark removed, CRLF and CR line ends made LF.
  Raises UnicodeDecodeError when the bytes are not UTF-8."""
  return data.removeprefix(BOM).decode('utf-8').replace('\r\n', '\n').replace('\r', '\n')


def read_program(path: Path, language: str, stats: Stats) -> str | None:
  """A program's text (program_text; a BOM or CR line ends removed are counted as normalised), or
  None when it is not UTF-8 or is empty (counted as dropped)."""
  try:
    data = path.read_bytes()
  except OSError:
    stats.drop(language, 'missing_file')
    return None
  try:
    text = program_text(data)
  except UnicodeDecodeError:
    stats.drop(language, 'not_utf8')
    return None
  if data.startswith(BOM):
    stats.normalised[language]['utf8_bom'] += 1
  if b'\r' in data:
    stats.normalised[language]['crlf'] += 1
  if not text.strip():
    stats.drop(language, 'empty_file')
    return None
  return text


def _text(path: Path) -> str:
  return path.read_text(encoding='utf-8', errors='replace').replace('\r\n', '\n')


def problem_tests(root: Path, problem_id: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
  """(inputs, outputs, where from) of a problem: CodeNet's derived input/output when present, else the
  statement's sample blocks (executor.codenet.parse_samples); None when it has neither."""
  io_dir = Path(root) / 'derived' / 'input_output' / 'data' / problem_id
  if (io_dir / 'input.txt').is_file() and (io_dir / 'output.txt').is_file():
    return (_text(io_dir / 'input.txt'),), (_text(io_dir / 'output.txt'),), 'derived'
  page = Path(root) / 'problem_descriptions' / f'{problem_id}.html'
  if page.is_file():
    samples = parse_samples(page.read_text(encoding='utf-8', errors='replace'))
    if samples:
      return tuple(i for i, _ in samples), tuple(o for _, o in samples), 'statement'
  return None
