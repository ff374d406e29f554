r"""Sampling throughput: bite_jax.sample.Sampler vs transformers' generate on the same model, one run.

  python benchmarks/sample_throughput.py --vocab=32000,151936 --prompts=8 --samples=10 --new_tokens=128

For each vocabulary size, builds one tiny random Qwen2 checkpoint with transformers, left-pads
`--prompts` random prompts of different lengths, and samples `--samples` continuations of
`--new_tokens` tokens each at temperature 1 (no top-k / top-p on either side; EOS disabled so every
sample has the full length). transformers: Qwen2ForCausalLM.generate(do_sample=True,
num_return_sequences, top_k=0), torch.set_num_threads(--threads), timed after one warm-up call.
JAX: Sampler.generate, timed after the call that compiles. Rounds alternate between the two;
tokens/s is the median over rounds of generated tokens / seconds. Prints one JSON line per vocab.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from absl import app, flags

from bite_jax.models import from_pretrained
from bite_jax.sample import Sampler

FLAGS = flags.FLAGS
flags.DEFINE_list(
  'vocab', ['32000', '151936'], 'vocabulary sizes, comma-separated: one checkpoint and one JSON line each'
)
flags.DEFINE_integer('hidden', 128, 'hidden size')
flags.DEFINE_integer('intermediate', 256, 'MLP size')
flags.DEFINE_integer('layers', 2, 'decoder layers')
flags.DEFINE_integer('heads', 4, 'attention heads')
flags.DEFINE_integer('kv_heads', 2, 'key/value heads')
flags.DEFINE_integer('prompts', 8, 'prompts per generate call')
flags.DEFINE_integer('samples', 10, 'samples per prompt')
flags.DEFINE_integer('new_tokens', 128, 'generated tokens per sample')
flags.DEFINE_integer('prompt_len', 64, 'longest prompt; the shortest is half')
flags.DEFINE_integer('rounds', 3, 'timed rounds per side (alternating)')
flags.DEFINE_integer('threads', os.cpu_count(), 'torch.set_num_threads')
flags.DEFINE_enum('hf_attention', 'sdpa', ['sdpa', 'eager'], "transformers' attention implementation")
flags.register_validator('vocab', lambda v: all(x.isdigit() for x in v), '--vocab: comma-separated integers')


def make_checkpoint(directory: Path, args, vocab: int) -> Path:
  import torch  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)
  import transformers  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)

  torch.manual_seed(0)
  config = transformers.Qwen2Config(
    vocab_size=vocab,
    hidden_size=args.hidden,
    intermediate_size=args.intermediate,
    num_hidden_layers=args.layers,
    num_attention_heads=args.heads,
    num_key_value_heads=args.kv_heads,
    tie_word_embeddings=True,
    max_position_embeddings=4096,
    bos_token_id=1,
    eos_token_id=2,
    initializer_range=0.1,
  )
  transformers.Qwen2ForCausalLM(config).save_pretrained(str(directory))
  return directory


def make_prompts(args, vocab: int) -> list[list[int]]:
  rng = np.random.default_rng(0)
  lengths = np.linspace(args.prompt_len // 2, args.prompt_len, args.prompts).astype(int)
  return [rng.integers(3, vocab, n).tolist() for n in lengths]


class TorchRunner:
  """transformers generate with left padding and num_return_sequences."""

  def __init__(self, directory: Path, prompts, args):
    import torch  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)
    import transformers  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)

    torch.set_num_threads(args.threads)
    self.torch = torch
    self.model = transformers.Qwen2ForCausalLM.from_pretrained(
      str(directory), dtype=torch.float32, attn_implementation=args.hf_attention
    ).eval()
    width = max(len(p) for p in prompts)
    self.ids = torch.tensor([[0] * (width - len(p)) + p for p in prompts])
    self.mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    self.args = args

  def run(self, new_tokens: int) -> tuple[int, float]:
    """(generated tokens, seconds)."""
    with self.torch.no_grad():
      start = time.perf_counter()
      out = self.model.generate(
        self.ids,
        attention_mask=self.mask,
        do_sample=True,
        temperature=1.0,
        top_k=0,
        top_p=1.0,
        num_return_sequences=self.args.samples,
        max_new_tokens=new_tokens,
        min_new_tokens=new_tokens,
        pad_token_id=0,
      )
      seconds = time.perf_counter() - start
    return int(out[:, self.ids.shape[1] :].numel()), seconds


class JaxRunner:
  def __init__(self, directory: Path, prompts, args):
    self.sampler = Sampler(from_pretrained(str(directory)), max_batch=args.prompts * args.samples, eos_token_ids=())
    self.prompts = prompts
    self.args = args
    self.round = 0

  def run(self, new_tokens: int) -> tuple[int, float, float]:
    """(generated tokens, seconds after compilation, compile seconds)."""
    self.round += 1
    out = self.sampler.generate(
      self.prompts, num_samples=self.args.samples, max_new_tokens=new_tokens, temperature=1.0, seed=self.round
    )
    stats = self.sampler.stats
    tokens = sum(len(s.token_ids) for samples in out for s in samples)
    return tokens, stats.decode_seconds, stats.compile_seconds


def bench(vocab: int, args) -> dict:
  with tempfile.TemporaryDirectory() as tmp:
    directory = make_checkpoint(Path(tmp), args, vocab)
    prompts = make_prompts(args, vocab)
    torch_runner, jax_runner = TorchRunner(directory, prompts, args), JaxRunner(directory, prompts, args)
    torch_runner.run(2)  # warm-up: first-call allocations
    _, _, compile_seconds = jax_runner.run(args.new_tokens)
    hf_rates, jax_rates = [], []
    for r in range(args.rounds):
      tokens, seconds = torch_runner.run(args.new_tokens)
      hf_rates.append(tokens / seconds)
      tokens, seconds, compiled = jax_runner.run(args.new_tokens)
      if compiled:
        raise RuntimeError(f'round {r}: the sampler compiled again ({compiled:.1f} s)')
      jax_rates.append(tokens / seconds)
      print(
        f'[vocab {vocab}] round {r}: transformers {hf_rates[-1]:.0f} tok/s, jax {jax_rates[-1]:.0f} tok/s',
        file=sys.stderr,
        flush=True,
      )
  hf, ours = statistics.median(hf_rates), statistics.median(jax_rates)
  return {
    'vocab': vocab,
    'hidden': args.hidden,
    'layers': args.layers,
    'prompts': args.prompts,
    'samples': args.samples,
    'new_tokens': args.new_tokens,
    'prompt_len': args.prompt_len,
    'threads': args.threads,
    'hf_attention': args.hf_attention,
    'transformers_tokens_per_s': round(hf, 1),
    'jax_tokens_per_s': round(ours, 1),
    'speedup': round(ours / hf, 2),
    'jax_compile_seconds': round(compile_seconds, 2),
    'rounds': args.rounds,
  }


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  for vocab in FLAGS.vocab:
    print(json.dumps(bench(int(vocab), FLAGS)), flush=True)


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
