r"""Where a training or decode step spends its time: the top XLA ops of a profiler trace, annotated.

  python benchmarks/profile_steps.py --what=train --shape=compute
  python benchmarks/profile_steps.py --what=decode --shape=demo --top=25 --trace_dir=/tmp/decode-trace

Builds the random model of a preset of benchmarks/shapes.py (--shape; its `train` settings for
--what=train, its `sample` settings for --what=decode) and runs the step once to compile and warm it:

  train   bite_jax.train.step.make_train_step as train_throughput.py's JaxRunner builds it (AdamW,
          clipping, the trainer's automatic loss chunk and rows per pass) on batch x len tokens
  decode  bite_jax.sample.Sampler.generate over prompts x samples rows and new_tokens tokens; its
          decode program runs a while loop of one step per token after the prefill

Then records a trace of `--repeats` more calls with jax.profiler (start_trace(create_perfetto_trace=
True) / stop_trace), reads the `*.trace.json.gz` it writes (traceEvents; ops are the complete 'X'
events whose args name an hlo_module and hlo_op, durations in microseconds) and prints, per step:
the top `--top` ops of the step's program by total time, each with its category and, from the
compiled HLO text, its result shape and op_name (for a fusion, also the dot or reduction inside);
totals per category (matmul: dot / convolution fusions, transpose/copy, elementwise, reduction,
other); and the sum of op times next to the wall time per step (the span of each execution in the
trace; for train also the Python-timed step). Ops may overlap on XLA's thread pool, so the sum can
exceed the wall time. The trace stays in --trace_dir (default: a new temporary directory) for
Perfetto (ui.perfetto.dev) or TensorBoard.
"""

from __future__ import annotations

import collections
import dataclasses
import glob
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time

import jax
import numpy as np
import optax
import shapes
from absl import app, flags
from flax import nnx

from bite_jax import parallel
from bite_jax.models import Decoder, ModelConfig
from bite_jax.sample import Sampler
from bite_jax.train.step import (
  global_batch,
  init_opt_state,
  make_train_step,
  param_shardings,
  rows_sharding,
  step_layout,
)

CATEGORIES = ('matmul', 'transpose/copy', 'elementwise', 'reduction', 'other')
# Settings of the scripts' flags that a preset (e.g. `small`) may leave to the defaults.
DEFAULTS = dict(
  vocab=['1024'],
  hidden=128,
  intermediate=512,
  layers=2,
  heads=4,
  kv_heads=2,
  batch=8,
  len=256,
  prompts=8,
  samples=10,
  new_tokens=128,
  prompt_len=64,
  prompt_min=0,
)

_MATMUL_OPS = {'dot', 'convolution'}
_REDUCE_OPS = {'reduce', 'reduce-window', 'select-and-scatter', 'reduce-precision'}
_MOVE_OPS = {
  'transpose',
  'copy',
  'copy-start',
  'copy-done',
  'reshape',
  'broadcast',
  'slice',
  'dynamic-slice',
  'dynamic-update-slice',
  'concatenate',
  'pad',
  'reverse',
  'iota',
}
_OTHER_OPS = {
  'gather',
  'scatter',
  'sort',
  'custom-call',
  'rng',
  'rng-bit-generator',
  'rng-get-and-update-state',
  'all-reduce',
  'all-gather',
  'all-to-all',
  'collective-permute',
  'reduce-scatter',
  'infeed',
  'outfeed',
}
_CONTROL_OPS = {'while', 'call', 'conditional'}
_PLUMBING_OPS = {'parameter', 'constant', 'bitcast', 'tuple', 'get-tuple-element'}

_INSTRUCTION = re.compile(r'^\s*(?:ROOT\s+)?%([^\s=]+)\s*=\s*')
_COMPUTATION = re.compile(r'^\s*(?:ENTRY\s+)?%([^\s(]+)\s*\(.*\{\s*$')


# ---------------------------------------------------------------------------------------- HLO text


@dataclasses.dataclass(frozen=True)
class HloOp:
  """One instruction of a compiled HLO module: its result `shape` (layouts dropped), `opcode`,
  metadata `op_name`, the opcodes of the computations it calls (a fusion's body), its category and
  `inner`: the op_name of the dot (or else the reduction) inside a fusion, when there is one."""

  name: str
  shape: str  # result type, layouts and comments dropped
  opcode: str
  op_name: str
  called_opcodes: frozenset[str]
  category: str
  inner: str = ''


def _split_type(text: str) -> tuple[str, str]:
  """(the HLO type at the start of `text`, the rest): a tuple type is taken to its closing paren."""
  if text.startswith('('):
    depth = 0
    for i, ch in enumerate(text):
      depth += ch == '('
      depth -= ch == ')'
      if depth == 0:
        return text[: i + 1], text[i + 1 :]
  head, _, rest = text.partition(' ')
  return head, rest


def category_of(opcode: str, called: frozenset[str] | set[str] = frozenset()) -> str:
  """The category of an instruction from its opcode and, for a fusion, the opcodes of its body:
  a dot or convolution makes it `matmul`; else a reduction `reduction`; else a transpose or copy
  (with only data movement and elementwise ops beside it) `transpose/copy`; only elementwise ops
  `elementwise`; anything else (gather, sort, custom calls, ...) `other`; while / call /
  conditional are `control` (their bodies' ops are traced on their own)."""
  if opcode in _CONTROL_OPS:
    return 'control'
  ops = set(called) if opcode == 'fusion' else {opcode}
  ops -= _PLUMBING_OPS
  if ops & _MATMUL_OPS:
    return 'matmul'
  if ops & _REDUCE_OPS:
    return 'reduction'
  if ops & (_OTHER_OPS | _CONTROL_OPS):
    return 'other'
  if ops & {'transpose', 'copy', 'copy-start', 'copy-done'}:
    return 'transpose/copy'
  return 'elementwise'


def parse_hlo(text: str) -> dict[str, HloOp]:
  """Every instruction of an HLO module's text (`compiled.as_text()`), by name (without the %)."""
  computations: dict[str, list[tuple[str, str, str, str, list[str]]]] = {}
  current: list | None = None
  for line in text.splitlines():
    header = _COMPUTATION.match(line)
    if header and ' = ' not in line.split('(', 1)[0]:
      current = computations.setdefault(header.group(1), [])
      continue
    match = _INSTRUCTION.match(line)
    if not match or current is None:
      continue
    shape, rest = _split_type(line[match.end() :])
    opcode = re.match(r'\s*([\w\-]+)\(', rest)
    op_name = re.search(r'op_name="([^"]*)"', rest)
    calls = re.findall(r'calls=%([^\s,}]+)', rest)
    current.append(
      (
        match.group(1),
        re.sub(r'/\*.*?\*/', '', re.sub(r'\{[^{}]*\}', '', shape)),
        opcode.group(1) if opcode else '?',
        op_name.group(1) if op_name else '',
        calls,
      )
    )

  def body(names: list[str], seen: set[str]) -> list[tuple]:
    out = []
    for computation in names:
      if computation in seen:
        continue
      seen.add(computation)
      for instruction in computations.get(computation, []):
        out.append(instruction)
        out.extend(body(instruction[4], seen))
    return out

  ops = {}
  for instructions in computations.values():
    for name, shape, opcode, op_name, calls in instructions:
      inside = body(calls, set())
      called = frozenset(i[2] for i in inside)
      inner = next((i for i in inside if i[2] in _MATMUL_OPS), None) or next(
        (i for i in inside if i[2] in _REDUCE_OPS), None
      )
      inner_text = ''
      if inner:  # what the fusion's result does not already say
        inner_text = ' '.join(
          part
          for part in (inner[2], inner[1] if inner[1] != shape else '', inner[3] if inner[3] != op_name else '')
          if part
        )
      ops[name] = HloOp(name, shape, opcode, op_name, called, category_of(opcode, called), inner_text)
  return ops


def module_name(text: str) -> str:
  """The module name of an HLO text (its first line, `HloModule NAME, ...`)."""
  first = text.lstrip().split('\n', 1)[0]
  match = re.match(r'HloModule\s+([^\s,]+)', first)
  if not match:
    raise ValueError(f'not an HLO module text: {first[:80]!r}')
  return match.group(1)


# ---------------------------------------------------------------------------------------- trace


@dataclasses.dataclass
class ModuleTrace:
  """The traced ops of one HLO module: per op name, calls and total microseconds; and the wall
  span (first op start to last op end) of each execution (run_id), in microseconds."""

  op_calls: collections.Counter
  op_us: collections.Counter
  spans_us: list[float]


def find_trace(trace_dir: str) -> str:
  """The newest `*.trace.json.gz` under `trace_dir` (jax.profiler writes it in a dated folder)."""
  files = glob.glob(os.path.join(trace_dir, '**', '*.trace.json.gz'), recursive=True)
  if not files:
    raise FileNotFoundError(f'no *.trace.json.gz under {trace_dir}')
  return max(files, key=os.path.getmtime)


def read_trace(path: str) -> dict[str, ModuleTrace]:
  """The XLA op events of a trace file, by HLO module name."""
  with gzip.open(path, 'rt') as f:
    data = json.load(f)
  events = data['traceEvents'] if isinstance(data, dict) else data
  modules: dict[str, ModuleTrace] = {}
  runs: dict[tuple[str, str], list[float]] = {}
  for event in events:
    args = event.get('args') or {}
    if event.get('ph') != 'X' or 'hlo_op' not in args or 'hlo_module' not in args:
      continue
    module = modules.setdefault(args['hlo_module'], ModuleTrace(collections.Counter(), collections.Counter(), []))
    start, duration = float(event['ts']), float(event['dur'])
    module.op_calls[args['hlo_op']] += 1
    module.op_us[args['hlo_op']] += duration
    run = runs.setdefault((args['hlo_module'], str(args.get('run_id', ''))), [start, start + duration])
    run[0], run[1] = min(run[0], start), max(run[1], start + duration)
  for (module, _), (start, end) in runs.items():
    modules[module].spans_us.append(end - start)
  return modules


def record(trace_dir: str, fn, repeats: int) -> dict[str, ModuleTrace]:
  """Calls fn() `repeats` times under jax.profiler and returns read_trace of what was written."""
  os.makedirs(trace_dir, exist_ok=True)
  jax.profiler.start_trace(trace_dir, create_perfetto_trace=True)
  try:
    for _ in range(repeats):
      fn()
  finally:
    jax.profiler.stop_trace()
  return read_trace(find_trace(trace_dir))


# ---------------------------------------------------------------------------------------- report


def op_table(module: ModuleTrace, hlo: dict[str, HloOp], steps: float, top: int) -> tuple[list[str], dict]:
  """(lines of the top ops per step, totals per category in microseconds per step)."""
  per_step = {name: us / steps for name, us in module.op_us.items()}
  totals = {c: 0.0 for c in CATEGORIES}
  for name, us in per_step.items():
    category = hlo[name].category if name in hlo else 'other'
    if category != 'control':  # a loop's body ops are traced themselves
      totals[category] += us
  total = sum(totals.values()) or 1.0
  lines = [f'  {"ms/step":>8} {"%":>5} {"calls":>6}  {"op":<32} {"category":<14} shape / op_name']
  loops = []
  ranked = sorted(per_step.items(), key=lambda kv: -kv[1])
  for name, us in ranked:
    if name in hlo and hlo[name].category == 'control':
      loops.append(f'{name} {us / 1000:.3f} ms')
  ranked = [(name, us) for name, us in ranked if name not in hlo or hlo[name].category != 'control']
  for name, us in ranked[:top]:
    op = hlo.get(name)
    what = f'{op.shape} {op.op_name}' if op else '(not in the HLO text)'
    if op and op.inner:
      what += f' [{op.inner}]'
    lines.append(
      f'  {us / 1000:8.3f} {100 * us / total:5.1f} {module.op_calls[name] / steps:6.1f}  {name:<32} '
      f'{op.category if op else "?":<14} {what}'
    )
  if loops:
    lines.append(f'  loops (their time includes ops above, so it is left out of the sums): {", ".join(loops)}')
  return lines, totals


def category_line(totals: dict, wall_us: float) -> str:
  """Category totals per step and their sum next to the wall time per step."""
  total = sum(totals.values())
  parts = ', '.join(f'{c} {totals[c] / 1000:.3f} ms ({100 * totals[c] / (total or 1):.0f}%)' for c in CATEGORIES)
  return f'  by category: {parts}\n  ops sum {total / 1000:.3f} ms per step vs wall {wall_us / 1000:.3f} ms per step'


def model_config(args) -> ModelConfig:
  """The float32 Qwen2 config of a shape's settings (the benchmarks' checkpoints have the same)."""
  return ModelConfig.from_hf_dict(
    dict(
      model_type='qwen2',
      vocab_size=int(args.vocab[0]),
      hidden_size=args.hidden,
      intermediate_size=args.intermediate,
      num_hidden_layers=args.layers,
      num_attention_heads=args.heads,
      num_key_value_heads=args.kv_heads,
      tie_word_embeddings=True,
      max_position_embeddings=4096,
      rms_norm_eps=1e-6,
      initializer_range=0.1,
    )
  )


def settings(shape: str, section: str):
  """A shape's settings for `section`, the scripts' defaults for what it leaves out."""
  return shapes.resolve(dict(DEFAULTS), [shape], section)[0][1]


def profile_train(args, trace_dir: str, repeats: int, top: int) -> list[str]:
  """Traces `repeats` training steps; returns the report lines."""
  mesh = parallel.make_mesh()
  model = Decoder(model_config(args), rngs=nnx.Rngs(0))
  parallel.shard_model(model, mesh)
  config = model.config
  graphdef, params, rest = nnx.split(model, nnx.Param, ...)
  tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(1e-4, b1=0.9, b2=0.95, weight_decay=0.0))
  opt_state, opt_sh = init_opt_state(tx, params, mesh)
  passes, chunk = step_layout(
    rows_per_pass=0, loss_chunk=0, micro_rows=args.batch, seq_len=args.len, config=config, mesh=mesh
  )
  step = make_train_step(
    graphdef,
    rest,
    tx,
    mesh=mesh,
    params_sh=param_shardings(params),
    opt_sh=opt_sh,
    grad_accum=passes,
    loss_chunk=chunk,
    batch_rows=args.batch,
  )
  rng = np.random.default_rng(0)
  tokens = rng.integers(0, config.vocab_size, (args.batch, args.len + 1)).astype(np.int32)
  mask = np.zeros((args.batch, args.len), np.int32)
  mask[:, args.len // 2 :] = 1
  local = {'inputs': tokens[:, :-1], 'targets': tokens[:, 1:], 'mask': mask}
  batch = global_batch(local, rows_sharding(mesh, args.batch), args.batch)
  compiled = step.lower(params, opt_state, batch).compile()
  state = {'params': params, 'opt': opt_state}

  def run():
    state['params'], state['opt'], metrics = compiled(state['params'], state['opt'], batch)
    float(metrics['loss'])

  run()  # warm-up
  start = time.perf_counter()
  for _ in range(repeats):
    run()
  timed = (time.perf_counter() - start) / repeats
  text = compiled.as_text()
  name = module_name(text)
  module = record(trace_dir, run, repeats)[name]
  wall = statistics.median(module.spans_us)
  flops = config.flops_per_token(args.len) * args.batch * args.len
  lines = [
    f'train step, {args.batch} x {args.len} tokens, loss chunk {chunk}, {args.batch // passes} rows per pass: '
    f'{timed * 1000:.1f} ms per step timed, {wall / 1000:.1f} ms traced span; '
    f'{flops / timed / 1e9:,.1f} GFLOP/s ({flops / 1e9:.2f} GFLOP per step)',
    f'top {top} ops of {name} per step:',
  ]
  table, totals = op_table(module, parse_hlo(text), repeats, top)
  return lines + table + [category_line(totals, wall)]


def profile_decode(args, trace_dir: str, repeats: int, top: int) -> list[str]:
  """Traces `repeats` Sampler.generate calls; returns the report lines about their decode steps."""
  model = Decoder(model_config(args), rngs=nnx.Rngs(0))
  rows = args.prompts * args.samples
  sampler = Sampler(model, max_batch=rows, eos_token_ids=())
  rng = np.random.default_rng(0)
  shortest = args.prompt_min or args.prompt_len // 2
  lengths = np.linspace(shortest, args.prompt_len, args.prompts).astype(int)
  prompts = [rng.integers(3, model.config.vocab_size, n).tolist() for n in lengths]
  seeds = iter(range(1, repeats + 3))

  def run():
    sampler.generate(prompts, num_samples=args.samples, max_new_tokens=args.new_tokens, seed=next(seeds))

  run()  # compiles
  hlo_texts = {module_name(exe.as_text()): (key, exe.as_text()) for key, exe in sampler._compiled.items()}
  modules = record(trace_dir, run, repeats)
  seconds = sampler.stats.decode_seconds
  lines = [
    f'decode, {rows} rows ({args.prompts} prompts x {args.samples}), prompts of {lengths[0]}-{lengths[-1]} '
    f'tokens, {args.new_tokens} new tokens: {seconds * 1000:.1f} ms per generate call (last traced call)'
  ]
  for name, (key, text) in hlo_texts.items():
    module = modules.get(name)
    if module is None:
      lines.append(f'{key[0]} program {name}: no ops in the trace')
      continue
    calls = len(module.spans_us)
    if str(key[0]).startswith('decode'):
      # One loop iteration per token: the count most ops of the module share, per call.
      steps = collections.Counter(module.op_calls.values()).most_common(1)[0][0] / calls
      wall = sum(module.spans_us) / (calls * steps)
      lines.append(
        f'{name}: {steps:g} decode steps per call, {wall / 1000:.3f} ms per step (traced span); top {top} ops per step:'
      )
      table, totals = op_table(module, parse_hlo(text), calls * steps, top)
      lines += table + [category_line(totals, wall)]
    else:
      total = sum(module.op_us.values()) / calls
      lines.append(
        f'{name} ({key[0]}): {statistics.median(module.spans_us) / 1000:.2f} ms per call traced span, '
        f'ops sum {total / 1000:.2f} ms'
      )
  return lines


FLAGS = flags.FLAGS


def define_flags() -> None:
  """The command line's flags (defined only when run as a command, so that tests can import this)."""
  flags.DEFINE_enum('what', 'train', ['train', 'decode'], 'the step to profile')
  flags.DEFINE_enum('shape', 'compute', list(shapes.SHAPES), 'a preset of benchmarks/shapes.py')
  flags.DEFINE_integer('repeats', 3, 'traced calls (train steps, or generate calls for decode)')
  flags.DEFINE_integer('top', 15, 'ops listed')
  flags.DEFINE_string('trace_dir', None, 'where the trace is written; default: a new temporary directory')


def main(argv: list[str]) -> int:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  trace_dir = FLAGS.trace_dir or tempfile.mkdtemp(prefix=f'profile-{FLAGS.what}-')
  args = settings(FLAGS.shape, 'train' if FLAGS.what == 'train' else 'sample')
  profile = profile_train if FLAGS.what == 'train' else profile_decode
  device = jax.devices()[0]
  print(f'{FLAGS.shape} on {len(jax.devices())} {device.platform} device(s), jax {jax.__version__}', flush=True)
  for line in profile(args, trace_dir, FLAGS.repeats, FLAGS.top):
    print(line, flush=True)
  print(f'trace: {find_trace(trace_dir)} (and perfetto_trace.json.gz beside it)', flush=True)
  return 0


if __name__ == '__main__':
  define_flags()
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
