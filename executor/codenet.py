"""Sample tests from CodeNet problem statements (problem_descriptions/pXXXXX.html).

Statements put each sample in a <pre> block after a heading such as
"Sample Input 1" / "Sample Output 1" (AtCoder), "Sample Input" /
"Output for the Sample Input" (Aizu) or the Japanese 入力例 1 / 出力例 1,
サンプル入力1 / サンプル出力1.  English headings win when a page has both.
"""

from __future__ import annotations

import html
import re
import tarfile
from pathlib import Path

_HEADING = re.compile(r'<h([1-6])[^>]*>(.*?)</h\1\s*>', re.I | re.S)
_PRE = re.compile(r'<pre[^>]*>(.*?)</pre\s*>', re.I | re.S)
_TAG = re.compile(r'<[^>]+>')
_NUMBER = re.compile(r'(\d+)')

_KINDS = (  # (family, kind, pattern on the heading text)
  (
    'en',
    'out',
    re.compile(r'output\s+for\s+(the\s+)?sample(\s+input)?|sample\s+output|output\s+example|example\s+output', re.I),
  ),
  ('en', 'in', re.compile(r'sample\s+input|input\s+example|example\s+input', re.I)),
  ('ja', 'out', re.compile(r'出力例|サンプル出力')),
  ('ja', 'in', re.compile(r'入力例|サンプル入力')),
)


def _text(fragment: str) -> str:
  return html.unescape(_TAG.sub('', fragment))


def _clean_pre(fragment: str) -> str:
  text = _text(fragment).replace('\r\n', '\n')
  text = text.lstrip('\n')
  return text if text.endswith('\n') or not text else text + '\n'


def parse_samples(page: str) -> list[tuple[str, str]]:
  """(input, output) pairs of one statement page, in order; [] if it has none."""
  heads = list(_HEADING.finditer(page))
  found = {'en': {'in': [], 'out': []}, 'ja': {'in': [], 'out': []}}
  for i, head in enumerate(heads):
    title = _text(head.group(2)).strip()
    kind = next(((fam, k) for fam, k, pat in _KINDS if pat.search(title)), None)
    if kind is None:
      continue
    end = heads[i + 1].start() if i + 1 < len(heads) else len(page)
    pre = _PRE.search(page, head.end(), end)
    if pre is None:
      continue
    number = _NUMBER.search(title)
    found[kind[0]][kind[1]].append((int(number.group(1)) if number else None, _clean_pre(pre.group(1))))
  for family in ('en', 'ja'):
    ins, outs = found[family]['in'], found[family]['out']
    if not ins or not outs:
      continue
    by_number_out = {n: text for n, text in outs if n is not None}
    pairs = []
    for idx, (n, text) in enumerate(ins):
      if n is not None and n in by_number_out:
        pairs.append((text, by_number_out[n]))
      elif idx < len(outs):
        pairs.append((text, outs[idx][1]))
    seen, unique = set(), []
    for pair in pairs:
      if pair not in seen:
        seen.add(pair)
        unique.append(pair)
    if unique:
      return unique
  return []


def _member_name(problem_id: str) -> str:
  if not re.fullmatch(r'p\d{5}', problem_id):
    raise ValueError(f'problem_id must look like p01234, got {problem_id!r}')
  return f'problem_descriptions/{problem_id}.html'


def sample_io(problem_id: str, tar_path: str | Path) -> list[tuple[str, str]]:
  """(input, output) sample pairs of one CodeNet problem from the descriptions tarball
  (or a directory holding problem_descriptions/); [] if the statement has no samples."""
  return sample_io_many([problem_id], tar_path).get(problem_id, [])


def sample_io_many(problem_ids, tar_path: str | Path) -> dict[str, list[tuple[str, str]]]:
  """Sample pairs of many problems in one pass over the tarball: {problem_id: pairs}.
  Problems without a statement are left out; ones without samples map to []."""
  wanted = {_member_name(p): p for p in problem_ids}
  path = Path(tar_path)
  out = {}
  if path.is_dir():
    base = path / 'problem_descriptions' if (path / 'problem_descriptions').is_dir() else path
    for member, pid in wanted.items():
      page = base / Path(member).name
      if page.exists():
        out[pid] = parse_samples(page.read_text(encoding='utf-8', errors='replace'))
    return out
  if not path.exists():
    raise FileNotFoundError(f'CodeNet descriptions not found: {path}')
  with tarfile.open(path) as tar:
    for member in tar:
      key = member.name.lstrip('./')
      if key in wanted and member.isfile():
        page = tar.extractfile(member).read().decode('utf-8', errors='replace')
        out[wanted[key]] = parse_samples(page)
        if len(out) == len(wanted):
          break
  return out
