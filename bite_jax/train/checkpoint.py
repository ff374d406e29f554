"""IFT checkpoints (Orbax): the resumable state of a training run.

OUT/checkpoints/<step>/ holds `params`, `opt_state`, `data` (the grain
iterator state, one JSON per process) and `meta` (JSON: the run's fingerprint).
The final directory a run ends with is bite_jax.models.trained's.
"""

from __future__ import annotations

from pathlib import Path

import grain
import jax
import orbax.checkpoint as ocp

from bite_jax import hosts
from bite_jax.train.step import release_host_memory

ITEMS = ('params', 'opt_state', 'data', 'meta')


def abstract_like(tree):
  """ShapeDtypeStructs (with shardings) of a placed pytree, the target of a sharded restore."""
  return jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=x.sharding), tree)


class CheckpointStore:
  """An Orbax CheckpointManager over OUT/checkpoints keeping the last `keep` steps."""

  def __init__(self, directory: Path, *, keep: int):
    self.directory = Path(directory)
    options = ocp.CheckpointManagerOptions(max_to_keep=max(1, keep), enable_async_checkpointing=False, create=True)
    where = hosts.orbax_dir(self.directory.absolute())  # a multi-host run on a bucket: the bucket itself
    self.manager = ocp.CheckpointManager(where, options=options, item_names=ITEMS)

  def latest_step(self) -> int:
    """The newest complete checkpoint's step, 0 when there is none."""
    return self.manager.latest_step() or 0

  def save(self, step: int, params, opt_state, iterator, meta: dict) -> None:
    """Writes step `step` (blocking) and prunes old steps.

    The host copies a save makes (parameters and optimizer state) are handed back to the OS at once,
    so they do not raise the next step's peak memory.
    """
    self.manager.save(
      step,
      args=ocp.args.Composite(
        params=ocp.args.StandardSave(params),
        opt_state=ocp.args.StandardSave(opt_state),
        data=grain.checkpoint.CheckpointSave(iterator),
        meta=ocp.args.JsonSave(meta),
      ),
      force=True,
    )
    self.manager.wait_until_finished()
    release_host_memory()

  def restore(self, step: int, params, opt_state, iterator):
    """Restores step `step` onto the shardings of `params`/`opt_state` and into `iterator`.

    Returns (params, opt_state, meta dict); the iterator is advanced in place.
    """
    restored = self.manager.restore(
      step,
      args=ocp.args.Composite(
        params=ocp.args.StandardRestore(abstract_like(params)),
        opt_state=ocp.args.StandardRestore(abstract_like(opt_state)),
        data=grain.checkpoint.CheckpointRestore(iterator),
        meta=ocp.args.JsonRestore(),
      ),
    )
    return restored.params, restored.opt_state, restored.meta

  def reached_preemption(self, step: int) -> bool:
    """Whether the cluster announced a preemption that every host sees at `step` (False off clusters)."""
    return bool(self.manager.reached_preemption(step))

  def read_meta(self, step: int) -> dict:
    """The `meta` item of step `step` alone."""
    return self.manager.restore(step, args=ocp.args.Composite(meta=ocp.args.JsonRestore())).meta

  def close(self) -> None:
    self.manager.close()
