"""bite_jax.stages: the BITE pipeline end to end through `python -m bite_jax.main` on a very small demo,
the PKAC and tree stages on their own, and the demo base model (a tokenizer trained on the bundled
corpus and a fresh model in HF format)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bite_jax import config as bite_config
from bite_jax import evaluation, stages
from bite_jax import main as bite_main
from bite_jax.config import ConfigError
from bite_jax.data.mini import load_mini, train_pairs
from bite_jax.data.pairs import PairFormatError, write_pairs
from bite_jax.evaluate.candidates import CandidateError
from bite_jax.evaluate.cli import export_tasks
from bite_jax.models import from_pretrained, load_tokenizer, load_trained
from tests.helpers import paths

ROOT = paths.REPO
SMALL = [
  '--config.data.languages=python',
  '--config.tree.max_roots=2',
  '--config.tree.height=1',
  '--config.tree.width=2',
  '--config.sample.max_new_tokens=24',
  '--config.model.tokenizer_vocab=400',
  '--config.evaluate.baselines=False',
  '--config.executor.workers=2',
  '--config.model.preset=tiny',
  '--config.evaluate.seen_split=',
]
for section in ('optimizer', 'degrader'):
  SMALL += [
    f'--config.editors.{section}.steps=2',
    f'--config.editors.{section}.batch_size=4',
    f'--config.editors.{section}.max_len=1024',
  ]
SMALL += ['--config.pkac.steps=2', '--config.pkac.batch_size=4', '--config.pkac.max_len=1024']


def _main(workdir, *extra):
  return subprocess.run(
    [
      sys.executable,
      '-m',
      'bite_jax.main',
      f'--config={ROOT / "configs" / "tiny.py"}',
      f'--workdir={workdir}',
      *SMALL,
      *extra,
    ],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=900,
  )


# Each tree its own shape: the optimization tree h=1 (the shared height), m=2; the degradation tree h=2, m=1.
TREE_SHAPES = ['--config.tree.degr.height=2', '--config.tree.degr.width=1']


@pytest.fixture(scope='module')
def finished_run(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('run')
  proc = _main(workdir, *TREE_SHAPES)
  assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
  return workdir, proc


def test_every_stage_leaves_its_outputs(finished_run):
  workdir, proc = finished_run
  assert 'not built' not in proc.stdout
  for name in ('optimizer', 'degrader'):
    assert (workdir / 'editors' / name / 'final' / 'params').is_dir()
  for tree, height, width in (('opt', 1, 2), ('degr', 2, 1)):
    nodes = [json.loads(line) for line in (workdir / 'trees' / f'{tree}.jsonl').read_text().splitlines()]
    assert sum(n['depth'] == 0 for n in nodes) == 2
    assert sum(n['depth'] == 1 for n in nodes) == 2 * width  # m children per root, kept or pruned
    kept = sum(n['depth'] == 1 and n['kept'] for n in nodes)
    assert sum(n['depth'] == 2 for n in nodes) == (kept * width if height == 2 else 0)
    assert all(n['reason'] for n in nodes)
    done = json.loads((workdir / 'trees' / f'{tree}.done').read_text())
    assert (done['height'], done['width']) == (height, width)
  for level in ('easy', 'medium', 'hard'):
    assert (workdir / 'curriculum' / f'{level}.jsonl').is_file()
  for k in (1, 2, 3):
    assert (workdir / 'pkac' / f'stage{k}' / 'final' / 'params').is_dir()
  metrics = json.loads((workdir / 'metrics.json').read_text())
  assert set(metrics['overall']) >= {'AP', 'OPT', 'SP', 'COR'}
  assert list(metrics['by_language']) == ['python']
  report = (workdir / 'report.md').read_text()
  for heading in ('## Evaluation', '## Trees', '## Curriculum', '## Training'):
    assert heading in report
  assert (workdir / 'plots' / 'training_curves.png').is_file()


def test_second_run_skips_every_stage(finished_run):
  workdir, _ = finished_run
  before = {p: p.stat().st_mtime_ns for p in workdir.rglob('*.jsonl')}
  proc = _main(workdir, *TREE_SHAPES)
  assert proc.returncode == 0, proc.stderr[-3000:]
  for stage in ('editors', 'curriculum', 'pkac', 'evaluate'):
    assert f'{stage}: complete, skipped' in proc.stdout
  assert proc.stdout.count('complete, skipped') >= 6  # both trees too
  assert {p: p.stat().st_mtime_ns for p in workdir.rglob('*.jsonl')} == before


def _config(workdir_languages='python'):
  config = bite_config.base_config()
  config.data.languages = workdir_languages
  config.model.tokenizer_vocab = 400
  config.pkac.steps = 2
  config.pkac.batch_size = 2
  config.pkac.max_len = 1024
  return config


def test_each_pkac_stage_starts_from_the_previous_one(tmp_path):
  pairs = train_pairs('train', languages=['python'])[:6]
  (tmp_path / 'curriculum').mkdir()
  for level, chunk in (('easy', pairs[:2]), ('medium', pairs[2:4]), ('hard', pairs[4:6])):
    write_pairs(
      tmp_path / 'curriculum' / f'{level}.jsonl',
      [p.__class__(**{**p.to_dict(), 'speedup': 1.5 + i}) for i, p in enumerate(chunk)],
    )
  config = _config()
  finals = stages.run_pkac(config, tmp_path)
  infos = [json.loads((f / 'train_info.json').read_text()) for f in finals]
  assert Path(infos[0]['source']) == tmp_path / 'base'
  assert Path(infos[1]['source']) == finals[0]
  assert Path(infos[2]['source']) == finals[1]
  # stage 2 = top 50% of easy (1 of 2) + all medium (2); stage 3 = top 50% of medium (1) + all hard (2)
  assert [i['pairs_total'] for i in infos] == [2, 3, 3]
  assert all(i['trained'] is True and i['first_loss'] > 0 and i['final_loss'] > 0 for i in infos)


def test_a_pkac_stage_without_pairs_keeps_its_start_and_says_so(tmp_path):
  (tmp_path / 'curriculum').mkdir()
  for level in ('easy', 'medium', 'hard'):
    write_pairs(tmp_path / 'curriculum' / f'{level}.jsonl', [])
  finals = stages.run_pkac(_config(), tmp_path)
  info = json.loads((finals[0] / 'train_info.json').read_text())
  assert info['trained'] is False and info['steps'] == 0

  model, _ = load_trained(finals[2])
  base = from_pretrained(tmp_path / 'base')
  ids = np.array([[5, 6, 7]], dtype=np.int32)
  np.testing.assert_allclose(np.asarray(model(ids)), np.asarray(base(ids)), atol=1e-6)


def test_trees_need_trained_editors(tmp_path):
  with pytest.raises(FileNotFoundError, match='editors'):
    stages.run_trees(_config(), tmp_path)


def test_tree_roots_come_from_a_task_file_when_given(tmp_path):
  tasks = load_mini(split='train', languages=['python', 'c'])[:4]
  export_tasks(tasks, tmp_path / 'roots.jsonl')
  config = _config('c')
  config.data.roots = str(tmp_path / 'roots.jsonl')
  roots = stages.tree_roots(config)
  assert [t.task_id for t in roots] == [t.task_id for t in tasks if t.language == 'c']
  assert roots[0].inputs == [t for t in tasks if t.language == 'c'][0].inputs


# ------------------------------------------------------------------ the demo base (stages.prepare_base)


@pytest.fixture(scope='module')
def demo_base(tmp_path_factory):
  config = bite_config.base_config()
  config.data.languages = 'python,c'
  config.model.tokenizer_vocab = 400
  workdir = tmp_path_factory.mktemp('work')
  return config, workdir, stages.prepare_base(config, workdir)


def test_demo_base_is_a_loadable_hf_directory(demo_base):
  _, workdir, base = demo_base
  assert base == workdir / 'base'
  tokenizer = load_tokenizer(base)
  model = from_pretrained(base)
  assert model.config.vocab_size == len(tokenizer) == 400
  assert model.config.eos_token_id == tokenizer.eos_token_id
  logits = model(np.array([[1, 2, 3]], dtype=np.int32))
  assert logits.shape == (1, 3, 400)


def test_demo_tokenizer_round_trips_programs(demo_base):
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


def test_saved_candidates_with_a_bad_line_are_named_with_it(tmp_path):
  path = tmp_path / 'candidates.jsonl'
  path.write_text(json.dumps({'task_id': 't', 'code': 'x', 'sample_index': 0, 'method': 'direct'}) + '\n{"task_id": \n')
  with pytest.raises(CandidateError, match=f'{path}:2: not valid JSON'):
    evaluation._candidates(path)
  path.write_text(json.dumps({'task_id': 't', 'code': 'x', 'sample_index': 0, 'method': 'direct'}) + '\n')
  assert evaluation._candidates(path) == [{'task_id': 't', 'code': 'x', 'sample_index': 0}]


def test_editors_read_a_bad_pairs_file_before_building_the_base(tmp_path):
  pairs = tmp_path / 'pairs.jsonl'
  pairs.write_text('{"language": "python", "slow": 1, "fast": "b"}\n')
  config = _config()
  config.data.pairs = str(pairs)
  with pytest.raises(PairFormatError, match=f"{pairs}:1: field 'slow' must be a string"):
    stages.run_editors(config, tmp_path / 'w')
  assert not (tmp_path / 'w' / 'base').exists()


def _benchmark_config(spec, **evaluate):
  c = bite_config.base_config()
  c.evaluate.benchmark = spec
  for key, value in evaluate.items():
    c.evaluate[key] = value
  return c


@pytest.mark.parametrize(
  'spec, evaluate, first_id',
  [
    ('pie:{F}/pie/pairs.jsonl', {'tests_dir': '{F}/pie/tests'}, 'pie/p90001/s001-s002'),
    ('pie:{F}/pie/pairs.jsonl', {'statements': '{F}/pie/statements'}, 'pie/p90002/s005-s006'),
    (
      'ecco:{F}/ecco/edit_test.jsonl',
      {'tests_dir': '{F}/ecco/public_test_cases,{F}/ecco/generated_test_cases'},
      'ecco/p90003/line1',
    ),
    ('mercury:{F}/mercury/mercury.jsonl', {}, None),
    ('codenet:{F}/codenet', {'limit': 1}, None),
  ],
)
def test_the_evaluate_stage_loads_every_benchmark_from_the_config(spec, evaluate, first_id):
  fixtures = str(paths.FIXTURES)
  config = _benchmark_config(
    spec.format(F=fixtures), **{k: v.format(F=fixtures) if isinstance(v, str) else v for k, v in evaluate.items()}
  )
  bite_main.check_config(config)
  tasks = evaluation.evaluation_tasks(config)
  assert tasks and all(t.inputs for t in tasks)
  if first_id:
    assert tasks[0].task_id == first_id
  if 'limit' in evaluate:
    assert len(tasks) == evaluate['limit']
  config.evaluate.seen_split = 'train'  # the demo's setting: only mini has seen problems; others score none
  assert evaluation.seen_tasks(config) == []


@pytest.mark.parametrize(
  'spec, evaluate, message',
  [
    ('pie:{F}/pie/pairs.jsonl', {}, 'config.evaluate.tests_dir: pie needs test cases'),
    ('ecco:{F}/ecco/edit_test.jsonl', {}, 'config.evaluate.tests_dir: ecco needs'),
    ('pie:{F}/pie/pairs.jsonl', {'tests_dir': '/nowhere'}, 'config.evaluate.tests_dir: /nowhere: no such'),
  ],
)
def test_a_benchmark_without_its_tests_is_a_config_error(spec, evaluate, message):
  config = _benchmark_config(spec.format(F=paths.FIXTURES), **evaluate)
  with pytest.raises(ConfigError, match=message):
    bite_main.check_config(config)


def test_an_external_pairs_file_is_filtered_by_data_languages(tmp_path):
  path = tmp_path / 'pairs.jsonl'
  pairs = train_pairs('train', languages=['python', 'cpp', 'go'])
  write_pairs(path, pairs)
  config = bite_config.base_config()
  config.data.pairs = str(path)
  config.data.languages = 'C++, py'
  got = stages.editor_pairs(config)
  assert got and {p.language for p in got} == {'cpp', 'python'}
  assert len(got) == sum(p.language in ('cpp', 'python') for p in pairs)
  config.data.languages = 'java'
  with pytest.raises(ConfigError, match=f'config.data.languages: {path} has no pair in java'):
    stages.editor_pairs(config)
