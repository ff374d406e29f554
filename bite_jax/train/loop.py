"""Instruction fine-tuning (IFT): the editors and every PKAC stage train through `train_ift`.

  python -m bite_jax.main --config=configs/tiny.py --workdir=W --config.stage=ift \
      --config.model.hf_path=DIR --config.ift.data=PAIRS.jsonl --config.ift.steps=6

What a run writes under its output directory OUT (WORKDIR/ift for the `ift` stage):
  OUT/metrics.jsonl    one line per optimizer step (bite_jax.train.metrics)
  OUT/checkpoints/     Orbax steps: params, optimizer state, grain iterator state
  OUT/final/           config.json + tokenizer + params (+ hf/ on request); `load_trained(OUT/final)`

Rerunning the same command resumes from the newest checkpoint and gives the
same losses as an uninterrupted run; a larger `steps` continues training (the
learning-rate schedule never depends on `steps`, see bite_jax.train.optim).

Speed and memory knobs that never change the losses: `ift.rows_per_pass` (a
micro-batch is taken that many rows per device at a time and its gradient
summed; 0 = cache-sized passes on CPU, the whole micro-batch on accelerators)
and `ift.loss_chunk` (positions per cross-entropy chunk; 0 = automatic).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

import jax
import numpy as np
from flax import nnx

from bite_jax import parallel
from bite_jax.data import batching
from bite_jax.data.pairs import read_pairs
from bite_jax.data.prompts import check_direction
from bite_jax.data.records import Pair
from bite_jax.models import hf
from bite_jax.models.trained import TOKENIZER_FILES, has_tokenizer, is_trained_dir, load_trained_model, save_final
from bite_jax.train.checkpoint import CheckpointStore
from bite_jax.train.invariant import build_train_step, check_layout, leaf_rows_for
from bite_jax.train.metrics import MetricsLog, mfu, progress_line, read_metrics, total_peak_flops
from bite_jax.train.optim import make_optimizer, make_schedule
from bite_jax.train.step import (
  compile_step,
  global_batch,
  init_opt_state,
  param_shardings,
  rows_sharding,
  step_layout,
)

__all__ = ['train_ift']


def _check_ift(ift, section: str = 'ift') -> None:
  """Checks a training section's sizes; errors name the field as `config.{section}.x`."""
  check_direction(ift.direction)
  for name in ('batch_size', 'max_len', 'grad_accum', 'checkpoint_every', 'length_buckets'):
    if int(ift.get(name, 1)) <= 0:
      raise ValueError(f'config.{section}.{name}: must be positive, got {ift[name]}')
  if int(ift.get('rows_per_pass', 0)) < 0:
    raise ValueError(f'config.{section}.rows_per_pass: must be >= 0 (0 = auto), got {ift.rows_per_pass}')
  if ift.batch_size % ift.grad_accum:
    raise ValueError(f'config.{section}.batch_size={ift.batch_size} is not a multiple of grad_accum={ift.grad_accum}')
  if ift.steps <= 0 and ift.epochs <= 0:
    raise ValueError(f'config.{section}: set steps > 0 or epochs > 0')


def _model_source(ift, base_dir: str | None, section: str = 'ift') -> Path:
  source = ift.init or base_dir
  if not source:
    raise ValueError(
      f'config.model.hf_path (or config.{section}.init): empty; training starts from a Hugging Face '
      'checkpoint directory (config.json, safetensors, tokenizer) or a trained OUT/final dir'
    )
  source = Path(source)
  if not (source / 'config.json').is_file():
    raise FileNotFoundError(
      f'{source}: no config.json; expected a Hugging Face checkpoint directory or a trained OUT/final directory'
    )
  return source


def _load_tokenizer(source: Path):
  if not has_tokenizer(source):
    raise FileNotFoundError(
      f'{source}: no tokenizer files ({", ".join(TOKENIZER_FILES)}); the IFT '
      'trainer loads the tokenizer from the model directory'
    )
  return hf.load_tokenizer(source)


def _load_model(source: Path, model_cfg, mesh):
  overrides = dict(dtype=model_cfg.dtype, param_dtype=model_cfg.param_dtype, remat=bool(model_cfg.remat))
  if is_trained_dir(source):
    return load_trained_model(source, mesh=mesh, **overrides)
  return hf.from_pretrained(
    source,
    dtype=overrides['dtype'],
    param_dtype=overrides['param_dtype'],
    mesh=mesh,
    config_overrides={'remat': overrides['remat']},
  )


def _data_hash(examples) -> str:
  digest = hashlib.sha256()
  for ex in examples:
    digest.update(np.int64(ex.prompt_len).tobytes())
    digest.update(ex.tokens.tobytes())
  return digest.hexdigest()[:16]


def _check_resume(meta: dict, fingerprint: dict, ckpt_dir: Path) -> None:
  for key, value in fingerprint.items():
    if key in meta and meta[key] != value:
      raise ValueError(
        f'{ckpt_dir}: the checkpoint was written with {key}={meta[key]!r} but this run has '
        f'{key}={value!r}; rerun with the same settings or use a fresh output directory'
      )


def _to_float(x) -> float:
  return float(np.asarray(jax.device_get(x.addressable_data(0))))


def _row_lengths(ift) -> str:
  lengths = batching.bucket_lengths(int(ift.max_len), int(ift.get('length_buckets', 1)))
  return str(lengths[0]) if len(lengths) == 1 else '{' + ', '.join(map(str, lengths)) + '}'


def train_ift(
  ift,
  model_cfg,
  mesh_cfg,
  out_dir: Path,
  *,
  base_dir: str | None = None,
  pairs: Sequence[Pair] | str | Path | None = None,
  log=print,
) -> Path:
  """One resumable IFT run; returns OUT/final.

  Args:
    ift: a `config.ift`-style section (defaults.ift_defaults(): steps/epochs, batch_size (global rows per
      optimizer step), max_len (tokens per row), grad_accum, lr and schedule, checkpoint_every, ...).
    model_cfg: `config.model` (dtype, param_dtype, remat; hf_path is passed as `base_dir`).
    mesh_cfg: `config.mesh` (data, fsdp, tensor; -1 fills the devices left).
    out_dir: where metrics.jsonl, checkpoints/ and final/ go.
    base_dir: the base Hugging Face checkpoint (used when `ift.init` is empty).
    pairs: the training pairs, or a JSONL path (ours or PIE); None = `ift.data`.
    log: progress sink (only process 0 logs).
  """
  _check_ift(ift)
  out_dir = Path(out_dir)
  lead = jax.process_index() == 0
  say = log if (log and lead) else (lambda *_: None)
  mesh = parallel.make_mesh(mesh_cfg.data, mesh_cfg.fsdp, mesh_cfg.tensor)
  data_ways = mesh.shape['data'] * mesh.shape['fsdp']
  micro = ift.batch_size // ift.grad_accum
  if micro % data_ways and jax.process_count() > 1:
    # One process holds only its own rows, so rows cannot fall back to being replicated.
    raise ValueError(
      f'config.ift.batch_size / grad_accum = {micro} rows must be a multiple of '
      f'mesh data x fsdp = {data_ways} when training on several hosts'
    )

  source = _model_source(ift, base_dir)
  tokenizer = _load_tokenizer(source)
  pairs = ift.data if pairs is None else pairs
  data_desc = str(pairs) if isinstance(pairs, (str, Path)) else f'{len(pairs)} in-memory pairs'
  if isinstance(pairs, (str, Path)):
    if not str(pairs):
      raise ValueError('config.ift.data: empty; pass a JSONL pairs file')
    pairs = read_pairs(pairs)
  model = _load_model(source, model_cfg, mesh)
  config = model.config
  examples, stats = batching.tokenize_pairs(
    list(pairs), tokenizer, direction=ift.direction, max_len=ift.max_len, log=say, eos_id=config.eos_token_id
  )
  top_id = max(int(ex.tokens.max()) for ex in examples) if examples else -1
  if top_id >= config.vocab_size:
    raise ValueError(
      f'{source}: the tokenizer produced token id {top_id} but the model vocab_size is {config.vocab_size}'
    )

  spe = batching.steps_per_epoch(len(examples), ift.batch_size)
  total_steps = int(ift.steps) if ift.steps > 0 else batching.epochs_to_steps(ift.epochs, len(examples), ift.batch_size)
  schedule = make_schedule(ift, steps_per_epoch=spe)
  invariant = int(mesh_cfg.get('invariant', 0))
  tx = make_optimizer(ift, schedule, clip=not invariant)
  graphdef, params, rest = nnx.split(model, nnx.Param, ...)
  del model
  opt_state, opt_sh = init_opt_state(tx, params, mesh)
  params_sh = param_shardings(params)

  def layout(seq_len: int) -> tuple[int, int]:
    return step_layout(
      rows_per_pass=int(ift.get('rows_per_pass', 0)),
      loss_chunk=int(ift.loss_chunk),
      micro_rows=micro,
      seq_len=seq_len,
      config=config,
      mesh=mesh,
      ways=1 if invariant else None,
    )

  def step_for(seq_len: int):
    """The train step for rows of `seq_len` tokens (one per length bucket, compiled at its first batch)."""
    row_passes, loss_chunk = layout(seq_len)
    return build_train_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=params_sh,
      opt_sh=opt_sh,
      batch_rows=int(ift.batch_size),
      micro_rows=micro,
      row_passes=row_passes,
      loss_chunk=loss_chunk,
      invariant=invariant,
      grad_accum=int(ift.grad_accum),
      clip_norm=float(ift.clip_norm or 0.0),
    )

  passes, chunk = layout(ift.max_len)
  if invariant:  # a layout this mesh cannot share stops the run here, before any data is read
    for seq_len in batching.bucket_lengths(ift.max_len, int(ift.get('length_buckets', 1))):
      leaf_rows = leaf_rows_for(int(ift.batch_size), micro // layout(seq_len)[0], invariant)
      check_layout(mesh, batch_rows=int(ift.batch_size), leaf_rows=leaf_rows)

  pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
  dataset = batching.make_dataset(
    examples,
    batch_size=ift.batch_size,
    max_len=ift.max_len,
    seed=ift.seed,
    shard_index=jax.process_index(),
    shard_count=jax.process_count(),
    pad_id=pad_id,
    length_buckets=int(ift.get('length_buckets', 1)),
  )
  iterator = batching.make_iterator(dataset)
  # What a resume must not change; the mesh and grad_accum may change (memory, not the maths).
  fingerprint = dict(
    batch_size=int(ift.batch_size),
    max_len=int(ift.max_len),
    seed=int(ift.seed),
    direction=ift.direction,
    lr=float(ift.lr),
    warmup_steps=schedule.warmup_steps,
    decay_steps=schedule.decay_steps,
    num_examples=len(examples),
    data_hash=_data_hash(examples),
  )
  store = CheckpointStore(out_dir / 'checkpoints', keep=int(ift.keep_checkpoints))
  metrics = MetricsLog(out_dir / 'metrics.jsonl', writer=lead)
  start = store.latest_step()
  if start:
    _check_resume(store.read_meta(start), fingerprint, store.directory)
    params, opt_state, _ = store.restore(start, params, opt_state, iterator)
    say(f'[ift] resumed from {store.directory}/{start}')
  metrics.truncate_after(start)
  say(
    f'[ift] {total_steps} steps of {ift.batch_size} x {_row_lengths(ift)} tokens ({spe:.1f} steps/epoch), '
    f'mesh {dict(mesh.shape)}, {micro // passes} rows per pass, loss chunk {chunk}, lr {schedule.peak_lr:g} '
    f'warmup {schedule.warmup_steps} '
    f'decay {schedule.decay_steps or "none"}, out {out_dir}'
  )

  peak = total_peak_flops(mesh.devices.flat)
  data_sh = rows_sharding(mesh, ift.batch_size)
  pending: list[tuple[int, dict]] = []
  # tokens/s is the running average since the first step of this invocation (which includes compilation).
  window = {'time': time.time(), 'step': start, 'first': True, 'tokens': 0, 'flops': 0.0}
  last = {}
  first = {}  # step 1's record (from metrics.jsonl when this invocation resumed past it)
  if start and lead and metrics.path.exists():
    first.update(next((r for r in read_metrics(metrics.path) if r.get('step') == 1), {}))

  def flush(keep_last: bool) -> None:
    while len(pending) > (1 if keep_last else 0):
      step, m, seq_len = pending.pop(0)
      loss, target_tokens = _to_float(m['loss']), int(round(_to_float(m['target_tokens'])))
      now = time.time()
      tokens = ift.batch_size * seq_len
      record = dict(
        step=step, loss=loss, tokens=tokens, target_tokens=target_tokens, lr=schedule.at_step(step), time=now
      )
      metrics.append(record)
      last.update(record)
      if step == 1:
        first.update(record)
      window['tokens'] += tokens
      window['flops'] += tokens * config.flops_per_token(seq_len)
      if step % max(1, ift.log_every) == 0 or step == total_steps or window['first']:
        steps = max(1, step - window['step'])
        elapsed = max(now - window['time'], 1e-9)
        rate = window['tokens'] / elapsed
        line = progress_line(
          step,
          total_steps,
          loss,
          record['lr'],
          rate,
          mfu(rate, window['flops'] / max(window['tokens'], 1), peak),
          (total_steps - step) * elapsed / steps,
        )
        say(line + (' (first step, incl. compilation)' if window['first'] else ''))
      if window['first']:
        window.update(time=now, step=step, first=False, tokens=0, flops=0.0)

  compiled = {}  # row length -> compiled train step
  for step in range(start + 1, total_steps + 1):
    local = next(iterator)
    seq_len = int(local['inputs'].shape[1])
    batch = global_batch(local, data_sh, ift.batch_size)
    if seq_len not in compiled:
      compiled[seq_len] = compile_step(step_for(seq_len), params, opt_state, batch)
    params, opt_state, step_metrics = compiled[seq_len](params, opt_state, batch)
    pending.append((step, step_metrics, seq_len))
    flush(keep_last=True)  # reads the previous step's result while this one runs
    preempted = step < total_steps and store.reached_preemption(step)
    if step % ift.checkpoint_every == 0 or step == total_steps or preempted:
      flush(keep_last=False)
      store.save(step, params, opt_state, iterator, dict(fingerprint, step=step))
    if preempted:
      store.close()
      raise SystemExit(
        f'[ift] preempted: checkpoint at step {step} in {store.directory}; rerun the same command to resume'
      )
  flush(keep_last=False)
  store.close()
  if start >= total_steps:
    say(f'[ift] already trained to step {start} (steps={total_steps}); writing the final directory')

  info = dict(
    steps=max(start, total_steps),
    direction=ift.direction,
    source=str(source),
    data=data_desc,
    pairs_total=stats.total,
    pairs_kept=stats.kept,
    pairs_dropped=stats.dropped,
    trained=True,
    first_loss=first.get('loss'),
    final_loss=last.get('loss'),
  )
  final = save_final(out_dir / 'final', params, model_config=config, source=source, info=info)
  if ift.export_hf:
    hf.save_pretrained(nnx.merge(graphdef, params, rest), final / 'hf', tokenizer=tokenizer)
  say(f'[ift] final parameters in {final}')
  return final
