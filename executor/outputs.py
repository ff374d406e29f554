"""Output equivalence as PIE judges it: whitespace-separated tokens, numbers with a tolerance."""

from __future__ import annotations

import math
import re

_INT = re.compile(r'[+-]?\d+\Z')
_FLOAT = re.compile(r'[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?\Z')


def tokens(text: str | bytes) -> list[str]:
  """Whitespace-separated tokens of a program output (bytes are decoded as UTF-8)."""
  if isinstance(text, (bytes, bytearray)):
    text = bytes(text).decode('utf-8', errors='replace')
  return text.split()


def tokens_equal(a: str, b: str, *, rel_tol: float, abs_tol: float, exact: bool = False) -> bool:
  """Two tokens are equal if identical, or (unless exact) if both are numbers that agree:
  integers exactly, and when either has a fraction or exponent, within
  max(abs_tol, rel_tol * max(|a|, |b|))."""
  if a == b:
    return True
  if exact or not (_FLOAT.match(a) and _FLOAT.match(b)):
    return False
  if _INT.match(a) and _INT.match(b):
    return int(a) == int(b)
  x, y = float(a), float(b)
  if math.isinf(x) or math.isinf(y):
    return x == y
  return abs(x - y) <= max(abs_tol, rel_tol * max(abs(x), abs(y)))


def outputs_equal(
  a: str | bytes, b: str | bytes, *, rel_tol: float = 1e-6, abs_tol: float = 1e-6, exact: bool = False
) -> bool:
  """True if outputs a and b have the same tokens (see tokens_equal).

  exact=True compares tokens as strings (whitespace layout still ignored)."""
  if rel_tol < 0 or abs_tol < 0:
    raise ValueError(f'outputs_equal: tolerances must be >= 0, got rel_tol={rel_tol}, abs_tol={abs_tol}')
  ta, tb = tokens(a), tokens(b)
  if len(ta) != len(tb):
    return False
  return all(tokens_equal(x, y, rel_tol=rel_tol, abs_tol=abs_tol, exact=exact) for x, y in zip(ta, tb))


def first_difference(
  a: str | bytes, b: str | bytes, *, rel_tol: float = 1e-6, abs_tol: float = 1e-6, exact: bool = False
) -> dict | None:
  """Where two outputs first differ: {"token": index, "expected": .., "got": ..}, or None."""
  ta, tb = tokens(a), tokens(b)
  for i, (x, y) in enumerate(zip(ta, tb)):
    if not tokens_equal(x, y, rel_tol=rel_tol, abs_tol=abs_tol, exact=exact):
      return {'token': i, 'expected': x[:80], 'got': y[:80]}
  if len(ta) != len(tb):
    n = min(len(ta), len(tb))
    return {
      'token': n,
      'expected': ta[n][:80] if n < len(ta) else '<end>',
      'got': tb[n][:80] if n < len(tb) else '<end>',
    }
  return None
