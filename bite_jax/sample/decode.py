"""The compiled parts of sampling: a fixed set of decode rows that finished rows leave and new rows join.

All are pure functions of (parameters, arrays); `bite_jax.sample.Sampler` compiles them once per
shape bucket and drives them:
- `empty_state`: R rows, all finished, with a KV cache of S slots per row;
- `refill`: prefills a few prompts (each once: its cache row is gathered to its m sample rows, so m
  samples cost one prefill), samples their first tokens and writes them over finished rows;
- `decode`: one jax.lax.while_loop (the carry holds the cache, so no step copies it) that ends when
  enough rows have finished to take waiting work, when every row has, or at a step limit;
- `grow`: more cache slots for every row, for prompts longer than the cache was made for.
Every row keeps its own step count and cache write slot, so a row that joins late decodes exactly as
it would have from the start: rows that finish early stop costing compute once work replaces them.
"""

from __future__ import annotations

import flax.struct
import jax
import jax.numpy as jnp
from flax import nnx

from bite_jax import parallel
from bite_jax.models import KVCache
from bite_jax.sample.logits import SamplingMode, choose_tokens, row_keys, step_uniforms


@flax.struct.dataclass
class DecodeState:
  """Everything the decode loop carries, for B rows and at most T new tokens per row.

  tokens: int32 [B, T] generated tokens (pad_id after a row stops); last: int32 [B] the token to feed
  next; lengths: int32 [B] tokens generated so far (EOS included), also the column of each row's
  next token and the step its random draw is keyed by; done: bool [B] row stopped (EOS,
  max_new_tokens, a stop string, or a free row); keys: PRNG keys [B]; step: int32 scalar, decode
  iterations so far (all rows together); cache: the KV cache of the B rows.
  """

  tokens: jax.Array
  last: jax.Array
  lengths: jax.Array
  done: jax.Array
  keys: jax.Array
  step: jax.Array
  cache: KVCache


@flax.struct.dataclass
class SamplingValues:
  """The runtime (traced) part of a sampling configuration: float32 scalars and an int32 limit."""

  temperature: jax.Array
  top_p: jax.Array
  max_new_tokens: jax.Array


def _constrain_cache(cache: KVCache, mesh) -> KVCache:
  if mesh is None:
    return cache
  return jax.lax.with_sharding_constraint(cache, parallel.cache_sharding(mesh, cache))


def _is_eos(tokens: jax.Array, eos_ids: tuple[int, ...]) -> jax.Array:
  if not eos_ids:
    return jnp.zeros(tokens.shape, bool)
  return jnp.any(tokens[:, None] == jnp.asarray(eos_ids, jnp.int32)[None, :], axis=-1)


def _advance(
  state: DecodeState,
  logits: jax.Array,
  cache: KVCache,
  values: SamplingValues,
  mode: SamplingMode,
  eos_ids: tuple[int, ...],
  pad_id: int,
) -> DecodeState:
  """Chooses each running row's next token from logits [B, V] and records it at the row's own column."""
  u = step_uniforms(state.keys, state.lengths)
  chosen = choose_tokens(logits, u, values.temperature, values.top_p, mode)
  running = ~state.done
  chosen = jnp.where(running, chosen, pad_id)
  column = jnp.arange(state.tokens.shape[1], dtype=jnp.int32)[None, :] == state.lengths[:, None]
  tokens = jnp.where(column & running[:, None], chosen[:, None], state.tokens)
  lengths = state.lengths + running.astype(jnp.int32)
  done = state.done | (running & _is_eos(chosen, eos_ids)) | (lengths >= values.max_new_tokens)
  return state.replace(tokens=tokens, last=chosen, lengths=lengths, done=done, step=state.step + 1, cache=cache)


def empty_state(
  graphdef, params, *, rows: int, slots: int, max_new_cap: int, pad_id: int, mesh=None, key_block: int = 0
) -> DecodeState:
  """`rows` finished (free) rows with `slots` cache slots each and `max_new_cap` token columns; `key_block`
  as KVCache.create (carried by the cache to every later refill and decode)."""
  model = nnx.merge(graphdef, params)
  zeros = jnp.zeros((rows,), jnp.int32)
  return DecodeState(
    tokens=jnp.full((rows, max_new_cap), pad_id, jnp.int32),
    last=jnp.full((rows,), pad_id, jnp.int32),
    lengths=zeros,
    done=jnp.ones((rows,), bool),
    keys=row_keys(jnp.uint32(0), zeros, zeros),
    step=jnp.zeros((), jnp.int32),
    cache=_constrain_cache(model.init_cache(rows, slots, key_block), mesh),
  )


def grow(state: DecodeState, *, slots: int, mesh=None) -> DecodeState:
  """The same rows with `slots` cache slots each: the new slots come last and hold nothing (invalid).

  Rows write at their own slot and see only valid keys, so appending free slots changes no result.
  """
  extra = slots - state.cache.max_len
  if extra < 0:
    raise ValueError(f'grow: {slots} slots is fewer than the {state.cache.max_len} the cache has')

  def pad(x, axis):
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, extra)
    return jnp.pad(x, widths)

  cache = state.cache.replace(
    k=tuple(pad(k, 3) for k in state.cache.k),
    v=tuple(pad(v, 2) for v in state.cache.v),
    key_positions=pad(state.cache.key_positions, 1),
    key_valid=pad(state.cache.key_valid, 1),
  )
  return state.replace(cache=_constrain_cache(cache, mesh))


def refill(
  graphdef,
  params,
  state: DecodeState,
  input_ids,
  attention_mask,
  row_prompt,
  row_prompt_index,
  row_sample_index,
  row_target,
  seed,
  values: SamplingValues,
  *,
  mode: SamplingMode,
  eos_ids: tuple[int, ...],
  pad_id: int,
  mesh=None,
) -> DecodeState:
  """Prefills prompts, samples the first token of N new rows and writes them over rows of `state`.

  Args:
    graphdef, params: the model, split with nnx.split.
    state: the running rows (B of them, S cache slots each).
    input_ids, attention_mask: int32 [P, L] left-padded prompts (mask 1 = real token), L + the token
      columns <= S.
    row_prompt: int32 [N] which prompt each new row continues.
    row_prompt_index, row_sample_index: int32 [N] the (prompt key, sample) indices seeding each row.
    row_target: int32 [N] the row of `state` each new row replaces; B (out of range) = a padding row,
      dropped.
    seed: uint32 scalar.
    values: temperature, top_p, max_new_tokens.

  Returns:
    `state` with the target rows replaced by the new rows, one token generated each.
  """
  model = nnx.merge(graphdef, params)
  num_prompts = input_ids.shape[0]
  cache = model.init_cache(num_prompts, state.cache.max_len, state.cache.key_block)
  hidden, cache = model.hidden_states(input_ids, attention_mask=attention_mask, cache=cache)
  # Left padding puts every prompt's last token in the last column: the only logits needed.
  logits = model.logits_from_hidden(hidden[:, -1])
  cache = jax.tree.map(lambda x: x[row_prompt], cache)
  count, columns = row_prompt.shape[0], state.tokens.shape[1]
  fresh = DecodeState(
    tokens=jnp.full((count, columns), pad_id, jnp.int32),
    last=jnp.full((count,), pad_id, jnp.int32),
    lengths=jnp.zeros((count,), jnp.int32),
    done=jnp.zeros((count,), bool),
    keys=row_keys(seed, row_prompt_index, row_sample_index),
    step=state.step,
    cache=cache,
  )
  fresh = _advance(fresh, logits[row_prompt], cache, values, mode, eos_ids, pad_id)

  def put(whole, part):
    return whole.at[row_target].set(part, mode='drop') if whole.ndim else whole

  merged = jax.tree.map(put, state, fresh).replace(step=state.step)
  return merged.replace(cache=_constrain_cache(merged.cache, mesh))


def decode(
  graphdef,
  params,
  state: DecodeState,
  until: jax.Array,
  min_done: jax.Array,
  values: SamplingValues,
  *,
  mode: SamplingMode,
  eos_ids: tuple[int, ...],
  pad_id: int,
  mesh=None,
) -> DecodeState:
  """Decodes every running row until all are done, at least `min_done` rows are done (int32 scalar:
  room for waiting work), or `step` reaches `until` (int32 scalar)."""
  model = nnx.merge(graphdef, params)

  def cond(s: DecodeState):
    return (s.step < until) & ~jnp.all(s.done) & (jnp.sum(s.done, dtype=jnp.int32) < min_done)

  def body(s: DecodeState):
    logits, cache = model(s.last[:, None], cache=s.cache)
    return _advance(s, logits[:, 0], _constrain_cache(cache, mesh), values, mode, eos_ids, pad_id)

  return jax.lax.while_loop(cond, body, state)
