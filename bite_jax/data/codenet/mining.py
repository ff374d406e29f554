"""Editor pairs and tree roots mined from a Project CodeNet directory (the `data` stage).

The choices, each as the field makes it:
- Programs: Accepted submissions of C, C++, Go, Java and Python (CodeNet's `language`), Python only
  when `original_language` names Python 3 or PyPy3 (the executor runs Python 3). CRLF line ends are
  made LF; files that are missing, empty or not UTF-8 are dropped (metadata.py counts each reason).
- Length: a program longer than `max_tokens` tokens is dropped. Tokens are counted with the base
  model's tokenizer when one is given, else estimated as ceil(characters / 3): byte-level BPE
  tokenizers trained on code (Qwen2's, StarCoder2's) average more characters per token than that, so
  the estimate errs on the side of dropping.
- Duplicates: within a problem and language, a program whose text equals one kept before, exactly or
  after collapsing white space, is dropped (in metadata order: the earlier submission stays).
  Duplicates across problems are left: memory then stays bounded by the largest problem.
- Pairs (PIE's recipe): within one problem and language; first each user's slowest and fastest
  accepted versions (one user's trajectory), then, among the programs no user pair took, the k-th
  slowest with the k-th fastest across users. A pair needs judged cpu_time(slow) >= min_speedup *
  cpu_time(fast), and programs judged at 0 ms (below the judge's resolution: no ratio) are in no pair
  (they may be roots). Every program is in at most one pair.
- Roots: programs of a problem that no pair candidate uses, in an order fixed by the seed; a root
  needs tests (metadata.problem_tests: CodeNet's derived input/output, else the statement's samples),
  and, when a verifier is given, must pass them in the executor (else counted as roots_fails_own_tests; prepare.py).
- Spread: each problem offers at most ceil(SPREAD * limit / problems) pairs (and roots) per language,
  and the kept ones are taken round-robin over the problems in an order shuffled by the seed: first
  one from every problem, then a second, and so on, until pairs_per_language (roots_per_language).
- Determinism: the same directory, config and seed give the same files.
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from bite_jax.data.codenet.metadata import Stats, Submission, problem_files, problem_tests, read_program, submissions

SPREAD = 4  # a problem offers at most SPREAD times its fair share of a language's pairs (roots)
PROGRESS_EVERY_S = 5.0


def estimated_tokens(text: str) -> int:
  """A conservative token count of a program: ceil(characters / 3)."""
  return -(-len(text) // 3)


class PairCandidate(NamedTuple):
  slow: Submission
  fast: Submission
  same_user: bool

  @property
  def speedup(self) -> float:
    return self.slow.cpu_time / self.fast.cpu_time


def _digest(text: str) -> bytes:
  return hashlib.blake2b(text.encode('utf-8'), digest_size=12).digest()


def kept_programs(root: Path, csv_path: Path, stats: Stats, *, max_tokens: int, count_tokens, languages=None):
  """{language: [Submission]}: the programs of one problem a pair or a root may use, in metadata order."""
  out = defaultdict(list)
  exact, spaced = defaultdict(set), defaultdict(set)
  for sub in submissions(root, csv_path, stats):
    lang = sub.language
    if languages is not None and lang not in languages:
      stats.drop(lang, 'language_not_selected')
      continue
    text = read_program(sub.path, lang, stats)
    if text is None:
      continue
    if count_tokens(text) > max_tokens:
      stats.drop(lang, 'too_long')
      continue
    key, flat = _digest(text), _digest(' '.join(text.split()))
    if key in exact[lang]:
      stats.drop(lang, 'duplicate_exact')
      continue
    if flat in spaced[lang]:
      stats.drop(lang, 'duplicate_whitespace')
      continue
    exact[lang].add(key)
    spaced[lang].add(flat)
    stats.kept[lang] += 1
    out[lang].append(sub)
  return out


def problem_pairs(subs: list[Submission], min_speedup: float) -> list[PairCandidate]:
  """One problem's pair candidates in one language, preferred first: same-user pairs by speedup, then
  cross-user pairs by speedup (see the module docstring)."""

  def ok(slow, fast):
    return slow.cpu_time >= min_speedup * fast.cpu_time

  timed = [s for s in subs if s.cpu_time > 0]  # 0 ms: below the judge's resolution, no ratio (roots only)
  by_user = defaultdict(list)
  for s in timed:
    by_user[s.user_id].append(s)
  own, used = [], set()
  for user in sorted(by_user):
    items = sorted(by_user[user], key=lambda s: (s.cpu_time, s.submission_id))
    if len(items) >= 2 and ok(items[-1], items[0]):
      own.append(PairCandidate(items[-1], items[0], True))
      used.update((items[-1].submission_id, items[0].submission_id))
  rest = sorted((s for s in timed if s.submission_id not in used), key=lambda s: (s.cpu_time, s.submission_id))
  across = []
  for k in range(len(rest) // 2):
    slow, fast = rest[-1 - k], rest[k]
    if not ok(slow, fast):
      break  # the k-th pair has the largest ratio left
    across.append(PairCandidate(slow, fast, False))

  def order(p):
    return (-p.speedup, p.slow.submission_id)

  return sorted(own, key=order) + sorted(across, key=order)


def _seeded(seed: int, key: str) -> bytes:
  return hashlib.blake2b(f'{seed}:{key}'.encode(), digest_size=8).digest()


def round_robin(offers: dict[str, list], order: list[str]) -> Iterable:
  """The items of every problem's list, one per problem per round, problems in `order`."""
  depth = 0
  while True:
    took = False
    for pid in order:
      items = offers.get(pid, ())
      if depth < len(items):
        took = True
        yield items[depth]
    if not took:
      return
    depth += 1


class Mined(NamedTuple):
  """What `mine` found: pair and root candidates per language in the order they are to be taken (the
  round-robin over problems; longer than the quota, so candidates failing a check can be replaced),
  and the counts."""

  pairs: dict[str, list[PairCandidate]]
  roots: dict[str, list[Submission]]
  stats: Stats
  pair_stats: dict  # {language: {'roots_no_tests': n}}


def _cap(limit: int, problems: int) -> int:
  return max(1, math.ceil(SPREAD * limit / max(problems, 1)))


def progress(message: str) -> None:
  """The data stage's progress line, on stderr."""
  print(f'[bite] data: {message}', file=sys.stderr, flush=True)


def mine(
  root,
  *,
  pairs_per_language: int,
  roots_per_language: int,
  min_speedup: float,
  seed: int,
  max_tokens: int,
  count_tokens: Callable[[str], int] = estimated_tokens,
  languages=None,
  progress: Callable[[str], None] = progress,
) -> Mined:
  """Streams ROOT's metadata one problem at a time and returns the pairs and root candidates.

  Memory holds one problem's rows and at most ceil(SPREAD * limit / problems) candidates per problem
  and language, never the whole metadata; the caller takes the first `limit` of each list that pass. `progress` gets a line every PROGRESS_EVERY_S seconds.
  """
  root = Path(root)
  files = problem_files(root)
  order = sorted((p.stem for p in files), key=lambda pid: _seeded(seed, pid))
  pair_cap, root_cap = _cap(pairs_per_language, len(files)), _cap(roots_per_language, len(files))
  stats = Stats()
  pair_offers = defaultdict(dict)  # language -> problem -> [PairCandidate]
  root_offers = defaultdict(dict)  # language -> problem -> [Submission]
  extra = defaultdict(lambda: defaultdict(int))
  started = last = time.time()
  for done, csv_path in enumerate(files, 1):
    pid = csv_path.stem
    programs = kept_programs(
      root, csv_path, stats, max_tokens=max_tokens, count_tokens=count_tokens, languages=languages
    )
    has_tests = bool(programs) and problem_tests(root, pid) is not None
    for lang, subs in programs.items():
      pairs = problem_pairs(subs, min_speedup)[:pair_cap]
      if pairs:
        pair_offers[lang][pid] = pairs
      in_pair = {s.submission_id for p in pairs for s in (p.slow, p.fast)}
      free = sorted((s for s in subs if s.submission_id not in in_pair), key=lambda s: _seeded(seed, s.submission_id))
      if not has_tests:
        extra[lang]['roots_no_tests'] += len(free)
      elif free:
        root_offers[lang][pid] = free[:root_cap]
    now = time.time()
    if now - last >= PROGRESS_EVERY_S:
      rows = sum(stats.read.values())
      progress(f'{done}/{len(files)} problems, {rows} rows, {rows / (now - started):.0f} rows/s')
      last = now
  pairs_out, roots_out = {}, {}
  for lang in sorted(set(pair_offers) | set(root_offers)):
    pairs_out[lang] = list(round_robin(pair_offers[lang], order))
    roots_out[lang] = list(round_robin(root_offers[lang], order))
  for where, why in stats.bad_files:
    progress(f'{where}: skipped: {why}')
  return Mined(pairs_out, roots_out, stats, {lang: dict(v) for lang, v in extra.items()})
