"""The entry point: stages run in order, each gets the config and workdir; bad flags, config values, input files
and workdirs written by another config are one error line naming the flag, field or file, with exit status 2."""

import json
import subprocess
import sys

import pytest

from bite_jax import main as bite_main
from bite_jax.config import ConfigError
from bite_jax.workdir import WorkdirConfigError, check_workdir_config
from tests.helpers import paths
from tests.helpers.configs import config_files, load_config

ROOT = paths.REPO


def test_all_runs_the_five_stages_in_order():
  assert bite_main.requested_stages('all') == ['editors', 'trees', 'curriculum', 'pkac', 'evaluate']
  assert bite_main.requested_stages('all', 'CODENET') == ['data', 'editors', 'trees', 'curriculum', 'pkac', 'evaluate']
  assert bite_main.requested_stages('data') == ['data']


def test_unknown_stage_is_rejected_with_its_name():
  with pytest.raises(ValueError, match='bogus'):
    bite_main.requested_stages('bogus')


def test_cli_rejects_unknown_stage_as_usage_error(tmp_path):
  proc = subprocess.run(
    [
      sys.executable,
      '-m',
      'bite_jax.main',
      f'--config={ROOT / "configs" / "tiny.py"}',
      f'--workdir={tmp_path}',
      '--config.stage=bogus',
    ],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=120,
  )
  assert proc.returncode != 0
  assert "unknown stage 'bogus'" in proc.stderr
  assert 'Traceback' not in proc.stderr


def test_run_hands_config_and_workdir_to_each_stage(tmp_path, monkeypatch):
  seen = {}

  def fake_stage(config, workdir):
    seen.update(steps=config.ift.steps, workdir=workdir)

  monkeypatch.setitem(bite_main.STAGE_FUNCTIONS, 'ift', fake_stage)
  config = load_config(ROOT / 'configs' / 'tiny.py')
  config.stage = 'ift'
  config.ift.steps = 7
  assert bite_main.run(config, tmp_path) == {'ift': 'done'}
  assert seen == {'steps': 7, 'workdir': tmp_path}


# ------------------------------------------------------------------ bad input: one line naming what is wrong, exit 2


def _cli(workdir, *flags, config=ROOT / 'configs' / 'tiny.py'):
  return subprocess.run(
    [sys.executable, '-m', 'bite_jax.main', f'--config={config}', f'--workdir={workdir}', *flags],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=300,
  )


def _one_error(proc) -> str:
  """The single error line of a run refused for bad usage or input (exit status 2, no traceback)."""
  assert proc.returncode == 2, proc.stderr[-3000:]
  assert 'Traceback' not in proc.stderr
  errors = [line for line in proc.stderr.splitlines() if 'error:' in line]
  assert len(errors) == 1, proc.stderr
  assert errors[0].startswith('python -m bite_jax.main: error: ')
  return errors[0]


@pytest.mark.parametrize(
  'flag, message',
  [
    (
      '--config.no_such_field=1',
      "--config.no_such_field: no such config field: the config has no field 'no_such_field'",
    ),
    ('--config.tree.no_such=1', "--config.tree.no_such: no such config field: 'tree' has no field 'no_such'"),
    ('--config.tree.width=abc', "--config.tree.width=abc: invalid literal for int() with base 10: 'abc'"),
    ('--config.tree.width=1.5', '--config.tree.width=1.5: invalid literal'),
    ('--config.data.languages=cobol', "config.data.languages: unknown language 'cobol'"),
    ('--config.stage=bogus', "config.stage: unknown stage 'bogus'"),
    ('--no_such_flag=1', 'Unknown command line flag'),
  ],
  ids=['unknown-field', 'unknown-nested-field', 'wrong-type', 'float-for-int', 'unknown-language', 'stage', 'flag'],
)
def test_a_bad_flag_is_one_error_naming_it(tmp_path, flag, message):
  assert message in _one_error(_cli(tmp_path / 'w', flag))
  assert not (tmp_path / 'w').exists()


@pytest.mark.parametrize(
  'flags, message',
  [
    (['--config.mesh.fsdp=0'], 'config.mesh.fsdp: 0 must be a positive number of devices or -1'),
    (['--config.mesh.fsdp=-1'], 'config.mesh: only one of data, fsdp, tensor may be -1'),
    (['--config.mesh.data=1', '--config.mesh.fsdp=3'], 'config.mesh: data*fsdp*tensor = 1*3*1 = 3 but there are'),
    (['--config.mesh.invariant=3'], 'config.mesh.invariant: 3 must be 0 (off) or a power of two'),
    (['--config.mesh.tensor=2'], 'config.mesh.invariant: needs mesh.tensor = 1 (got 2)'),
  ],
  ids=['zero', 'two-free-axes', 'device-count', 'invariant-not-power-of-two', 'invariant-with-tensor'],
)
def test_a_mesh_that_cannot_be_built_stops_the_run_before_any_stage(tmp_path, flags, message):
  proc = _cli(tmp_path / 'w', '--config.stage=editors', *flags)
  assert message in _one_error(proc)
  assert '[bite] stage' not in proc.stdout and not (tmp_path / 'w').exists()


def test_a_missing_config_file_is_named(tmp_path):
  assert '--config=configs/nope.py: no such file' in _one_error(_cli(tmp_path, config='configs/nope.py'))


def test_a_config_file_that_fails_names_its_line(tmp_path):
  config = tmp_path / 'broken.py'
  config.write_text('def get_config():\n  x = 1\n  return undefined_name\n')
  error = _one_error(_cli(tmp_path / 'w', config=config))
  assert f"--config={config}:3: NameError: name 'undefined_name' is not defined" in error


def test_a_bad_line_in_the_pairs_file_is_named_before_anything_is_built(tmp_path):
  pairs = tmp_path / 'pairs.jsonl'
  pairs.write_text(json.dumps({'language': 'python', 'slow': 'a', 'fast': 'b'}) + '\n{"language": \n')
  workdir = tmp_path / 'w'
  error = _one_error(_cli(workdir, f'--config.data.pairs={pairs}', '--config.stage=editors'))
  assert f'{pairs}:2: not valid JSON' in error
  assert not (workdir / 'base').exists()


def test_a_later_stage_failing_on_bad_input_keeps_the_earlier_outputs(tmp_path):
  workdir = tmp_path / 'w'
  (workdir / 'trees').mkdir(parents=True)
  tree = workdir / 'trees' / 'opt.jsonl'
  tree.write_text('{"node_id": "r", "root_id": "r", "parent_id": null, "depth": 0, "kept": true, "reason": "root"}\n')
  before = tree.read_bytes()
  roots = tmp_path / 'roots.jsonl'
  roots.write_text('{"task_id": "t", "problem_id": "p", "language": "cobol", "src": "x", "inputs": []}\n')
  error = _one_error(_cli(workdir, f'--config.data.roots={roots}', '--config.stage=curriculum'))
  assert f"{roots}:1: unknown language 'cobol'" in error
  assert tree.read_bytes() == before


def test_a_workdir_written_by_another_config_is_refused_naming_the_field(tmp_path):
  workdir = tmp_path / 'w'
  check_workdir_config(load_config(ROOT / 'configs' / 'tiny.py'), workdir)
  record = (workdir / 'config.json').read_bytes()
  (workdir / 'trees').mkdir()
  (workdir / 'trees' / 'opt.jsonl').write_text('{}\n')
  error = _one_error(_cli(workdir, '--config.tree.width=3', '--config.stage=curriculum'))
  assert 'was written by another config: config.tree.width is 2 there' in error and 'new --workdir' in error
  assert (workdir / 'config.json').read_bytes() == record
  assert (workdir / 'trees' / 'opt.jsonl').read_text() == '{}\n'


def test_run_refuses_another_config_before_any_stage_starts(tmp_path, monkeypatch):
  calls = []
  monkeypatch.setitem(bite_main.STAGE_FUNCTIONS, 'ift', lambda config, workdir: calls.append(config.ift.lr))
  config = load_config(ROOT / 'configs' / 'tiny.py')
  config.stage = 'ift'
  bite_main.run(config, tmp_path)
  (tmp_path / 'ift').mkdir()
  config.ift.lr = 0.5
  with pytest.raises(WorkdirConfigError, match='config.ift.lr'):
    bite_main.run(config, tmp_path)
  assert calls == [load_config(ROOT / 'configs' / 'tiny.py').ift.lr]


@pytest.mark.parametrize('path', config_files(), ids=lambda p: p.stem)
def test_every_config_file_passes_the_check(path):
  bite_main.check_config(load_config(path))


@pytest.mark.parametrize(
  'field, value, message',
  [
    ('stage', 'bogus', "config.stage: unknown stage 'bogus'"),
    ('data.languages', 'python,cobol', "config.data.languages: unknown language 'cobol'"),
    ('data.pairs', '/no/such/pairs.jsonl', 'config.data.pairs: /no/such/pairs.jsonl: no such file'),
    ('data.roots', '/no/such/roots.jsonl', 'config.data.roots: /no/such/roots.jsonl: no such file'),
    ('model.hf_path', '/no/such/model', 'config.model.hf_path: no config.json in /no/such/model'),
    ('model.preset', 'huge', "config.model.preset: unknown preset 'huge'"),
    ('model.dtype', 'int8', "config.model.dtype: 'int8' must be one of float32"),
    ('model.tokenizer_vocab', 100, 'config.model.tokenizer_vocab: 100 must be >= 258'),
    ('tree.width', 0, 'config.tree.width: 0 must be >= 1'),
    ('tree.threshold', 1.0, 'config.tree.threshold: 1.0 must be > 1'),
    ('sample.top_p', 0.0, 'config.sample.top_p: 0.0 must be in (0, 1]'),
    ('curriculum.stages', '1,4', "config.curriculum.stages: '1,4' must be increasing"),
    ('curriculum.mixing', 'shuffle', "config.curriculum.mixing: 'shuffle' must be one of progressive, union"),
    ('evaluate.methods', 'direct,bogus', "config.evaluate.methods: 'direct,bogus' must list methods"),
    ('evaluate.benchmark', 'foo', "config.evaluate.benchmark: benchmark 'foo': expected mini"),
    (
      'evaluate.model',
      'openai:http://h/v1',
      "config.evaluate.model: 'openai:http://h/v1': an endpoint is openai:URL#MODEL",
    ),
    ('evaluate.sbllm_keep', 0, 'config.evaluate.sbllm_keep: 0 must be >= 1'),
    ('executor.meter', 'wall', "config.executor.meter: 'wall' must be"),
    ('editors.degrader.batch_size', 0, 'config.editors.degrader.batch_size: 0 must be >= 1'),
    ('pkac.direction', 'sideways', "config.pkac.direction: 'sideways' must be optimize or degrade"),
  ],
)
def test_a_bad_config_value_is_named_by_its_field(field, value, message):
  config = load_config(ROOT / 'configs' / 'tiny.py')
  *sections, key = field.split('.')
  holder = config
  for section in sections:
    holder = holder[section]
  holder[key] = value
  with pytest.raises(ConfigError) as error:
    bite_main.check_config(config)
  assert str(error.value).startswith(message)


def test_the_ift_stage_needs_its_data_file():
  config = load_config(ROOT / 'configs' / 'tiny.py')
  config.stage = 'ift'
  with pytest.raises(ConfigError, match='config.ift.data: empty'):
    bite_main.check_config(config)
  config.ift.data = '/no/such/pairs.jsonl'
  with pytest.raises(ConfigError, match='config.ift.data: /no/such/pairs.jsonl: no such file'):
    bite_main.check_config(config)


def test_the_dpo_stage_needs_its_data_file_a_positive_beta_and_a_reference_dir(tmp_path):
  config = load_config(ROOT / 'configs' / 'tiny.py')
  config.stage = 'dpo'
  with pytest.raises(ConfigError, match='config.dpo.data: empty'):
    bite_main.check_config(config)
  config.dpo.data = '/no/such/prefs.jsonl'
  with pytest.raises(ConfigError, match='config.dpo.data: /no/such/prefs.jsonl: no such file'):
    bite_main.check_config(config)
  config.dpo.data = str(tmp_path / 'prefs.jsonl')
  (tmp_path / 'prefs.jsonl').write_text('')
  bite_main.check_config(config)
  config.dpo.beta = 0.0
  with pytest.raises(ConfigError, match=r'config.dpo.beta: 0.0 must be > 0'):
    bite_main.check_config(config)
  config.dpo.beta = 0.1
  config.dpo.batch_size = 0
  with pytest.raises(ConfigError, match='config.dpo.batch_size: 0 must be >= 1'):
    bite_main.check_config(config)
  config.dpo.batch_size = 8
  config.dpo.reference = str(tmp_path)
  with pytest.raises(ConfigError, match=f'config.dpo.reference: no config.json in {tmp_path}'):
    bite_main.check_config(config)
