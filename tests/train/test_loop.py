"""End-to-end IFT on a tiny random Qwen2: the loss falls, metrics.jsonl has one line per step, a stopped
run resumes exactly, and the final directory is self-contained and loads for the next stage."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

from bite_jax.data.pairs import write_pairs
from bite_jax.models import hf, load_trained
from bite_jax.train import train_ift
from bite_jax.train.checkpoint import CheckpointStore
from bite_jax.train.metrics import read_metrics
from tests.helpers import paths
from tests.helpers.checkpoints import make_qwen2_checkpoint
from tests.helpers.train import ift_config, synthetic_pairs

ROOT = paths.REPO
DATA = paths.SHARED_DATA
FIELDS = {'step', 'loss', 'tokens', 'target_tokens', 'lr', 'time'}


def run(out: Path, base: Path, pairs, **overrides) -> Path:
  config = ift_config(**overrides)
  return train_ift(config.ift, config.model, config.mesh, out, base_dir=str(base), pairs=pairs, log=None)


def losses(out: Path) -> list[float]:
  return [r['loss'] for r in read_metrics(out / 'metrics.jsonl')]


@pytest.fixture(scope='module')
def six_steps(base, tmp_path_factory) -> Path:
  """An uninterrupted 6-step run (checkpoints at 3 and 6), exported to HF format too."""
  out = tmp_path_factory.mktemp('six')
  run(out, base, synthetic_pairs(), steps=6, export_hf=True)
  return out


def test_metrics_have_one_line_per_step_with_all_fields(six_steps):
  records = read_metrics(six_steps / 'metrics.jsonl')
  assert [r['step'] for r in records] == [1, 2, 3, 4, 5, 6]
  for r in records:
    assert set(r) == FIELDS
    assert r['tokens'] == 4 * 256
    assert 0 < r['target_tokens'] < r['tokens'] and isinstance(r['target_tokens'], int)
  assert [r['lr'] for r in records] == pytest.approx([1.5e-3, 3e-3, 3e-3, 3e-3, 3e-3, 3e-3])
  assert all(a['time'] <= b['time'] for a, b in zip(records, records[1:]))


def test_loss_falls(six_steps):
  values = losses(six_steps)
  assert np.mean(values[-2:]) < values[0] - 0.1


def test_resume_after_stop_matches_an_uninterrupted_run(base, six_steps, tmp_path):
  out = tmp_path / 'resumed'
  run(out, base, synthetic_pairs(), steps=3)
  assert [r['step'] for r in read_metrics(out / 'metrics.jsonl')] == [1, 2, 3]
  run(out, base, synthetic_pairs(), steps=6)
  np.testing.assert_allclose(losses(out), losses(six_steps), rtol=1e-5)


def test_steps_logged_but_not_checkpointed_are_logged_again_once(base, six_steps, tmp_path):
  out = tmp_path / 'crashed'
  run(out, base, synthetic_pairs(), steps=5)  # checkpoints at 3 and 5
  shutil.rmtree(out / 'checkpoints' / '5')  # as if the process died after logging steps 4-5
  run(out, base, synthetic_pairs(), steps=6)
  records = read_metrics(out / 'metrics.jsonl')
  assert [r['step'] for r in records] == [1, 2, 3, 4, 5, 6]
  np.testing.assert_allclose([r['loss'] for r in records], losses(six_steps), rtol=1e-5)


def test_preemption_notice_checkpoints_stops_and_resumes(base, six_steps, tmp_path, monkeypatch):
  out = tmp_path / 'preempted'
  monkeypatch.setattr(CheckpointStore, 'reached_preemption', lambda self, step: step == 2)
  with pytest.raises(SystemExit, match='preempted: checkpoint at step 2'):
    run(out, base, synthetic_pairs(), steps=4)
  assert (out / 'checkpoints' / '2').is_dir() and not (out / 'final').exists()
  monkeypatch.undo()
  run(out, base, synthetic_pairs(), steps=4)
  np.testing.assert_allclose(losses(out), losses(six_steps)[:4], rtol=1e-5)
  info = json.loads((out / 'final' / 'train_info.json').read_text())
  assert info['first_loss'] == pytest.approx(losses(out)[0])  # step 1 ran before the resume


def test_final_dir_is_self_contained(base, six_steps):
  final = six_steps / 'final'
  assert (final / 'config.json').read_text() == (base / 'config.json').read_text()
  assert (final / 'params').is_dir() and not list(final.glob('*.safetensors'))
  for name in ('tokenizer.json', 'tokenizer_config.json'):
    assert (final / name).read_bytes() == (base / name).read_bytes()
  info = json.loads((final / 'train_info.json').read_text())
  assert info['steps'] == 6 and info['pairs_kept'] == 24 and info['direction'] == 'optimize'
  assert info['trained'] is True
  assert info['first_loss'] == pytest.approx(losses(six_steps)[0]) and info['final_loss'] == pytest.approx(
    losses(six_steps)[-1]
  )


def test_load_trained_gives_the_exported_model_and_tokenizer(six_steps):
  model, tokenizer = load_trained(six_steps / 'final')
  exported = hf.from_pretrained(six_steps / 'final' / 'hf')
  ids = jnp.asarray([tokenizer('print(1)\nprint(2)', add_special_tokens=False)['input_ids']])
  np.testing.assert_allclose(model(ids), exported(ids), atol=1e-5)
  assert tokenizer.eos_token_id == 2


def test_next_stage_starts_from_the_previous_final_params(base, six_steps, tmp_path):
  out = tmp_path / 'stage2'
  run(out, base, synthetic_pairs(), steps=1, init=str(six_steps / 'final'))
  first_from_trained = losses(out)[0]
  assert first_from_trained < losses(six_steps)[0] - 0.1
  assert json.loads((out / 'final' / 'train_info.json').read_text())['source'] == str(six_steps / 'final')


def test_resume_with_a_different_batch_size_is_an_error(base, six_steps):
  with pytest.raises(ValueError, match='batch_size=4'):
    run(six_steps, base, synthetic_pairs(), steps=7, batch_size=2)


def test_base_without_tokenizer_is_an_error_naming_the_dir(tmp_path):
  bare = make_qwen2_checkpoint(tmp_path / 'bare', vocab=320)
  with pytest.raises(FileNotFoundError, match=str(bare)):
    run(tmp_path / 'out', bare, synthetic_pairs(), steps=1)


def test_all_pairs_too_long_is_an_error(base, tmp_path):
  with pytest.raises(ValueError, match='no training examples'):
    run(tmp_path / 'out', base, synthetic_pairs(), steps=1, max_len=16)


def test_command_line_ift_stage(base, tmp_path):
  pie = DATA / 'pie' / 'py_reference.jsonl'
  if pie.is_file():
    data = pie
  else:
    data = tmp_path / 'pairs.jsonl'
    write_pairs(data, synthetic_pairs())
  workdir = tmp_path / 'work'
  cmd = [
    sys.executable,
    '-m',
    'bite_jax.main',
    '--config=configs/tiny.py',
    f'--workdir={workdir}',
    '--config.stage=ift',
    f'--config.model.hf_path={base}',
    f'--config.ift.data={data}',
    '--config.ift.steps=2',
    '--config.ift.batch_size=2',
    '--config.ift.max_len=512',
    '--config.ift.checkpoint_every=1',
  ]
  proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert 'dropped as longer than max_len=512' in proc.stdout
  assert [r['step'] for r in read_metrics(workdir / 'ift' / 'metrics.jsonl')] == [1, 2]
  assert (workdir / 'ift' / 'final' / 'params').is_dir()


def test_rows_per_pass_changes_speed_not_the_losses(base, six_steps, tmp_path):
  # six_steps takes its 4 rows in whatever passes the CPU budget picks; one row per pass sums the same tokens.
  out = tmp_path / 'one_row'
  run(out, base, synthetic_pairs(), rows_per_pass=1, steps=3)
  np.testing.assert_allclose(losses(out), losses(six_steps)[:3], rtol=1e-5)


def test_negative_rows_per_pass_is_an_error(base, tmp_path):
  with pytest.raises(ValueError, match='rows_per_pass'):
    run(tmp_path / 'bad', base, synthetic_pairs(), rows_per_pass=-1)


def test_length_buckets_change_the_row_length_not_the_losses(base, tmp_path):
  # The synthetic examples are 150-250 tokens: with max_len=512, buckets pad them to 256 instead.
  plain, bucketed = tmp_path / 'plain', tmp_path / 'buckets'
  run(plain, base, synthetic_pairs(), max_len=512, steps=3)
  run(bucketed, base, synthetic_pairs(), max_len=512, length_buckets=3, steps=3)
  records, reference = read_metrics(bucketed / 'metrics.jsonl'), read_metrics(plain / 'metrics.jsonl')
  assert [r['tokens'] for r in reference] == [4 * 512] * 3
  assert all(r['tokens'] in (4 * 128, 4 * 256) for r in records)
  assert [r['target_tokens'] for r in records] == [r['target_tokens'] for r in reference]
  np.testing.assert_allclose(losses(bucketed), losses(plain), rtol=1e-5)
