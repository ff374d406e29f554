"""Named model shapes: the published Qwen2.5 / StarCoder2 checkpoints and tiny CPU models."""

from __future__ import annotations

from bite_jax.models.config import ModelConfig


def _qwen2_5(
  hidden: int, intermediate: int, layers: int, heads: int, kv_heads: int, *, vocab: int, tie: bool
) -> ModelConfig:
  return ModelConfig(
    model_type='qwen2',
    vocab_size=vocab,
    hidden_size=hidden,
    intermediate_size=intermediate,
    num_layers=layers,
    num_heads=heads,
    num_kv_heads=kv_heads,
    head_dim=hidden // heads,
    rope_theta=1_000_000.0,
    norm_eps=1e-6,
    norm_kind='rms',
    mlp_kind='swiglu',
    qkv_bias=True,
    use_bias=False,
    sliding_window=None,
    tie_embeddings=tie,
    max_position_embeddings=32768,
    bos_token_id=151643,
    eos_token_id=151643,
    pad_token_id=None,
    eos_token_ids=(151643,),
    param_dtype='bfloat16',
    dtype='bfloat16',
  )


def _starcoder2(
  hidden: int, intermediate: int, layers: int, heads: int, kv_heads: int, rope_theta: float
) -> ModelConfig:
  return ModelConfig(
    model_type='starcoder2',
    vocab_size=49152,
    hidden_size=hidden,
    intermediate_size=intermediate,
    num_layers=layers,
    num_heads=heads,
    num_kv_heads=kv_heads,
    head_dim=hidden // heads,
    rope_theta=rope_theta,
    norm_eps=1e-5,
    norm_kind='layer',
    mlp_kind='gelu_tanh',
    qkv_bias=True,
    use_bias=True,
    sliding_window=4096,
    tie_embeddings=True,
    max_position_embeddings=16384,
    bos_token_id=0,
    eos_token_id=0,
    pad_token_id=None,
    eos_token_ids=(0,),
    initializer_range=0.018042,
    param_dtype='bfloat16',
    dtype='bfloat16',
  )


PRESETS: dict[str, ModelConfig] = {
  'qwen2_5_0_5b': _qwen2_5(896, 4864, 24, 14, 2, vocab=151936, tie=True),
  'qwen2_5_1_5b': _qwen2_5(1536, 8960, 28, 12, 2, vocab=151936, tie=True),
  'qwen2_5_3b': _qwen2_5(2048, 11008, 36, 16, 2, vocab=151936, tie=True),
  'qwen2_5_7b': _qwen2_5(3584, 18944, 28, 28, 4, vocab=152064, tie=False),
  'starcoder2_3b': _starcoder2(3072, 12288, 30, 24, 2, rope_theta=999999.4420358813),
  'starcoder2_7b': _starcoder2(4608, 18432, 32, 36, 4, rope_theta=1_000_000.0),
  # Small CPU models for tests and the demo; callers set vocab_size from their tokenizer.
  'tiny': ModelConfig(
    model_type='qwen2',
    vocab_size=256,
    hidden_size=64,
    intermediate_size=128,
    num_layers=2,
    num_heads=4,
    num_kv_heads=2,
    head_dim=16,
    rope_theta=10000.0,
    norm_eps=1e-6,
    norm_kind='rms',
    mlp_kind='swiglu',
    qkv_bias=True,
    use_bias=False,
    sliding_window=None,
    tie_embeddings=True,
    max_position_embeddings=2048,
    bos_token_id=None,
    eos_token_id=None,
    pad_token_id=None,
  ),
  # The CPU demo's editors: big enough to learn their few hundred training programs by heart in minutes.
  'demo': ModelConfig(
    model_type='qwen2',
    vocab_size=256,
    hidden_size=128,
    intermediate_size=384,
    num_layers=4,
    num_heads=4,
    num_kv_heads=2,
    head_dim=32,
    rope_theta=10000.0,
    norm_eps=1e-6,
    norm_kind='rms',
    mlp_kind='swiglu',
    qkv_bias=True,
    use_bias=False,
    sliding_window=None,
    tie_embeddings=True,
    max_position_embeddings=2048,
    bos_token_id=None,
    eos_token_id=None,
    pad_token_id=None,
  ),
  'tiny_starcoder2': ModelConfig(
    model_type='starcoder2',
    vocab_size=256,
    hidden_size=64,
    intermediate_size=128,
    num_layers=2,
    num_heads=4,
    num_kv_heads=2,
    head_dim=16,
    rope_theta=10000.0,
    norm_eps=1e-5,
    norm_kind='layer',
    mlp_kind='gelu_tanh',
    qkv_bias=True,
    use_bias=True,
    sliding_window=64,
    tie_embeddings=True,
    max_position_embeddings=2048,
    bos_token_id=None,
    eos_token_id=None,
    pad_token_id=None,
  ),
}


def get_preset(name: str) -> ModelConfig:
  """Returns the preset `name`; raises KeyError listing the known names."""
  if name not in PRESETS:
    raise KeyError(f'unknown model preset {name!r}; known: {", ".join(sorted(PRESETS))}')
  return PRESETS[name]
