"""Direct Preference Optimisation (DPO) runs: `train_dpo`, IFT's trainer with the DPO loss.

  python -m bite_jax.main --config=configs/tiny.py --workdir=W --config.stage=dpo \
      --config.model.hf_path=DIR --config.dpo.data=PREFS.jsonl --config.dpo.steps=6

`config.dpo` is an IFT section (config.ift_defaults(): steps/epochs, batch_size in preference pairs
per optimizer step, max_len per row, lr schedule, grad_accum, checkpoint_every, ...) plus `beta` (the
DPO temperature) and `reference` (the frozen reference model's directory; '' = the model the run
starts from). The data is a JSONL of preference records (bite_jax.data.preferences).

The reference is frozen and kept on the mesh next to the policy (sharded alike, no optimizer state);
its log-probabilities are computed in every step, on that step's rows, without gradient, so nothing
about it is stored with the run: a resumed run reloads it from its directory.

What a run writes under OUT (WORKDIR/dpo for the `dpo` stage), as an IFT run does:
  OUT/metrics.jsonl    one line per step: step, loss, reward_margin, accuracy, chosen_reward, rejected_reward,
                       grad_norm, lr, tokens (positions of both rows), target_tokens, tokens_per_s, time
  OUT/checkpoints/     Orbax steps: params, optimizer state, grain iterator state
  OUT/final/           a trained directory: `load_trained(OUT/final)`
Rerunning the same command resumes from the newest checkpoint with the same results as an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from bite_jax import parallel
from bite_jax.data import batching
from bite_jax.data.preferences import (
  Preference,
  PreferenceExample,
  make_preference_dataset,
  read_preferences,
  tokenize_preferences,
)
from bite_jax.models import hf
from bite_jax.models.trained import save_final
from bite_jax.train.checkpoint import CheckpointStore
from bite_jax.train.dpo.step import dpo_layout, make_dpo_step
from bite_jax.train.loop import _check_ift, _check_resume, _load_model, _load_tokenizer, _model_source, _to_float
from bite_jax.train.metrics import MetricsLog, mfu, progress_line, read_metrics, total_peak_flops
from bite_jax.train.optim import make_optimizer, make_schedule
from bite_jax.train.step import compile_step, global_batch, init_opt_state, param_shardings, rows_sharding

__all__ = ['train_dpo']

_METRICS = ('loss', 'reward_margin', 'accuracy', 'chosen_reward', 'rejected_reward', 'grad_norm')


def _check_dpo(dpo) -> None:
  _check_ift(dpo, section='dpo')
  if not float(dpo.beta) > 0:
    raise ValueError(f'config.dpo.beta: must be > 0, got {dpo.beta}')


def _data_hash(examples: Sequence[PreferenceExample]) -> str:
  digest = hashlib.sha256()
  for ex in examples:
    for row in (ex.chosen, ex.rejected):
      digest.update(np.int64(row.prompt_len).tobytes())
      digest.update(row.tokens.tobytes())
  return digest.hexdigest()[:16]


def _reference_params(dpo, source: Path, params, model_cfg, mesh, params_sh):
  """The frozen reference's parameters on `params_sh`: a copy of `params` (the init model) when
  `dpo.reference` is empty, else the model in that directory (same architecture as the policy)."""
  if not dpo.reference:
    return jax.tree.map(lambda x, s: jax.device_put(jnp.copy(x), s), params, params_sh)
  ref_dir = Path(dpo.reference)
  if not (ref_dir / 'config.json').is_file():
    raise FileNotFoundError(f'config.dpo.reference: {ref_dir}: no config.json (a Hugging Face or OUT/final dir)')
  ref_params = nnx.split(_load_model(ref_dir, model_cfg, mesh), nnx.Param, ...)[1]
  shapes = jax.tree.map(lambda x: (x.shape, x.dtype), params)
  ref_shapes = jax.tree.map(lambda x: (x.shape, x.dtype), ref_params)
  if jax.tree.structure(shapes) != jax.tree.structure(ref_shapes) or shapes != ref_shapes:
    raise ValueError(f'config.dpo.reference: {ref_dir}: not the architecture of the policy model {source}')
  return jax.tree.map(jax.device_put, ref_params, params_sh)


def train_dpo(
  dpo,
  model_cfg,
  mesh_cfg,
  out_dir: Path,
  *,
  base_dir: str | None = None,
  records: Sequence[Preference] | str | Path | None = None,
  log=print,
) -> Path:
  """One resumable DPO run; returns OUT/final (a directory `load_trained` reads).

  Args:
    dpo: a `config.dpo` section: an IFT section (batch_size = preference pairs per step) plus `beta`
      and `reference` (see the module docstring).
    model_cfg: `config.model` (dtype, param_dtype, remat); mesh_cfg: `config.mesh` (data, fsdp, tensor).
    out_dir: where metrics.jsonl, checkpoints/ and final/ go.
    base_dir: the model to start from when `dpo.init` is empty (a Hugging Face or OUT/final directory).
    records: the preference records, or a JSONL path; None = `dpo.data`.
    log: progress sink (only process 0 logs).
  """
  _check_dpo(dpo)
  out_dir = Path(out_dir)
  lead = jax.process_index() == 0
  say = log if (log and lead) else (lambda *_: None)
  mesh = parallel.make_mesh(mesh_cfg.data, mesh_cfg.fsdp, mesh_cfg.tensor)
  micro = dpo.batch_size // dpo.grad_accum
  if micro % (mesh.shape['data'] * mesh.shape['fsdp']) and jax.process_count() > 1:
    raise ValueError(
      f'config.dpo.batch_size / grad_accum = {micro} pairs must be a multiple of mesh data x fsdp '
      'when training on several hosts'
    )

  source = _model_source(dpo, base_dir, section='dpo')
  tokenizer = _load_tokenizer(source)
  records = dpo.data if records is None else records
  data_desc = str(records) if isinstance(records, (str, Path)) else f'{len(records)} in-memory records'
  if isinstance(records, (str, Path)):
    if not str(records):
      raise ValueError('config.dpo.data: empty; pass a JSONL file of preference records')
    records = read_preferences(records)
  model = _load_model(source, model_cfg, mesh)
  config = model.config
  examples, stats = tokenize_preferences(
    list(records), tokenizer, max_len=dpo.max_len, log=say, eos_id=config.eos_token_id
  )
  top_id = max((int(max(ex.chosen.tokens.max(), ex.rejected.tokens.max())) for ex in examples), default=-1)
  if top_id >= config.vocab_size:
    raise ValueError(
      f'{source}: the tokenizer produced token id {top_id} but the model vocab_size is {config.vocab_size}'
    )

  spe = batching.steps_per_epoch(len(examples), dpo.batch_size)
  total_steps = int(dpo.steps) if dpo.steps > 0 else batching.epochs_to_steps(dpo.epochs, len(examples), dpo.batch_size)
  schedule = make_schedule(dpo, steps_per_epoch=spe)
  tx = make_optimizer(dpo, schedule)
  graphdef, params, rest = nnx.split(model, nnx.Param, ...)
  del model
  params_sh = param_shardings(params)
  ref_params = _reference_params(dpo, source, params, model_cfg, mesh, params_sh)
  opt_state, opt_sh = init_opt_state(tx, params, mesh)

  def layout(seq_len: int) -> tuple[int, int]:
    return dpo_layout(
      rows_per_pass=int(dpo.get('rows_per_pass', 0)),
      loss_chunk=int(dpo.loss_chunk),
      micro_pairs=micro,
      seq_len=seq_len,
      config=config,
      mesh=mesh,
    )

  def step_for(seq_len: int):
    passes, chunk = layout(seq_len)
    return make_dpo_step(
      graphdef,
      rest,
      tx,
      mesh=mesh,
      params_sh=params_sh,
      opt_sh=opt_sh,
      grad_accum=int(dpo.grad_accum) * passes,
      loss_chunk=chunk,
      batch_pairs=int(dpo.batch_size),
      beta=float(dpo.beta),
    )

  pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
  dataset = make_preference_dataset(
    examples,
    batch_size=dpo.batch_size,
    max_len=dpo.max_len,
    seed=dpo.seed,
    shard_index=jax.process_index(),
    shard_count=jax.process_count(),
    pad_id=pad_id,
    length_buckets=int(dpo.get('length_buckets', 1)),
  )
  iterator = batching.make_iterator(dataset)
  fingerprint = dict(
    batch_size=int(dpo.batch_size),
    max_len=int(dpo.max_len),
    seed=int(dpo.seed),
    beta=float(dpo.beta),
    reference=str(dpo.reference),
    lr=float(dpo.lr),
    warmup_steps=schedule.warmup_steps,
    decay_steps=schedule.decay_steps,
    num_examples=len(examples),
    data_hash=_data_hash(examples),
  )
  store = CheckpointStore(out_dir / 'checkpoints', keep=int(dpo.keep_checkpoints))
  metrics = MetricsLog(out_dir / 'metrics.jsonl', writer=lead)
  start = store.latest_step()
  if start:
    _check_resume(store.read_meta(start), fingerprint, store.directory)
    params, opt_state, _ = store.restore(start, params, opt_state, iterator)
    say(f'[dpo] resumed from {store.directory}/{start}')
  metrics.truncate_after(start)
  passes, chunk = layout(dpo.max_len)
  say(
    f'[dpo] {total_steps} steps of {dpo.batch_size} pairs x 2 rows x {dpo.max_len} tokens at most '
    f'({spe:.1f} steps/epoch), beta {float(dpo.beta):g}, reference {dpo.reference or source}, '
    f'mesh {dict(mesh.shape)}, {micro // passes} pairs per pass, loss chunk {chunk}, lr {schedule.peak_lr:g}, '
    f'out {out_dir}'
  )

  peak = total_peak_flops(mesh.devices.flat)
  data_sh = rows_sharding(mesh, dpo.batch_size)
  pending: list[tuple[int, dict, int]] = []
  window = {'time': time.time(), 'step': start, 'first': True, 'tokens': 0, 'flops': 0.0}
  last, first = {}, {}
  if start and lead and metrics.path.exists():
    first.update(next((r for r in read_metrics(metrics.path) if r.get('step') == 1), {}))

  def flush(keep_last: bool) -> None:
    while len(pending) > (1 if keep_last else 0):
      step, m, seq_len = pending.pop(0)
      now = time.time()
      tokens = 2 * dpo.batch_size * seq_len
      window['tokens'] += tokens
      # Policy forward + backward, and the reference's forward (a third more).
      window['flops'] += tokens * config.flops_per_token(seq_len) * 4 / 3
      elapsed = max(now - window['time'], 1e-9)
      rate = window['tokens'] / elapsed
      record = dict(step=step, **{k: _to_float(m[k]) for k in _METRICS})
      record.update(
        lr=schedule.at_step(step),
        tokens=tokens,
        target_tokens=int(round(_to_float(m['target_tokens']))),
        tokens_per_s=rate,
        time=now,
      )
      metrics.append(record)
      last.update(record)
      if step == 1:
        first.update(record)
      if step % max(1, dpo.log_every) == 0 or step == total_steps or window['first']:
        steps = max(1, step - window['step'])
        line = progress_line(
          step,
          total_steps,
          record['loss'],
          record['lr'],
          rate,
          mfu(rate, window['flops'] / max(window['tokens'], 1), peak),
          (total_steps - step) * elapsed / steps,
          tag='dpo',
        )
        line += f' margin {record["reward_margin"]:.4f} accuracy {record["accuracy"]:.2f}'
        say(line + (' (first step, incl. compilation)' if window['first'] else ''))
      if window['first']:
        window.update(time=now, step=step, first=False, tokens=0, flops=0.0)

  compiled = {}
  for step in range(start + 1, total_steps + 1):
    local = next(iterator)
    seq_len = int(local['inputs'].shape[-1])
    batch = global_batch(local, data_sh, dpo.batch_size)
    if seq_len not in compiled:
      compiled[seq_len] = compile_step(step_for(seq_len), params, ref_params, opt_state, batch)
    params, opt_state, step_metrics = compiled[seq_len](params, ref_params, opt_state, batch)
    pending.append((step, step_metrics, seq_len))
    flush(keep_last=True)
    preempted = step < total_steps and store.reached_preemption(step)
    if step % dpo.checkpoint_every == 0 or step == total_steps or preempted:
      flush(keep_last=False)
      store.save(step, params, opt_state, iterator, dict(fingerprint, step=step))
    if preempted:
      store.close()
      raise SystemExit(
        f'[dpo] preempted: checkpoint at step {step} in {store.directory}; rerun the same command to resume'
      )
  flush(keep_last=False)
  store.close()
  if start >= total_steps:
    say(f'[dpo] already trained to step {start} (steps={total_steps}); writing the final directory')

  info = dict(
    steps=max(start, total_steps),
    objective='dpo',
    beta=float(dpo.beta),
    reference=str(dpo.reference or source),
    source=str(source),
    data=data_desc,
    records_total=stats.total,
    records_kept=stats.kept,
    records_dropped=stats.dropped,
    trained=True,
    first_loss=first.get('loss'),
    final_loss=last.get('loss'),
    final_accuracy=last.get('accuracy'),
  )
  final = save_final(out_dir / 'final', params, model_config=config, source=source, info=info)
  if dpo.export_hf:
    hf.save_pretrained(nnx.merge(graphdef, params, rest), final / 'hf', tokenizer=tokenizer)
  say(f'[dpo] final parameters in {final}')
  return final
