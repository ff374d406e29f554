r"""Training throughput: our jitted IFT step vs transformers + torch AdamW on the same model.

  python benchmarks/train_throughput.py --vocab=1024,151936 --batch=8 --len=256

For each vocabulary size, builds one tiny random Qwen2 checkpoint with transformers, then alternates
rounds of `--steps` optimizer steps between torch (Qwen2ForCausalLM, labels with -100 on the
prompt half, torch.optim.AdamW, torch.set_num_threads(--threads)) and JAX (bite_jax.train.step on
the model from bite_jax.models.from_pretrained, with the trainer's automatic loss chunk and rows
per pass unless --loss_chunk / --rows_per_pass are given). Reports the median steady-state
tokens/s (batch x len positions per step; warmup rounds excluded) and the ratio JAX / torch.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jax
import numpy as np
import optax
from absl import app, flags
from flax import nnx

from bite_jax import parallel
from bite_jax.models import hf
from bite_jax.train.step import (
  global_batch,
  init_opt_state,
  make_train_step,
  param_shardings,
  rows_sharding,
  step_layout,
)

FLAGS = flags.FLAGS
flags.DEFINE_list('vocab', ['1024', '151936'], 'vocabulary sizes, comma-separated: one checkpoint and one result each')
flags.DEFINE_integer('batch', 8, 'rows per step')
flags.DEFINE_integer('len', 256, 'tokens per row')
flags.DEFINE_integer('hidden', 128, 'hidden size')
flags.DEFINE_integer('intermediate', 512, 'MLP size')
flags.DEFINE_integer('layers', 2, 'decoder layers')
flags.DEFINE_integer('heads', 4, 'attention heads')
flags.DEFINE_integer('kv_heads', 2, 'key/value heads')
flags.DEFINE_integer('threads', 2, 'torch.set_num_threads')
flags.DEFINE_float('clip', 1.0, 'gradient clipping norm')
flags.DEFINE_integer('loss_chunk', 0, "0 = the trainer's automatic choice")
flags.DEFINE_integer('rows_per_pass', 0, "0 = the trainer's automatic choice")
flags.DEFINE_integer('steps', 3, 'steps per timed round')
flags.DEFINE_integer('rounds', 5, 'timed rounds per framework (interleaved)')
flags.DEFINE_integer('warmup_rounds', 1, 'untimed rounds per framework first')
flags.DEFINE_float('settle', 0.5, 'seconds of pause before each timed round')
flags.DEFINE_string('json', None, 'also write the results here')
flags.register_validator('vocab', lambda v: all(x.isdigit() for x in v), '--vocab: comma-separated integers')


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
  def __init__(self, directory: Path, batch, args):
    import torch  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)
    import transformers  # noqa: PLC0415 -- the torch baseline only (torch is a test extra)

    torch.set_num_threads(args.threads)
    self.torch = torch
    self.model = transformers.Qwen2ForCausalLM.from_pretrained(
      str(directory), dtype=torch.float32, attn_implementation='sdpa'
    ).train()
    self.opt = torch.optim.AdamW(self.model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.0)
    self.inputs = torch.from_numpy(batch['inputs']).long()
    labels = torch.from_numpy(batch['targets']).long()
    labels[torch.from_numpy(batch['mask']) == 0] = -100
    self.labels = labels
    self.clip = args.clip

  def step(self) -> float:
    out = self.model(input_ids=self.inputs)
    # Shifted targets are given explicitly, so the loss is a plain masked cross-entropy.
    loss = self.torch.nn.functional.cross_entropy(
      out.logits.float().flatten(0, 1), self.labels.flatten(), ignore_index=-100
    )
    loss.backward()
    self.torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
    self.opt.step()
    self.opt.zero_grad(set_to_none=True)
    return loss.item()


class JaxRunner:
  def __init__(self, directory: Path, batch, args):
    mesh = parallel.make_mesh()
    model = hf.from_pretrained(directory, mesh=mesh)
    graphdef, self.params, rest = nnx.split(model, nnx.Param, ...)
    tx = optax.chain(optax.clip_by_global_norm(args.clip), optax.adamw(1e-4, b1=0.9, b2=0.95, weight_decay=0.0))
    self.opt_state, opt_sh = init_opt_state(tx, self.params, mesh)
    passes, chunk = step_layout(
      rows_per_pass=args.rows_per_pass,
      loss_chunk=args.loss_chunk,
      micro_rows=args.batch,
      seq_len=args.len,
      config=model.config,
      mesh=mesh,
    )
    self.rows_per_pass = args.batch // passes
    self.chunk = chunk
    self.fn = make_train_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=param_shardings(self.params),
      opt_sh=opt_sh,
      grad_accum=passes,
      loss_chunk=chunk,
      batch_rows=args.batch,
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


def run_one(args, vocab: int) -> dict:
  with tempfile.TemporaryDirectory() as tmp:
    directory = make_checkpoint(Path(tmp) / 'ckpt', args, vocab)
    batch = make_batch(args, vocab)
    runners = {'jax': JaxRunner(directory, batch, args), 'torch': TorchRunner(directory, batch, args)}
  first_loss = {name: r.step() for name, r in runners.items()}  # compiles / warms up
  times = {name: [] for name in runners}
  for round_index in range(args.warmup_rounds + args.rounds):
    for name, runner in runners.items():
      # Worker threads of the framework that just ran (OpenMP, XLA's pool) spin for a while after
      # their last task; a pause keeps them from taking cores from the next round.
      time.sleep(args.settle)
      seconds = timed_round(runner, args.steps)
      if round_index >= args.warmup_rounds:
        times[name].append(seconds)
  tokens = args.batch * args.len
  result = {
    'vocab': vocab,
    'batch': args.batch,
    'len': args.len,
    'hidden': args.hidden,
    'layers': args.layers,
    'loss_chunk': runners['jax'].chunk,
    'rows_per_pass': runners['jax'].rows_per_pass,
    'first_loss': first_loss,
  }
  for name, samples in times.items():
    result[f'{name}_tokens_per_s'] = tokens / statistics.median(samples)
    result[f'{name}_step_s'] = [round(s, 4) for s in samples]
  result['ratio_jax_over_torch'] = result['jax_tokens_per_s'] / result['torch_tokens_per_s']
  return result


def main(argv: list[str]) -> int:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  results = []
  for vocab in map(int, FLAGS.vocab):
    result = run_one(FLAGS, vocab)
    results.append(result)
    print(
      f'vocab {vocab:>7}: jax {result["jax_tokens_per_s"]:,.0f} tokens/s, torch '
      f'{result["torch_tokens_per_s"]:,.0f} tokens/s, ratio {result["ratio_jax_over_torch"]:.2f}x '
      f'(loss chunk {result["loss_chunk"]}, {result["rows_per_pass"]} rows per pass)',
      flush=True,
    )
  if FLAGS.json:
    Path(FLAGS.json).write_text(json.dumps(results, indent=2))
  return 0


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
