"""Building blocks of the decoder: matmul projections, embedding, norms, rotary embedding, MLP.

Every parameter is an `nnx.Param` whose `out_sharding` metadata holds logical axis names
('embed', 'vocab', 'heads', 'kv_heads', 'head_dim', 'mlp' or None); `bite_jax.parallel` maps them to
mesh axes. Eager sharding is off so that models can be built without a mesh.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from flax import nnx

from bite_jax.models.config import ModelConfig

Axes = tuple[str | None, ...]


def dtype_of(name: str) -> jnp.dtype:
  """Maps a dtype name ('float32', 'bfloat16', 'float16') to the jnp dtype."""
  return jnp.dtype(name)


def make_param(value: jax.Array, axes: Axes) -> nnx.Param:
  """Wraps `value` as a parameter annotated with logical axis names (one per dimension)."""
  if len(axes) != value.ndim:
    raise ValueError(f'logical axes {axes} do not match parameter shape {value.shape}')
  return nnx.Param(value, out_sharding=tuple(axes), eager_sharding=False)


class Linear(nnx.Module):
  """y = x . kernel + bias, with a multi-dimensional kernel [in..., out...].

  The last `n_in` dims of x are contracted with the leading `n_in` kernel dims; every other dim of x
  is kept. The product is taken as one 2-D matmul ([rows, prod(in)] x [prod(in), prod(out)]): XLA:CPU
  differentiates a 3-D einsum into transposes and strided loops that cost several times the matmul.
  The Hugging Face weight of this layer is kernel.reshape(prod(in), prod(out)).T, which makes the
  import/export a reshape.
  """

  def __init__(
    self,
    kernel_shape: tuple[int, ...],
    kernel_axes: Axes,
    n_in: int,
    *,
    use_bias: bool,
    config: ModelConfig,
    rngs: nnx.Rngs,
  ):
    if not 0 < n_in < len(kernel_shape):
      raise ValueError(f'Linear: n_in={n_in} must leave input and output dims in kernel {kernel_shape}')
    self.n_in = n_in
    self.compute_dtype = dtype_of(config.dtype)
    param_dtype = dtype_of(config.param_dtype)
    init = jax.random.normal(rngs.params(), kernel_shape, jnp.float32) * config.initializer_range
    self.kernel = make_param(init.astype(param_dtype), kernel_axes)
    if use_bias:
      bias_shape, bias_axes = kernel_shape[n_in:], kernel_axes[n_in:]
      self.bias = make_param(jnp.zeros(bias_shape, param_dtype), bias_axes)
    else:
      self.bias = None

  def __call__(self, x: jax.Array, *, out_dtype=None) -> jax.Array:
    kernel = self.kernel[...].astype(self.compute_dtype)
    in_shape, out_shape = kernel.shape[: self.n_in], kernel.shape[self.n_in :]
    if x.shape[x.ndim - self.n_in :] != in_shape:
      raise ValueError(f"Linear: input {x.shape} does not end with the kernel's input dims {in_shape}")
    lead = x.shape[: x.ndim - self.n_in]
    rows = x.astype(self.compute_dtype).reshape(math.prod(lead), math.prod(in_shape))
    y = jnp.dot(rows, kernel.reshape(math.prod(in_shape), math.prod(out_shape)), preferred_element_type=out_dtype)
    y = y.reshape(*lead, *out_shape)
    if self.bias is not None:
      y = y + self.bias[...].astype(y.dtype)
    return y


class Embed(nnx.Module):
  """Token embedding table [vocab, embed]; also the LM head when embeddings are tied."""

  def __init__(self, config: ModelConfig, *, rngs: nnx.Rngs):
    self.compute_dtype = dtype_of(config.dtype)
    shape = (config.vocab_size, config.hidden_size)
    init = jax.random.normal(rngs.params(), shape, jnp.float32) * config.initializer_range
    self.embedding = make_param(init.astype(dtype_of(config.param_dtype)), ('vocab', 'embed'))

  def __call__(self, ids: jax.Array) -> jax.Array:
    return jnp.take(self.embedding[...], ids, axis=0).astype(self.compute_dtype)

  def attend(self, hidden: jax.Array) -> jax.Array:
    """Tied LM head: float32 logits [..., vocab] = hidden @ embedding.T."""
    table = self.embedding[...].astype(self.compute_dtype)
    rows = hidden.astype(self.compute_dtype).reshape(-1, hidden.shape[-1])
    logits = jax.lax.dot_general(rows, table, (((1,), (1,)), ((), ())), preferred_element_type=jnp.float32)
    return logits.reshape(*hidden.shape[:-1], table.shape[0])


class Norm(nnx.Module):
  """RMSNorm (Qwen2) or LayerNorm with bias (StarCoder2), computed in float32."""

  def __init__(self, config: ModelConfig):
    self.kind = config.norm_kind
    self.eps = config.norm_eps
    self.compute_dtype = dtype_of(config.dtype)
    param_dtype = dtype_of(config.param_dtype)
    # Norm vectors are tiny: replicate them rather than shard.
    self.scale = make_param(jnp.ones((config.hidden_size,), param_dtype), (None,))
    self.bias = (
      make_param(jnp.zeros((config.hidden_size,), param_dtype), (None,)) if config.norm_kind == 'layer' else None
    )

  def __call__(self, x: jax.Array) -> jax.Array:
    x32 = x.astype(jnp.float32)
    if self.kind == 'rms':
      normed = x32 * jax.lax.rsqrt(jnp.mean(jnp.square(x32), axis=-1, keepdims=True) + self.eps)
      # Matches transformers: normalise in float32, cast back, then scale.
      return self.scale[...].astype(self.compute_dtype) * normed.astype(self.compute_dtype)
    mean = jnp.mean(x32, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x32 - mean), axis=-1, keepdims=True)
    normed = (x32 - mean) * jax.lax.rsqrt(var + self.eps)
    out = normed * self.scale[...].astype(jnp.float32) + self.bias[...].astype(jnp.float32)
    return out.astype(self.compute_dtype)


def rope_inv_freq(head_dim: int, theta: float) -> jax.Array:
  """Inverse frequencies [head_dim/2] of the default rotary embedding, in float32."""
  exponents = jnp.arange(0, head_dim, 2, dtype=jnp.float32) / head_dim
  return 1.0 / (jnp.float32(theta) ** exponents)


def apply_rope(x: jax.Array, positions: jax.Array, theta: float) -> jax.Array:
  """Rotates x [B, T, N, H] by positions [B, T] (half-split layout, as transformers' rotate_half)."""
  head_dim = x.shape[-1]
  freqs = positions.astype(jnp.float32)[..., None] * rope_inv_freq(head_dim, theta)  # [B, T, H/2]
  cos, sin = jnp.cos(freqs)[:, :, None, :], jnp.sin(freqs)[:, :, None, :]
  x32 = x.astype(jnp.float32)
  x1, x2 = x32[..., : head_dim // 2], x32[..., head_dim // 2 :]
  rotated = jnp.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)
  return rotated.astype(x.dtype)


class MLP(nnx.Module):
  """SwiGLU (gate_proj, up_proj, down_proj) or GELU-tanh (c_fc, c_proj) feed-forward block."""

  def __init__(self, config: ModelConfig, *, rngs: nnx.Rngs):
    d, f = config.hidden_size, config.intermediate_size
    self.kind = config.mlp_kind
    bias = config.use_bias

    def up():
      return Linear((d, f), ('embed', 'mlp'), 1, use_bias=bias, config=config, rngs=rngs)

    def down():
      return Linear((f, d), ('mlp', 'embed'), 1, use_bias=bias, config=config, rngs=rngs)

    if self.kind == 'swiglu':
      self.gate_proj, self.up_proj, self.down_proj = up(), up(), down()
    else:
      self.c_fc, self.c_proj = up(), down()

  def __call__(self, x: jax.Array) -> jax.Array:
    if self.kind == 'swiglu':
      return self.down_proj(jax.nn.silu(self.gate_proj(x)) * self.up_proj(x))
    return self.c_proj(jax.nn.gelu(self.c_fc(x), approximate=True))
