"""A tree grown by a trained editor keeps a child, and the tree file shows where every child came from.

The editor is trained here, from scratch, on one (slow, fast) pair until it has learned it; the tree is
grown from the pair's slow program with the real executor. Nothing is copied into the tree: the kept
child is the program extracted from the editor's sampled text, and its sampling record is in the file.
"""

import jax
from flax import nnx

from bite_jax import config as bite_config
from bite_jax import stages
from bite_jax.data.prompts import build_prompt
from bite_jax.data.records import Pair
from bite_jax.data.responses import extract_program
from bite_jax.models import Decoder, get_preset, save_pretrained
from bite_jax.train import train_ift
from bite_jax.tree import grow_tree, load_editor, read_tree
from tests.helpers.toy_tasks import SUM_EXPERT, SUM_SRC, sum_task
from tests.helpers.train import ift_config


def _train_editor(tmp_path):
  """A tiny model trained on SUM_SRC -> SUM_EXPERT; returns its final directory."""
  texts = [build_prompt('python', code, d) + code for code in (SUM_SRC, SUM_EXPERT) for d in ('optimize', 'degrade')]
  tokenizer = stages.train_tokenizer(texts * 4, vocab_size=400, split_words=False)
  eos = tokenizer.convert_tokens_to_ids('<|endoftext|>')
  model_config = get_preset('tiny').replace(
    vocab_size=len(tokenizer),
    bos_token_id=eos,
    eos_token_id=eos,
    eos_token_ids=(eos,),
    pad_token_id=tokenizer.convert_tokens_to_ids('<|pad|>'),
  )
  base = tmp_path / 'base'
  save_pretrained(Decoder(model_config, rngs=nnx.Rngs(params=jax.random.key(0))), base, tokenizer=tokenizer)
  config = ift_config(lr=1e-2, warmup_steps=2, batch_size=2, max_len=256, steps=100, checkpoint_every=100)
  pairs = [Pair('python', SUM_SRC, SUM_EXPERT, problem_id='sum')]
  return train_ift(config.ift, config.model, config.mesh, tmp_path / 'editor', base_dir=str(base), pairs=pairs)


def test_trained_editor_grows_a_kept_child_recorded_with_its_sample(tmp_path, executor_pool):
  final = _train_editor(tmp_path)
  config = bite_config.base_config()
  config.sample.temperature, config.sample.max_new_tokens, config.sample.batch_size = 0.5, 48, 4
  editor = load_editor(final, config.sample)
  path = tmp_path / 'opt.jsonl'
  task = sum_task(n=(300000, 400000))
  grow_tree([task], editor, 'optimize', path, height=1, width=2, pool=executor_pool, meter='cpu', seed=3)

  nodes = read_tree(path)
  children = [n for n in nodes if n['depth'] == 1]
  kept = [n for n in children if n['kept']]
  assert len(children) == 2
  assert kept, [(n['reason'], n['code']) for n in children]
  for node in children:
    sample = node['sample']
    assert sample['editor'] == str(final)
    assert sample['sample_index'] == node['sample_index']
    assert isinstance(sample['seed'], int) and isinstance(sample['prompt_key'], int)
    assert extract_program(sample['text'], sample['finish_reason'])[0] == node['code']
  assert kept[0]['code'].strip() == SUM_EXPERT.strip()
  assert kept[0]['speedup'] > 1.1
  assert nodes[0]['sample'] is None  # the root is the task's own source
