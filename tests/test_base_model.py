"""The demo base model: a tokenizer trained on the bundled corpus and a fresh model in HF format."""

import json

import numpy as np
import pytest

from bite_jax import config as bite_config
from bite_jax import stages


@pytest.fixture(scope='module')
def demo_base(tmp_path_factory):
  config = bite_config.base_config()
  config.data.languages = 'python,c'
  config.model.tokenizer_vocab = 400
  workdir = tmp_path_factory.mktemp('work')
  return config, workdir, stages.prepare_base(config, workdir)


def test_demo_base_is_a_loadable_hf_directory(demo_base):
  from bite_jax.models import from_pretrained, load_tokenizer

  _, workdir, base = demo_base
  assert base == workdir / 'base'
  tokenizer = load_tokenizer(base)
  model = from_pretrained(base)
  assert model.config.vocab_size == len(tokenizer) == 400
  assert model.config.eos_token_id == tokenizer.eos_token_id
  logits = model(np.array([[1, 2, 3]], dtype=np.int32))
  assert logits.shape == (1, 3, 400)


def test_demo_tokenizer_round_trips_programs(demo_base):
  from bite_jax.models import load_tokenizer

  tokenizer = load_tokenizer(demo_base[2])
  program = '#include <stdio.h>\nint main(void) {\n\tprintf("%d\\n", 42);  // ünïcode\n}\n'
  ids = tokenizer.encode(program, add_special_tokens=False)
  assert tokenizer.decode(ids) == program
  assert len(ids) < len(program.encode()) * 0.8  # merges learned from code actually compress it


def test_second_call_reuses_the_base(demo_base):
  config, workdir, base = demo_base
  stamp = (base / 'config.json').stat().st_mtime_ns
  assert stages.prepare_base(config, workdir) == base
  assert (base / 'config.json').stat().st_mtime_ns == stamp


def test_given_hf_path_is_used_as_is(tmp_path):
  config = bite_config.base_config()
  (tmp_path / 'config.json').write_text(json.dumps({'model_type': 'qwen2'}))
  config.model.hf_path = str(tmp_path)
  assert stages.prepare_base(config, tmp_path / 'w') == tmp_path


def test_missing_hf_path_names_the_directory(tmp_path):
  config = bite_config.base_config()
  config.model.hf_path = str(tmp_path / 'nowhere')
  with pytest.raises(FileNotFoundError, match='nowhere'):
    stages.prepare_base(config, tmp_path)
