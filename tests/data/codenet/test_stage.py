"""The `data` stage through bite_jax.stages and `python -m bite_jax.main`: it writes W/data, runs alone with
--config.stage=data, and the editors and trees stages then read its files."""

import json
import subprocess
import sys

import pytest

from bite_jax import config as bite_config
from bite_jax import main as bite_main
from bite_jax import stages
from bite_jax.config import ConfigError
from tests.helpers import paths
from tests.helpers.checkpoints import save_tiny_tokenizer
from tests.helpers.codenet import build_codenet


def _config(root, **data):
  c = bite_config.base_config()
  c.data.codenet = str(root)
  c.data.verify_roots = False
  c.data.pairs_per_language = 2
  c.editors.optimizer.max_len = 200
  for key, value in data.items():
    c.data[key] = value
  return c


@pytest.fixture
def codenet(tmp_path):
  build_codenet(tmp_path / 'codenet')
  return tmp_path / 'codenet'


def test_the_stage_writes_pairs_roots_and_stats_then_skips(codenet, tmp_path, capsys):
  config = _config(codenet)
  stats = stages.run_data(config, tmp_path / 'w')
  names = sorted(p.name for p in (tmp_path / 'w' / 'data').iterdir())
  assert names == ['pairs.jsonl', 'roots.jsonl', 'stats.json']
  assert stats['settings']['max_tokens'] == 200 and stats['settings']['pairs_per_language'] == 2
  assert stages.run_data(config, tmp_path / 'w') == stats
  assert 'data: complete, skipped' in capsys.readouterr().out


def test_editors_and_trees_read_the_stage_files(codenet, tmp_path):
  config = _config(codenet)
  stages.run_data(config, tmp_path / 'w')
  pairs = stages.editor_pairs(config, tmp_path / 'w')
  roots = stages.tree_roots(config, tmp_path / 'w')
  assert len(pairs) == 10 and all(p.source == 'codenet' for p in pairs)
  assert roots and all(t.source == 'codenet' for t in roots)


def test_data_pairs_and_roots_point_elsewhere_when_set(codenet, tmp_path):
  other = tmp_path / 'other.jsonl'
  other.write_text(json.dumps({'language': 'go', 'slow': 's', 'fast': 'f'}) + '\n')
  config = _config(codenet, pairs=str(other))
  assert [p.language for p in stages.editor_pairs(config, tmp_path / 'w')] == ['go']


def test_editors_before_the_data_stage_say_which_stage_to_run(codenet, tmp_path):
  with pytest.raises(FileNotFoundError, match='stage=data'):
    stages.editor_pairs(_config(codenet), tmp_path / 'w')


def test_without_codenet_the_stage_does_nothing(tmp_path):
  assert stages.run_data(bite_config.base_config(), tmp_path) is None
  assert not (tmp_path / 'data').exists()


@pytest.mark.parametrize(
  'fields, message',
  [
    ({'stage': 'data'}, 'config.data.codenet: empty'),
    ({'data.codenet': '/nowhere'}, 'config.data.codenet: /nowhere: not a Project CodeNet directory'),
    ({'data.language': 'cobol'}, 'config.data.language: unknown language'),
    ({'data.pairs_per_language': 0}, 'config.data.pairs_per_language: 0 must be >= 1'),
    ({'data.min_speedup': 0.5}, 'config.data.min_speedup: 0.5 must be >= 1'),
  ],
)
def test_bad_data_fields_are_named(fields, message):
  c = bite_config.base_config()
  for name, value in fields.items():
    section, _, key = name.rpartition('.')
    (c[section] if section else c)[key] = value
  with pytest.raises(ConfigError, match=message):
    bite_main.check_config(c)


def _main(*args, cwd):
  return subprocess.run(
    [sys.executable, '-m', 'bite_jax.main', f'--config={paths.CONFIGS / "tiny.py"}', *args],
    cwd=cwd,
    capture_output=True,
    text=True,
    timeout=600,
  )


def test_the_command_runs_the_data_stage_alone(codenet, tmp_path):
  work = tmp_path / 'w'
  proc = _main(f'--workdir={work}', '--config.stage=data', f'--config.data.codenet={codenet}', cwd=paths.REPO)
  assert proc.returncode == 0, proc.stderr[-2000:]
  assert sorted(p.name for p in (work / 'data').iterdir()) == ['pairs.jsonl', 'roots.jsonl', 'stats.json']
  assert not (work / 'editors').exists() and not (work / 'base').exists()
  stats = json.loads((work / 'data' / 'stats.json').read_text())
  assert stats['settings']['roots_verified'] is True
  assert stats['languages']['python']['dropped']['python2'] == 1
  assert {json.loads(line)['language'] for line in (work / 'data' / 'pairs.jsonl').open()} == {'c', 'cpp', 'python'}


def test_a_pair_file_without_language_stops_the_run_naming_file_and_line(tmp_path):
  pairs = tmp_path / 'pie.jsonl'
  pairs.write_text(json.dumps({'problem_id': 'p1', 'input': 'a', 'target': 'b'}) + '\n')
  proc = _main(f'--workdir={tmp_path / "w"}', '--config.stage=editors', f'--config.data.pairs={pairs}', cwd=paths.REPO)
  assert proc.returncode == 2
  assert f"{pairs}:1: missing field 'language'" in proc.stderr


def test_with_a_base_model_its_tokenizer_counts_the_tokens(codenet, tmp_path):
  tokenizer = save_tiny_tokenizer(tmp_path / 'hf')
  config = _config(codenet)
  config.model.hf_path = str(tmp_path / 'hf')
  config.editors.optimizer.max_len = 60  # with this small vocabulary: Python programs about 54 tokens, the rest 140-225
  stats = stages.run_data(config, tmp_path / 'w')
  assert stats['settings']['tokens'] == 'tokenizer'
  kept = [r for r in map(json.loads, (tmp_path / 'w' / 'data' / 'roots.jsonl').open())]
  kept += [
    {'src': r[k]} for r in map(json.loads, (tmp_path / 'w' / 'data' / 'pairs.jsonl').open()) for k in ('slow', 'fast')
  ]
  assert kept and all(len(tokenizer(r['src'], add_special_tokens=False)['input_ids']) <= 60 for r in kept)
  assert all(stats['languages'][lang]['dropped']['too_long'] == 7 for lang in ('c', 'cpp', 'go', 'java'))
