"""The training-based baselines at inference: their prompts, Supersonic's diffs applied, ECCO's feedback
on every input, and which systems `config.evaluate.baselines` selects."""

from pathlib import Path

import pytest

from bite_jax import config as bite_config
from bite_jax import main as bite_main
from bite_jax.baselines import systems
from bite_jax.baselines.diff import make_diff
from bite_jax.baselines.prompts import diff_prompt, perfcond_prompt, trajectory_prompt
from bite_jax.config import ConfigError
from bite_jax.data.batching import tokenize_pairs
from bite_jax.data.prompts import PromptedPair
from bite_jax.evaluate.baselines import generate_candidates
from bite_jax.evaluate.runner import evaluate_candidates
from executor import Pool
from tests.evaluate.test_baselines import ScriptedSampler
from tests.helpers.toy_tasks import SUM_EXPERT, SUM_SRC, SUM_WRONG, sum_task


def test_perfcond_asks_for_the_top_bin():
  sampler = ScriptedSampler([SUM_EXPERT])
  got = generate_candidates([sum_task()], sampler, 'perfcond', perfcond_bins=7, progress=False)
  assert sampler.prompts == [[perfcond_prompt('python', SUM_SRC, 7, 7)]]
  assert 'bin 7 of 7' in sampler.prompts[0][0]
  assert got[0]['code'] == SUM_EXPERT and got[0]['method'] == 'perfcond'


def test_trajectory_shows_the_source_as_the_only_version_so_far():
  sampler = ScriptedSampler([SUM_EXPERT])
  generate_candidates([sum_task()], sampler, 'trajectory', progress=False)
  assert sampler.prompts == [[trajectory_prompt('python', [SUM_SRC])]]


def test_diff_responses_are_applied_to_the_source_and_bad_ones_are_empty_candidates():
  good = make_diff(SUM_SRC, SUM_EXPERT)
  bad = '@@ -1,1 +1,1 @@\n-no such line\n+x = 1'
  sampler = ScriptedSampler(['```diff\n' + good + '\n```', bad, 'not a diff at all'])
  got = generate_candidates([sum_task()], sampler, 'diff', num_samples=3, progress=False)
  assert sampler.prompts == [[diff_prompt('python', SUM_SRC)]]
  assert [(c['code'], c['status']) for c in got] == [
    (SUM_EXPERT, 'ok'),
    ('', 'diff_failed'),
    ('', 'diff_failed'),
  ]


def test_a_diff_that_does_not_apply_is_scored_incorrect(tmp_path):
  task = sum_task(outputs=True)
  sampler = ScriptedSampler(['@@ -1,1 +1,1 @@\n-no such line\n+x = 1'])
  cands = generate_candidates([task], sampler, 'diff', progress=False)
  with Pool(1) as pool:
    metrics = evaluate_candidates([task], cands, tmp_path, pool=pool, extra_inputs=0, repeats=1, progress=False)
  assert metrics['overall']['COR'] == 0.0


def test_ecco_feedback_runs_every_input_of_the_task():
  # The wrong program is right on the first input only: refine (first input) would call it correct.
  task = sum_task(n=(0, 300))
  first_only = 'n = int(input())\nprint(0 if n == 0 else -1)\n'
  sampler = ScriptedSampler([first_only, SUM_WRONG])
  with Pool(1) as pool:
    generate_candidates([task], sampler, 'ecco', refine_rounds=1, pool=pool, progress=False)
  assert 'Wrong output on input 1' in sampler.prompts[1][0]


@pytest.mark.parametrize(
  'value, names',
  [
    ('all', list(systems.NAMES)),
    ('none', []),
    ('', []),
    ('False', []),
    ('True', ['pie-ift', 'base']),
    (True, ['pie-ift', 'base']),
    ('supersonic, pie-ift', ['pie-ift', 'supersonic']),
  ],
)
def test_parse_baselines(value, names):
  assert systems.parse_baselines(value) == names


def test_an_unknown_baseline_is_a_config_error_naming_the_field():
  with pytest.raises(ConfigError, match='config.evaluate.baselines: unknown baseline.*pie-sft'):
    systems.parse_baselines('pie-ift,pie-sft')


def test_all_selects_the_six_training_based_baselines_by_their_names():
  assert {'pie-ift', 'pie-perfcond', 'ecco-exec', 'ecco-trajectory', 'mercury-dpo', 'supersonic'} <= set(
    systems.parse_baselines('all')
  )
  assert [systems.SYSTEMS[n][1] for n in systems.NAMES] == [
    'direct',
    'perfcond',
    'ecco',
    'trajectory',
    'direct',
    'diff',
    'direct',
  ]


def test_model_dirs_share_pie_ift_with_the_optimizer_editor(tmp_path):
  config = bite_config.base_config()
  work = Path(tmp_path)
  optimizer = work / 'editors' / 'optimizer' / 'final'
  assert systems.model_dir(config, work, 'pie-ift') == optimizer
  assert systems.model_dir(config, work, 'ecco-exec') == optimizer
  assert systems.model_dir(config, work, 'supersonic') == work / 'baselines' / 'supersonic' / 'final'


class CharTokenizer:
  eos_token_id = 1

  def __call__(self, texts, add_special_tokens=False):
    return {'input_ids': [[2 + (ord(c) % 50) for c in t] for t in texts]}


def test_prompted_pairs_train_on_their_response_only():
  item = PromptedPair('python', 'PROMPT\n', 'resp')
  (example,), stats = tokenize_pairs([item], CharTokenizer(), direction='optimize', max_len=64, log=None)
  assert example.prompt_len == len('PROMPT\n')
  assert len(example) == len('PROMPT\n') + len('resp') + 1 and stats.kept == 1


@pytest.mark.parametrize(
  'field, value, message',
  [
    ('evaluate.baselines', 'pie-ift,nope', 'config.evaluate.baselines: unknown baseline'),
    ('baselines.perfcond_bins', 0, 'config.baselines.perfcond_bins: 0 must be >= 1'),
    ('baselines.measure_inputs', -1, 'config.baselines.measure_inputs: -1 must be >= 0'),
  ],
)
def test_bad_baseline_settings_are_named_before_any_stage_runs(field, value, message):
  config = bite_config.base_config()
  section, key = field.split('.')
  config[section][key] = value
  with pytest.raises(ConfigError, match=message):
    bite_main.check_config(config)
