"""Hugging Face import/export against transformers' own Qwen2 and StarCoder2 (float32, eager attention)."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

pytest.importorskip('torch')
pytest.importorskip('transformers')

from flax import nnx  # noqa: E402

from bite_jax import stages  # noqa: E402
from bite_jax.models import (  # noqa: E402
  CheckpointError,
  Decoder,
  from_pretrained,
  get_preset,
  load_tokenizer,
  save_pretrained,
)
from tests.helpers.checkpoints import (  # noqa: E402
  hf_logits,
  make_qwen2_checkpoint,
  make_starcoder2_checkpoint,
  save_in_dtype,
)

VOCAB = 128


def _ids(batch, length, seed=0):
  return np.random.RandomState(seed).randint(0, VOCAB, (batch, length)).astype(np.int32)


@jax.jit
def _forward(model, ids):
  return model(ids)


def _ours(directory, ids, **kwargs):
  return np.asarray(_forward(from_pretrained(directory, **kwargs), jnp.asarray(ids)))


CASES = {
  'qwen2_tied': (make_qwen2_checkpoint, dict(tie=True), 40),
  'qwen2_untied_mqa_odd_heads': (
    make_qwen2_checkpoint,
    dict(tie=False, hidden=36, heads=6, kv_heads=1, head_dim=10, rope_theta=500.0, seed=3),
    40,
  ),
  'starcoder2_window64_t150': (make_starcoder2_checkpoint, dict(sliding_window=64, seed=1), 150),
  'qwen2_sliding_upper_layers': (
    make_qwen2_checkpoint,
    dict(sliding_window=8, max_window_layers=1, layers=3, seed=2),
    40,
  ),
  'starcoder2_no_bias_untied_mha_no_window': (
    make_starcoder2_checkpoint,
    dict(sliding_window=None, use_bias=False, tie=False, kv_heads=4, rope_theta=2e5, seed=6),
    40,
  ),
}


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
  made = {}
  for name, (make, kwargs, length) in CASES.items():
    made[name] = (make(tmp_path_factory.mktemp(name), **kwargs), length)
  return made


@pytest.mark.parametrize('case', list(CASES))
def test_logits_match_transformers(checkpoints, case):
  directory, length = checkpoints[case]
  ids = _ids(2, length, seed=len(case))
  diff = np.abs(_ours(directory, ids) - hf_logits(directory, ids)).max()
  assert diff < 1e-4, diff


def test_starcoder2_window_matters_and_sdpa_reference_agrees(checkpoints):
  directory, length = checkpoints['starcoder2_window64_t150']
  ids = _ids(1, length, seed=5)
  ours = _ours(directory, ids)
  full = _ours(directory, ids, config_overrides={'sliding_window': None})
  # Positions past the window see different keys; before it the two must agree.
  assert np.abs(ours[:, :64] - full[:, :64]).max() < 1e-5
  assert np.abs(ours[:, 64:] - full[:, 64:]).max() > 1e-3
  assert np.abs(ours - hf_logits(directory, ids, attn_implementation='sdpa')).max() < 1e-4


@pytest.mark.parametrize('case', list(CASES))
def test_save_pretrained_reloads_in_transformers_with_the_same_logits(checkpoints, case, tmp_path):
  directory, length = checkpoints[case]
  ids = _ids(2, length, seed=7)
  save_pretrained(from_pretrained(directory), tmp_path)
  diff = np.abs(hf_logits(tmp_path, ids) - hf_logits(directory, ids)).max()
  assert diff < 1e-5, diff


def test_sharded_checkpoint_with_index_loads(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path / 'ckpt', max_shard_size='20KB', seed=4)
  index = json.loads((directory / 'model.safetensors.index.json').read_text())
  assert len(set(index['weight_map'].values())) > 1
  ids = _ids(2, 20, seed=8)
  assert np.abs(_ours(directory, ids) - hf_logits(directory, ids)).max() < 1e-4


def test_save_pretrained_shards_with_an_index_that_transformers_loads(checkpoints, tmp_path):
  directory, _ = checkpoints['qwen2_tied']
  save_pretrained(from_pretrained(directory), tmp_path, max_shard_size_bytes=16_000)
  index = json.loads((tmp_path / 'model.safetensors.index.json').read_text())
  files = sorted(set(index['weight_map'].values()))
  assert len(files) > 2 and all((tmp_path / f).exists() for f in files)
  assert 'lm_head.weight' not in index['weight_map']  # tied, as transformers writes it
  ids = _ids(1, 16, seed=9)
  assert np.abs(hf_logits(tmp_path, ids) - hf_logits(directory, ids)).max() < 1e-5


def test_legacy_top_level_rope_theta_is_read(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path, rope_theta=321.0, legacy_rope_theta=True, seed=5)
  config = json.loads((directory / 'config.json').read_text())
  assert 'rope_parameters' not in config and config['rope_theta'] == 321.0
  model = from_pretrained(directory)
  assert model.config.rope_theta == 321.0
  ids = _ids(1, 24, seed=10)
  assert np.abs(np.asarray(_forward(model, jnp.asarray(ids))) - hf_logits(directory, ids)).max() < 1e-4


def test_rope_parameters_form_is_read(checkpoints):
  directory, _ = checkpoints['qwen2_untied_mqa_odd_heads']
  assert json.loads((directory / 'config.json').read_text())['rope_parameters']['rope_theta'] == 500.0
  assert from_pretrained(directory).config.rope_theta == 500.0


def test_bfloat16_checkpoint_loads_and_stays_close(checkpoints, tmp_path):
  directory, length = checkpoints['starcoder2_window64_t150']
  save_in_dtype(directory, tmp_path, 'bfloat16')
  model = from_pretrained(tmp_path, dtype=jnp.bfloat16)
  assert model.embed_tokens.embedding.get_value().dtype == jnp.bfloat16
  ids = _ids(1, 32, seed=11)
  ref = hf_logits(directory, ids)
  got = np.asarray(_forward(model, jnp.asarray(ids)))
  assert np.abs(got - ref).max() / np.abs(ref).max() < 0.05


def test_float32_compute_with_bfloat16_params_exports_bfloat16(checkpoints, tmp_path):
  directory, _ = checkpoints['qwen2_tied']
  model = from_pretrained(directory, dtype=jnp.float32, param_dtype=jnp.bfloat16)
  save_pretrained(model, tmp_path)
  header = (tmp_path / 'model.safetensors').read_bytes()
  n = int.from_bytes(header[:8], 'little')
  entries = json.loads(header[8 : 8 + n])
  assert {v['dtype'] for k, v in entries.items() if k != '__metadata__'} == {'BF16'}
  assert json.loads((tmp_path / 'config.json').read_text())['dtype'] == 'bfloat16'


def test_unsupported_model_type_names_config_file(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path)
  config = json.loads((directory / 'config.json').read_text())
  config['model_type'] = 'llama'
  (directory / 'config.json').write_text(json.dumps(config))
  with pytest.raises(ValueError, match=r"config\.json.*model_type='llama'"):
    from_pretrained(directory)


def _rewrite_tensors(path, change):
  tensors = load_file(str(path))
  change(tensors)
  save_file(tensors, str(path), metadata={'format': 'pt'})


def test_missing_tensor_names_tensor_and_file(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path)
  _rewrite_tensors(directory / 'model.safetensors', lambda t: t.pop('model.layers.1.mlp.up_proj.weight'))
  with pytest.raises(CheckpointError, match=r'model\.layers\.1\.mlp\.up_proj\.weight.*model\.safetensors'):
    from_pretrained(directory)


def test_missing_tensor_in_sharded_checkpoint_names_the_index(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path, max_shard_size='20KB')
  index_path = directory / 'model.safetensors.index.json'
  index = json.loads(index_path.read_text())
  del index['weight_map']['model.norm.weight']
  index_path.write_text(json.dumps(index))
  with pytest.raises(CheckpointError, match=r'model\.norm\.weight.*model\.safetensors\.index\.json'):
    from_pretrained(directory)


def test_untied_config_without_lm_head_is_a_missing_tensor(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path, tie=True)
  config = json.loads((directory / 'config.json').read_text())
  config['tie_word_embeddings'] = False
  (directory / 'config.json').write_text(json.dumps(config))
  with pytest.raises(CheckpointError, match='lm_head.weight'):
    from_pretrained(directory)


def test_shape_mismatch_names_tensor_file_and_shapes(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path)

  def shrink(tensors):
    tensors['model.layers.0.self_attn.k_proj.weight'] = tensors['model.layers.0.self_attn.k_proj.weight'][:8]

  _rewrite_tensors(directory / 'model.safetensors', shrink)
  with pytest.raises(CheckpointError, match=r'k_proj\.weight in .*model\.safetensors has shape \[8, 32\]'):
    from_pretrained(directory)


def test_directory_without_weights_is_an_error(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path)
  (directory / 'model.safetensors').unlink()
  with pytest.raises(CheckpointError, match='no model.safetensors.index.json'):
    from_pretrained(directory)


def test_loaded_model_does_not_alias_the_checkpoint_file(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path)
  model = from_pretrained(directory)
  before = np.array(model.embed_tokens.embedding.get_value())
  path = directory / 'model.safetensors'
  size = path.stat().st_size
  with open(path, 'r+b') as f:  # overwrite the tensor bytes in place
    f.seek(size // 2)
    f.write(bytes(size - size // 2))
  np.testing.assert_array_equal(np.array(model.embed_tokens.embedding.get_value()), before)
  save_pretrained(model, directory)  # re-exporting into the source directory is safe
  np.testing.assert_array_equal(np.array(from_pretrained(directory).embed_tokens.embedding.get_value()), before)


def test_config_overrides_apply(checkpoints):
  directory, _ = checkpoints['qwen2_tied']
  model = from_pretrained(directory, config_overrides={'remat': True})
  assert model.config.remat and model.config.dtype == 'float32'
  assert from_pretrained(directory, config_overrides={'dtype': 'bfloat16'}).config.dtype == 'bfloat16'


def test_tokenizer_loads_from_the_checkpoint_directory_and_round_trips(tmp_path):
  directory = make_starcoder2_checkpoint(tmp_path, vocab=320, with_tokenizer=True)
  tok = load_tokenizer(directory)
  text = 'def f(x):\n    return x + 1\n'
  ids = tok(text)['input_ids']
  assert max(ids) < 320 and tok.decode(ids) == text
  assert tok.eos_token_id == 2 and tok.pad_token_id == 0


def test_save_pretrained_writes_the_tokenizer_alongside(tmp_path):
  directory = make_qwen2_checkpoint(tmp_path / 'src', vocab=320, with_tokenizer=True)
  save_pretrained(from_pretrained(directory), tmp_path / 'out', tokenizer=load_tokenizer(directory))
  text = 'print(i)\n'
  assert load_tokenizer(tmp_path / 'out')(text)['input_ids'] == load_tokenizer(directory)(text)['input_ids']


@pytest.mark.parametrize('split_words', [True, False])
def test_demo_tokenizer_loads_back_exactly_as_trained(tmp_path, split_words):
  # Saved with a qwen2 config, AutoTokenizer alone would load Qwen2's class and its own pre-tokenizer.
  code = 'for (int i = 0; i < n; i++) {\n    total += a[i];\n}\n'
  tokenizer = stages.train_tokenizer([code * 3, 'print(total)\n' * 3] * 4, vocab_size=300, split_words=split_words)
  model_config = get_preset('tiny').replace(vocab_size=len(tokenizer))
  save_pretrained(Decoder(model_config, rngs=nnx.Rngs(params=jax.random.key(0))), tmp_path, tokenizer=tokenizer)
  loaded = load_tokenizer(tmp_path)
  assert loaded(code)['input_ids'] == tokenizer(code)['input_ids']
  assert loaded.decode(loaded(code)['input_ids']) == code
