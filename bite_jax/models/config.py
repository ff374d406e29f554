"""Model configuration shared by Qwen2/Qwen2.5 and StarCoder2, with Hugging Face config.json conversion."""

from __future__ import annotations

import dataclasses
from typing import Any

SUPPORTED_MODEL_TYPES = ('qwen2', 'starcoder2')
_DTYPES = ('float32', 'bfloat16', 'float16')
# hidden_act values whose formula is the tanh approximation of GELU.
_GELU_TANH_ACTS = ('gelu_pytorch_tanh', 'gelu_new', 'gelu_fast')


@dataclasses.dataclass(frozen=True)
class ModelConfig:
  """Shape and numerics of one decoder; frozen and hashable so it can live on a jitted module.

  `sliding_window` applies to every layer when `layer_types` is None, else only to the layers whose
  entry is 'sliding_attention' (Qwen2's `use_sliding_window` + `max_window_layers`). A window of W
  lets a query at position p attend keys at positions p-W+1 .. p (W keys), as transformers does.
  """

  model_type: str
  vocab_size: int
  hidden_size: int
  intermediate_size: int
  num_layers: int
  num_heads: int
  num_kv_heads: int
  head_dim: int
  rope_theta: float
  norm_eps: float
  norm_kind: str
  mlp_kind: str
  qkv_bias: bool
  use_bias: bool
  sliding_window: int | None
  tie_embeddings: bool
  max_position_embeddings: int
  bos_token_id: int | None
  eos_token_id: int | None
  pad_token_id: int | None
  dtype: str = 'float32'
  param_dtype: str = 'float32'
  remat: bool = False
  layer_types: tuple[str, ...] | None = None
  eos_token_ids: tuple[int, ...] = ()
  initializer_range: float = 0.02

  def __post_init__(self):
    if self.model_type not in SUPPORTED_MODEL_TYPES:
      raise ValueError(f'ModelConfig.model_type={self.model_type!r}: supported are {SUPPORTED_MODEL_TYPES}')
    for name in (
      'vocab_size',
      'hidden_size',
      'intermediate_size',
      'num_layers',
      'num_heads',
      'num_kv_heads',
      'head_dim',
    ):
      if int(getattr(self, name)) <= 0:
        raise ValueError(f'ModelConfig.{name}={getattr(self, name)!r} must be a positive integer')
    if self.num_heads % self.num_kv_heads:
      raise ValueError(f'ModelConfig.num_heads={self.num_heads} is not a multiple of num_kv_heads={self.num_kv_heads}')
    if self.head_dim % 2:
      raise ValueError(f'ModelConfig.head_dim={self.head_dim} must be even for rotary embeddings')
    if self.norm_kind not in ('rms', 'layer'):
      raise ValueError(f"ModelConfig.norm_kind={self.norm_kind!r}: expected 'rms' or 'layer'")
    if self.mlp_kind not in ('swiglu', 'gelu_tanh'):
      raise ValueError(f"ModelConfig.mlp_kind={self.mlp_kind!r}: expected 'swiglu' or 'gelu_tanh'")
    for name in ('dtype', 'param_dtype'):
      if getattr(self, name) not in _DTYPES:
        raise ValueError(f'ModelConfig.{name}={getattr(self, name)!r}: expected one of {_DTYPES}')
    if self.sliding_window is not None and self.sliding_window <= 0:
      raise ValueError(f'ModelConfig.sliding_window={self.sliding_window} must be positive or None')
    if self.layer_types is not None:
      if len(self.layer_types) != self.num_layers:
        raise ValueError(f'ModelConfig.layer_types has {len(self.layer_types)} entries, num_layers={self.num_layers}')
      bad = sorted(set(self.layer_types) - {'full_attention', 'sliding_attention'})
      if bad:
        raise ValueError(f'ModelConfig.layer_types: unsupported entries {bad}')

  def replace(self, **kw) -> ModelConfig:
    """Returns a copy with the given fields changed (validated again)."""
    return dataclasses.replace(self, **kw)

  def layer_window(self, layer: int) -> int | None:
    """Sliding window (in tokens) of layer `layer`, or None for full causal attention."""
    if self.sliding_window is None:
      return None
    if self.layer_types is None or self.layer_types[layer] == 'sliding_attention':
      return self.sliding_window
    return None

  # ---------------------------------------------------------------- Hugging Face config.json

  @classmethod
  def from_hf_dict(cls, d: dict[str, Any]) -> ModelConfig:
    """Builds a config from a Hugging Face config.json dict (transformers 4.x or 5.x layout).

    Raises ValueError naming the field for an unsupported model_type, activation or RoPE type.
    """
    model_type = d.get('model_type')
    if model_type not in SUPPORTED_MODEL_TYPES:
      raise ValueError(
        f'config.json: unsupported model_type={model_type!r} (supported: {", ".join(SUPPORTED_MODEL_TYPES)})'
      )
    for key in ('vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'):
      if key not in d:
        raise ValueError(f'config.json: missing field {key!r}')
    num_heads = int(d['num_attention_heads'])
    num_kv_heads = int(d.get('num_key_value_heads') or num_heads)
    head_dim = int(d.get('head_dim') or d['hidden_size'] // num_heads)
    num_layers = int(d['num_hidden_layers'])
    eos_ids = _as_id_tuple(d.get('eos_token_id'))
    common = dict(
      model_type=model_type,
      vocab_size=int(d['vocab_size']),
      hidden_size=int(d['hidden_size']),
      intermediate_size=int(d['intermediate_size']),
      num_layers=num_layers,
      num_heads=num_heads,
      num_kv_heads=num_kv_heads,
      head_dim=head_dim,
      rope_theta=_rope_theta(d),
      bos_token_id=_first_id(d.get('bos_token_id')),
      eos_token_id=eos_ids[0] if eos_ids else None,
      eos_token_ids=eos_ids,
      pad_token_id=_first_id(d.get('pad_token_id')),
      initializer_range=float(d.get('initializer_range', 0.02)),
    )
    act = d.get('hidden_act')
    if model_type == 'qwen2':
      if act not in (None, 'silu', 'swish'):
        raise ValueError(f'config.json: hidden_act={act!r} is not supported for qwen2 (expected silu)')
      window = d.get('sliding_window') if d.get('use_sliding_window', False) else None
      layer_types = d.get('layer_types')
      if window is not None and layer_types is None:
        # transformers' Qwen2Config default: only layers >= max_window_layers slide.
        max_window_layers = int(d.get('max_window_layers', 28))
        layer_types = ['sliding_attention' if i >= max_window_layers else 'full_attention' for i in range(num_layers)]
      return cls(
        **common,
        norm_eps=float(d.get('rms_norm_eps', 1e-6)),
        norm_kind='rms',
        mlp_kind='swiglu',
        qkv_bias=True,
        use_bias=False,
        sliding_window=None if window is None else int(window),
        tie_embeddings=bool(d.get('tie_word_embeddings', False)),
        max_position_embeddings=int(d.get('max_position_embeddings', 32768)),
        layer_types=None if window is None else tuple(layer_types),
      )
    if act not in (None, *_GELU_TANH_ACTS):
      raise ValueError(
        f'config.json: hidden_act={act!r} is not supported for starcoder2 (expected one of {_GELU_TANH_ACTS})'
      )
    use_bias = bool(d.get('use_bias', True))
    window = d.get('sliding_window')
    return cls(
      **common,
      norm_eps=float(d.get('norm_epsilon', 1e-5)),
      norm_kind='layer',
      mlp_kind='gelu_tanh',
      qkv_bias=use_bias,
      use_bias=use_bias,
      sliding_window=None if window is None else int(window),
      tie_embeddings=bool(d.get('tie_word_embeddings', True)),
      max_position_embeddings=int(d.get('max_position_embeddings', 4096)),
    )

  def to_hf_dict(self) -> dict[str, Any]:
    """Returns a config.json dict that transformers 5 loads into Qwen2Config / Starcoder2Config."""
    eos: Any = list(self.eos_token_ids) if len(self.eos_token_ids) > 1 else self.eos_token_id
    d: dict[str, Any] = dict(
      model_type=self.model_type,
      vocab_size=self.vocab_size,
      hidden_size=self.hidden_size,
      intermediate_size=self.intermediate_size,
      num_hidden_layers=self.num_layers,
      num_attention_heads=self.num_heads,
      num_key_value_heads=self.num_kv_heads,
      head_dim=self.head_dim,
      max_position_embeddings=self.max_position_embeddings,
      rope_parameters={'rope_theta': self.rope_theta, 'rope_type': 'default'},
      rope_theta=self.rope_theta,
      tie_word_embeddings=self.tie_embeddings,
      bos_token_id=self.bos_token_id,
      eos_token_id=eos,
      pad_token_id=self.pad_token_id,
      initializer_range=self.initializer_range,
      attention_dropout=0.0,
      use_cache=True,
      dtype=self.param_dtype,
    )
    if self.model_type == 'qwen2':
      d.update(
        architectures=['Qwen2ForCausalLM'],
        hidden_act='silu',
        rms_norm_eps=self.norm_eps,
        use_sliding_window=self.sliding_window is not None,
        sliding_window=self.sliding_window,
        layer_types=[
          ('sliding_attention' if self.layer_window(i) is not None else 'full_attention')
          for i in range(self.num_layers)
        ],
      )
      if self.sliding_window is not None:
        # Consistent with layer_types so that either reading of the config agrees.
        first_sliding = next((i for i in range(self.num_layers) if self.layer_window(i)), self.num_layers)
        d['max_window_layers'] = first_sliding
    else:
      if self.layer_types is not None and len(set(self.layer_types)) > 1:
        raise ValueError('ModelConfig.layer_types: starcoder2 cannot mix full and sliding layers')
      d.update(
        architectures=['Starcoder2ForCausalLM'],
        hidden_act='gelu_pytorch_tanh',
        norm_epsilon=self.norm_eps,
        use_bias=self.use_bias,
        sliding_window=self.sliding_window,
        residual_dropout=0.0,
        embedding_dropout=0.0,
      )
    return d

  # ---------------------------------------------------------------- accounting

  def num_params(self) -> int:
    """Number of parameters (embedding counted once when tied)."""
    d, f, v = self.hidden_size, self.intermediate_size, self.vocab_size
    q_dim, kv_dim = self.num_heads * self.head_dim, self.num_kv_heads * self.head_dim
    attn = d * q_dim + 2 * d * kv_dim + q_dim * d
    if self.qkv_bias:
      attn += q_dim + 2 * kv_dim
    if self.use_bias:
      attn += d
    mlp = (3 if self.mlp_kind == 'swiglu' else 2) * d * f
    if self.use_bias:
      mlp += f + d
    norm = d if self.norm_kind == 'rms' else 2 * d
    layer = attn + mlp + 2 * norm
    head = 0 if self.tie_embeddings else v * d
    return v * d + self.num_layers * layer + norm + head

  def flops_per_token(self, seq_len: int) -> float:
    """Training FLOPs per token (forward + backward), MaxText style, for MFU.

    6 * (matmul weights: attention and MLP kernels of every layer + the LM head) plus the attention
    score/value matmuls, 6 * num_layers * num_heads * head_dim * seq_len, where causal masking halves
    the 2 * 2 * seq_len * head_dim forward FLOPs per head (QK^T and PV). The embedding lookup is free.
    """
    d, f, v = self.hidden_size, self.intermediate_size, self.vocab_size
    q_dim, kv_dim = self.num_heads * self.head_dim, self.num_kv_heads * self.head_dim
    per_layer = d * q_dim + 2 * d * kv_dim + q_dim * d + (3 if self.mlp_kind == 'swiglu' else 2) * d * f
    matmul_params = self.num_layers * per_layer + d * v
    attention = 6.0 * self.num_layers * self.num_heads * self.head_dim * seq_len
    return 6.0 * matmul_params + attention


def _rope_theta(d: dict[str, Any]) -> float:
  """RoPE base from transformers 5 `rope_parameters` or the legacy top-level `rope_theta`."""
  params = d.get('rope_parameters') or d.get('rope_scaling') or {}
  rope_type = params.get('rope_type', params.get('type', 'default'))
  if rope_type != 'default':
    raise ValueError(f"config.json: rope_parameters.rope_type={rope_type!r} is not supported (only 'default')")
  theta = params.get('rope_theta', d.get('rope_theta', 10000.0))
  return float(theta)


def _as_id_tuple(value: Any) -> tuple[int, ...]:
  if value is None:
    return ()
  if isinstance(value, (list, tuple)):
    return tuple(int(v) for v in value)
  return (int(value),)


def _first_id(value: Any) -> int | None:
  ids = _as_id_tuple(value)
  return ids[0] if ids else None
