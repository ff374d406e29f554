"""The compiled parts of sampling: prefill (prompts -> KV cache + first token) and the decode loop.

Both are pure functions of (parameters, arrays); `bite_jax.sample.Sampler` compiles them once per
shape bucket. Prompts are prefilled once each and their cache rows gathered to the m sample rows,
so m samples per prompt cost one prefill. Decoding runs in one jax.lax.while_loop whose carry
holds the cache, so no step copies it; the loop ends when every row has stopped.
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
  next; lengths: int32 [B] tokens generated so far (EOS included); done: bool [B] row stopped (EOS,
  max_new_tokens, a stop string, or a padding row); keys: PRNG keys [B]; step: int32 scalar, the
  column of the next token; cache: the KV cache of the B rows.
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
  """Chooses each running row's next token from logits [B, V] and records it at column `step`."""
  u = step_uniforms(state.keys, state.step)
  chosen = choose_tokens(logits, u, values.temperature, values.top_p, mode)
  running = ~state.done
  chosen = jnp.where(running, chosen, pad_id)
  tokens = jax.lax.dynamic_update_slice(state.tokens, chosen[:, None], (jnp.int32(0), state.step))
  lengths = state.lengths + running.astype(jnp.int32)
  done = state.done | (running & _is_eos(chosen, eos_ids)) | (lengths >= values.max_new_tokens)
  return state.replace(tokens=tokens, last=chosen, lengths=lengths, done=done, step=state.step + 1, cache=cache)


def prefill(
  graphdef,
  params,
  input_ids,
  attention_mask,
  row_prompt,
  row_prompt_index,
  row_sample_index,
  row_active,
  seed,
  values: SamplingValues,
  *,
  max_new_cap: int,
  mode: SamplingMode,
  eos_ids: tuple[int, ...],
  pad_id: int,
  mesh=None,
) -> DecodeState:
  """Runs the prompts and samples every row's first token.

  Args:
    graphdef, params: the model, split with nnx.split.
    input_ids, attention_mask: int32 [P, L] left-padded prompts (mask 1 = real token).
    row_prompt: int32 [B] which prefill row each sample row continues.
    row_prompt_index, row_sample_index: int32 [B] the global (prompt, sample) indices seeding each row.
    row_active: bool [B]; False rows are padding and start done.
    seed: uint32 scalar.
    values: temperature, top_p, max_new_tokens (<= max_new_cap).
    max_new_cap: static number of token columns (and extra cache slots) per row.

  Returns:
    The DecodeState after one generated token per active row.
  """
  model = nnx.merge(graphdef, params)
  num_prompts, length = input_ids.shape
  cache = model.init_cache(num_prompts, length + max_new_cap)
  hidden, cache = model.hidden_states(input_ids, attention_mask=attention_mask, cache=cache)
  # Left padding puts every prompt's last token in the last column: the only logits needed.
  logits = model.logits_from_hidden(hidden[:, -1])
  cache = jax.tree.map(lambda x: x[row_prompt] if x.ndim else x, cache)
  cache = _constrain_cache(cache, mesh)
  batch = row_prompt.shape[0]
  state = DecodeState(
    tokens=jnp.full((batch, max_new_cap), pad_id, jnp.int32),
    last=jnp.full((batch,), pad_id, jnp.int32),
    lengths=jnp.zeros((batch,), jnp.int32),
    done=~row_active,
    keys=row_keys(seed, row_prompt_index, row_sample_index),
    step=jnp.zeros((), jnp.int32),
    cache=cache,
  )
  return _advance(state, logits[row_prompt], cache, values, mode, eos_ids, pad_id)


def decode(
  graphdef,
  params,
  state: DecodeState,
  until: jax.Array,
  values: SamplingValues,
  *,
  mode: SamplingMode,
  eos_ids: tuple[int, ...],
  pad_id: int,
  mesh=None,
) -> DecodeState:
  """Generates tokens until every row is done or `step` reaches `until` (int32 scalar)."""
  model = nnx.merge(graphdef, params)
  until = jnp.minimum(until, state.tokens.shape[1])

  def cond(s: DecodeState):
    return (s.step < until) & ~jnp.all(s.done)

  def body(s: DecodeState):
    logits, cache = model(s.last[:, None], cache=s.cache)
    return _advance(s, logits[:, 0], _constrain_cache(cache, mesh), values, mode, eos_ids, pad_id)

  return jax.lax.while_loop(cond, body, state)
