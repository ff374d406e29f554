"""Learning-rate schedule and the AdamW optimizer of an IFT run.

The schedule's horizon never depends on `steps` (the stopping point): it is
`decay_steps` if set, else `epochs` passes over the kept data; with
`epochs = 0` (a run sized by `steps` alone) the rate stays constant after
warmup. So stopping at step 3 and rerunning with steps=6 applies exactly the
learning rates of an uninterrupted 6-step run, and a larger `steps` continues
the same schedule.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import optax


@dataclasses.dataclass(frozen=True)
class Schedule:
  """Linear warmup then cosine decay; `lr(count)` is the rate of update number count + 1.

  Attributes:
    peak_lr: the rate reached at the end of warmup.
    warmup_steps: updates of linear warmup (update k, 1-based, uses peak_lr * k / warmup_steps).
    decay_steps: total horizon in updates (warmup included) or None for a constant rate after warmup.
    min_lr_ratio: the final rate as a fraction of peak_lr.
  """

  peak_lr: float
  warmup_steps: int
  decay_steps: int | None
  min_lr_ratio: float = 0.0

  def __post_init__(self):
    if self.peak_lr < 0 or self.warmup_steps < 0:
      raise ValueError(f'schedule: lr={self.peak_lr} and warmup_steps={self.warmup_steps} must be >= 0')
    if not 0.0 <= self.min_lr_ratio <= 1.0:
      raise ValueError(f'schedule: min_lr_ratio={self.min_lr_ratio} must be in [0, 1]')

  def __call__(self, count):
    count = jnp.asarray(count, jnp.float32)
    warm = self.peak_lr * (count + 1) / max(self.warmup_steps, 1)
    if self.decay_steps is None:
      after = jnp.full_like(count, self.peak_lr)
    else:
      span = max(self.decay_steps - self.warmup_steps, 1)
      frac = jnp.clip((count - self.warmup_steps) / span, 0.0, 1.0)
      cosine = 0.5 * (1.0 + jnp.cos(math.pi * frac))
      after = self.peak_lr * (self.min_lr_ratio + (1.0 - self.min_lr_ratio) * cosine)
    return jnp.where(count < self.warmup_steps, warm, after)

  def at_step(self, step: int) -> float:
    """The learning rate applied at optimizer step `step` (1-based), as a Python float."""
    return float(self(step - 1))


def make_schedule(ift, *, steps_per_epoch: float) -> Schedule:
  """The schedule of config section `ift` (lr, warmup_steps, warmup_ratio, decay_steps, epochs, min_lr_ratio).

  Args:
    ift: the `config.ift`-style section.
    steps_per_epoch: optimizer steps per pass over the kept data (global batch rows per step).
  """
  decay = int(ift.get('decay_steps', 0) or 0)
  if decay <= 0 and ift.epochs > 0:
    decay = max(1, math.floor(ift.epochs * steps_per_epoch))
  decay_steps = decay if decay > 0 else None
  if ift.warmup_steps > 0:
    warmup = int(ift.warmup_steps)
  elif decay_steps is not None:
    warmup = int(round(ift.warmup_ratio * decay_steps))
  else:
    warmup = 0
  return Schedule(
    peak_lr=float(ift.lr), warmup_steps=warmup, decay_steps=decay_steps, min_lr_ratio=float(ift.min_lr_ratio)
  )


def _decay_mask(params):
  # Weight decay on matrices only: norms and biases are not decayed.
  return jax.tree.map(lambda p: p.ndim >= 2, params)


def make_optimizer(ift, schedule: Schedule, *, clip: bool = True) -> optax.GradientTransformation:
  """AdamW (b1, b2, weight_decay from `ift`) after global-norm clipping at `ift.clip_norm` (0 = off).
  `clip`=False leaves the clipping to the step (bite_jax.train.invariant clips from its exact norm)."""
  parts = []
  if clip and ift.clip_norm and ift.clip_norm > 0:
    parts.append(optax.clip_by_global_norm(float(ift.clip_norm)))
  parts.append(
    optax.adamw(
      schedule, b1=float(ift.b1), b2=float(ift.b2), eps=1e-8, weight_decay=float(ift.weight_decay), mask=_decay_mask
    )
  )
  return optax.chain(*parts)
