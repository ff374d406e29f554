"""Line diffs for the Supersonic baseline: the model writes the change to a program, not the program.

Format (a unified diff without file headers), one or more hunks:

    @@ -START,COUNT +START,COUNT @@
     a context line (one leading space)
    -a line of the source that goes
    +a line that replaces it

START is 1-based (for an empty range, the line before it, as in `diff -u`), COUNT the number of
lines the hunk covers on that side. `make_diff` writes `context` unchanged lines around each
change (1 by default: short targets, still anchored). `apply_diff` is strict, like `patch` with
no fuzz: every context and removed line must equal the source's, at START or, when the source has
moved, at the nearest place where all of them match (an offset); hunks apply in order and may not
overlap. Anything else (text that is not a hunk, counts that disagree with the lines, a hunk that
matches nowhere) raises DiffError: the evaluation counts such a candidate as incorrect. A diff with
no hunk at all (the model proposes no change) applies and gives the source back.
"""

from __future__ import annotations

import dataclasses
import difflib
import re

_HEADER = re.compile(r'^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')


class DiffError(ValueError):
  """A diff that cannot be read or does not apply to the source; the message says where."""


@dataclasses.dataclass(frozen=True)
class Hunk:
  old_start: int  # 1-based first line of `old` in the source (the line before, when old is empty)
  old: tuple[str, ...]  # context and removed lines, in order
  new: tuple[str, ...]  # context and added lines, in order
  line: int  # the hunk's header line in the diff text (1-based), for messages


def _lines(text: str) -> list[str]:
  return text.split('\n') if text else []


def make_diff(source: str, target: str, context: int = 1) -> str:
  """The diff that turns `source` into `target` ('' when they are equal). Lines are compared
  without their newline; a trailing newline difference alone is not a change."""
  a = _lines(source.rstrip('\n'))
  b = _lines(target.rstrip('\n'))
  lines = list(difflib.unified_diff(a, b, n=context, lineterm=''))
  return '\n'.join(lines[2:])  # drop the ---/+++ file headers


def parse_diff(diff: str) -> list[Hunk]:
  """The hunks of a diff text; raises DiffError naming the first line that breaks the format."""
  lines = _lines(diff.strip('\n'))
  hunks, i = [], 0
  while i < len(lines):
    match = _HEADER.match(lines[i])
    if not match:
      raise DiffError(f'diff line {i + 1}: expected a hunk header "@@ -a,b +c,d @@", got {lines[i][:60]!r}')
    header_line = i + 1
    old_start = int(match.group(1))
    old_count = 1 if match.group(2) is None else int(match.group(2))
    new_count = 1 if match.group(4) is None else int(match.group(4))
    old, new = [], []
    i += 1
    while i < len(lines) and (len(old) < old_count or len(new) < new_count):
      line = lines[i]
      tag, body = (line[:1], line[1:]) if line else (' ', '')  # an empty line: a blank context line
      if tag == ' ':
        old.append(body)
        new.append(body)
      elif tag == '-':
        old.append(body)
      elif tag == '+':
        new.append(body)
      elif tag == '\\':  # "\ No newline at end of file"
        pass
      else:
        raise DiffError(f'diff line {i + 1}: a hunk line must start with " ", "-" or "+", got {line[:60]!r}')
      i += 1
    while i < len(lines) and lines[i].startswith('\\'):
      i += 1
    if i == len(lines) and old_count - len(old) == new_count - len(new) > 0:
      # The text ended inside the last hunk on blank context lines that lost their space (a response
      # stripped of trailing whitespace); only blank context can be missing on both sides alike.
      missing = old_count - len(old)
      old += [''] * missing
      new += [''] * missing
    if len(old) != old_count or len(new) != new_count:
      raise DiffError(
        f'diff line {header_line}: the header counts {old_count} old and {new_count} new lines, '
        f'the hunk has {len(old)} and {len(new)}'
      )
    hunks.append(Hunk(old_start=old_start, old=tuple(old), new=tuple(new), line=header_line))
  return hunks


def _find(source: list[str], hunk: Hunk, lo: int) -> int:
  """0-based index where hunk.old matches `source` at or after `lo`, nearest to its stated start."""
  want = hunk.old_start - 1 if hunk.old else hunk.old_start  # an empty range inserts after line START
  size = len(hunk.old)
  candidates = range(lo, len(source) - size + 1)
  matches = [k for k in candidates if tuple(source[k : k + size]) == hunk.old]
  if not matches:
    raise DiffError(f"diff line {hunk.line}: the hunk's old lines are not in the source (after line {lo})")
  return min(matches, key=lambda k: (abs(k - want), k))


def extract_diff(text: str) -> str:
  """The diff in a model's response: the body of a ``` fence when there is one, cut at the first
  prompt header line (`### ...:`) the model may run on into; leading blank lines dropped."""
  fence = re.search(r'^[ \t]*```[^\n]*\n(.*?)(?:^[ \t]*```|\Z)', text, re.MULTILINE | re.DOTALL)
  if fence:
    text = fence.group(1)
  header = re.search(r'^###[ \t]+\S[^\n]*:[ \t]*$', text, re.MULTILINE)
  if header:
    text = text[: header.start()]
  return text.lstrip('\n').rstrip('\n')


def apply_diff(source: str, diff: str) -> str:
  """`source` with the diff applied; raises DiffError when the diff is malformed or does not apply.
  The result ends with a newline when the source does."""
  lines = _lines(source.rstrip('\n'))
  out, at = [], 0
  for hunk in parse_diff(diff):
    k = _find(lines, hunk, at)
    out.extend(lines[at:k])
    out.extend(hunk.new)
    at = k + len(hunk.old)
  out.extend(lines[at:])
  text = '\n'.join(out)
  return text + '\n' if source.endswith('\n') and text else text
