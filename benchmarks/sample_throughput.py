r"""Sampling throughput: bite_jax.sample.Sampler vs transformers' generate on the same model, one run.

  python benchmarks/sample_throughput.py --vocab=32000,151936 --prompts=8 --samples=10 --new_tokens=128
  python benchmarks/sample_throughput.py --shape=compute
  python benchmarks/sample_throughput.py --shape=compute,demo --eos_spread
  python benchmarks/sample_throughput.py --shape=demo,compute --invariant --eos_spread

--shape picks presets of benchmarks/shapes.py (model shape, prompts, samples, lengths; a flag given
on the command line wins over the preset); without it the explicit flags describe the one shape.
For each shape and vocabulary size, builds one tiny random Qwen2 checkpoint with transformers,
left-pads `--prompts` random prompts of lengths spread evenly from --prompt_min (default: half of
--prompt_len) to --prompt_len, and samples `--samples` continuations of up to `--new_tokens` tokens
each at temperature 1 (no top-k / top-p on either side). transformers:
Qwen2ForCausalLM.generate(do_sample=True, num_return_sequences, top_k=0),
torch.set_num_threads(--threads), timed after one warm-up call. JAX: Sampler.generate (one batch of
every row), timed after the call that compiles. Rounds alternate between the two; the figures are
medians over rounds. Prints one JSON line per shape and vocabulary (after a readable line on stderr).

Two modes:

  fixed (default)  EOS disabled on both sides, so every sample has the full length. Reports
    tokens/s of each side and the ratio; ms per decode step of each side (the generate call's
    seconds / its new_tokens - 1 decode steps after the prefill, which is included in the time)
    next to the decode-step floor: the FLOPs of one step over every row, 2 x matmul weights (LM
    head included) per row + attention over the KV cache at its mean length, over the machine's
    float32 matmul peak; `prefill_floor_ms` is the floor of the prefill of every prompt. Beside it,
    `step_bytes_floor_ms`: the bytes one step must read (every matmul weight, float32, and each
    row's KV cache at its mean length) over the machine's memory read bandwidth, the floor that
    binds when few rows share the weights. FLOP/s of each side counts the prefill of each prompt once and the
    decode of every row, and is also given as a fraction of the peak.
  --eos_spread  useful tokens/s on samples with a realistic spread of lengths: both sides get the
    same random set of EOS token ids, vocab / (--new_tokens / 3) of them, so that sampling from a
    random model stops after a roughly geometric number of tokens with mean about new_tokens / 3
    (--eos_mean sets another mean). Only generated tokens up to and including the EOS are useful;
    reports useful tokens/s of both sides, the ratio, useful FLOP/s and the spread of sample lengths
    (min / median / max) of each side.

--invariant  compares two of our samplers instead: Sampler(invariant=True) (every call keeps max_batch
  rows, each prompt is prefilled alone, attention reads the cache in key blocks: a sample never depends
  on the prompts beside it) against the ordinary one, same prompts and seeds, rounds alternating; reports
  each one's (useful) tokens/s, compile seconds and the ratio `invariant_vs_ordinary`.

The peak and the bandwidth are machine_peak.py's, measured before the first model is built and
again after the last one; the better of each counts (`peak_flops_measured` and
`bytes_per_s_measured` have both), so that a core taken by another process during one measurement
does not inflate every fraction. The readable lines (stderr) and the JSON lines (stdout) come after
that second measurement. `other_load_cores` is how many cores other processes kept busy during
the timed rounds (machine_peak.OtherLoad); a note is printed when it reaches a quarter of a core.
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
import shapes
from absl import app, flags
from machine_peak import OtherLoad, matmul_peak_flops, memory_bytes_per_s

from bite_jax.models import from_pretrained
from bite_jax.sample import Sampler

FLAGS = flags.FLAGS
flags.DEFINE_list('shape', [], f'presets of benchmarks/shapes.py, comma-separated: {", ".join(shapes.SHAPES)}')
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
flags.DEFINE_integer('new_tokens', 128, 'generated tokens per sample (the most, with --eos_spread)')
flags.DEFINE_integer('prompt_len', 64, 'longest prompt')
flags.DEFINE_integer('prompt_min', 0, 'shortest prompt; 0 = half of --prompt_len')
flags.DEFINE_integer('rounds', 3, 'timed rounds per side (alternating)')
flags.DEFINE_integer('threads', os.cpu_count(), 'torch.set_num_threads')
flags.DEFINE_enum('hf_attention', 'sdpa', ['sdpa', 'eager'], "transformers' attention implementation")
flags.DEFINE_integer(
  'max_batch', 0, 'rows decoded together (0 = every row at once); fewer rows than prompts x samples make prompts wait'
)
flags.DEFINE_bool('invariant', False, 'time Sampler(invariant=True) against the ordinary sampler (see the docstring)')
flags.DEFINE_bool('eos_spread', False, 'samples end at random EOS ids; report useful tokens/s (see the docstring)')
flags.DEFINE_float('eos_mean', 0.0, 'with --eos_spread: the mean sample length aimed at; 0 = new_tokens / 3')
flags.DEFINE_float('peak_seconds', 2.0, 'seconds spent measuring the matmul peak (machine_peak.py)')
flags.DEFINE_string('json', None, 'also write the results here (a JSON list)')
flags.register_validator('vocab', lambda v: all(x.isdigit() for x in v), '--vocab: comma-separated integers')
flags.register_validator(
  'shape', shapes.check_names, f'--shape: a comma-separated subset of {", ".join(shapes.SHAPES)}'
)


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
  """`args.prompts` random prompts (ids >= 3), lengths evenly from prompt_min (0: half) to prompt_len."""
  rng = np.random.default_rng(0)
  shortest = args.prompt_min or args.prompt_len // 2
  lengths = np.linspace(shortest, args.prompt_len, args.prompts).astype(int)
  return [rng.integers(3, vocab, n).tolist() for n in lengths]


def make_eos_ids(vocab: int, mean_length: float) -> list[int]:
  """Random EOS ids (never 0-2, the pad / bos / config EOS), vocab / mean_length of them: a sample
  from a random model then ends after about `mean_length` tokens (each token hits the set with
  probability about len(ids) / vocab)."""
  count = int(min(vocab - 3, max(1, round(vocab / max(mean_length, 1.0)))))
  rng = np.random.default_rng(1)
  return sorted(int(t) for t in rng.choice(np.arange(3, vocab), count, replace=False))


def useful_length(tokens, eos_ids: set[int]) -> int:
  """Generated tokens up to and including the first EOS (all of them when there is none)."""
  for i, token in enumerate(tokens):
    if int(token) in eos_ids:
      return i + 1
  return len(tokens)


# ---------------------------------------------------------------------------------------- FLOPs


def matmul_weights(config) -> float:
  """Weights of every matmul of one token's forward pass: attention and MLP kernels, the LM head."""
  return config.flops_per_token(0) / 6.0


def token_flops(config, context: float) -> float:
  """Forward FLOPs of one token attending to `context` cached positions: 2 per matmul weight, and
  QK^T and PV over the context (2 x 2 x heads x head_dim per position and layer)."""
  return 2.0 * matmul_weights(config) + 4.0 * config.num_layers * config.num_heads * config.head_dim * context


def prefill_flops(config, prompt_len: int) -> float:
  """Forward FLOPs of a causal prefill of `prompt_len` tokens (token i attends to i positions)."""
  return sum(token_flops(config, i) for i in range(1, prompt_len + 1))


def sample_decode_flops(config, prompt_len: int, length: int) -> float:
  """FLOPs of decoding a sample of `length` tokens after the prefill: the prefill gives the first
  token, each later one costs a forward pass over the prompt and the tokens before it."""
  return sum(token_flops(config, prompt_len + t) for t in range(1, length))


# ---------------------------------------------------------------------------------------- runners


class TorchRunner:
  """transformers generate with left padding and num_return_sequences."""

  def __init__(self, directory: Path, prompts, args, eos_ids: list[int] | None = None):
    import torch  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)
    import transformers  # noqa: PLC0415 -- the transformers baseline only (torch is a test extra)

    torch.set_num_threads(args.threads)
    self.torch = torch
    self.model = transformers.Qwen2ForCausalLM.from_pretrained(
      str(directory), dtype=torch.float32, attn_implementation=args.hf_attention
    ).eval()
    # Without --max_batch one generate call takes every prompt; with it, groups of whole prompts whose
    # samples fit in max_batch rows, one call after another (each runs until its longest sample ends).
    per_call = len(prompts) if args.max_batch <= 0 else max(1, args.max_batch // args.samples)
    self.groups = []
    for start in range(0, len(prompts), per_call):
      group = prompts[start : start + per_call]
      width = max(len(p) for p in group)
      ids = torch.tensor([[0] * (width - len(p)) + p for p in group])
      mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in group])
      self.groups.append((ids, mask))
    self.args = args
    self.eos_ids = eos_ids

  def run(self, new_tokens: int) -> tuple[list[int], float]:
    """(useful length of every sample, seconds). Without EOS ids every sample has `new_tokens`."""
    # Fixed lengths: EOS is impossible (min_new_tokens). EOS mode: the shared ids end a sample.
    stopping = dict(min_new_tokens=new_tokens) if self.eos_ids is None else dict(eos_token_id=self.eos_ids)
    lengths, seconds = [], 0.0
    for ids, mask in self.groups:
      with self.torch.no_grad():
        start = time.perf_counter()
        out = self.model.generate(
          ids,
          attention_mask=mask,
          do_sample=True,
          temperature=1.0,
          top_k=0,
          top_p=1.0,
          num_return_sequences=self.args.samples,
          max_new_tokens=new_tokens,
          pad_token_id=0,
          **stopping,
        )
        seconds += time.perf_counter() - start
      generated = out[:, ids.shape[1] :].numpy()
      if self.eos_ids is None:
        lengths += [generated.shape[1]] * generated.shape[0]
      else:
        lengths += [useful_length(row, set(self.eos_ids)) for row in generated]
    return lengths, seconds


class JaxRunner:
  def __init__(self, directory: Path, prompts, args, eos_ids: list[int] | None = None, invariant: bool = False):
    self.sampler = Sampler(
      from_pretrained(str(directory)),
      max_batch=args.max_batch if args.max_batch > 0 else args.prompts * args.samples,
      eos_token_ids=eos_ids or (),
      invariant=invariant,
    )
    self.config = self.sampler.config
    self.prompts = prompts
    self.args = args
    self.round = 0

  def run(self, new_tokens: int) -> tuple[list[int], float, float]:
    """(length of every sample, seconds after compilation, compile seconds)."""
    self.round += 1
    out = self.sampler.generate(
      self.prompts, num_samples=self.args.samples, max_new_tokens=new_tokens, temperature=1.0, seed=self.round
    )
    stats = self.sampler.stats
    return [len(s.token_ids) for samples in out for s in samples], stats.decode_seconds, stats.compile_seconds


def spread(lengths: list[int]) -> dict:
  """min / median / max / mean of sample lengths."""
  return {
    'min': int(min(lengths)),
    'median': float(statistics.median(lengths)),
    'max': int(max(lengths)),
    'mean': round(float(np.mean(lengths)), 1),
  }


def measure_machine(seconds: float) -> tuple[float, float]:
  """(float32 matmul peak FLOP/s, memory read bytes/s) of this machine, in about `seconds`."""
  return matmul_peak_flops(seconds), memory_bytes_per_s(seconds / 4)


def bench(vocab: int, args, machine: tuple[float, float] | None = None, shape: str = 'flags') -> dict:
  """One shape and vocabulary: alternating timed rounds of both sides; the result record.
  `machine` is measure_machine's (peak FLOP/s, bytes/s), measured here when None."""
  if machine is None:
    machine = measure_machine(getattr(args, 'peak_seconds', 2.0))
  eos_mode = bool(getattr(args, 'eos_spread', False))
  eos_ids = make_eos_ids(vocab, args.eos_mean or args.new_tokens / 3) if eos_mode else None
  with tempfile.TemporaryDirectory() as tmp:
    directory = make_checkpoint(Path(tmp), args, vocab)
    prompts = make_prompts(args, vocab)
    torch_runner = TorchRunner(directory, prompts, args, eos_ids)
    jax_runner = JaxRunner(directory, prompts, args, eos_ids)
  config = jax_runner.config
  torch_runner.run(2)  # warm-up: first-call allocations
  _, _, compile_seconds = jax_runner.run(args.new_tokens)
  rounds = {'transformers': [], 'jax': []}  # (sample lengths, seconds) per round
  load = OtherLoad()
  for r in range(args.rounds):
    rounds['transformers'].append(torch_runner.run(args.new_tokens))
    lengths, seconds, compiled = jax_runner.run(args.new_tokens)
    if compiled:
      raise RuntimeError(f'round {r}: the sampler compiled again ({compiled:.1f} s)')
    rounds['jax'].append((lengths, seconds))
    rates = ', '.join(f'{name} {sum(x[-1][0]) / x[-1][1]:.0f} tok/s' for name, x in rounds.items())
    print(f'[{shape} vocab {vocab}] round {r}: {rates}', file=sys.stderr, flush=True)

  rows = args.prompts * args.samples
  prompt_lens = [len(p) for p in prompts]
  mean_prompt = float(np.mean(prompt_lens))
  prefill = sum(prefill_flops(config, n) for n in prompt_lens)
  result = {
    'shape': shape,
    'mode': 'eos_spread' if eos_mode else 'fixed',
    'vocab': vocab,
    'hidden': args.hidden,
    'intermediate': args.intermediate,
    'layers': args.layers,
    'heads': args.heads,
    'kv_heads': args.kv_heads,
    'prompts': args.prompts,
    'samples': args.samples,
    'max_batch': args.max_batch or args.prompts * args.samples,
    'rows': rows,
    'new_tokens': args.new_tokens,
    'prompt_len': [min(prompt_lens), max(prompt_lens)],
    'threads': args.threads,
    'hf_attention': args.hf_attention,
    'rounds': args.rounds,
    'jax_compile_seconds': round(compile_seconds, 2),
  }
  for name, measured in rounds.items():
    seconds = statistics.median(s for _, s in measured)
    tokens = statistics.median(sum(lengths) for lengths, _ in measured)
    # FLOPs of a round: each prompt's prefill once, then every sample's own decode steps. Both sides
    # list samples prompt by prompt (`samples` each), so sample i continues prompt i // samples.
    flops = statistics.median(
      prefill + sum(sample_decode_flops(config, prompt_lens[i // args.samples], n) for i, n in enumerate(lengths))
      for lengths, _ in measured
    )
    prefix = f'{name}_useful' if eos_mode else name
    result[f'{prefix}_tokens_per_s'] = round(statistics.median(sum(lengths) / s for lengths, s in measured), 1)
    result[f'{name}_seconds'] = round(seconds, 4)
    result[f'{name}_round_seconds'] = [round(s, 4) for _, s in measured]
    result[f'{prefix}_flops_per_s'] = flops / seconds
    if eos_mode:
      result[f'{name}_lengths'] = spread([n for lengths, _ in measured for n in lengths])
      result[f'{name}_useful_tokens'] = tokens
    else:
      result[f'{name}_ms_per_step'] = 1000.0 * seconds / max(1, args.new_tokens - 1)
  if eos_mode:
    result['eos_ids'] = len(eos_ids)
    result['speedup'] = round(result['jax_useful_tokens_per_s'] / result['transformers_useful_tokens_per_s'], 2)
  else:
    mean_context = mean_prompt + args.new_tokens / 2  # the cache's mean length over the decode steps
    step_flops = rows * token_flops(config, mean_context)
    kv_bytes = 2 * config.num_layers * config.num_kv_heads * config.head_dim * 4  # float32 K and V per position
    result['step_flops'] = step_flops
    result['step_bytes'] = 4 * matmul_weights(config) + rows * kv_bytes * mean_context
    result['prefill_flops'] = prefill
    result['speedup'] = round(result['jax_tokens_per_s'] / result['transformers_tokens_per_s'], 2)
  result['other_load_cores'] = round(load.cores(), 2)
  set_machine(result, *machine)
  return result


def bench_invariant(vocab: int, args, shape: str = 'flags') -> dict:
  """--invariant: alternating timed rounds of the ordinary and the invariant sampler; the result record."""
  eos_ids = make_eos_ids(vocab, args.eos_mean or args.new_tokens / 3) if args.eos_spread else None
  with tempfile.TemporaryDirectory() as tmp:
    directory = make_checkpoint(Path(tmp), args, vocab)
    prompts = make_prompts(args, vocab)
    runners = {
      'ordinary': JaxRunner(directory, prompts, args, eos_ids),
      'invariant': JaxRunner(directory, prompts, args, eos_ids, invariant=True),
    }
  compile_seconds = {name: runner.run(args.new_tokens)[2] for name, runner in runners.items()}
  rounds = {name: [] for name in runners}
  load = OtherLoad()
  for r in range(args.rounds):
    for name, runner in runners.items():
      lengths, seconds, compiled = runner.run(args.new_tokens)
      if compiled:
        raise RuntimeError(f'round {r}: the {name} sampler compiled again ({compiled:.1f} s)')
      rounds[name].append((lengths, seconds))
    rates = ', '.join(f'{name} {sum(x[-1][0]) / x[-1][1]:.0f} tok/s' for name, x in rounds.items())
    print(f'[{shape} vocab {vocab}] round {r}: {rates}', file=sys.stderr, flush=True)
  prompt_lens = [len(p) for p in prompts]
  result = {
    'shape': shape,
    'mode': 'invariant' + ('_eos_spread' if args.eos_spread else ''),
    'vocab': vocab,
    'hidden': args.hidden,
    'layers': args.layers,
    'prompts': args.prompts,
    'samples': args.samples,
    'max_batch': args.max_batch or args.prompts * args.samples,
    'new_tokens': args.new_tokens,
    'prompt_len': [min(prompt_lens), max(prompt_lens)],
    'rounds': args.rounds,
  }
  for name, measured in rounds.items():
    # a sample's length counts its tokens up to and including an EOS: every one of them is useful
    result[f'{name}_tokens_per_s'] = round(statistics.median(sum(lengths) / s for lengths, s in measured), 1)
    result[f'{name}_round_seconds'] = [round(s, 4) for _, s in measured]
    result[f'{name}_compile_seconds'] = round(compile_seconds[name], 2)
  result['invariant_vs_ordinary'] = round(result['invariant_tokens_per_s'] / result['ordinary_tokens_per_s'], 3)
  result['other_load_cores'] = round(load.cores(), 2)
  return result


def set_machine(result: dict, peak_flops: float, bytes_per_s: float) -> None:
  """Sets the machine's peak and bandwidth and what depends on them in a result: each side's
  fraction of the peak and, for fixed lengths, the floors of a decode step and of the prefill."""
  result['peak_flops'] = peak_flops
  result['bytes_per_s'] = bytes_per_s
  for name in ('jax', 'transformers'):
    flops = result.get(f'{name}_flops_per_s', result.get(f'{name}_useful_flops_per_s'))
    result[f'{name}_peak_fraction'] = flops / peak_flops
  if 'step_flops' in result:
    result['step_floor_ms'] = 1000.0 * result['step_flops'] / peak_flops
    result['prefill_floor_ms'] = 1000.0 * result['prefill_flops'] / peak_flops
    result['step_bytes_floor_ms'] = 1000.0 * result['step_bytes'] / bytes_per_s


def summary_line(result: dict) -> str:
  """One readable line of a result."""
  head = f'{result["shape"]} vocab {result["vocab"]} {result["rows"]} rows x {result["new_tokens"]} new tokens'
  peak = f'peak {result["peak_flops"] / 1e9:,.0f} GFLOP/s, {result["bytes_per_s"] / 1e9:,.0f} GB/s'
  sides = []
  for name in ('jax', 'transformers'):
    if result['mode'] == 'eos_spread':
      lengths = result[f'{name}_lengths']
      sides.append(
        f'{name} {result[f"{name}_useful_tokens_per_s"]:,.0f} useful tok/s '
        f'{result[f"{name}_useful_flops_per_s"] / 1e9:,.1f} GFLOP/s ({100 * result[f"{name}_peak_fraction"]:.1f}%), '
        f'lengths {lengths["min"]}/{lengths["median"]:g}/{lengths["max"]}'
      )
    else:
      sides.append(
        f'{name} {result[f"{name}_tokens_per_s"]:,.0f} tok/s {result[f"{name}_ms_per_step"]:.2f} ms/step '
        f'{result[f"{name}_flops_per_s"] / 1e9:,.1f} GFLOP/s ({100 * result[f"{name}_peak_fraction"]:.1f}%)'
      )
  tail = f'jax/transformers {result["speedup"]:.2f}x'
  if result['mode'] == 'fixed':
    tail += (
      f', step floor {result["step_floor_ms"]:.3g} ms by FLOPs, {result["step_bytes_floor_ms"]:.3g} ms by bytes '
      f'(+ prefill floor {result["prefill_floor_ms"]:.3g} ms)'
    )
  return f'{head}: ' + ' | '.join(sides) + f'; {tail}; {peak}'


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  if FLAGS.invariant:
    results = [
      bench_invariant(int(vocab), args, shape)
      for shape, args in shapes.resolve(FLAGS, FLAGS.shape, 'sample')
      for vocab in args.vocab
    ]
    for result in results:
      print(
        f'{result["shape"]} vocab {result["vocab"]}: ordinary {result["ordinary_tokens_per_s"]:,.0f} tok/s, '
        f'invariant {result["invariant_tokens_per_s"]:,.0f} tok/s ({result["invariant_vs_ordinary"]:.2f}x)',
        file=sys.stderr,
        flush=True,
      )
      print(json.dumps(result), flush=True)
    if FLAGS.json:
      Path(FLAGS.json).write_text(json.dumps(results, indent=2))
    return
  first = measure_machine(FLAGS.peak_seconds)
  print(
    f'this machine: float32 matmul peak {first[0] / 1e9:,.1f} GFLOP/s, memory read {first[1] / 1e9:,.1f} GB/s',
    file=sys.stderr,
    flush=True,
  )
  results = []
  for shape, args in shapes.resolve(FLAGS, FLAGS.shape, 'sample'):
    for vocab in args.vocab:
      results.append(bench(int(vocab), args, first, shape))
  last = measure_machine(FLAGS.peak_seconds)
  peak, bandwidth = max(first[0], last[0]), max(first[1], last[1])
  print(
    f'float32 matmul peak: {first[0] / 1e9:,.1f} GFLOP/s before, {last[0] / 1e9:,.1f} after; memory read '
    f'{first[1] / 1e9:,.1f} GB/s before, {last[1] / 1e9:,.1f} after; the better of each counts',
    file=sys.stderr,
    flush=True,
  )
  for result in results:
    set_machine(result, peak, bandwidth)
    result['peak_flops_measured'] = [first[0], last[0]]
    result['bytes_per_s_measured'] = [first[1], last[1]]
    if result['other_load_cores'] >= 0.25:
      print(
        f'note: {result["shape"]} vocab {result["vocab"]}: other processes kept {result["other_load_cores"]:.2f} '
        'cores busy during the measurement, so its figures are low',
        file=sys.stderr,
        flush=True,
      )
    print(summary_line(result), file=sys.stderr, flush=True)
    print(json.dumps(result), flush=True)
  if FLAGS.json:
    Path(FLAGS.json).write_text(json.dumps(results, indent=2))


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
