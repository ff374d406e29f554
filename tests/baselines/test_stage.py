"""The baselines through `python -m bite_jax.main`: each trained and scored by the evaluate stage on a very
small demo, listed by name in the run report; and the `baselines` stage training one alone."""

import json

from bite_jax.baselines import systems
from tests.test_stages import _main

# Scored on two test tasks of one language; every baseline trains for two steps.
FAST = [
  '--config.evaluate.limit=2',
  '--config.evaluate.extra_inputs=0',
  '--config.baselines.ecco_rounds=1',
  '--config.baselines.perfcond_bins=3',
  '--config.baselines.measure_inputs=1',
  '--config.baselines.measure_repeats=1',
  '--config.dpo.steps=2',
  '--config.dpo.batch_size=4',
  '--config.dpo.max_len=1024',
]


def test_evaluate_trains_and_scores_every_baseline_and_the_report_names_them(tmp_path):
  work = tmp_path / 'run'
  first = _main(work, '--config.stage=evaluate', '--config.evaluate.baselines=base', *FAST)
  assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
  assert 'scoring the baselines only' in first.stdout + first.stderr
  base_candidates = work / 'evaluate' / 'base-direct' / 'candidates.jsonl'
  written = base_candidates.stat().st_mtime_ns
  # More baselines on an evaluated workdir: the new ones are trained and scored, base-direct is read back.
  names = list(systems.NAMES)
  result = _main(work, '--config.stage=evaluate', '--config.evaluate.baselines=all', *FAST)
  assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
  assert 'scored before, now also pie-ift, pie-perfcond' in result.stdout + result.stderr
  assert base_candidates.stat().st_mtime_ns == written
  summary = json.loads((work / 'evaluate' / 'summary.json').read_text())
  expected = [systems.SYSTEMS[n][0] for n in names]
  assert list(summary) == expected
  for name in expected:
    assert summary[name]['metrics']['overall']['tasks'] == 2
    assert (work / 'evaluate' / name / 'candidates.jsonl').is_file()
  report = (work / 'report.md').read_text()
  for name in expected:
    assert f'| {name} |' in report
  assert '- supersonic: Supersonic: IFT to write a diff' in report
  assert "By the source program's McCabe complexity (simple <= 10 < complex" in report
  for name in ('pie-perfcond', 'ecco-trajectory', 'supersonic', 'mercury-dpo'):
    assert (work / 'baselines' / name / 'final').is_dir()
    assert (work / 'baselines' / name / 'metrics.jsonl').is_file()
  dpo_rows = [
    json.loads(line) for line in (work / 'baselines' / 'mercury-dpo' / 'metrics.jsonl').read_text().splitlines()
  ]
  assert {'loss', 'reward_margin', 'accuracy'} <= set(dpo_rows[-1])
  prefs = (work / 'baselines' / 'mercury-dpo' / 'preferences.jsonl').read_text().splitlines()
  assert prefs and all(json.loads(line)['chosen'] != json.loads(line)['rejected'] for line in prefs)
  measured = (work / 'baselines' / 'pie-perfcond' / 'pairs.jsonl').read_text().splitlines()
  assert measured and all(json.loads(line)['speedup'] > 0 for line in measured)
  cands = [
    json.loads(line) for line in (work / 'evaluate' / 'supersonic' / 'candidates.jsonl').read_text().splitlines()
  ]
  assert {c['method'] for c in cands} == {'diff'}


def test_the_baselines_stage_trains_one_alone(tmp_path):
  work = tmp_path / 'run'
  result = _main(work, '--config.stage=baselines', '--config.evaluate.baselines=ecco-trajectory')
  assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
  models = json.loads((work / 'baselines' / 'models.json').read_text())
  assert list(models) == ['ecco-trajectory']
  assert (work / 'baselines' / 'ecco-trajectory' / 'final').is_dir()
  assert not (work / 'editors').exists()  # nothing else was trained
