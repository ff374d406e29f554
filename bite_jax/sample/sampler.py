r"""Batched sampling with a KV cache: many prompts in, m samples each out, streamed batch by batch.

  sampler = Sampler(model, tokenizer, max_batch=64)
  for samples in sampler.stream(prompts, num_samples=10, max_new_tokens=512, seed=0):
    ...  # each completed batch, while the next one decodes

Command line: bite_jax.sample.cli (`python -m bite_jax.sample`).

Decoding keeps a fixed set of rows (up to max_batch) busy: when rows finish (EOS, a stop string,
max_new_tokens), the loop returns, the waiting prompts that fit are prefilled (each once for its m
samples) and take the finished rows' places, and decoding goes on; finished samples are yielded
while the device already decodes the next stretch. So a sample that stops early frees its row for
waiting work instead of riding along until the longest sample of its batch ends.

Prompts are taken shortest first and left-padded to a length bucket, row and prompt counts rounded
to row buckets, so a stream of differently sized requests reuses a few compiled programs
(`compile_count`). Sample j of prompt i draws from fold_in(fold_in(key(seed), i), j) folded with the
sample's own step (i is the prompt's position, or its `prompt_keys` entry): its random draws do not
depend on which other prompts share its rows, nor on when it joined them. Its logits can, in their
last bits (row counts and padding change how XLA groups the sums), unless `invariant=True` fixes
every shape a row's arithmetic sees: then its tokens are the same in any company.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections import deque
from collections.abc import Iterator, Sequence

import jax
import numpy as np
from flax import nnx
from jax.sharding import NamedSharding, PartitionSpec

from bite_jax import parallel
from bite_jax.models.trained import load_model_dir
from bite_jax.sample.batches import (
  DEFAULT_BATCH_BUCKETS,
  DEFAULT_LENGTH_BUCKETS,
  batch_sizes,
  check_buckets,
  find_stop,
  left_pad,
  plan_batches,
  round_up,
  truncate_at_stop,
)
from bite_jax.sample.decode import SamplingValues, decode, empty_state, grow, refill
from bite_jax.sample.logits import SamplingMode

log = logging.getLogger(__name__)

FINISH_REASONS = ('eos', 'stop', 'length')


@dataclasses.dataclass(frozen=True)
class Sample:
  """One generated continuation.

  token_ids: generated tokens only (EOS included when produced; for 'stop', up to the token that
  completed the stop string). text: their decoding without the EOS and without the stop string and
  what follows it (None without a tokenizer). finish_reason: 'eos', 'stop' or 'length'.
  """

  prompt_index: int
  sample_index: int
  token_ids: list[int]
  text: str | None
  finish_reason: str


@dataclasses.dataclass
class SampleStats:
  """Totals of the latest generate/stream call: tokens, and seconds split into compile and decode.

  decode_seconds is the time spent inside the call minus compilation (prefill, decode loop and host
  detokenisation); time the caller spends between streamed batches is not counted. refills: times
  waiting prompts were prefilled into free rows; decode_steps: decode iterations (all rows together);
  row_steps / busy_row_steps: rows x iterations in all, and those spent on unfinished samples.
  """

  generated_tokens: int = 0
  compile_seconds: float = 0.0
  decode_seconds: float = 0.0
  total_seconds: float = 0.0
  refills: int = 0
  decode_steps: int = 0
  row_steps: int = 0
  busy_row_steps: int = 0


@dataclasses.dataclass(frozen=True)
class _Run:
  """One stream call's work: token prompts, their seeding keys and the sampling settings."""

  prompts: list[list[int]]
  keys: list[int]
  num_samples: int
  mode: SamplingMode
  values: SamplingValues
  seed: int
  stop_strings: tuple[str, ...]


class Sampler:
  """Samples continuations of token or text prompts from a Decoder (see the module docstring).

  Args:
    model: a bite_jax.models.Decoder (float32 or bfloat16). With `mesh`, its parameters are placed
      on the mesh (in place) and batch rows are spread over the data x fsdp axes.
    tokenizer: a Hugging Face tokenizer; needed for text prompts, text outputs and stop strings.
    max_batch: most sample rows decoded together (a multiple of the data-parallel size).
    refill_fraction: the decode loop hands control back to take waiting prompts once this fraction of
      the rows (or one prompt's samples, if more) has finished: smaller refills sooner, larger
      prefills more prompts at a time.
    length_buckets: prompt lengths and max_new_tokens are rounded up to these sizes.
    batch_buckets: row and prompt counts are rounded up to these sizes (<= max_batch).
    eos_token_ids: tokens that end a sample; default: the model config's and the tokenizer's EOS.
    stop_check_interval: with stop strings, decoded text is checked every this many tokens.
    invariant: a sample's tokens depend only on its prompt, key, seed and settings, never on the other
      prompts of the call (bit for bit on a given machine and device count): every compiled call has
      the same row count (max_batch), each prompt is prefilled alone at its own length bucket,
      attention reads the cache in blocks of the smallest length bucket (`attention_in_key_blocks`)
      and top-p picks its route per row. Costs idle rows and more prefill calls when prompts are few
      and short; used where several processes must grow the same trees (`sample.invariant`).
  """

  def __init__(
    self,
    model,
    tokenizer=None,
    *,
    mesh=None,
    max_batch: int = 64,
    length_buckets: Sequence[int] = DEFAULT_LENGTH_BUCKETS,
    batch_buckets: Sequence[int] = DEFAULT_BATCH_BUCKETS,
    eos_token_ids: Sequence[int] | None = None,
    stop_check_interval: int = 32,
    refill_fraction: float = 0.25,
    invariant: bool = False,
  ):
    self.model = model
    self.tokenizer = tokenizer
    self.mesh = mesh
    self.config = model.config
    self._dp = 1 if mesh is None else mesh.shape['data'] * mesh.shape['fsdp']
    self.max_batch = int(max_batch)
    self.length_buckets = check_buckets('length_buckets', length_buckets)
    self.invariant = bool(invariant)
    unit = self.length_buckets[0]
    if self.invariant and any(b % unit for b in self.length_buckets):
      raise ValueError(
        f'length_buckets={self.length_buckets}: with invariant=True every bucket must be a multiple of the '
        f'smallest ({unit}), the block in which attention reads the cache'
      )
    self.batch_buckets = batch_sizes(check_buckets('batch_buckets', batch_buckets), self.max_batch, self._dp)
    if stop_check_interval <= 0:
      raise ValueError(f'stop_check_interval={stop_check_interval} must be positive')
    self.stop_check_interval = int(stop_check_interval)
    if not 0.0 < refill_fraction <= 1.0:
      raise ValueError(f'refill_fraction={refill_fraction} must be in (0, 1]')
    self.refill_fraction = float(refill_fraction)
    self.eos_token_ids = self._eos_ids(eos_token_ids)
    pad = getattr(tokenizer, 'pad_token_id', None) if tokenizer is not None else None
    self.pad_id = int(pad if pad is not None else self.config.pad_token_id or 0)
    if mesh is not None:
      parallel.shard_model(model, mesh)
    self._compiled: dict[tuple, object] = {}
    self.stats = SampleStats()

  @property
  def compile_count(self) -> int:
    """Number of distinct compiled programs (prefill and decode shapes) so far."""
    return len(self._compiled)

  def _eos_ids(self, given) -> tuple[int, ...]:
    if given is not None:
      return tuple(sorted({int(t) for t in given}))
    ids = set(self.config.eos_token_ids)
    if self.config.eos_token_id is not None:
      ids.add(self.config.eos_token_id)
    tokenizer_eos = getattr(self.tokenizer, 'eos_token_id', None) if self.tokenizer is not None else None
    if tokenizer_eos is not None:
      ids.add(int(tokenizer_eos))
    return tuple(sorted(ids))

  # ------------------------------------------------------------------------------------ public API

  def generate(
    self,
    prompts,
    *,
    num_samples: int,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
    greedy: bool = False,
    seed: int = 0,
    stop_strings: Sequence[str] = (),
    prompt_keys: Sequence[int] | None = None,
  ) -> list[list[Sample]]:
    """All samples: result[i][j] is sample j of prompt i. Arguments as `stream`."""
    out: list[list[Sample]] = [[] for _ in prompts]
    for batch in self.stream(
      prompts,
      num_samples=num_samples,
      max_new_tokens=max_new_tokens,
      temperature=temperature,
      top_p=top_p,
      top_k=top_k,
      greedy=greedy,
      seed=seed,
      stop_strings=stop_strings,
      prompt_keys=prompt_keys,
    ):
      for sample in batch:
        out[sample.prompt_index].append(sample)
    for samples in out:
      samples.sort(key=lambda s: s.sample_index)
    return out

  def stream(
    self,
    prompts,
    *,
    num_samples: int,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
    greedy: bool = False,
    seed: int = 0,
    stop_strings: Sequence[str] = (),
    prompt_keys: Sequence[int] | None = None,
  ) -> Iterator[list[Sample]]:
    """An iterator over the samples of each batch, yielded as soon as it completes (the next batch
    already runs on the device meanwhile). Arguments are checked here, before any work starts.

    Args:
      prompts: texts (tokenised without special tokens) or lists of token ids.
      num_samples: samples per prompt (m).
      max_new_tokens: most generated tokens per sample (EOS included).
      temperature: softmax temperature (> 0; 0 means greedy).
      top_p: nucleus threshold in (0, 1]; top_k: keep the k most likely tokens (0 = all).
      greedy: argmax decoding (temperature, top_p, top_k and seed are then ignored).
      seed: 0 <= seed < 2**32; fixes every sample.
      stop_strings: a sample stops once its text contains one of them (needs a tokenizer).
      prompt_keys: one integer in [0, 2**31) per prompt, used instead of the prompt's position to
        seed its samples: sample j of a prompt with key k is then the same in any call that has the
        same seed, whatever other prompts come with it (a resumed job re-asks for what it lost).
    """
    greedy = greedy or temperature == 0
    self._check_args(num_samples, max_new_tokens, temperature, top_p, top_k, seed, stop_strings)
    token_prompts = self._tokenize(prompts)
    if prompt_keys is None:
      prompt_keys = range(len(token_prompts))
    prompt_keys = [int(k) for k in prompt_keys]
    if len(prompt_keys) != len(token_prompts):
      raise ValueError(f'prompt_keys: {len(prompt_keys)} keys for {len(token_prompts)} prompts')
    bad = [k for k in prompt_keys if not 0 <= k < 2**31]
    if bad:
      raise ValueError(f'prompt_keys: {bad[0]} is outside [0, 2**31)')
    mode = SamplingMode(
      greedy=greedy, top_k=int(top_k), use_top_p=not greedy and top_p < 1.0, row_independent=self.invariant
    )
    values = SamplingValues(
      temperature=np.float32(1.0 if greedy else temperature),
      top_p=np.float32(top_p),
      max_new_tokens=np.int32(max_new_tokens),
    )
    longest = max((len(p) for p in token_prompts), default=0) + max_new_tokens
    if longest > self.config.max_position_embeddings:
      log.warning(
        "sample: prompt + max_new_tokens reaches %d tokens, past the model's max_position_embeddings=%d",
        longest,
        self.config.max_position_embeddings,
      )
    run = _Run(
      prompts=token_prompts,
      keys=prompt_keys,
      num_samples=int(num_samples),
      mode=mode,
      values=values,
      seed=int(seed),
      stop_strings=tuple(stop_strings),
    )
    return self._stream(run)

  # ------------------------------------------------------------------------------------ inputs

  def _check_args(self, num_samples, max_new_tokens, temperature, top_p, top_k, seed, stop_strings):
    if int(num_samples) != num_samples or num_samples <= 0:
      raise ValueError(f'num_samples={num_samples!r} must be a positive integer')
    if int(max_new_tokens) != max_new_tokens or max_new_tokens <= 0:
      raise ValueError(f'max_new_tokens={max_new_tokens!r} must be a positive integer')
    if temperature < 0:
      raise ValueError(f'temperature={temperature} must be >= 0')
    if not 0.0 < top_p <= 1.0:
      raise ValueError(f'top_p={top_p} must be in (0, 1]')
    if int(top_k) != top_k or top_k < 0:
      raise ValueError(f'top_k={top_k!r} must be an integer >= 0')
    if int(seed) != seed or not 0 <= seed < 2**32:
      raise ValueError(f'seed={seed!r} must be an integer in [0, 2**32)')
    if isinstance(stop_strings, str):
      raise ValueError(f'stop_strings={stop_strings!r}: expected a list of strings, not one string')
    if any(not isinstance(s, str) or not s for s in stop_strings):
      raise ValueError(f'stop_strings={list(stop_strings)!r}: every stop string must be a non-empty str')
    if stop_strings and self.tokenizer is None:
      raise ValueError('stop_strings need a tokenizer (Sampler(model, tokenizer))')

  def _tokenize(self, prompts) -> list[list[int]]:
    if isinstance(prompts, str):
      raise ValueError('prompts: expected a list of prompts, got one string')
    vocab = self.config.vocab_size
    out = []
    for i, prompt in enumerate(prompts):
      if isinstance(prompt, str):
        if self.tokenizer is None:
          raise ValueError(f'prompts[{i}]: a text prompt needs a tokenizer (Sampler(model, tokenizer))')
        ids = list(self.tokenizer(prompt, add_special_tokens=False)['input_ids'])
      else:
        ids = [int(t) for t in prompt]
        bad = [t for t in ids if not 0 <= t < vocab]
        if bad:
          raise ValueError(f'prompts[{i}]: token id {bad[0]} is outside the vocabulary [0, {vocab})')
      if not ids:
        raise ValueError(f'prompts[{i}]: empty prompt (at least one token is needed)')
      out.append(ids)
    return out

  # ------------------------------------------------------------------------------------ compiled calls

  def _place(self, x, batched: bool):
    if self.mesh is None:
      return x
    spec = PartitionSpec(('data', 'fsdp')) if batched else PartitionSpec()
    return jax.device_put(x, NamedSharding(self.mesh, spec))

  def _executable(self, key: tuple, fn, donate: tuple[int, ...], *args):
    """The compiled program for `key`, compiling (and timing) it on first use."""
    exe = self._compiled.get(key)
    if exe is None:
      start = time.perf_counter()
      exe = jax.jit(fn, donate_argnums=donate).lower(*args).compile()
      seconds = time.perf_counter() - start
      self.stats.compile_seconds += seconds
      self._compiled[key] = exe
      log.info('sample: compiled %s in %.1f s (%d programs)', key[:5], seconds, len(self._compiled))
    return exe

  def _stream(self, run: _Run) -> Iterator[list[Sample]]:
    """Decodes every (prompt, sample) row of `run`, refilling finished rows with waiting prompts.

    Each turn: waiting prompts that fit the free rows are prefilled into them, the decode loop runs
    until enough rows finish for the next prompt (or all do), the finished rows are read back and
    freed; their samples are detokenised and yielded while the next turn already runs on the device.
    """
    self.stats = stats = SampleStats()
    active = time.perf_counter()
    total = len(run.prompts) * run.num_samples
    rows = round_up(min(total, self.max_batch), self.batch_buckets) if total else 0
    if self.invariant and total:
      rows = self.max_batch  # one decode shape for every call: a row's arithmetic never changes with it
    # One prompt's samples (all of them, or a max_batch share) per item, shortest prompts first.
    waiting = deque(plan_batches([len(p) for p in run.prompts], run.num_samples, min(run.num_samples, rows or 1)))
    owners: list[tuple[int, int] | None] = [None] * rows
    graphdef, params = nnx.split(self.model)
    # Token columns (and free cache slots per row): max_new_tokens rounded up to a multiple of the
    # smallest length bucket, or to a bucket when that is smaller; every decode step attends over them.
    unit, wanted = self.length_buckets[0], int(run.values.max_new_tokens)
    cap = min(round_up(wanted, self.length_buckets), -(-wanted // unit) * unit)
    values = jax.tree.map(lambda v: self._place(v, False), run.values)
    state, finished, emitted = None, None, 0
    while waiting or any(o is not None for o in owners):
      state = self._fill(state, owners, waiting, run, graphdef, params, values, cap)
      need = rows + 1  # no waiting work: decode until every row is done
      if waiting:
        need = min(rows, max(len(waiting[0].rows), int(self.refill_fraction * rows)))
      before = int(np.asarray(jax.device_get(state.step))) if finished is None else finished[3]
      until = before + self.stop_check_interval if run.stop_strings else np.iinfo(np.int32).max
      state = self._executable(
        ('decode', rows, state.cache.max_len, cap, run.mode),
        functools.partial(decode, graphdef, **self._statics(run)),
        (1,),
        params,
        state,
        self._place(np.int32(0), False),
        self._place(np.int32(0), False),
        values,
      )(params, state, self._place(np.int32(until), False), self._place(np.int32(need), False), values)
      if finished is not None:
        samples = self._finish(run, *finished)
        emitted += len(samples)
        yield from self._report(samples, stats, emitted, total, active)
        active = time.perf_counter()
      tokens, lengths, done, step = jax.device_get((state.tokens, state.lengths, state.done, state.step))
      stats.decode_steps += int(step) - before
      stats.row_steps += rows * (int(step) - before)
      if run.stop_strings:
        state, done = self._apply_stops(state, owners, tokens, lengths, np.asarray(done), run.stop_strings)
      freed = [r for r in range(rows) if owners[r] is not None and done[r]]
      # A row's first token comes from its refill; each later one took a decode iteration.
      stats.busy_row_steps += sum(max(0, int(lengths[r]) - 1) for r in freed)
      finished = ([(r, owners[r]) for r in freed], np.asarray(tokens), np.asarray(lengths), int(step))
      for r in freed:
        owners[r] = None
    if finished is not None:
      samples = self._finish(run, *finished)
      yield from self._report(samples, stats, emitted + len(samples), total, active)

  def _statics(self, run: _Run) -> dict:
    return dict(mode=run.mode, eos_ids=self.eos_token_ids, pad_id=self.pad_id, mesh=self.mesh)

  def _fill(self, state, owners, waiting, run: _Run, graphdef, params, values, cap: int):
    """Prefills the waiting items that fit the free rows into them (building or growing the state first):
    all in one call, or with `invariant` one prompt per call."""
    while True:
      free = [r for r in range(len(owners)) if owners[r] is None]
      items = []
      while waiting and len(waiting[0].rows) <= len(free) - sum(len(i.rows) for i in items):
        items.append(waiting.popleft())
        if self.invariant:
          break
      if not items:
        return state
      state = self._refill(state, owners, free, items, run, graphdef, params, values, cap)

  def _refill(self, state, owners, free, items, run: _Run, graphdef, params, values, cap: int):
    """One refill call: prefills the prompts of `items` and writes their rows over the `free` rows."""
    rows = len(owners)
    prompts = list(dict.fromkeys(p for item in items for p in item.prompts))
    length = round_up(max(len(run.prompts[p]) for p in prompts), self.length_buckets)
    slots = length + cap
    if state is None:
      state = self._executable(
        ('empty', rows, slots, cap),
        functools.partial(
          empty_state,
          graphdef,
          rows=rows,
          slots=slots,
          max_new_cap=cap,
          pad_id=self.pad_id,
          mesh=self.mesh,
          key_block=self.length_buckets[0] if self.invariant else 0,
        ),
        (),
        params,
      )(params)
    elif slots > state.cache.max_len:
      fn = functools.partial(grow, slots=slots, mesh=self.mesh)
      state = self._executable(('grow', rows, state.cache.max_len, slots), fn, (), state)(state)
    new_rows = [row for item in items for row in item.rows]
    count = rows if self.invariant else round_up(len(new_rows), self.batch_buckets)
    num_prompts = round_up(len(prompts), self.batch_buckets)
    ids, mask = left_pad([run.prompts[p] for p in prompts], num_prompts, length, self.pad_id)
    local = {p: i for i, p in enumerate(prompts)}
    row_prompt = np.zeros(count, np.int32)
    row_prompt_index = np.zeros(count, np.int32)
    row_sample_index = np.zeros(count, np.int32)
    row_target = np.full(count, rows, np.int32)  # out of range: a padding row, dropped
    for i, ((p, j), r) in enumerate(zip(new_rows, free)):
      row_prompt[i], row_prompt_index[i], row_sample_index[i], row_target[i] = local[p], run.keys[p], j, r
      owners[r] = (p, j)
    args = (
      params,
      state,
      *(self._place(a, True) for a in (ids, mask, row_prompt, row_prompt_index, row_sample_index, row_target)),
      self._place(np.uint32(run.seed), False),
      values,
    )
    key = ('refill', num_prompts, length, count, rows, state.cache.max_len, cap, run.mode)
    exe = self._executable(key, functools.partial(refill, graphdef, **self._statics(run)), (1,), *args)
    self.stats.refills += 1
    return exe(*args)

  def _apply_stops(self, state, owners, tokens, lengths, done, stop_strings):
    """Marks running rows whose text contains a stop string as done; returns (state, done)."""
    stopped = done.copy()
    for r, owner in enumerate(owners):
      if owner is not None and not done[r]:
        stopped[r] = find_stop(self._decode_text(tokens[r, : lengths[r]].tolist()), stop_strings) >= 0
    if (stopped != done).any():
      state = state.replace(done=jax.device_put(stopped, state.done.sharding))
    return state, stopped

  def _report(self, samples: list[Sample], stats: SampleStats, emitted: int, total: int, active: float):
    """Updates the totals, logs progress and yields the samples (nothing when there are none)."""
    stats.generated_tokens += sum(len(s.token_ids) for s in samples)
    stats.total_seconds += time.perf_counter() - active
    stats.decode_seconds = stats.total_seconds - stats.compile_seconds
    if not samples:
      return
    log.info(
      'sample: %d/%d samples, %d tokens, %.1f tokens/s after compile, %d refills',
      emitted,
      total,
      stats.generated_tokens,
      stats.generated_tokens / max(stats.decode_seconds, 1e-9),
      stats.refills,
    )
    yield samples

  # ------------------------------------------------------------------------------------ outputs

  def _decode_text(self, token_ids: list[int]) -> str:
    return self.tokenizer.decode(token_ids, skip_special_tokens=False)

  def _finish(self, run: _Run, rows, tokens: np.ndarray, lengths: np.ndarray, _step: int) -> list[Sample]:
    """Samples of the finished `rows` ((row, (prompt, sample)) pairs) from the read-back tokens."""
    samples = []
    for r, (p, s) in rows:
      ids = tokens[r, : lengths[r]].tolist()
      reason = 'eos' if ids and ids[-1] in self.eos_token_ids else 'length'
      text = None
      if self.tokenizer is not None:
        body = ids[:-1] if reason == 'eos' else ids
        text = self._decode_text(body)
        cut = truncate_at_stop(body, self._decode_text, run.stop_strings) if run.stop_strings else None
        if cut is not None:
          ids, text, reason = cut[0], cut[1], 'stop'
      samples.append(Sample(prompt_index=p, sample_index=s, token_ids=ids, text=text, finish_reason=reason))
    return samples


def load_sampler(
  model_dir, *, mesh=None, dtype: str | None = None, max_batch: int = 64, invariant: bool = False
) -> Sampler:
  """A Sampler over a model directory: a trained one (the trainer's OUT/final) or a Hugging Face one.

  Without `mesh`, the sampler uses this process's devices only: several give a data-parallel mesh over
  them (sample rows spread). Sampling never spans processes: in a multi-host run each process samples its
  own share of the work (bite_jax.hosts) on its own devices.
  """
  if mesh is None and (jax.local_device_count() > 1 or jax.process_count() > 1):
    mesh = parallel.make_mesh(data=-1, devices=jax.local_devices())
  model, tokenizer = load_model_dir(model_dir, mesh=mesh, dtype=dtype)
  return Sampler(model, tokenizer, mesh=mesh, max_batch=max_batch, invariant=invariant)
