"""The base model every stage starts from: a Hugging Face directory.

With `config.model.hf_path` set, that directory is used as is. Otherwise (the
CPU demo) a byte-level BPE tokenizer is trained on the bundled corpus, a
freshly initialised model of `config.model.preset` is sized to it, and both
are written to WORKDIR/base in Hugging Face format, so every later stage loads
the base the same way it would load a downloaded checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

SPECIAL_TOKENS = ('<|endoftext|>', '<|pad|>')
_DONE = 'BASE_DONE'


def train_tokenizer(texts: Iterable[str], vocab_size: int):
  """A byte-level BPE tokenizer (transformers PreTrainedTokenizerFast) trained on `texts`.

  Byte-level, so any program round-trips; `<|endoftext|>` is EOS and BOS, `<|pad|>` pads.
  """
  import tokenizers
  import transformers
  alphabet = tokenizers.pre_tokenizers.ByteLevel.alphabet()
  if vocab_size < len(alphabet) + len(SPECIAL_TOKENS):
    raise ValueError(f'tokenizer vocab_size={vocab_size} is below {len(alphabet) + len(SPECIAL_TOKENS)}')
  tok = tokenizers.Tokenizer(tokenizers.models.BPE())
  tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
  tok.decoder = tokenizers.decoders.ByteLevel()
  trainer = tokenizers.trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                           initial_alphabet=alphabet, show_progress=False)
  tok.train_from_iterator(texts, trainer=trainer)
  return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, eos_token='<|endoftext|>',
                                              bos_token='<|endoftext|>', pad_token='<|pad|>')


def demo_corpus(languages=None) -> list[str]:
  """Texts for the demo tokenizer: the paper's prompts around every program of the mini train split."""
  from bite_jax.data import prompts
  from bite_jax.evaluate.mini import load_mini
  texts = []
  for task in load_mini(split='train', languages=languages):
    for code in (task.src, task.expert, task.slow):
      if code:
        for direction in ('optimize', 'degrade'):
          texts.append(prompts.build_prompt(task.language, code, direction) + code)
  return texts


def prepare_base(config, workdir: Path) -> Path:
  """The Hugging Face directory of the base model; builds WORKDIR/base for the demo once."""
  if config.model.hf_path:
    path = Path(config.model.hf_path)
    if not (path / 'config.json').is_file():
      raise FileNotFoundError(f'config.model.hf_path: no config.json in {path}')
    return path
  base = workdir / 'base'
  if (base / _DONE).is_file():
    return base
  import jax
  from flax import nnx
  from bite_jax.models import Decoder, get_preset, save_pretrained

  languages = [s for s in config.data.languages.split(',') if s] or None
  tokenizer = train_tokenizer(demo_corpus(languages), vocab_size=config.model.get('tokenizer_vocab', 2048))
  eos = tokenizer.convert_tokens_to_ids('<|endoftext|>')
  pad = tokenizer.convert_tokens_to_ids('<|pad|>')
  model_config = get_preset(config.model.preset).replace(
      vocab_size=len(tokenizer), bos_token_id=eos, eos_token_id=eos, eos_token_ids=(eos,), pad_token_id=pad,
      dtype=config.model.dtype, param_dtype=config.model.param_dtype)
  model = Decoder(model_config, rngs=nnx.Rngs(params=jax.random.key(config.seed)))
  base.mkdir(parents=True, exist_ok=True)
  save_pretrained(model, base, tokenizer=tokenizer)
  (base / _DONE).write_text(json.dumps({'preset': config.model.preset, 'vocab_size': len(tokenizer)}) + '\n')
  print(f'[bite] base: {config.model.preset} from scratch, tokenizer of {len(tokenizer)} tokens -> {base}',
        flush=True)
  return base
