"""ModelConfig: Hugging Face config.json conversion, presets, accounting."""

import jax
import pytest
from flax import nnx

from bite_jax.models import PRESETS, Decoder, ModelConfig, get_preset

QWEN2_JSON = {
  'model_type': 'qwen2',
  'vocab_size': 151936,
  'hidden_size': 896,
  'intermediate_size': 4864,
  'num_hidden_layers': 24,
  'num_attention_heads': 14,
  'num_key_value_heads': 2,
  'hidden_act': 'silu',
  'max_position_embeddings': 32768,
  'rms_norm_eps': 1e-6,
  'rope_theta': 1000000.0,
  'sliding_window': 32768,
  'use_sliding_window': False,
  'max_window_layers': 21,
  'tie_word_embeddings': True,
  'bos_token_id': 151643,
  'eos_token_id': 151645,
}
STARCODER2_JSON = {
  'model_type': 'starcoder2',
  'vocab_size': 49152,
  'hidden_size': 3072,
  'intermediate_size': 12288,
  'num_hidden_layers': 30,
  'num_attention_heads': 24,
  'num_key_value_heads': 2,
  'hidden_act': 'gelu_pytorch_tanh',
  'max_position_embeddings': 16384,
  'norm_epsilon': 1e-5,
  'rope_theta': 999999.4420358813,
  'sliding_window': 4096,
  'use_bias': True,
  'bos_token_id': 0,
  'eos_token_id': 0,
}


def test_qwen2_json_maps_to_rms_swiglu_with_qkv_bias_only():
  c = ModelConfig.from_hf_dict(QWEN2_JSON)
  assert (c.norm_kind, c.mlp_kind, c.qkv_bias, c.use_bias) == ('rms', 'swiglu', True, False)
  assert (c.num_layers, c.num_heads, c.num_kv_heads, c.head_dim) == (24, 14, 2, 64)
  assert c.rope_theta == 1e6 and c.norm_eps == 1e-6 and c.tie_embeddings
  assert c.eos_token_id == 151645 and c.bos_token_id == 151643


def test_qwen2_window_is_ignored_unless_use_sliding_window():
  assert ModelConfig.from_hf_dict(QWEN2_JSON).sliding_window is None
  assert all(ModelConfig.from_hf_dict(QWEN2_JSON).layer_window(i) is None for i in range(24))


def test_qwen2_use_sliding_window_slides_layers_from_max_window_layers():
  c = ModelConfig.from_hf_dict({**QWEN2_JSON, 'use_sliding_window': True, 'sliding_window': 512})
  assert [c.layer_window(i) for i in (0, 20, 21, 23)] == [None, None, 512, 512]


def test_qwen2_explicit_layer_types_win_over_max_window_layers():
  layer_types = ['sliding_attention', 'full_attention'] * 12
  c = ModelConfig.from_hf_dict(
    {**QWEN2_JSON, 'use_sliding_window': True, 'sliding_window': 64, 'layer_types': layer_types}
  )
  assert [c.layer_window(i) for i in range(4)] == [64, None, 64, None]


def test_starcoder2_json_maps_to_layernorm_gelu_bias_everywhere_and_window_on_all_layers():
  c = ModelConfig.from_hf_dict(STARCODER2_JSON)
  assert (c.norm_kind, c.mlp_kind, c.qkv_bias, c.use_bias) == ('layer', 'gelu_tanh', True, True)
  assert c.tie_embeddings  # transformers' default when config.json has no tie_word_embeddings
  assert all(c.layer_window(i) == 4096 for i in range(30))


def test_rope_theta_is_read_from_rope_parameters():
  d = {k: v for k, v in STARCODER2_JSON.items() if k != 'rope_theta'}
  d['rope_parameters'] = {'rope_theta': 12345.0, 'rope_type': 'default'}
  assert ModelConfig.from_hf_dict(d).rope_theta == 12345.0


def test_rope_theta_defaults_to_ten_thousand_when_absent():
  d = {k: v for k, v in QWEN2_JSON.items() if k != 'rope_theta'}
  assert ModelConfig.from_hf_dict(d).rope_theta == 10000.0


def test_unsupported_rope_type_names_the_field():
  d = {**QWEN2_JSON, 'rope_parameters': {'rope_theta': 1e6, 'rope_type': 'yarn', 'factor': 4.0}}
  with pytest.raises(ValueError, match='rope_type'):
    ModelConfig.from_hf_dict(d)


def test_unsupported_model_type_is_named():
  with pytest.raises(ValueError, match="model_type='llama'"):
    ModelConfig.from_hf_dict({**QWEN2_JSON, 'model_type': 'llama'})


def test_eos_list_keeps_first_as_eos_and_all_as_stop_ids():
  c = ModelConfig.from_hf_dict({**QWEN2_JSON, 'eos_token_id': [151645, 151643]})
  assert c.eos_token_id == 151645 and c.eos_token_ids == (151645, 151643)


def test_explicit_head_dim_overrides_hidden_over_heads():
  assert ModelConfig.from_hf_dict({**QWEN2_JSON, 'head_dim': 128}).head_dim == 128


@pytest.mark.parametrize('source', [QWEN2_JSON, STARCODER2_JSON])
def test_to_hf_dict_round_trips_through_from_hf_dict(source):
  c = ModelConfig.from_hf_dict(source)
  assert ModelConfig.from_hf_dict(c.to_hf_dict()) == c


def test_to_hf_dict_is_accepted_by_transformers():
  transformers = pytest.importorskip('transformers')
  for name in ('qwen2_5_0_5b', 'starcoder2_3b'):
    c = get_preset(name)
    d = c.to_hf_dict()
    hf = transformers.AutoConfig.for_model(**d)
    assert hf.num_hidden_layers == c.num_layers and hf.num_key_value_heads == c.num_kv_heads
    assert hf.rope_parameters['rope_theta'] == c.rope_theta
    assert hf.tie_word_embeddings == c.tie_embeddings


def test_invalid_fields_raise_with_the_field_name():
  c = get_preset('tiny')
  with pytest.raises(ValueError, match='num_kv_heads'):
    c.replace(num_kv_heads=3)
  with pytest.raises(ValueError, match='norm_kind'):
    c.replace(norm_kind='batch')
  with pytest.raises(ValueError, match='dtype'):
    c.replace(dtype='int8')


@pytest.mark.parametrize(
  'name,published',
  [
    ('qwen2_5_0_5b', 494_032_768),
    ('qwen2_5_1_5b', 1_543_714_304),
    ('qwen2_5_3b', 3_085_938_688),
    ('qwen2_5_7b', 7_615_616_512),
    ('starcoder2_3b', 3_030_371_328),
    ('starcoder2_7b', 7_173_923_840),
  ],
)
def test_presets_have_the_published_parameter_counts(name, published):
  assert PRESETS[name].num_params() == published


def test_num_params_matches_an_initialised_model():

  for name in ('tiny', 'tiny_starcoder2'):
    c = get_preset(name)
    model = Decoder(c.replace(tie_embeddings=name == 'tiny'), rngs=nnx.Rngs(0))
    counted = sum(x.size for x in jax.tree.leaves(nnx.state(model, nnx.Param)))
    assert counted == model.config.num_params()


def test_flops_per_token_is_six_n_plus_causal_attention_term():
  c = get_preset('qwen2_5_0_5b')
  d, f, h = c.hidden_size, c.intermediate_size, c.num_heads * c.head_dim
  kv = c.num_kv_heads * c.head_dim
  matmul = c.num_layers * (2 * d * h + 2 * d * kv + 3 * d * f) + d * c.vocab_size
  assert c.flops_per_token(1024) == 6 * matmul + 6 * c.num_layers * h * 1024
  assert c.flops_per_token(2048) > c.flops_per_token(1024)


def test_get_preset_unknown_name_lists_known_ones():
  with pytest.raises(KeyError, match='qwen2_5_0_5b'):
    get_preset('gpt2')
