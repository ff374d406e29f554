"""The decoder-only transformer (Qwen2/Qwen2.5 and StarCoder2 by config), in Flax NNX.

Module and attribute names follow the Hugging Face ones (embed_tokens, layers[i].self_attn.q_proj,
mlp.gate_proj / mlp.c_fc, input_layernorm, post_attention_layernorm, norm, lm_head), so that the
checkpoint mapping in `bite_jax.models.hf` is a short table.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from flax import nnx

from bite_jax.models.attention import Attention, KVCache, visibility_mask
from bite_jax.models.config import ModelConfig
from bite_jax.models.layers import MLP, Embed, Linear, Norm


class DecoderLayer(nnx.Module):
  """Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x))."""

  def __init__(self, config: ModelConfig, layer: int, *, rngs: nnx.Rngs):
    self.window = config.layer_window(layer)
    self.input_layernorm = Norm(config)
    self.self_attn = Attention(config, rngs=rngs)
    self.post_attention_layernorm = Norm(config)
    self.mlp = MLP(config, rngs=rngs)

  def __call__(self, x, positions, mask, kv=None, index=None, key_block=0):
    attn_out, new_kv = self.self_attn(self.input_layernorm(x), positions, mask, kv, index, key_block)
    x = x + attn_out
    x = x + self.mlp(self.post_attention_layernorm(x))
    return x, new_kv


def _run_layer(layer: DecoderLayer, x, positions, mask, kv, index, key_block=0):
  return layer(x, positions, mask, kv, index, key_block)


_run_layer_remat = nnx.remat(_run_layer)


class Decoder(nnx.Module):
  """Causal LM: int32 token ids [B, T] -> float32 logits [B, T, vocab].

  `activation_sharding` (a jax.sharding.Sharding for [B, T, D] activations, or None) is set by
  `bite_jax.parallel.shard_model` to pin the residual stream to batch sharding between layers.
  """

  def __init__(self, config: ModelConfig, *, rngs: nnx.Rngs):
    self.config = config
    self.activation_sharding = None
    self.embed_tokens = Embed(config, rngs=rngs)
    self.layers = nnx.List([DecoderLayer(config, i, rngs=rngs) for i in range(config.num_layers)])
    self.norm = Norm(config)
    if config.tie_embeddings:
      self.lm_head = None
    else:
      self.lm_head = Linear(
        (config.hidden_size, config.vocab_size), ('embed', 'vocab'), 1, use_bias=False, config=config, rngs=rngs
      )

  def __call__(self, input_ids, *, attention_mask=None, positions=None, cache=None):
    """Logits float32 [B, T, V]; with `cache`, returns (logits, new_cache).

    attention_mask [B, T]: 1 = real token, 0 = (left) padding. positions [B, T] default to
    cumsum(mask) - 1 clipped at 0, continued from the cache's valid tokens when a cache is given.
    """
    out = self.hidden_states(input_ids, attention_mask=attention_mask, positions=positions, cache=cache)
    if cache is None:
      return self.logits_from_hidden(out)
    hidden, new_cache = out
    return self.logits_from_hidden(hidden), new_cache

  def hidden_states(self, input_ids, *, attention_mask=None, positions=None, cache=None):
    """Final-norm hidden states [B, T, D] in the compute dtype (and the new cache when given one)."""
    input_ids, attention_mask, positions = self._check_inputs(input_ids, attention_mask, positions)
    if cache is None:
      if positions is None:
        positions = jnp.maximum(jnp.cumsum(attention_mask, axis=1, dtype=jnp.int32) - 1, 0)
      key_positions, key_valid = positions, attention_mask.astype(bool)
      index = None
    else:
      _check_cache_room(cache, input_ids.shape)
      if positions is None:
        positions = cache.next_positions(attention_mask)
      index = cache.index
      cache = cache.with_tokens(positions, attention_mask)
      key_positions, key_valid = cache.key_positions, cache.key_valid

    first_slot = 0 if cache is None else index
    windows = {layer.window for layer in self.layers}
    masks = {w: visibility_mask(positions, key_positions, key_valid, w, first_slot=first_slot) for w in windows}
    step = _run_layer_remat if self.config.remat else _run_layer
    if cache is not None and cache.key_block:
      step = functools.partial(_run_layer, key_block=cache.key_block)  # decoding: nothing to rematerialise

    x = self._constrain(self.embed_tokens(input_ids))
    new_k, new_v = [], []
    for i, layer in enumerate(self.layers):
      kv = None if cache is None else (cache.k[i], cache.v[i])
      x, layer_kv = step(layer, x, positions, masks[layer.window], kv, index)
      x = self._constrain(x)
      if layer_kv is not None:
        new_k.append(layer_kv[0])
        new_v.append(layer_kv[1])
    hidden = self.norm(x)
    if cache is None:
      return hidden
    return hidden, cache.replace(k=tuple(new_k), v=tuple(new_v))

  def logits_from_hidden(self, hidden):
    """LM head: hidden [..., D] -> float32 logits [..., V] (hidden @ embedding.T when tied)."""
    if self.lm_head is None:
      return self.embed_tokens.attend(hidden)
    return self.lm_head(hidden, out_dtype=jnp.float32)

  def init_cache(self, batch: int, max_len: int, key_block: int = 0) -> KVCache:
    """Empty KV cache with `max_len` token slots per row (prompt + generated tokens); `key_block`: see
    KVCache.create."""
    return KVCache.create(self.config, batch, max_len, key_block)

  def _constrain(self, x):
    if self.activation_sharding is None:
      return x
    return jax.lax.with_sharding_constraint(x, self.activation_sharding)

  def _check_inputs(self, input_ids, attention_mask, positions):
    input_ids = jnp.asarray(input_ids)
    if input_ids.ndim != 2 or not jnp.issubdtype(input_ids.dtype, jnp.integer):
      raise ValueError(
        f'input_ids: expected an integer array [batch, length], got {input_ids.dtype}{list(input_ids.shape)}'
      )
    if attention_mask is None:
      attention_mask = jnp.ones(input_ids.shape, jnp.int32)
    attention_mask = jnp.asarray(attention_mask)
    if attention_mask.shape != input_ids.shape:
      raise ValueError(f'attention_mask: shape {attention_mask.shape} != input_ids shape {input_ids.shape}')
    attention_mask = attention_mask.astype(jnp.int32)
    if positions is not None:
      positions = jnp.asarray(positions)
      if positions.shape != input_ids.shape:
        raise ValueError(f'positions: shape {positions.shape} != input_ids shape {input_ids.shape}')
      positions = positions.astype(jnp.int32)
    return input_ids.astype(jnp.int32), attention_mask, positions


def _check_cache_room(cache: KVCache, shape: tuple[int, int]) -> None:
  """Raises when a concrete cache index would overflow (jit callers must size the cache)."""
  batch, length = shape
  if cache.key_positions.shape[0] != batch:
    raise ValueError(f'cache: batch {cache.key_positions.shape[0]} != input_ids batch {batch}')
  if isinstance(cache.index, jax.core.Tracer):
    return
  index = int(jnp.max(cache.index))
  if index + length > cache.max_len:
    raise ValueError(f'cache: writing {length} tokens at slot {index} exceeds max_len={cache.max_len}')
