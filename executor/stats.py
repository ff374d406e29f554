"""Robust statistics for timing: trimmed means with Yuen's t interval, medians.

Pure functions on lists of floats; no numpy so the executor stays light.
"""

from __future__ import annotations

import math


def _betacf(a: float, b: float, x: float) -> float:
  """Continued fraction of the regularized incomplete beta function (modified Lentz)."""
  tiny = 1e-300
  qab, qap, qam = a + b, a + 1.0, a - 1.0
  c, d = 1.0, 1.0 - qab * x / qap
  d = 1.0 / (d if abs(d) > tiny else tiny)
  h = d
  for m in range(1, 400):
    m2 = 2 * m
    aa = m * (b - m) * x / ((qam + m2) * (a + m2))
    d = 1.0 + aa * d
    d = 1.0 / (d if abs(d) > tiny else tiny)
    c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
    h *= d * c
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
    d = 1.0 + aa * d
    d = 1.0 / (d if abs(d) > tiny else tiny)
    c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
    delta = d * c
    h *= delta
    if abs(delta - 1.0) < 1e-14:
      break
  return h


def betainc(a: float, b: float, x: float) -> float:
  """Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
  if x <= 0.0:
    return 0.0
  if x >= 1.0:
    return 1.0
  lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
  front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
  if x < (a + 1.0) / (a + b + 2.0):
    return front * _betacf(a, b, x) / a
  return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
  """CDF of Student's t distribution with df degrees of freedom."""
  tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
  return 1.0 - tail if t >= 0 else tail


def t_ppf(p: float, df: float) -> float:
  """Quantile of Student's t (bisection on t_cdf; |error| < 1e-10)."""
  if not 0.0 < p < 1.0:
    raise ValueError(f't_ppf: p must be in (0, 1), got {p}')
  if p < 0.5:
    return -t_ppf(1.0 - p, df)
  lo, hi = 0.0, 1.0
  while t_cdf(hi, df) < p:
    hi *= 2.0
  for _ in range(200):
    mid = 0.5 * (lo + hi)
    if t_cdf(mid, df) < p:
      lo = mid
    else:
      hi = mid
    if hi - lo < 1e-10:
      break
  return 0.5 * (lo + hi)


def median(values) -> float:
  """Median of a non-empty sequence."""
  xs = sorted(values)
  if not xs:
    raise ValueError('median of an empty sequence')
  n = len(xs)
  return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def trimmed_mean(values, trim: float = 0.2) -> float:
  """Mean after dropping floor(trim * n) values at each end."""
  xs = sorted(values)
  g = int(math.floor(trim * len(xs)))
  kept = xs[g : len(xs) - g]
  if not kept:
    raise ValueError('trimmed_mean of an empty sequence')
  return sum(kept) / len(kept)


def yuen_interval(values, confidence: float = 0.99, trim: float = 0.2) -> tuple[float, float, float]:
  """Trimmed mean and Yuen's two-sided confidence interval for it.

  Returns (estimate, low, high).  With fewer than 3 values, or when every value
  is the same, the interval collapses to the range of the values.
  """
  xs = sorted(float(v) for v in values)
  n = len(xs)
  if n == 0:
    raise ValueError('yuen_interval of an empty sequence')
  g = int(math.floor(trim * n))
  h = n - 2 * g
  est = sum(xs[g : n - g]) / h
  if n < 3 or h < 2 or xs[0] == xs[-1]:
    return est, xs[0], xs[-1]
  wins = [min(max(x, xs[g]), xs[n - g - 1]) for x in xs]
  wmean = sum(wins) / n
  wvar = sum((w - wmean) ** 2 for w in wins) / (n - 1)
  se = math.sqrt((n - 1) * wvar / (h * (h - 1)))
  half = t_ppf(0.5 + confidence / 2.0, h - 1) * se
  return est, est - half, est + half


def median_interval(values, confidence: float = 0.95) -> tuple[float, float, float]:
  """Median and a distribution-free order-statistic interval for it (binomial ranks)."""
  xs = sorted(float(v) for v in values)
  n = len(xs)
  if n == 0:
    raise ValueError('median_interval of an empty sequence')
  alpha = 1.0 - confidence
  k, cum = 0, 0.0
  # largest k with P(Bin(n, 1/2) <= k - 1) <= alpha / 2 gives the interval [x_(k), x_(n-k+1)]
  for j in range(n + 1):
    cum += math.comb(n, j) / 2.0**n
    if cum > alpha / 2.0:
      k = j
      break
  lo = xs[max(k - 1, 0)] if k > 0 else xs[0]
  hi = xs[min(n - k, n - 1)] if k > 0 else xs[-1]
  return median(xs), lo, hi
