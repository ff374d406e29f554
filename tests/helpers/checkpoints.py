"""Tiny random Hugging Face checkpoints (made by transformers + torch) for tests across the project.

Every function writes a directory that `transformers.AutoModelForCausalLM.from_pretrained` and
`bite_jax.models.from_pretrained` both load, and returns its path. Sizes default to a few
thousand parameters so tests stay fast on CPU. `hf_logits`, `hf_greedy` and `save_in_dtype` give
transformers' own answers to compare with.

torch (an optional test dependency) and transformers (slow to import) are imported by the functions
that need them, so importing this module stays cheap for the many tests that only use the tokenizer.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tokenizers

TOKENIZER_CORPUS = (
  'def f(x):\n    return x + 1\n',
  'for i in range(10):\n    print(i)\n',
  'int main() { int a = 0; return a; }\n',
  'import sys\nn = int(sys.stdin.readline())\nprint(sum(range(n)))\n',
  'while True:\n    break\n',
)


def _torch():
  import torch  # noqa: PLC0415 -- optional test dependency, only needed to build and run reference checkpoints

  return torch


def _transformers():
  import transformers  # noqa: PLC0415 -- slow to import; only the reference checkpoints need it

  return transformers


def make_qwen2_checkpoint(
  directory,
  *,
  tie: bool = True,
  seed: int = 0,
  vocab: int = 128,
  hidden: int = 32,
  intermediate: int = 64,
  layers: int = 2,
  heads: int = 4,
  kv_heads: int = 2,
  head_dim: int | None = None,
  rope_theta: float = 10000.0,
  sliding_window: int | None = None,
  max_window_layers: int | None = None,
  max_shard_size: str | None = None,
  legacy_rope_theta: bool = False,
  init_std: float = 0.1,
  with_tokenizer: bool = False,
  max_positions: int = 512,
) -> Path:
  """Random Qwen2ForCausalLM saved to `directory`; returns the directory.

  sliding_window: turns on use_sliding_window (layers >= max_window_layers slide, default all).
  max_shard_size: e.g. '20KB' to force a sharded checkpoint with an index json.
  legacy_rope_theta: rewrite config.json with a top-level rope_theta instead of rope_parameters.
  init_std: weight init std (larger than transformers' 0.02 so attention is far from uniform).
  with_tokenizer: also save a tiny byte-level tokenizer (needs vocab >= 260).
  max_positions: max_position_embeddings of the config.
  """
  transformers = _transformers()
  torch = _torch()
  torch.manual_seed(seed)
  extra = {} if head_dim is None else {'head_dim': head_dim}
  if sliding_window is not None:
    extra.update(
      use_sliding_window=True,
      sliding_window=sliding_window,
      max_window_layers=0 if max_window_layers is None else max_window_layers,
    )
  config = transformers.Qwen2Config(
    vocab_size=vocab,
    hidden_size=hidden,
    intermediate_size=intermediate,
    num_hidden_layers=layers,
    num_attention_heads=heads,
    num_key_value_heads=kv_heads,
    tie_word_embeddings=tie,
    rope_theta=rope_theta,
    max_position_embeddings=max_positions,
    bos_token_id=1,
    eos_token_id=2,
    initializer_range=init_std,
    **extra,
  )
  model = transformers.Qwen2ForCausalLM(config).eval()
  _randomise_norms(model, seed)
  return _save(model, directory, max_shard_size, legacy_rope_theta, with_tokenizer, vocab)


def make_starcoder2_checkpoint(
  directory,
  *,
  sliding_window: int | None = 64,
  tie: bool = True,
  seed: int = 0,
  vocab: int = 128,
  hidden: int = 32,
  intermediate: int = 64,
  layers: int = 2,
  heads: int = 4,
  kv_heads: int = 2,
  head_dim: int | None = None,
  rope_theta: float = 10000.0,
  use_bias: bool = True,
  max_shard_size: str | None = None,
  legacy_rope_theta: bool = False,
  init_std: float = 0.1,
  with_tokenizer: bool = False,
) -> Path:
  """Random Starcoder2ForCausalLM saved to `directory` (all layers use `sliding_window`)."""
  transformers = _transformers()
  torch = _torch()
  torch.manual_seed(seed)
  extra = {} if head_dim is None else {'head_dim': head_dim}
  config = transformers.Starcoder2Config(
    vocab_size=vocab,
    hidden_size=hidden,
    intermediate_size=intermediate,
    num_hidden_layers=layers,
    num_attention_heads=heads,
    num_key_value_heads=kv_heads,
    tie_word_embeddings=tie,
    rope_theta=rope_theta,
    sliding_window=sliding_window,
    use_bias=use_bias,
    max_position_embeddings=512,
    bos_token_id=1,
    eos_token_id=2,
    initializer_range=init_std,
    **extra,
  )
  model = transformers.Starcoder2ForCausalLM(config).eval()
  _randomise_norms(model, seed)
  return _save(model, directory, max_shard_size, legacy_rope_theta, with_tokenizer, vocab)


def _randomise_norms(model, seed: int) -> None:
  """Norm weights/biases and linear biases start at 1/0; perturb them so the mapping is tested."""
  torch = _torch()
  gen = torch.Generator().manual_seed(seed + 1)
  with torch.no_grad():
    for name, param in model.named_parameters():
      if 'norm' in name or name.endswith('.bias'):
        param.add_(0.1 * torch.randn(param.shape, generator=gen))


def _save(model, directory, max_shard_size, legacy_rope_theta, with_tokenizer, vocab) -> Path:
  directory = Path(directory)
  kwargs = {} if max_shard_size is None else {'max_shard_size': max_shard_size}
  model.save_pretrained(str(directory), **kwargs)
  if legacy_rope_theta:
    config_path = directory / 'config.json'
    config = json.loads(config_path.read_text())
    config['rope_theta'] = config.pop('rope_parameters')['rope_theta']
    config_path.write_text(json.dumps(config, indent=2))
  if with_tokenizer:
    save_tiny_tokenizer(directory, vocab_size=vocab)
  return directory


class TokenizerWithoutEos:
  """A tokenizer that has no EOS token and encodes like `inner` (when given)."""

  name_or_path = 'tok-without-eos'
  eos_token_id = None

  def __init__(self, inner=None):
    self.inner = inner

  def __call__(self, *args, **kwargs):
    return self.inner(*args, **kwargs)


def save_tiny_tokenizer(directory, *, vocab_size: int = 300):
  """Trains a byte-level BPE tokenizer (256 bytes + 4 specials + merges, vocab_size >= 260) on a few
  code strings, saves it in `directory` and returns it. Special ids: <pad>=0, <s>=1, </s>=2,
  <|endoftext|>=3 (present so that Qwen2Tokenizer does not append it past the vocabulary).

  Byte-level so that AutoTokenizer round-trips text whichever class it picks for the directory's
  model_type (transformers 5 loads qwen2 directories with Qwen2Tokenizer).
  """
  transformers = _transformers()
  special = ['<pad>', '<s>', '</s>', '<|endoftext|>']
  alphabet = tokenizers.pre_tokenizers.ByteLevel.alphabet()
  if vocab_size < len(special) + len(alphabet):
    raise ValueError(f'save_tiny_tokenizer: vocab_size={vocab_size} < {len(special) + len(alphabet)}')
  tok = tokenizers.Tokenizer(tokenizers.models.BPE())
  tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
  tok.decoder = tokenizers.decoders.ByteLevel()
  trainer = tokenizers.trainers.BpeTrainer(
    vocab_size=vocab_size, special_tokens=special, initial_alphabet=alphabet, show_progress=False
  )
  tok.train_from_iterator(TOKENIZER_CORPUS, trainer=trainer)
  fast = transformers.PreTrainedTokenizerFast(
    tokenizer_object=tok, pad_token='<pad>', bos_token='<s>', eos_token='</s>'
  )
  fast.save_pretrained(str(directory))
  return fast


def hf_logits(directory, input_ids, *, attention_mask=None, attn_implementation: str = 'eager', dtype: str = 'float32'):
  """Reference logits (numpy float32 [B, T, V]) from transformers for a checkpoint directory."""
  transformers = _transformers()
  torch = _torch()
  model = transformers.AutoModelForCausalLM.from_pretrained(
    str(directory), dtype=getattr(torch, dtype), attn_implementation=attn_implementation
  ).eval()
  kwargs = {}
  if attention_mask is not None:
    kwargs['attention_mask'] = torch.tensor(np.asarray(attention_mask), dtype=torch.long)
  with torch.no_grad():
    out = model(torch.tensor(np.asarray(input_ids), dtype=torch.long), **kwargs)
  return out.logits.float().numpy()


def hf_greedy(directory, prompts, max_new: int, eos: int) -> list[list[int]]:
  """transformers' greedy continuations of left-padded `prompts` (lists of ids), each cut after `eos`."""
  transformers = _transformers()
  torch = _torch()
  model = transformers.AutoModelForCausalLM.from_pretrained(
    str(directory), dtype=torch.float32, attn_implementation='eager'
  ).eval()
  width = max(len(p) for p in prompts)
  ids = torch.tensor([[0] * (width - len(p)) + p for p in prompts])
  mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
  with torch.no_grad():
    out = model.generate(
      ids, attention_mask=mask, do_sample=False, max_new_tokens=max_new, pad_token_id=0, eos_token_id=eos
    )
  rows = []
  for row in out[:, width:].tolist():
    rows.append(row[: row.index(eos) + 1] if eos in row else row)
  return rows


def save_in_dtype(directory, out, dtype: str) -> Path:
  """The checkpoint in `directory` loaded by transformers in `dtype` (e.g. 'bfloat16') and saved to `out`."""
  transformers = _transformers()
  torch = _torch()
  model = transformers.AutoModelForCausalLM.from_pretrained(str(directory), dtype=getattr(torch, dtype))
  model.save_pretrained(str(out))
  return Path(out)
