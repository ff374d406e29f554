"""Warmup + cosine schedule whose horizon never depends on `steps`, and the AdamW chain."""

import jax.numpy as jnp
import ml_collections
import numpy as np
import optax
import pytest

from bite_jax import config as bite_config
from bite_jax.train.optim import Schedule, make_optimizer, make_schedule


def _ift(**overrides) -> ml_collections.ConfigDict:
  ift = bite_config.ift_defaults()
  for key, value in overrides.items():
    ift[key] = value
  return ift


def test_warmup_is_linear_from_the_first_step():
  schedule = Schedule(peak_lr=1.0, warmup_steps=4, decay_steps=None)
  assert [schedule.at_step(s) for s in range(1, 7)] == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0, 1.0])


def test_cosine_decays_from_peak_towards_min_over_the_horizon():
  schedule = Schedule(peak_lr=2.0, warmup_steps=0, decay_steps=10, min_lr_ratio=0.1)
  rates = [schedule.at_step(s) for s in range(1, 12)]
  assert rates[0] == pytest.approx(2.0)
  assert rates[5] == pytest.approx(0.2 + 1.8 * 0.5 * (1 + np.cos(np.pi * 0.5)))
  assert all(a >= b for a, b in zip(rates, rates[1:]))
  assert rates[-1] == pytest.approx(0.2)


def test_horizon_comes_from_epochs_not_from_steps():
  short = make_schedule(_ift(steps=3, epochs=2, lr=1e-3, warmup_steps=2), steps_per_epoch=50)
  long = make_schedule(_ift(steps=6, epochs=2, lr=1e-3, warmup_steps=2), steps_per_epoch=50)
  assert short == long
  assert short.decay_steps == 100


def test_runs_sized_by_steps_alone_keep_a_constant_rate_after_warmup():
  schedule = make_schedule(_ift(steps=60, epochs=0, lr=3e-3, warmup_steps=5), steps_per_epoch=10)
  assert schedule.decay_steps is None
  assert schedule.at_step(5) == pytest.approx(3e-3)
  assert schedule.at_step(60) == pytest.approx(3e-3)


def test_explicit_decay_steps_wins_and_warmup_ratio_applies_to_it():
  schedule = make_schedule(_ift(epochs=2, decay_steps=200, warmup_steps=0, warmup_ratio=0.05), steps_per_epoch=10)
  assert (schedule.decay_steps, schedule.warmup_steps) == (200, 10)


def test_paper_defaults_are_lr_1e5_over_two_epochs():
  ift = bite_config.ift_defaults()
  assert (ift.lr, ift.epochs) == (1e-5, 2)


def test_optimizer_clips_the_global_norm_before_adam():
  ift = _ift(lr=0.1, clip_norm=1.0, weight_decay=0.0)
  tx = make_optimizer(ift, Schedule(peak_lr=0.1, warmup_steps=0, decay_steps=None))
  params = {'w': jnp.zeros((3, 2)), 'b': jnp.zeros((2,))}
  grads = {'w': jnp.full((3, 2), 100.0), 'b': jnp.full((2,), 100.0)}
  state = tx.init(params)
  updates, _ = tx.update(grads, state, params)
  # Adam's first update is -lr * sign(g) whatever the scale; clipping must not change that.
  np.testing.assert_allclose(updates['w'], -0.1, rtol=1e-4)
  clipped, _ = optax.clip_by_global_norm(1.0).update(grads, optax.clip_by_global_norm(1.0).init(params))
  assert float(optax.tree.norm(clipped)) == pytest.approx(1.0, rel=1e-5)


def test_weight_decay_spares_vectors():
  ift = _ift(lr=0.1, clip_norm=0.0, weight_decay=0.5)
  tx = make_optimizer(ift, Schedule(peak_lr=0.1, warmup_steps=0, decay_steps=None))
  params = {'w': jnp.ones((2, 2)), 'b': jnp.ones((2,))}
  zero = {'w': jnp.zeros((2, 2)), 'b': jnp.zeros((2,))}
  updates, _ = tx.update(zero, tx.init(params), params)
  np.testing.assert_allclose(updates['w'], -0.1 * 0.5, rtol=1e-6)
  np.testing.assert_allclose(updates['b'], 0.0)
