r"""Peak memory of IFT with a large vocabulary: a subprocess trains a few steps, we read its peak RSS.

  python benchmarks/train_memory.py --vocab=151936 --batch=4 --len=1024 --steps=3 [--checkpoint_every=1]

The parent builds a tiny random Qwen2 checkpoint (hidden --hidden, --layers layers, --vocab rows)
with a small tokenizer, then runs `train_ift` in a child process (JAX only: no torch there) on
synthetic pairs padded to [batch, len], and reports the child's peak resident set size: its own
high-water mark (VmHWM in /proc/self/status on Linux; getrusage's ru_maxrss elsewhere). ru_maxrss
is not used on Linux because it survives exec: a child spawned by a large process (a long pytest
run) would report the parent's peak. RUSAGE_CHILDREN is printed alongside for reference. Full
float32 logits of one batch would take batch x len x vocab x 4 bytes (2.5 GB for 4 x 1024 x
151,936); the chunked loss never builds them.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import NoReturn

from absl import flags

from bite_jax import config as bite_config
from bite_jax.data.records import Pair

ROOT = Path(__file__).resolve().parents[1]
PROG = 'python benchmarks/train_memory.py'

# Its own flag set, not absl's process-wide flags.FLAGS: the tests load this file into a process that also
# holds other commands' flags (the sampler CLI's --out), and parse() runs more than once there.
FLAGS = flags.FlagValues()
flags.DEFINE_integer('vocab', 151936, 'vocabulary rows of the checkpoint', flag_values=FLAGS)
flags.DEFINE_integer('hidden', 64, 'hidden size', flag_values=FLAGS)
flags.DEFINE_integer('layers', 2, 'decoder layers', flag_values=FLAGS)
flags.DEFINE_integer('batch', 4, 'rows per step', flag_values=FLAGS)
flags.DEFINE_integer('len', 1024, 'tokens per row (pairs are padded to it)', flag_values=FLAGS)
flags.DEFINE_integer('steps', 3, 'training steps', flag_values=FLAGS)
flags.DEFINE_integer(
  'checkpoint_every',
  1,
  'steps between checkpoints (0 = only at the end); every step by default, as a '
  'save followed by another step is the highest point',
  flag_values=FLAGS,
)
flags.DEFINE_string('child', None, 'internal: run as the child on this base checkpoint', flag_values=FLAGS)
flags.DEFINE_string('out', None, "internal: the child's training directory", flag_values=FLAGS)
flags.DEFINE_bool('help', False, 'print this help and exit', flag_values=FLAGS)


def make_base(directory: Path, args) -> Path:
  import torch  # noqa: PLC0415 -- parent only: the child trains with JAX alone, no torch
  import transformers  # noqa: PLC0415 -- parent only: the child trains with JAX alone, no torch

  sys.path.insert(0, str(ROOT))
  from tests.helpers.checkpoints import save_tiny_tokenizer  # noqa: PLC0415 -- parent only; a test helper, found from ROOT

  torch.manual_seed(0)
  config = transformers.Qwen2Config(
    vocab_size=args.vocab,
    hidden_size=args.hidden,
    intermediate_size=4 * args.hidden,
    num_hidden_layers=args.layers,
    num_attention_heads=4,
    num_key_value_heads=2,
    tie_word_embeddings=True,
    max_position_embeddings=max(2048, args.len),
    bos_token_id=1,
    eos_token_id=2,
  )
  transformers.Qwen2ForCausalLM(config).save_pretrained(str(directory))
  save_tiny_tokenizer(directory)
  return directory


def own_peak_kb() -> int:
  """This process's peak resident set size in KiB, counted from its own exec."""
  try:
    for line in Path('/proc/self/status').read_text().splitlines():
      if line.startswith('VmHWM:'):
        return int(line.split()[1])
  except OSError:
    pass
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(base: Path, out: Path, args) -> None:
  """Runs in the subprocess: a short IFT run; prints the losses as JSON."""
  sys.path.insert(0, str(ROOT))
  from bite_jax.train import train_ift  # noqa: PLC0415 -- child only: importing this file stays light (no JAX)
  from bite_jax.train.metrics import read_metrics  # noqa: PLC0415 -- child only: importing this file stays light (no JAX)

  config = bite_config.base_config()
  ift = config.ift
  ift.steps, ift.batch_size, ift.max_len = args.steps, args.batch, args.len
  ift.checkpoint_every, ift.lr, ift.warmup_steps = args.checkpoint_every or args.steps, 1e-3, 1
  body = '\n'.join(f'x{i} = {i} * {i}' for i in range(40))
  pairs = [
    Pair(language='python', slow=f'{body}\nprint(sum(range({k})))\n', fast=f'print({k * (k - 1) // 2})\n')
    for k in range(64)
  ]
  train_ift(ift, config.model, config.mesh, out, base_dir=str(base), pairs=pairs, log=None)
  peak_kb = own_peak_kb()
  print(
    json.dumps({'losses': [r['loss'] for r in read_metrics(out / 'metrics.jsonl')], 'peak_kb': peak_kb}), flush=True
  )


def measure(args) -> dict:
  """Builds the checkpoint, runs the child, returns {'peak_rss_mb' (MiB), 'losses', ...}."""
  with tempfile.TemporaryDirectory() as tmp:
    base = make_base(Path(tmp) / 'base', args)
    cmd = [
      sys.executable,
      str(Path(__file__).resolve()),
      f'--child={base}',
      f'--out={Path(tmp) / "out"}',
      f'--vocab={args.vocab}',
      f'--batch={args.batch}',
      f'--len={args.len}',
      f'--steps={args.steps}',
      f'--hidden={args.hidden}',
      f'--layers={args.layers}',
      f'--checkpoint_every={args.checkpoint_every}',
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
      raise RuntimeError(f'train_memory child failed ({proc.returncode}):\n{proc.stderr[-4000:]}')
  # RUSAGE_CHILDREN is the largest child this process ever waited for (and survives exec); the child's own
  # VmHWM is the figure.
  children_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
  report = json.loads(proc.stdout.strip().splitlines()[-1])
  full_logits_mb = args.batch * args.len * args.vocab * 4 / 2**20
  return {
    'peak_rss_mb': report['peak_kb'] / 1024,
    'children_peak_rss_mb': children_peak_kb / 1024,
    'losses': report['losses'],
    'full_logits_mb': full_logits_mb,
    'vocab': args.vocab,
    'batch': args.batch,
    'len': args.len,
    'hidden': args.hidden,
    'checkpoint_every': args.checkpoint_every,
  }


def _usage_error(message: str) -> NoReturn:
  print(f'{PROG}: error: {message} (see --help)', file=sys.stderr)
  raise SystemExit(2)


def parse(argv: list[str] | None = None) -> types.SimpleNamespace:
  """The flags in argv (default sys.argv[1:]) as a namespace; --child and --out as Paths (or None).

  Bad usage prints the error naming the flag and raises SystemExit(2); --help prints the doc and the flags.
  """
  FLAGS.unparse_flags()
  try:
    rest = FLAGS([PROG, *(sys.argv[1:] if argv is None else argv)])[1:]
  except flags.Error as e:
    _usage_error(str(e))
  if FLAGS.help:
    print(f'usage: {PROG} [--flag=value ...]\n{__doc__}\nflags:\n{FLAGS.get_help(include_special_flags=False)}')
    raise SystemExit(0)
  if rest:
    _usage_error(f'unexpected argument(s) {rest}: every option is a --flag=value')
  values = {name: value for name, value in FLAGS.flag_values_dict().items() if name != 'help'}
  for name in ('child', 'out'):
    values[name] = None if values[name] is None else Path(values[name])
  return types.SimpleNamespace(**values)


def main(argv=None) -> int:
  args = parse(argv)
  if args.child is not None:
    child(args.child, args.out, args)
    return 0
  result = measure(args)
  print(
    f'peak RSS {result["peak_rss_mb"]:.0f} MiB (RUSAGE_CHILDREN {result["children_peak_rss_mb"]:.0f} MiB) '
    f'for batch {args.batch} x {args.len} with vocab {args.vocab} (full float32 logits would be '
    f'{result["full_logits_mb"]:.0f} MiB); losses {result["losses"]}'
  )
  return 0


if __name__ == '__main__':
  sys.exit(main())
