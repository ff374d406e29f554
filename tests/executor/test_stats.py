"""Robust statistics used by the meters."""

import math
import random

import pytest

from executor import stats


@pytest.mark.parametrize(
  'p,df,expected',
  [(0.975, 10, 2.228139), (0.995, 5, 4.032143), (0.995, 1, 63.656741), (0.995, 30, 2.749996), (0.9, 3, 1.637744)],
)
def test_t_quantiles_match_tables(p, df, expected):
  assert stats.t_ppf(p, df) == pytest.approx(expected, abs=1e-5)


def test_t_quantile_is_antisymmetric():
  assert stats.t_ppf(0.025, 7) == pytest.approx(-stats.t_ppf(0.975, 7))


def test_trimmed_mean_drops_extremes():
  assert stats.trimmed_mean([1, 2, 3, 4, 100], 0.2) == pytest.approx(3.0)


def test_yuen_interval_of_constant_values_collapses():
  assert stats.yuen_interval([0.5] * 6) == (0.5, 0.5, 0.5)


def test_yuen_interval_contains_the_true_mean_for_noisy_samples():
  rng = random.Random(0)
  hits = 0
  for _ in range(200):
    xs = [rng.gauss(0.2, 0.1) for _ in range(12)]
    _, lo, hi = stats.yuen_interval(xs, 0.95)
    hits += lo <= 0.2 <= hi
  assert 0.90 <= hits / 200 <= 0.99


def test_one_outlier_does_not_move_the_lower_bound_up():
  xs = [0.0, 0.01, -0.01, 0.02, -0.02, 0.0, 0.01, 5.0]
  est, lo, hi = stats.yuen_interval(xs, 0.99)
  assert lo < math.log(1.1) and est < 0.1


def test_median_interval_uses_order_statistics():
  med, lo, hi = stats.median_interval(list(range(20)), 0.95)
  assert (med, lo, hi) == (9.5, 5.0, 14.0)


def test_empty_input_is_an_error():
  with pytest.raises(ValueError):
    stats.yuen_interval([])
