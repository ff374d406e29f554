"""Grouped-query self-attention with rotary embedding, sliding windows and a fixed-size KV cache."""

from __future__ import annotations

import functools

import flax.struct
import jax
import jax.numpy as jnp
from flax import nnx

from bite_jax import tuning
from bite_jax.models.config import ModelConfig
from bite_jax.models.layers import Linear, apply_rope, dtype_of

# Finite so that a query with no visible key gets a uniform (not NaN) distribution.
_MASKED = float(jnp.finfo(jnp.float32).min)


@flax.struct.dataclass
class KVCache:
  """Decoding state: per-layer keys/values over S slots plus the position and validity of each slot.

  k[i]: [B, num_kv_heads, head_dim, S] and v[i]: [B, num_kv_heads, S, head_dim] in the compute dtype
  (keys already rotated): the layouts whose products with a decode step's queries (q . k, probs . v)
  are plain [rows, inner] x [inner, cols] matmuls, so a step never transposes the cache; key_positions:
  int32 [B, S]; key_valid: bool [B, S]; index: int32 [B], each row's next slot to write. A call with
  T tokens writes slots index[b] .. index[b]+T-1 of row b. Rows advance together in a call but may
  start anywhere: a row can be replaced by a freshly prefilled one while the others keep decoding.
  Shapes never change, so the cache can be carried through jax.lax.while_loop.
  """

  k: tuple[jax.Array, ...]
  v: tuple[jax.Array, ...]
  key_positions: jax.Array
  key_valid: jax.Array
  index: jax.Array
  key_block: int = flax.struct.field(pytree_node=False, default=0)

  @classmethod
  def create(cls, config: ModelConfig, batch: int, max_len: int, key_block: int = 0) -> KVCache:
    """Empty cache for `batch` rows and `max_len` token slots.

    key_block > 0 (a divisor of max_len): attention over the cache runs through the slots in blocks of
    that many (`attention_in_key_blocks`), so a row's result does not depend on how many slots follow
    its last token (see `bite_jax.sample.Sampler`'s `invariant`).
    """
    if batch <= 0 or max_len <= 0:
      raise ValueError(f'KVCache.create: batch={batch} and max_len={max_len} must be positive')
    if key_block < 0 or (key_block and max_len % key_block):
      raise ValueError(f'KVCache.create: key_block={key_block} must be 0 or divide max_len={max_len}')
    k_shape = (batch, config.num_kv_heads, config.head_dim, max_len)
    v_shape = (batch, config.num_kv_heads, max_len, config.head_dim)
    dtype = dtype_of(config.dtype)
    return cls(
      k=tuple(jnp.zeros(k_shape, dtype) for _ in range(config.num_layers)),
      v=tuple(jnp.zeros(v_shape, dtype) for _ in range(config.num_layers)),
      key_positions=jnp.zeros((batch, max_len), jnp.int32),
      key_valid=jnp.zeros((batch, max_len), bool),
      index=jnp.zeros((batch,), jnp.int32),
      key_block=int(key_block),
    )

  @property
  def max_len(self) -> int:
    """Number of token slots S."""
    return self.key_positions.shape[1]

  def next_positions(self, attention_mask: jax.Array) -> jax.Array:
    """Positions [B, T] of new tokens: count of valid cached tokens + running count of new ones."""
    seen = jnp.sum(self.key_valid, axis=1, dtype=jnp.int32)[:, None]
    return jnp.maximum(seen + jnp.cumsum(attention_mask, axis=1, dtype=jnp.int32) - 1, 0)

  def with_tokens(self, positions: jax.Array, attention_mask: jax.Array) -> KVCache:
    """Records positions/validity of T new tokens at each row's slots index..index+T-1 and advances index."""
    key_positions = write_rows(self.key_positions, positions.astype(jnp.int32), self.index, axis=0)
    key_valid = write_rows(self.key_valid, attention_mask.astype(bool), self.index, axis=0)
    return self.replace(key_positions=key_positions, key_valid=key_valid, index=self.index + positions.shape[1])


def write_rows(buffer: jax.Array, new: jax.Array, starts: jax.Array, axis: int) -> jax.Array:
  """buffer [B, ...] with row b's `new[b]` written from position starts[b] along (per-row) `axis`.

  One scatter of all rows (each row's dynamic_update_slice, vmapped); a start past the end is clamped
  as dynamic_update_slice clamps it.
  """

  def one(row, update, start):
    begin = [jnp.zeros((), jnp.int32)] * row.ndim
    begin[axis] = start
    return jax.lax.dynamic_update_slice(row, update.astype(row.dtype), tuple(begin))

  return jax.vmap(one)(buffer, new, starts.astype(jnp.int32))


def visibility_mask(
  query_positions: jax.Array,
  key_positions: jax.Array,
  key_valid: jax.Array,
  window: int | None,
  *,
  first_slot: jax.Array | int | None = None,
) -> jax.Array:
  """Boolean [B, T, S]: key is a real token, not in the future, and (with a window W) at most W-1 back.

  The window matches transformers' sliding_window_overlay (kv_idx > q_idx - W): W keys incl. itself.
  With `first_slot` (the slot of query 0, one for all rows or int32 [B] per row; query t sits at slot
  first_slot + t), a key in a later slot
  than the query is never visible either, as transformers' causal mask over cache positions. For a
  real query this changes nothing (a later slot holds a later position or padding); it only stops a
  padding query from seeing real tokens after it, which lets causal attention skip those keys.
  """
  q = query_positions[:, :, None]
  k = key_positions[:, None, :]
  visible = key_valid[:, None, :] & (k <= q)
  if window is not None:
    visible = visible & (q - k < window)
  if first_slot is not None:
    batch, length = query_positions.shape
    slots = key_positions.shape[1]
    first = jnp.broadcast_to(jnp.asarray(first_slot, jnp.int32).reshape(-1), (batch,))
    query_slot = first[:, None] + jnp.arange(length, dtype=jnp.int32)[None, :]  # [B, T]
    visible = visible & (jnp.arange(slots, dtype=jnp.int32)[None, None, :] <= query_slot[:, :, None])
  return visible


def attention_block_bytes(platform: str) -> int:
  """Bytes of float32 scores one query block may hold on a jax platform ('cpu', 'gpu', 'tpu', ...)."""
  return tuning.for_platform(platform).attention_block_bytes


def query_block_size(
  batch: int, num_heads: int, length: int, keys: int, budget_bytes: int, max_blocks: int = 32
) -> int:
  """Queries per block: float32 scores [batch, num_heads, block, keys] within `budget_bytes`.

  At most `max_blocks` blocks (the blocks are unrolled in the program); a multiple of 8 when
  larger than 8; `length` (one block) when everything fits.
  """
  per_query = max(1, batch * num_heads * keys * 4)
  block = max(1, budget_bytes // per_query, -(-length // max_blocks))
  if block > 8:
    block -= block % 8
  return min(block, length)


def _attend(q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array, keys_last: bool = False) -> jax.Array:
  """Softmax attention of one query block: q [B,T,N,H], k [B,K,S,H] (or [B,K,H,S] with `keys_last`),
  v [B,K,S,H], mask [B,T,S] -> [B,T,N,H].

  Query head n uses kv head n // G (N = K*G, as transformers' repeat_kv). The G query heads of a kv
  head are stacked along the query axis, so both products are plain batched matmuls over [B, K].
  """
  batch, length, num_heads, head_dim = q.shape
  num_kv = k.shape[1]
  group = num_heads // num_kv
  q = q.reshape(batch, length, num_kv, group, head_dim).transpose(0, 2, 3, 1, 4)
  q = q.reshape(batch, num_kv, group * length, head_dim)
  contract = 2 if keys_last else 3
  scores = jax.lax.dot_general(q, k, (((3,), (contract,)), ((0, 1), (0, 1))), preferred_element_type=jnp.float32)
  scores = scores.reshape(batch, num_kv, group, length, -1) * (head_dim**-0.5)
  scores = jnp.where(mask[:, None, None, :, :], scores, _MASKED)
  top = jax.lax.stop_gradient(jnp.max(scores, axis=-1, keepdims=True))
  exp = jnp.exp(scores - top)
  # A product with the reciprocal, not a division: XLA rewrites x / broadcast(y) into x * (1 / y) in
  # some compilations (one device) and not others (SPMD), which would make results depend on the mesh.
  probs = (exp * (1.0 / jnp.sum(exp, axis=-1, keepdims=True))).astype(v.dtype)
  out = jax.lax.dot_general(
    probs.reshape(batch, num_kv, group * length, -1), v, (((3,), (2,)), ((0, 1), (0, 1)))
  )  # [B, K, G*T, H]
  out = out.reshape(batch, num_kv, group, length, head_dim).transpose(0, 3, 1, 2, 4)
  return out.reshape(batch, length, num_heads, head_dim)


def _block_spans(length: int, keys: int, block: int, causal: bool):
  """(first query, end query, end key) of each query block; a causal block reads keys [0, end query)."""
  for start in range(0, length, block):
    stop = min(length, start + block)
    yield start, stop, stop if causal else keys


def attention_plan(
  batch: int, num_heads: int, length: int, keys: int, *, causal: bool, platform: str, block_bytes: int | None = None
) -> tuple[int, bool]:
  """(queries per block, rematerialise each block) for dot_product_attention on `platform`.

  The block is query_block_size's within the platform's attention_block_bytes (or `block_bytes`),
  capped at its causal_block for causal self-attention. Blocks are rematerialised unless the
  probabilities of all of them (causal: each block's keys end at its last query) fit in the
  platform's keep_probs_bytes (bite_jax.tuning).
  """
  choices = tuning.for_platform(platform)
  budget = choices.attention_block_bytes if block_bytes is None else block_bytes
  block = query_block_size(batch, num_heads, length, keys, budget, choices.max_query_blocks)
  if causal and choices.causal_block is not None:
    block = min(block, max(choices.causal_block, -(-length // choices.max_query_blocks)))
  if block >= length:
    return length, False
  probs = sum((stop - start) * end for start, stop, end in _block_spans(length, keys, block, causal))
  return block, 4 * batch * num_heads * probs > choices.keep_probs_bytes


def dot_product_attention(
  q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array, *, causal: bool = False, block_bytes: int | None = None
) -> jax.Array:
  """Softmax attention in float32: q [B,T,N,H], k/v [B,S,K,H] (N = K*G), mask [B,T,S] -> [B,T,N,H].

  Queries are taken in blocks (attention_plan) so that float32 scores are never [B, N, T, S] at
  once; where the plan says so, each block is rematerialised in the backward pass, so only q, k, v
  are kept for it (the memory of flash attention). `causal` promises that mask[:, t, s] is False for
  every s > t (keys are the queries' own tokens, S == T); a block of queries [t0, t1) then reads keys
  [0, t1) only. `block_bytes` overrides the per-platform block budget (attention_block_bytes).
  """
  batch, length, num_heads, _ = q.shape
  keys = k.shape[1]
  if mask.shape != (batch, length, keys):
    raise ValueError(f'attention mask {mask.shape} != [batch, queries, keys] {(batch, length, keys)}')
  if causal and keys != length:
    raise ValueError(f'causal attention needs as many keys as queries, got {keys} keys for {length}')
  return attention_heads_first(
    q, k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3), mask, causal=causal, block_bytes=block_bytes
  )


def attention_heads_first(
  q: jax.Array,
  k: jax.Array,
  v: jax.Array,
  mask: jax.Array,
  *,
  causal: bool = False,
  block_bytes: int | None = None,
  keys_last: bool = False,
) -> jax.Array:
  """dot_product_attention with k/v heads first, [B, K, S, H] (k [B, K, H, S] with `keys_last`: the
  KV cache's layouts), so they are not transposed."""
  batch, length, num_heads, _ = q.shape
  keys = v.shape[2]
  block, remat = attention_plan(
    batch, num_heads, length, keys, causal=causal, platform=jax.default_backend(), block_bytes=block_bytes
  )
  attend = functools.partial(_attend, keys_last=keys_last)
  if remat:
    attend = jax.checkpoint(attend)
  if block >= length:
    return attend(q, k, v, mask)
  outs = [
    attend(q[:, start:stop], k[..., :end] if keys_last else k[:, :, :end], v[:, :, :end], mask[:, start:stop, :end])
    for start, stop, end in _block_spans(length, keys, block, causal)
  ]
  return jnp.concatenate(outs, axis=1)


def attention_in_key_blocks(
  q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array, block: int, end: jax.Array | None = None
) -> jax.Array:
  """Attention over a KV cache taken `block` slots at a time, in slot order, with a running softmax.

  q [B,T,N,H], k [B,K,H,S] and v [B,K,S,H] (the cache's layouts), mask [B,T,S] -> [B,T,N,H]; S a
  multiple of `block`. Every product and sum has the shape of one block, whatever S is, and a block
  with no visible key leaves the running maximum, total and output exactly as they were (its weights
  are exact zeros, its rescale factor exactly 1). So a row's result depends only on the slots up to its
  last visible key, not on how many empty slots the cache has after them, nor on what the other rows
  are: the property that makes sampling independent of batch composition. A query that sees no key
  gets zeros. `end` (int32 scalar, optional): no row has a visible key at or after this slot, so the
  blocks from there on (exact no-ops) are not computed.
  """
  batch, length, num_heads, head_dim = q.shape
  num_kv, slots = v.shape[1], v.shape[2]
  if slots % block:
    raise ValueError(f'attention_in_key_blocks: {slots} cache slots is not a multiple of the key block {block}')
  group = num_heads // num_kv
  queries = group * length
  q = q.reshape(batch, length, num_kv, group, head_dim).transpose(0, 2, 3, 1, 4)
  q = q.reshape(batch, num_kv, queries, head_dim)

  def one_block(i, carry):
    top, total, acc = carry
    start = i * block
    keys = jax.lax.dynamic_slice_in_dim(k, start, block, axis=3)
    values = jax.lax.dynamic_slice_in_dim(v, start, block, axis=2)
    visible = jax.lax.dynamic_slice_in_dim(mask, start, block, axis=2)  # [B, T, block], shared by the G heads
    visible = jnp.broadcast_to(visible[:, None, None], (batch, 1, group, length, block))
    visible = visible.reshape(batch, 1, queries, block)
    scores = jax.lax.dot_general(q, keys, (((3,), (2,)), ((0, 1), (0, 1))), preferred_element_type=jnp.float32)
    scores = jnp.where(visible, scores * (head_dim**-0.5), _MASKED)
    new_top = jnp.maximum(top, jnp.max(scores, axis=-1, keepdims=True))
    scale = jnp.exp(top - new_top)
    weights = jnp.where(visible, jnp.exp(scores - new_top), 0.0)
    total = total * scale + jnp.sum(weights, axis=-1, keepdims=True)
    part = jax.lax.dot_general(
      weights.astype(v.dtype), values, (((3,), (2,)), ((0, 1), (0, 1))), preferred_element_type=jnp.float32
    )
    return new_top, total, acc * scale + part

  start = (
    jnp.full((batch, num_kv, queries, 1), _MASKED, jnp.float32),
    jnp.zeros((batch, num_kv, queries, 1), jnp.float32),
    jnp.zeros((batch, num_kv, queries, head_dim), jnp.float32),
  )
  blocks = slots // block
  if end is not None:
    blocks = jnp.minimum(blocks, (jnp.asarray(end, jnp.int32) + block - 1) // block)
  _, total, acc = jax.lax.fori_loop(0, blocks, one_block, start)
  out = (acc * (1.0 / jnp.where(total > 0, total, 1.0))).astype(v.dtype)
  out = out.reshape(batch, num_kv, group, length, head_dim).transpose(0, 3, 1, 2, 4)
  return out.reshape(batch, length, num_heads, head_dim)


class Attention(nnx.Module):
  """Self-attention block: q/k/v/o projections (HF names), RoPE, GQA, optional KV cache slot."""

  def __init__(self, config: ModelConfig, *, rngs: nnx.Rngs):
    d, n, kv, h = config.hidden_size, config.num_heads, config.num_kv_heads, config.head_dim
    self.rope_theta = config.rope_theta
    self.q_proj = Linear(
      (d, n, h), ('embed', 'heads', 'head_dim'), 1, use_bias=config.qkv_bias, config=config, rngs=rngs
    )
    self.k_proj = Linear(
      (d, kv, h), ('embed', 'kv_heads', 'head_dim'), 1, use_bias=config.qkv_bias, config=config, rngs=rngs
    )
    self.v_proj = Linear(
      (d, kv, h), ('embed', 'kv_heads', 'head_dim'), 1, use_bias=config.qkv_bias, config=config, rngs=rngs
    )
    self.o_proj = Linear(
      (n, h, d), ('heads', 'head_dim', 'embed'), 2, use_bias=config.use_bias, config=config, rngs=rngs
    )

  def __call__(
    self,
    x: jax.Array,
    positions: jax.Array,
    mask: jax.Array,
    kv: tuple[jax.Array, jax.Array] | None = None,
    index: jax.Array | None = None,
    key_block: int = 0,
  ) -> tuple[jax.Array, tuple[jax.Array, jax.Array] | None]:
    """x [B,T,D] -> ([B,T,D], updated (k, v) cache slots or None).

    Without `kv`, keys are the T tokens themselves and mask is [B,T,T], which must hide every later
    token (visibility_mask with first_slot=0): attention then skips them. With `kv` (k [B,K,H,S], v [B,K,S,H]),
    row b's new keys are written at slots index[b]..index[b]+T-1 and mask is [B,T,S] over all slots;
    `key_block` > 0 attends over them block by block (attention_in_key_blocks).
    """
    q = apply_rope(self.q_proj(x), positions, self.rope_theta)
    k = apply_rope(self.k_proj(x), positions, self.rope_theta)
    v = self.v_proj(x)
    if kv is None:
      return self.o_proj(dot_product_attention(q, k, v, mask, causal=True)), None
    k = write_rows(kv[0], k.transpose(0, 2, 3, 1), index, axis=2)
    v = write_rows(kv[1], v.transpose(0, 2, 1, 3), index, axis=1)
    if key_block:
      end = jnp.max(index) + x.shape[1]  # past every row's last written slot
      return self.o_proj(attention_in_key_blocks(q, k, v, mask, key_block, end)), (k, v)
    return self.o_proj(attention_heads_first(q, k, v, mask, keys_last=True)), (k, v)
