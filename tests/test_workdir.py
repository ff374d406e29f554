"""WORKDIR/config.json: the first run records the fields that decide outputs; a later run that differs in one is
refused naming it, while fields that change only speed or placement (stage, workers, mesh, ...) never are."""

import json

import pytest

from bite_jax import workdir as record
from bite_jax.workdir import WorkdirConfigError, check_workdir_config, output_fields
from tests.helpers.configs import load_config
from tests.helpers.paths import CONFIGS


def _config():
  return load_config(CONFIGS / 'tiny.py')


def _used(workdir):
  """A workdir some stage has written to."""
  (workdir / 'editors').mkdir(parents=True, exist_ok=True)
  return workdir


def _set(config, field, value):
  *sections, key = field.split('.')
  for section in sections:
    config = config[section]
  config[key] = value


def test_the_first_run_records_the_output_fields(tmp_path):
  path = check_workdir_config(_config(), tmp_path / 'w')
  fields = json.loads(path.read_text())
  assert path == tmp_path / 'w' / 'config.json'
  assert fields == output_fields(_config())
  assert fields['tree.width'] == 2 and fields['seed'] == 0 and fields['editors.optimizer.lr'] == 1e-2
  assert not [name for name in fields if name == 'stage' or name.startswith('mesh.')]


def test_the_same_config_passes_and_leaves_the_record_as_it_was(tmp_path):
  path = check_workdir_config(_config(), tmp_path)
  _used(tmp_path)
  before = path.read_bytes()
  assert check_workdir_config(_config(), tmp_path) == path
  assert path.read_bytes() == before


@pytest.mark.parametrize(
  'field, value',
  [
    ('tree.width', 3),
    ('seed', 1),
    ('model.preset', 'tiny_starcoder2'),
    ('data.languages', 'python'),
    ('editors.degrader.lr', 1e-4),
    ('curriculum.top_fraction', 0.25),
    ('pkac.steps', 9),
    ('sample.temperature', 0.5),
    ('evaluate.methods', 'direct,rag'),
    ('executor.timeout', 5.0),
  ],
)
def test_a_differing_output_field_is_refused_naming_it_and_both_values(tmp_path, field, value):
  check_workdir_config(_config(), _used(tmp_path))
  old = output_fields(_config())[field]
  config = _config()
  _set(config, field, value)
  with pytest.raises(WorkdirConfigError) as error:
    check_workdir_config(config, tmp_path)
  message = str(error.value)
  assert f'config.{field} is {old!r} there ({tmp_path / "config.json"}) but {value!r} in this run' in message
  assert 'give a new --workdir' in message


@pytest.mark.parametrize(
  'field, value',
  [
    ('stage', 'trees'),
    ('executor.workers', 7),
    ('executor.allow_unsandboxed', True),
    ('mesh.fsdp', 2),
    ('mesh.data', 4),
    ('sample.batch_size', 3),
    ('model.remat', True),
    ('ift.steps', 500),
    ('editors.optimizer.rows_per_pass', 2),
    ('pkac.checkpoint_every', 7),
  ],
)
def test_a_field_that_does_not_change_outputs_is_not_checked(tmp_path, field, value):
  check_workdir_config(_config(), _used(tmp_path))
  config = _config()
  _set(config, field, value)
  check_workdir_config(config, tmp_path)


def test_the_message_counts_the_other_differing_fields(tmp_path):
  check_workdir_config(_config(), _used(tmp_path))
  config = _config()
  config.tree.width, config.tree.height = 3, 4
  with pytest.raises(WorkdirConfigError, match=r'config\.tree\.height is 2 .* \(and 1 more: tree\.width\)'):
    check_workdir_config(config, tmp_path)


def test_a_workdir_without_stage_outputs_takes_the_new_config(tmp_path):
  check_workdir_config(_config(), tmp_path)  # a first run that stopped on bad input before any stage wrote
  (tmp_path / 'isolation.json').write_text('{}')
  config = _config()
  config.tree.width = 5
  path = check_workdir_config(config, tmp_path)
  assert json.loads(path.read_text())['tree.width'] == 5


def _record_without(tmp_path, field):
  path = check_workdir_config(_config(), _used(tmp_path))
  fields = json.loads(path.read_text())
  del fields[field]
  path.write_text(json.dumps(fields))


def test_a_field_added_since_the_record_agrees_while_it_keeps_its_default(tmp_path):
  _record_without(tmp_path, 'tree.budget_s')
  check_workdir_config(_config(), tmp_path)


def test_a_field_added_since_the_record_differs_once_changed(tmp_path):
  _record_without(tmp_path, 'tree.budget_s')
  config = _config()
  config.tree.budget_s = config.tree.budget_s + 1
  with pytest.raises(WorkdirConfigError, match=r'config\.tree\.budget_s is \(no such field\) there'):
    check_workdir_config(config, tmp_path)


@pytest.mark.parametrize('text, why', [('{"tree.width": ', 'unreadable'), ('[1, 2]', 'expected a JSON object')])
def test_a_malformed_record_is_named(tmp_path, text, why):
  _used(tmp_path)
  (tmp_path / 'config.json').write_text(text)
  with pytest.raises(WorkdirConfigError, match=f'{tmp_path / "config.json"}: {why}'):
    check_workdir_config(_config(), tmp_path)


def test_ignored_fields_exist_in_the_base_config():
  base = output_fields(load_config(CONFIGS / 'tiny.py'))
  config = _config()
  for field in record.IGNORED:
    *sections, key = field.split('.')
    holder = config
    for section in sections:
      holder = holder[section]
    assert key in holder, field
    assert field not in base
