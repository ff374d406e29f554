r"""DPO steps/s next to IFT steps/s on the same tiny model and the same rows.

  python benchmarks/dpo_throughput.py --vocab=32000 --pairs=4 --len=256
  python benchmarks/dpo_throughput.py --vocab=151936 --pairs=4 --len=1024 --rounds=2 --steps=1

Builds one tiny random Qwen2 checkpoint (transformers), then alternates timed rounds of `--steps` optimizer
steps between
  ift: bite_jax.train.step's IFT step on the 2 x pairs rows as independent rows (policy forward + backward);
  dpo: bite_jax.train.dpo's step on the same rows as `pairs` preference pairs (policy forward + backward
       through the rematerialised log-probability chunks, and the frozen reference's forward),
both with the trainer's automatic loss chunk and row passes and AdamW. Rows are [pairs, 2, len] random
tokens: a shared prompt half, then two different responses (the loss mask). Reports each side's median
seconds per step, steps/s and tokens/s (2 x pairs x len positions per step; warmup rounds excluded), the
ratio dpo / ift, and the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from bite_jax import parallel
from bite_jax.models import hf
from bite_jax.train.dpo import make_dpo_step
from bite_jax.train.dpo.step import dpo_layout
from bite_jax.train.step import (
  global_batch,
  init_opt_state,
  make_train_step,
  param_shardings,
  rows_sharding,
  step_layout,
)

ROOT = Path(__file__).resolve().parents[1]


def make_checkpoint(directory: Path, args) -> Path:
  sys.path.insert(0, str(ROOT))
  from tests.helpers.checkpoints import make_qwen2_checkpoint  # noqa: PLC0415 -- a test helper, found from ROOT

  return make_qwen2_checkpoint(
    directory,
    vocab=args.vocab,
    hidden=args.hidden,
    intermediate=4 * args.hidden,
    layers=args.layers,
    heads=4,
    kv_heads=2,
    init_std=0.02,
    max_positions=max(2048, args.len),
  )


def make_rows(args) -> dict[str, np.ndarray]:
  """int32 [pairs, 2, len]: a prompt half shared by both rows of a pair, then two random responses."""
  rng = np.random.default_rng(0)
  tokens = rng.integers(3, args.vocab, (args.pairs, 2, args.len + 1)).astype(np.int32)
  half = args.len // 2
  tokens[:, 1, :half] = tokens[:, 0, :half]
  mask = np.zeros((args.pairs, 2, args.len), np.int32)
  mask[:, :, half - 1 :] = 1
  return {'inputs': tokens[..., :-1], 'targets': tokens[..., 1:], 'mask': mask}


def _optimizer():
  return optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(1e-5, b1=0.9, b2=0.95))


class IftRunner:
  def __init__(self, model, rows, args, mesh):
    graphdef, self.params, rest = nnx.split(model, nnx.Param, ...)
    self.params = jax.tree.map(jnp.copy, self.params)
    tx = _optimizer()
    self.opt_state, opt_sh = init_opt_state(tx, self.params, mesh)
    n = 2 * args.pairs
    passes, self.chunk = step_layout(
      rows_per_pass=0, loss_chunk=0, micro_rows=n, seq_len=args.len, config=model.config, mesh=mesh
    )
    self.per_pass = f'{n // passes} rows'
    self.fn = make_train_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=param_shardings(self.params),
      opt_sh=opt_sh,
      grad_accum=passes,
      loss_chunk=self.chunk,
      batch_rows=n,
    )
    flat = {k: v.reshape(n, args.len) for k, v in rows.items()}
    self.batch = global_batch(flat, rows_sharding(mesh, n), n)

  def step(self) -> float:
    self.params, self.opt_state, metrics = self.fn(self.params, self.opt_state, self.batch)
    return float(metrics['loss'])


class DpoRunner:
  def __init__(self, model, rows, args, mesh):
    graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    self.params = jax.tree.map(jnp.copy, params)
    self.ref_params = jax.tree.map(jnp.copy, params)
    tx = _optimizer()
    self.opt_state, opt_sh = init_opt_state(tx, self.params, mesh)
    passes, self.chunk = dpo_layout(
      rows_per_pass=0, loss_chunk=0, micro_pairs=args.pairs, seq_len=args.len, config=model.config, mesh=mesh
    )
    self.per_pass = f'{args.pairs // passes} pairs'
    self.fn = make_dpo_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=param_shardings(self.params),
      opt_sh=opt_sh,
      grad_accum=passes,
      loss_chunk=self.chunk,
      batch_pairs=args.pairs,
      beta=0.1,
    )
    self.batch = global_batch(rows, rows_sharding(mesh, args.pairs), args.pairs)

  def step(self) -> float:
    self.params, self.opt_state, metrics = self.fn(self.params, self.ref_params, self.opt_state, self.batch)
    return float(metrics['loss'])


def run(args) -> dict:
  mesh = parallel.make_mesh()
  with tempfile.TemporaryDirectory() as tmp:
    model = hf.from_pretrained(make_checkpoint(Path(tmp) / 'ckpt', args), mesh=mesh)
  rows = make_rows(args)
  runners = {'ift': IftRunner(model, rows, args, mesh), 'dpo': DpoRunner(model, rows, args, mesh)}
  first_loss = {name: runner.step() for name, runner in runners.items()}  # compiles
  times = {name: [] for name in runners}
  for round_index in range(args.warmup_rounds + args.rounds):
    for name, runner in runners.items():
      start = time.perf_counter()
      for _ in range(args.steps):
        runner.step()
      if round_index >= args.warmup_rounds:
        times[name].append((time.perf_counter() - start) / args.steps)
  tokens = 2 * args.pairs * args.len
  result = {**vars(args), 'devices': jax.device_count(), 'first_loss': first_loss}
  for name, samples in times.items():
    step_s = statistics.median(samples)
    result[name] = {
      'step_s': step_s,
      'steps_per_s': 1 / step_s,
      'tokens_per_s': tokens / step_s,
      'step_s_rounds': [round(s, 4) for s in samples],
      'loss_chunk': runners[name].chunk,
      'per_pass': runners[name].per_pass,
    }
  result['dpo_over_ift_step_s'] = result['dpo']['step_s'] / result['ift']['step_s']
  return result


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(prog='python benchmarks/dpo_throughput.py', description=__doc__.splitlines()[0])
  parser.add_argument('--vocab', type=int, default=32000, help='vocabulary rows of the checkpoint')
  parser.add_argument('--hidden', type=int, default=64, help='hidden size (MLP 4x)')
  parser.add_argument('--layers', type=int, default=2, help='decoder layers')
  parser.add_argument('--pairs', type=int, default=4, help='preference pairs per step (IFT: twice as many rows)')
  parser.add_argument('--len', type=int, default=256, help='tokens per row')
  parser.add_argument('--steps', type=int, default=3, help='steps per timed round')
  parser.add_argument('--rounds', type=int, default=3, help='timed rounds per side (interleaved)')
  parser.add_argument('--warmup_rounds', type=int, default=1, help='untimed rounds per side first')
  parser.add_argument('--json', type=Path, default=None, help='also write the result here')
  args = parser.parse_args(argv)
  result = run(args)
  for name in ('ift', 'dpo'):
    r = result[name]
    print(
      f'{name}: {r["steps_per_s"]:.3f} steps/s ({r["step_s"]:.3f} s/step, {r["tokens_per_s"]:,.0f} tokens/s; '
      f'loss chunk {r["loss_chunk"]}, {r["per_pass"]} per pass)'
    )
  print(
    f'dpo step / ift step: {result["dpo_over_ift_step_s"]:.2f}x on {2 * args.pairs} x {args.len} tokens, '
    f'vocab {args.vocab}, hidden {args.hidden}, {args.layers} layers'
  )
  result['json'] = None if args.json is None else str(args.json)
  print(json.dumps(result, indent=2), flush=True)
  if args.json:
    args.json.write_text(json.dumps(result, indent=2))
  return 0


if __name__ == '__main__':
  sys.exit(main())
