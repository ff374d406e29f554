r"""Training throughput: our jitted IFT step vs transformers + torch AdamW on the same model.

  python benchmarks/train_throughput.py --vocab=1024,151936 --batch=8 --len=256
  python benchmarks/train_throughput.py --vocab=32000 --torch=eager,compiled --threads=8
  python benchmarks/train_throughput.py --shape=compute --torch=eager,compiled
  python benchmarks/train_throughput.py --shape=demo,compute --rounds=3

--shape picks presets of benchmarks/shapes.py (model shape, batch and length; a flag given on the
command line wins over the preset); without it the explicit flags describe the one shape. For each
shape and vocabulary size, builds one tiny random Qwen2 checkpoint with transformers, then alternates
rounds of `--steps` optimizer steps between JAX (bite_jax.train.step on the model from
bite_jax.models.from_pretrained, with the trainer's automatic loss chunk and rows per pass unless
--loss_chunk / --rows_per_pass are given) and each torch variant of --torch: `eager`
(Qwen2ForCausalLM with sdpa attention and use_cache=False, labels with -100 on the prompt half,
torch.optim.AdamW(fused=True)) and `compiled` (the same, with the forward and loss in one
torch.compile'd function; AOTAutograd compiles the backward too). A variant that fails to compile is
left out with a printed note. Reports the median steady-state tokens/s of each (batch x len
positions per step; warmup rounds excluded) and the ratios JAX / torch.

FLOPs: both sides train the same model, so both are credited ModelConfig.flops_per_token(len)
(MaxText's count: 6 x matmul weights incl. the LM head + the causal attention term) per position.
Achieved FLOP/s = tokens/s x that; its fraction of the machine's float32 matmul peak is each side's
`*_peak_fraction`. The peak is measured by machine_peak.py before any model is built and again after
the last one, and the better of the two counts (`peak_flops_measured` has both): a core taken by
another process during one measurement would otherwise inflate every fraction. Prints a progress
line per result, then one table line per shape and vocabulary, then every result as JSON.
`other_load_cores` is how many cores other processes kept busy during a result's timed rounds
(machine_peak.OtherLoad); a note is printed when it reaches a quarter of a core.

Threads: both sides get the same cores. By default that is every core the process may run on (XLA's
CPU thread pool sizes itself to them; torch.set_num_threads gets the same count). --threads=N first
restricts the process to N cores (sched_setaffinity, before JAX starts its pool) and gives torch N
threads, so both are pinned alike.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jax
import numpy as np
import optax
import shapes
from absl import app, flags
from flax import nnx
from machine_peak import OtherLoad, matmul_peak_flops

from bite_jax import parallel
from bite_jax.models import hf
from bite_jax.train.invariant import build_train_step, leaf_rows_for
from bite_jax.train.step import (
  global_batch,
  init_opt_state,
  param_shardings,
  rows_sharding,
  step_layout,
)

FLAGS = flags.FLAGS
flags.DEFINE_list('shape', [], f'presets of benchmarks/shapes.py, comma-separated: {", ".join(shapes.SHAPES)}')
flags.DEFINE_list('vocab', ['1024', '151936'], 'vocabulary sizes, comma-separated: one checkpoint and one result each')
flags.DEFINE_integer('batch', 8, 'rows per step')
flags.DEFINE_integer('len', 256, 'tokens per row')
flags.DEFINE_integer('hidden', 128, 'hidden size')
flags.DEFINE_integer('intermediate', 512, 'MLP size')
flags.DEFINE_integer('layers', 2, 'decoder layers')
flags.DEFINE_integer('heads', 4, 'attention heads')
flags.DEFINE_integer('kv_heads', 2, 'key/value heads')
flags.DEFINE_integer(
  'threads', 0, 'cores for both frameworks: 0 = every core this process may use; N = pin the process to N cores'
)
flags.DEFINE_list('torch', ['eager', 'compiled'], 'torch variants to time beside JAX: eager and/or compiled')
flags.DEFINE_float('clip', 1.0, 'gradient clipping norm')
flags.DEFINE_integer(
  'invariant',
  0,
  'N > 0 also times the mesh.invariant step (at least N leaves; bite_jax.train.invariant) as jax_invariant',
)
flags.DEFINE_integer('loss_chunk', 0, "0 = the trainer's automatic choice")
flags.DEFINE_integer('rows_per_pass', 0, "0 = the trainer's automatic choice")
flags.DEFINE_integer('steps', 3, 'steps per timed round')
flags.DEFINE_integer('rounds', 5, 'timed rounds per framework (interleaved)')
flags.DEFINE_integer('warmup_rounds', 1, 'untimed rounds per framework first')
flags.DEFINE_float('settle', 0.5, 'seconds of pause before each timed round')
flags.DEFINE_float('peak_seconds', 2.0, 'seconds spent measuring the matmul peak (machine_peak.py)')
flags.DEFINE_string('json', None, 'also write the results here')
flags.register_validator(
  'shape', shapes.check_names, f'--shape: a comma-separated subset of {", ".join(shapes.SHAPES)}'
)
flags.register_validator('vocab', lambda v: all(x.isdigit() for x in v), '--vocab: comma-separated integers')
flags.register_validator(
  'torch', lambda v: set(v) <= {'eager', 'compiled'}, '--torch: a comma-separated subset of eager, compiled'
)
TORCH_VARIANTS = {'eager': 'torch', 'compiled': 'torch_compiled'}  # --torch value -> result key prefix


def use_cores(threads: int) -> int:
  """The cores both frameworks use: all allowed ones (threads=0) or the first `threads` of them, the
  process pinned to them before JAX builds its CPU thread pool."""
  allowed = sorted(os.sched_getaffinity(0))
  if threads <= 0:
    return len(allowed)
  if threads > len(allowed):
    sys.exit(f'--threads={threads}: only {len(allowed)} cores are available to this process')
  os.sched_setaffinity(0, allowed[:threads])
  return threads


def _torch_version() -> str:
  import torch  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)

  return torch.__version__


def make_checkpoint(directory: Path, args, vocab: int) -> Path:
  import torch  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)
  import transformers  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)

  torch.manual_seed(0)
  config = transformers.Qwen2Config(
    vocab_size=vocab,
    hidden_size=args.hidden,
    intermediate_size=args.intermediate,
    num_hidden_layers=args.layers,
    num_attention_heads=args.heads,
    num_key_value_heads=args.kv_heads,
    tie_word_embeddings=True,
    max_position_embeddings=max(512, args.len),
    bos_token_id=1,
    eos_token_id=2,
  )
  transformers.Qwen2ForCausalLM(config).save_pretrained(str(directory))
  return directory


def make_batch(args, vocab: int):
  rng = np.random.default_rng(0)
  tokens = rng.integers(0, vocab, (args.batch, args.len + 1)).astype(np.int32)
  mask = np.zeros((args.batch, args.len), np.int32)
  mask[:, args.len // 2 :] = 1  # the response half
  return {'inputs': tokens[:, :-1], 'targets': tokens[:, 1:], 'mask': mask}


class TorchRunner:
  """transformers' Qwen2ForCausalLM with fused AdamW; `compiled` runs forward + loss through torch.compile."""

  def __init__(self, directory: Path, batch, args, *, cores: int, compiled: bool = False):
    import torch  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)
    import transformers  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)

    torch.set_num_threads(cores)
    self.torch = torch
    self.model = transformers.Qwen2ForCausalLM.from_pretrained(
      str(directory), dtype=torch.float32, attn_implementation='sdpa'
    ).train()
    # fused=True: one multi-tensor kernel per step (CPU support since torch 2.4).
    self.opt = torch.optim.AdamW(self.model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.0, fused=True)
    self.inputs = torch.from_numpy(batch['inputs']).long()
    labels = torch.from_numpy(batch['targets']).long()
    labels[torch.from_numpy(batch['mask']) == 0] = -100
    self.labels = labels
    self.clip = args.clip
    self.loss_fn = torch.compile(self._loss) if compiled else self._loss

  def _loss(self, inputs, labels):
    # No KV cache in training; shifted targets are given explicitly, so the loss is a plain masked cross-entropy.
    logits = self.model(input_ids=inputs, use_cache=False).logits
    return self.torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), labels.flatten(), ignore_index=-100)

  def step(self) -> float:
    loss = self.loss_fn(self.inputs, self.labels)
    loss.backward()
    self.torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
    self.opt.step()
    self.opt.zero_grad(set_to_none=True)
    return loss.item()


class JaxRunner:
  def __init__(self, directory: Path, batch, args, invariant: int = 0):
    mesh = parallel.make_mesh()
    model = hf.from_pretrained(directory, mesh=mesh)
    self.config = model.config
    graphdef, self.params, rest = nnx.split(model, nnx.Param, ...)
    adamw = optax.adamw(1e-4, b1=0.9, b2=0.95, weight_decay=0.0)
    # mesh.invariant: the step clips from its own exact norm, so the optimizer does not.
    tx = adamw if invariant else optax.chain(optax.clip_by_global_norm(args.clip), adamw)
    self.opt_state, opt_sh = init_opt_state(tx, self.params, mesh)
    passes, chunk = step_layout(
      rows_per_pass=args.rows_per_pass,
      loss_chunk=args.loss_chunk,
      micro_rows=args.batch,
      seq_len=args.len,
      config=model.config,
      mesh=mesh,
      ways=1 if invariant else None,
    )
    self.rows_per_pass = args.batch // passes
    if invariant:
      self.rows_per_pass = leaf_rows_for(args.batch, args.batch // passes, invariant)
    self.chunk = chunk
    self.fn = build_train_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=param_shardings(self.params),
      opt_sh=opt_sh,
      batch_rows=args.batch,
      micro_rows=args.batch,
      row_passes=passes,
      loss_chunk=chunk,
      invariant=invariant,
      clip_norm=args.clip,
    )
    self.batch = global_batch(batch, rows_sharding(mesh, args.batch), args.batch)
    self.jax = jax

  def step(self) -> float:
    self.params, self.opt_state, metrics = self.fn(self.params, self.opt_state, self.batch)
    return float(metrics['loss'])


def timed_round(runner, steps: int) -> float:
  """Seconds per step over `steps` steps (each step's loss is read back, so the work is done)."""
  start = time.perf_counter()
  for _ in range(steps):
    runner.step()
  return (time.perf_counter() - start) / steps


def run_one(args, vocab: int, cores: int, peak_flops: float, shape: str = 'flags') -> dict:
  """Times JAX and the torch variants of `args.torch` on one random checkpoint; returns the result
  record (tokens/s, step times, FLOP/s and fractions of `peak_flops` per side, ratios)."""
  with tempfile.TemporaryDirectory() as tmp:
    directory = make_checkpoint(Path(tmp) / 'ckpt', args, vocab)
    batch = make_batch(args, vocab)
    runners = {'jax': JaxRunner(directory, batch, args)}
    if getattr(args, 'invariant', 0):
      runners['jax_invariant'] = JaxRunner(directory, batch, args, invariant=args.invariant)
    for variant in args.torch:
      runners[TORCH_VARIANTS[variant]] = TorchRunner(
        directory, batch, args, cores=cores, compiled=variant == 'compiled'
      )
  first_loss, notes = {}, []
  for name, runner in list(runners.items()):
    try:
      first_loss[name] = runner.step()  # compiles / warms up
    except Exception as e:  # torch.compile needs a working C++ toolchain (inductor); eager and JAX go on without it
      if name != 'torch_compiled':
        raise
      notes.append(f'torch.compile failed, compiled variant left out: {type(e).__name__}: {str(e).splitlines()[0]}')
      print(f'note: vocab {vocab}: {notes[-1]}', flush=True)
      del runners[name]
  times = {name: [] for name in runners}
  load = OtherLoad()  # from here: torch.compile's worker processes are done
  for round_index in range(args.warmup_rounds + args.rounds):
    for name, runner in runners.items():
      # Worker threads of the framework that just ran (OpenMP, XLA's pool) spin for a while after
      # their last task; a pause keeps them from taking cores from the next round.
      time.sleep(args.settle)
      seconds = timed_round(runner, args.steps)
      if round_index >= args.warmup_rounds:
        times[name].append(seconds)
  tokens = args.batch * args.len
  flops_per_token = runners['jax'].config.flops_per_token(args.len)
  result = {
    'shape': shape,
    'vocab': vocab,
    'batch': args.batch,
    'len': args.len,
    'hidden': args.hidden,
    'intermediate': args.intermediate,
    'layers': args.layers,
    'heads': args.heads,
    'kv_heads': args.kv_heads,
    'loss_chunk': runners['jax'].chunk,
    'rows_per_pass': runners['jax'].rows_per_pass,
    'cores': cores,
    'first_loss': first_loss,
    'notes': notes,
    'flops_per_token': flops_per_token,
  }
  for name, samples in times.items():
    result[f'{name}_tokens_per_s'] = tokens / statistics.median(samples)
    result[f'{name}_step_s'] = [round(s, 4) for s in samples]
    result[f'{name}_flops_per_s'] = result[f'{name}_tokens_per_s'] * flops_per_token
  for name in times:
    if name != 'jax':
      result[f'ratio_jax_over_{name}'] = result['jax_tokens_per_s'] / result[f'{name}_tokens_per_s']
  result['other_load_cores'] = round(load.cores(), 2)
  set_peak(result, peak_flops)
  return result


def set_peak(result: dict, peak_flops: float) -> None:
  """Sets `peak_flops` and every side's fraction of it in a result."""
  result['peak_flops'] = peak_flops
  for key in [k for k in result if k.endswith('_flops_per_s')]:
    result[key.replace('_flops_per_s', '_peak_fraction')] = result[key] / peak_flops


def times_of(result: dict) -> list[str]:
  """The sides timed in a result (jax and the torch variants that ran)."""
  return [k.removesuffix('_tokens_per_s') for k in result if k.endswith('_tokens_per_s')]


def table_line(result: dict) -> str:
  """One readable line of a result: tokens/s, GFLOP/s and % of peak per side, ratios JAX / torch."""
  parts = []
  for name in ('jax', 'jax_invariant', *TORCH_VARIANTS.values()):
    if f'{name}_tokens_per_s' not in result:
      continue
    part = (
      f'{name.replace("_", " ")} {result[f"{name}_tokens_per_s"]:,.0f} tok/s '
      f'{result[f"{name}_flops_per_s"] / 1e9:,.1f} GFLOP/s ({100 * result[f"{name}_peak_fraction"]:.1f}%)'
    )
    if name != 'jax':
      part += f' jax/{name.replace("torch_", "")} {result[f"ratio_jax_over_{name}"]:.2f}x'
    parts.append(part)
  return (
    f'{result["shape"]:>8} vocab {result["vocab"]:>6} {result["batch"]}x{result["len"]}: '
    + ' | '.join(parts)
    + f' (loss chunk {result["loss_chunk"]}, {result["rows_per_pass"]} rows per pass)'
  )


def main(argv: list[str]) -> int:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  cores = use_cores(FLAGS.threads)
  print(f'{cores} cores for JAX and torch (torch {_torch_version()}, jax {jax.__version__})', flush=True)
  first_peak = matmul_peak_flops(FLAGS.peak_seconds)
  print(f'float32 matmul peak of this machine: {first_peak / 1e9:,.1f} GFLOP/s', flush=True)
  results = []
  for shape, args in shapes.resolve(FLAGS, FLAGS.shape, 'train'):
    for vocab in map(int, args.vocab):
      result = run_one(args, vocab, cores, first_peak, shape)
      results.append(result)
      rates = ', '.join(f'{name} {result[f"{name}_tokens_per_s"]:,.0f}' for name in times_of(result))
      print(f'{shape} vocab {vocab}: tokens/s {rates}', flush=True)
  last_peak = matmul_peak_flops(FLAGS.peak_seconds)
  peak = max(first_peak, last_peak)
  print(
    f'float32 matmul peak: {first_peak / 1e9:,.1f} GFLOP/s before, {last_peak / 1e9:,.1f} after; '
    f'{peak / 1e9:,.1f} counts',
    flush=True,
  )
  for result in results:
    set_peak(result, peak)
    result['peak_flops_measured'] = [first_peak, last_peak]
    if result['other_load_cores'] >= 0.25:
      print(
        f'note: {result["shape"]} vocab {result["vocab"]}: other processes kept {result["other_load_cores"]:.2f} '
        'cores busy during the measurement, so its figures are low',
        flush=True,
      )
    print(table_line(result), flush=True)
  print(json.dumps(results, indent=2), flush=True)
  if FLAGS.json:
    Path(FLAGS.json).write_text(json.dumps(results, indent=2))
  return 0


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
