"""DPO runs end to end on a tiny random Qwen2: metrics.jsonl rows, the preference is learned, a stopped run
resumes exactly, the `dpo` stage runs from the command line, bad records are named by file, line and field."""

import json
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest
from flax import nnx

from bite_jax.data.pairs import write_pairs
from bite_jax.data.preferences import (
  PreferenceFormatError,
  make_preference_dataset,
  read_preferences,
  tokenize_preferences,
  write_preferences,
)
from bite_jax.data.prompts import build_prompt
from bite_jax.models import hf
from bite_jax.models.trained import load_trained_model
from bite_jax.train.checkpoint import CheckpointStore
from bite_jax.train.dpo import train_dpo
from bite_jax.train.metrics import read_metrics
from tests.helpers import paths
from tests.helpers.dpo import dpo_config, synthetic_preferences
from tests.helpers.train import synthetic_pairs

FIELDS = {
  'step',
  'loss',
  'reward_margin',
  'accuracy',
  'chosen_reward',
  'rejected_reward',
  'grad_norm',
  'lr',
  'tokens',
  'target_tokens',
  'tokens_per_s',
  'time',
}


def run(out: Path, base: Path, records=None, **overrides) -> Path:
  config = dpo_config(**overrides)
  records = synthetic_preferences() if records is None else records
  return train_dpo(config.dpo, config.model, config.mesh, out, base_dir=str(base), records=records, log=None)


def params_of(final: Path) -> list[np.ndarray]:
  return [np.asarray(x) for x in jax.tree.leaves(nnx.state(load_trained_model(final), nnx.Param))]


@pytest.fixture(scope='module')
def four_steps(base, tmp_path_factory) -> Path:
  """An uninterrupted 4-step run (checkpoints at 2 and 4)."""
  out = tmp_path_factory.mktemp('dpo4')
  run(out, base, steps=4)
  return out


def test_metrics_rows_and_the_preference_is_learned(four_steps):
  records = read_metrics(four_steps / 'metrics.jsonl')
  assert [r['step'] for r in records] == [1, 2, 3, 4]
  assert all(set(r) == FIELDS for r in records)
  # Step 1: the policy is the reference, so every margin is 0 and the loss log 2.
  assert records[0]['loss'] == pytest.approx(np.log(2), abs=1e-6) and records[0]['reward_margin'] == 0
  assert records[-1]['loss'] < records[0]['loss'] - 0.1
  assert records[-1]['reward_margin'] > 0.1 and records[-1]['accuracy'] == 1.0
  for r in records:
    assert r['tokens'] == 2 * 4 * 256 and 0 < r['target_tokens'] < r['tokens'] and r['tokens_per_s'] > 0
  info = json.loads((four_steps / 'final' / 'train_info.json').read_text())
  assert info['objective'] == 'dpo' and info['steps'] == 4 and info['records_kept'] == 16


def test_resume_after_stop_matches_an_uninterrupted_run(base, four_steps, tmp_path):
  out = tmp_path / 'resumed'
  run(out, base, steps=2)
  assert [r['step'] for r in read_metrics(out / 'metrics.jsonl')] == [1, 2]
  run(out, base, steps=4)
  records, reference = read_metrics(out / 'metrics.jsonl'), read_metrics(four_steps / 'metrics.jsonl')
  assert [r['step'] for r in records] == [1, 2, 3, 4]
  for key in ('loss', 'reward_margin', 'accuracy'):
    np.testing.assert_allclose([r[key] for r in records], [r[key] for r in reference], rtol=1e-6, atol=1e-7)
  for a, b in zip(params_of(out / 'final'), params_of(four_steps / 'final')):
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_preemption_notice_checkpoints_stops_and_resumes(base, four_steps, tmp_path, monkeypatch):
  out = tmp_path / 'preempted'
  monkeypatch.setattr(CheckpointStore, 'reached_preemption', lambda self, step: step == 1)
  with pytest.raises(SystemExit, match=r'\[dpo\] preempted: checkpoint at step 1'):
    run(out, base, steps=3)
  assert (out / 'checkpoints' / '1').is_dir() and not (out / 'final').exists()
  monkeypatch.undo()
  run(out, base, steps=3)
  losses = [r['loss'] for r in read_metrics(out / 'metrics.jsonl')]
  np.testing.assert_allclose(losses, [r['loss'] for r in read_metrics(four_steps / 'metrics.jsonl')][:3], rtol=1e-6)


def test_an_explicit_reference_is_used(base, four_steps, tmp_path):
  # Starting from the trained policy with the base as reference, the first margin is already positive.
  out = tmp_path / 'from_trained'
  run(out, base, steps=1, init=str(four_steps / 'final'), reference=str(base))
  first = read_metrics(out / 'metrics.jsonl')[0]
  assert first['reward_margin'] > 0.1 and first['loss'] < np.log(2) - 0.05


def test_speed_knobs_change_the_rows_not_the_losses(base, four_steps, tmp_path):
  # Rows of ~200 tokens: max_len 512 with 3 buckets pads them to 256 as before; one pair per pass, and
  # two micro-batches, sum the same gradient.
  out = tmp_path / 'knobs'
  run(out, base, steps=2, max_len=512, length_buckets=3, rows_per_pass=2, grad_accum=2, loss_chunk=32)
  records, reference = read_metrics(out / 'metrics.jsonl'), read_metrics(four_steps / 'metrics.jsonl')[:2]
  assert [r['tokens'] for r in records] == [2 * 4 * 256] * 2
  assert [r['target_tokens'] for r in records] == [r['target_tokens'] for r in reference]
  np.testing.assert_allclose([r['loss'] for r in records], [r['loss'] for r in reference], rtol=1e-5)


def test_resume_with_another_beta_is_an_error(base, four_steps):
  with pytest.raises(ValueError, match='beta'):
    run(four_steps, base, steps=5, beta=0.2)


def test_rows_share_the_optimizer_prompt_and_mask_only_the_responses(base):
  tokenizer = hf.load_tokenizer(base)
  record = synthetic_preferences(1)[0]
  (example,), stats = tokenize_preferences([record], tokenizer, max_len=256, log=None)
  prompt = tokenizer(build_prompt('python', record.src, 'optimize'), add_special_tokens=False)['input_ids']
  for row, response in ((example.chosen, record.chosen), (example.rejected, record.rejected)):
    assert row.prompt_len == len(prompt) and list(row.tokens[: len(prompt)]) == prompt
    assert list(row.tokens[len(prompt) : -1]) == tokenizer(response, add_special_tokens=False)['input_ids']
    assert row.tokens[-1] == tokenizer.eos_token_id
  batch = make_preference_dataset([example] * 2, batch_size=2, max_len=256, seed=0)[0]
  assert batch['inputs'].shape == (2, 2, 256)
  chosen_mask = batch['mask'][0, 0]
  assert chosen_mask.sum() == len(example.chosen) - len(prompt)  # the chosen response and its EOS
  assert chosen_mask[: len(prompt) - 1].sum() == 0
  assert stats.target_tokens == batch['mask'][0].sum()


def test_pair_records_read_as_rewrite_over_copy(tmp_path):
  path = tmp_path / 'pairs.jsonl'
  write_pairs(path, synthetic_pairs(2))
  (pref, _) = read_preferences(path)
  pair = synthetic_pairs(2)[0]
  assert (pref.src, pref.chosen, pref.rejected) == (pair.slow, pair.fast, pair.slow)


@pytest.mark.parametrize(
  'line, why',
  [
    ('{"src": "a", "chosen": "b"', 'not valid JSON'),
    ('{"src": "a", "chosen": "b", "language": "python"}', "missing field 'rejected'"),
    ('{"src": "a", "chosen": "b", "rejected": 3, "language": "python"}', "field 'rejected' must be a string"),
    ('{"src": "a", "chosen": "b", "rejected": "c", "language": "cobol"}', "field 'language'"),
    ('{"src": "a", "chosen": "b", "rejected": "c"}', "missing field 'language'"),
    ('[1, 2]', 'expected a JSON object'),
  ],
)
def test_a_bad_record_names_file_line_and_field(tmp_path, line, why):
  path = write_preferences(tmp_path / 'prefs.jsonl', synthetic_preferences(2))
  path.write_text(path.read_text() + '\n' + line + '\n')  # line 4: after 2 records and a blank line
  with pytest.raises(PreferenceFormatError) as err:
    read_preferences(path)
  assert str(err.value).startswith(f'{path}:4: ') and why in str(err.value)


def test_command_line_dpo_stage(base, tmp_path):
  data = write_preferences(tmp_path / 'prefs.jsonl', synthetic_preferences(8))
  workdir = tmp_path / 'work'
  cmd = [
    sys.executable,
    '-m',
    'bite_jax.main',
    '--config=configs/tiny.py',
    f'--workdir={workdir}',
    '--config.stage=dpo',
    f'--config.model.hf_path={base}',
    f'--config.dpo.data={data}',
    '--config.dpo.steps=2',
    '--config.dpo.batch_size=2',
    '--config.dpo.max_len=256',
    '--config.dpo.checkpoint_every=1',
  ]
  proc = subprocess.run(cmd, cwd=paths.REPO, capture_output=True, text=True, timeout=300)
  assert proc.returncode == 0, proc.stderr[-3000:]
  assert '[dpo] step 2/2' in proc.stdout and 'stage dpo: done' in proc.stdout
  assert [r['step'] for r in read_metrics(workdir / 'dpo' / 'metrics.jsonl')] == [1, 2]
  assert (workdir / 'dpo' / 'final' / 'params').is_dir()
  bad = tmp_path / 'bad.jsonl'
  bad.write_text('{"src": "x", "language": "python"}\n')
  proc = subprocess.run(
    cmd[:7] + [f'--config.dpo.data={bad}', f'--workdir={tmp_path / "work2"}'],
    cwd=paths.REPO,
    capture_output=True,
    text=True,
    timeout=300,
  )
  assert proc.returncode == 2 and f'{bad}:1: missing field' in proc.stderr
