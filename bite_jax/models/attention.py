"""Grouped-query self-attention with rotary embedding, sliding windows and a fixed-size KV cache."""

from __future__ import annotations

import flax.struct
import jax
import jax.numpy as jnp
from flax import nnx

from bite_jax.models.config import ModelConfig
from bite_jax.models.layers import Linear, apply_rope, dtype_of

# Finite so that a query with no visible key gets a uniform (not NaN) distribution.
_MASKED = float(jnp.finfo(jnp.float32).min)


@flax.struct.dataclass
class KVCache:
  """Decoding state: per-layer keys/values over S slots plus the position and validity of each slot.

  k[i], v[i]: [B, S, num_kv_heads, head_dim] in the compute dtype (keys already rotated);
  key_positions: int32 [B, S]; key_valid: bool [B, S]; index: int32 scalar, the next slot to write.
  A call with T tokens writes slots index .. index+T-1; shapes never change, so the cache can be
  carried through jax.lax.while_loop.
  """

  k: tuple[jax.Array, ...]
  v: tuple[jax.Array, ...]
  key_positions: jax.Array
  key_valid: jax.Array
  index: jax.Array

  @classmethod
  def create(cls, config: ModelConfig, batch: int, max_len: int) -> KVCache:
    """Empty cache for `batch` rows and `max_len` token slots."""
    if batch <= 0 or max_len <= 0:
      raise ValueError(f'KVCache.create: batch={batch} and max_len={max_len} must be positive')
    shape = (batch, max_len, config.num_kv_heads, config.head_dim)
    dtype = dtype_of(config.dtype)
    zeros = tuple(jnp.zeros(shape, dtype) for _ in range(config.num_layers))
    return cls(k=zeros, v=tuple(jnp.zeros(shape, dtype) for _ in range(config.num_layers)),
               key_positions=jnp.zeros((batch, max_len), jnp.int32),
               key_valid=jnp.zeros((batch, max_len), bool), index=jnp.zeros((), jnp.int32))

  @property
  def max_len(self) -> int:
    """Number of token slots S."""
    return self.key_positions.shape[1]

  def next_positions(self, attention_mask: jax.Array) -> jax.Array:
    """Positions [B, T] of new tokens: count of valid cached tokens + running count of new ones."""
    seen = jnp.sum(self.key_valid, axis=1, dtype=jnp.int32)[:, None]
    return jnp.maximum(seen + jnp.cumsum(attention_mask, axis=1, dtype=jnp.int32) - 1, 0)

  def with_tokens(self, positions: jax.Array, attention_mask: jax.Array) -> KVCache:
    """Records positions/validity of T new tokens at slots index..index+T-1 and advances index."""
    start = (jnp.zeros((), jnp.int32), self.index)
    key_positions = jax.lax.dynamic_update_slice(self.key_positions, positions.astype(jnp.int32), start)
    key_valid = jax.lax.dynamic_update_slice(self.key_valid, attention_mask.astype(bool), start)
    return self.replace(key_positions=key_positions, key_valid=key_valid,
                        index=self.index + positions.shape[1])


def visibility_mask(query_positions: jax.Array, key_positions: jax.Array, key_valid: jax.Array,
                   window: int | None) -> jax.Array:
  """Boolean [B, T, S]: key is a real token, not in the future, and (with a window W) at most W-1 back.

  The window matches transformers' sliding_window_overlay (kv_idx > q_idx - W): W keys incl. itself.
  """
  q = query_positions[:, :, None]
  k = key_positions[:, None, :]
  visible = key_valid[:, None, :] & (k <= q)
  if window is not None:
    visible = visible & (q - k < window)
  return visible


def dot_product_attention(q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array) -> jax.Array:
  """Softmax attention in float32: q [B,T,N,H], k/v [B,S,K,H] (N = K*G), mask [B,T,S] -> [B,T,N,H]."""
  batch, length, num_heads, head_dim = q.shape
  num_kv = k.shape[2]
  # Query head n uses kv head n // G, as transformers' repeat_kv.
  q = q.reshape(batch, length, num_kv, num_heads // num_kv, head_dim)
  scores = jnp.einsum('BTKGH,BSKH->BKGTS', q, k, preferred_element_type=jnp.float32)
  scores = scores * (head_dim ** -0.5)
  scores = jnp.where(mask[:, None, None, :, :], scores, _MASKED)
  probs = jax.nn.softmax(scores, axis=-1).astype(v.dtype)
  out = jnp.einsum('BKGTS,BSKH->BTKGH', probs, v)
  return out.reshape(batch, length, num_heads, head_dim)


class Attention(nnx.Module):
  """Self-attention block: q/k/v/o projections (HF names), RoPE, GQA, optional KV cache slot."""

  def __init__(self, config: ModelConfig, *, rngs: nnx.Rngs):
    d, n, kv, h = config.hidden_size, config.num_heads, config.num_kv_heads, config.head_dim
    self.rope_theta = config.rope_theta
    self.q_proj = Linear('BTD,DNH->BTNH', (d, n, h), ('embed', 'heads', 'head_dim'), 1,
                         use_bias=config.qkv_bias, config=config, rngs=rngs)
    self.k_proj = Linear('BTD,DKH->BTKH', (d, kv, h), ('embed', 'kv_heads', 'head_dim'), 1,
                         use_bias=config.qkv_bias, config=config, rngs=rngs)
    self.v_proj = Linear('BTD,DKH->BTKH', (d, kv, h), ('embed', 'kv_heads', 'head_dim'), 1,
                         use_bias=config.qkv_bias, config=config, rngs=rngs)
    self.o_proj = Linear('BTNH,NHD->BTD', (n, h, d), ('heads', 'head_dim', 'embed'), 2,
                         use_bias=config.use_bias, config=config, rngs=rngs)

  def __call__(self, x: jax.Array, positions: jax.Array, mask: jax.Array,
               kv: tuple[jax.Array, jax.Array] | None = None, index: jax.Array | None = None,
               ) -> tuple[jax.Array, tuple[jax.Array, jax.Array] | None]:
    """x [B,T,D] -> ([B,T,D], updated (k, v) cache slots or None).

    Without `kv`, keys are the T tokens themselves and mask is [B,T,T]. With `kv` ([B,S,K,H] each),
    the new keys are written at slots index..index+T-1 and mask is [B,T,S] over all slots.
    """
    q = apply_rope(self.q_proj(x), positions, self.rope_theta)
    k = apply_rope(self.k_proj(x), positions, self.rope_theta)
    v = self.v_proj(x)
    new_kv = None
    if kv is not None:
      start = (jnp.zeros((), jnp.int32), index, jnp.zeros((), jnp.int32), jnp.zeros((), jnp.int32))
      k = jax.lax.dynamic_update_slice(kv[0], k.astype(kv[0].dtype), start)
      v = jax.lax.dynamic_update_slice(kv[1], v.astype(kv[1].dtype), start)
      new_kv = (k, v)
    out = dot_product_attention(q, k, v, mask)
    return self.o_proj(out), new_kv
