"""Baselines: direct, RAG (BM25-retrieved examples) and refine (executor feedback) candidate generation."""

import pytest

from bite_jax.data.records import Pair
from bite_jax.data.responses import extract_program
from bite_jax.evaluate.baseline_prompts import direct_prompt, feedback_text, rag_prompt, refine_prompt, sbllm_prompt
from bite_jax.evaluate.baselines import PairRetriever, generate_candidates
from bite_jax.sample import Sample
from executor import Pool
from tests.helpers.toy_tasks import SUM_EXPERT, SUM_SLOWER, SUM_SRC, SUM_WRONG, sum_task


class ScriptedSampler:
  """Answers prompts with given texts, in order, and records the prompts it saw."""

  def __init__(self, answers):
    self.answers, self.prompts = list(answers), []

  def generate(self, prompts, *, num_samples, **options):
    self.prompts.append(list(prompts))
    return [
      [
        Sample(prompt_index=i, sample_index=j, token_ids=[], text=self.answers.pop(0), finish_reason='eos')
        for j in range(num_samples)
      ]
      for i in range(len(prompts))
    ]


PAIRS = [
  Pair('python', 'import heapq\nh = []\nheapq.heappush(h, 1)\n', 'FAST-HEAP', problem_id='p1'),
  Pair('python', 'print(sum(range(int(input()))))\n', 'FAST-SUM', problem_id='p2'),
  Pair('python', 'n = int(input())\ns = 0\nfor i in range(n + 1):\n    s += i\n', 'SAME-PROBLEM', problem_id='sum'),
  Pair('cpp', 'int main() { int s = 0; for (int i = 0; i <= n; i++) s += i; }', 'FAST-CPP', problem_id='p3'),
]


def test_retriever_picks_similar_pairs_of_the_same_language_and_other_problems():
  examples = PairRetriever(PAIRS).examples(sum_task(), 2)
  assert [p.fast for p in examples] == ['FAST-SUM', 'FAST-HEAP']


def test_rag_prompt_puts_the_examples_before_the_task_prompt():
  task = sum_task()
  prompt = rag_prompt('python', task.src, PAIRS[:1])
  assert prompt.endswith(direct_prompt('python', task.src))
  assert prompt.startswith(direct_prompt('python', PAIRS[0].slow) + 'FAST-HEAP\n\n')


def test_a_response_to_a_rag_prompt_is_read_like_a_direct_one():
  code, status = extract_program(SUM_EXPERT + '### Python Code:\nmore', 'length')
  assert (code, status) == (SUM_EXPERT, 'ok')


def test_refine_prompt_shows_the_attempt_and_its_feedback():
  prompt = refine_prompt('cpp', 'int main(){}', 'int main(){return 1;}', 'Compilation failed:\nerror')
  assert '### C++ Code:\nint main(){}\n### Previous Attempt:\nint main(){return 1;}\n' in prompt
  assert prompt.endswith('### Execution Feedback:\nCompilation failed:\nerror\n### Optimized Version:\n')


@pytest.mark.parametrize(
  'result, text, rank',
  [
    (
      {'candidate': {'compile': {'status': 'compile_error', 'message': 'main.c:2: error: x'}}},
      'Compilation failed:\nmain.c:2: error: x',
      0,
    ),
    (
      {
        'candidate': {'compile': {'status': 'ok'}},
        'correct': False,
        'reason': 'candidate output differs',
        'mismatch': {'input': 1, 'difference': {'token': 0, 'expected': '6', 'got': '5'}},
      },
      "Wrong output on input 1: token 0 is '5' where '6' is expected.",
      0,
    ),
    (
      {'candidate': {'compile': {'status': 'ok'}}, 'correct': True, 'speedup': 3.0, 'faster': True},
      'The program is correct and 3.00x as fast as the original. Make it faster still.',
      2,
    ),
  ],
)
def test_feedback_text_says_what_running_the_attempt_showed(result, text, rank):
  got, got_rank, _ = feedback_text(result)
  assert (got, got_rank) == (text, rank)


def test_correct_but_not_faster_feedback_asks_for_a_better_algorithm():
  text, rank, speedup = feedback_text({'candidate': {}, 'correct': True, 'speedup': 1.02, 'faster': False})
  assert rank == 1 and speedup == 1.02 and 'only 1.02x as fast' in text


def test_direct_generation_returns_num_samples_extracted_programs_per_task():
  tasks = [sum_task(), sum_task('toy/other')]
  sampler = ScriptedSampler(['```python\nprint(1)\n```', 'print(2)\n', '', 'print(4)\n### Python Code:\n'])
  got = generate_candidates(tasks, sampler, 'direct', num_samples=2, progress=False)
  assert [(c['task_id'], c['sample_index'], c['code'], c['status']) for c in got] == [
    ('toy/sum/python', 0, 'print(1)\n', 'ok'),
    ('toy/sum/python', 1, 'print(2)\n', 'ok'),
    ('toy/other', 0, '', 'empty'),
    ('toy/other', 1, 'print(4)\n', 'ok'),
  ]
  assert sampler.prompts == [[direct_prompt('python', t.src) for t in tasks]]


def test_rag_generation_prompts_with_retrieved_examples():
  sampler = ScriptedSampler(['print(1)\n'])
  generate_candidates([sum_task()], sampler, 'rag', train_pairs=PAIRS, rag_k=1, progress=False)
  assert sampler.prompts[0][0].startswith(direct_prompt('python', PAIRS[1].slow) + 'FAST-SUM\n')


def test_rag_needs_training_pairs():
  with pytest.raises(ValueError, match='train_pairs'):
    generate_candidates([sum_task()], ScriptedSampler([]), 'rag')


def test_refine_feeds_execution_feedback_back_and_keeps_the_best_attempt():
  # Loops of millions of steps (~0.1 s): far above interpreter start-up, so "faster" is never a coin toss.
  task = sum_task(n=(2_000_000, 3_000_000))
  sampler = ScriptedSampler([SUM_WRONG, SUM_EXPERT, SUM_SLOWER])
  with Pool(1) as pool:
    got = generate_candidates([task], sampler, 'refine', refine_rounds=2, pool=pool, progress=False)
  assert [c['code'] for c in got] == [SUM_EXPERT]  # round 2's slower program does not replace it
  round1, round2 = sampler.prompts[1][0], sampler.prompts[2][0]
  assert '### Previous Attempt:\n' + SUM_WRONG.rstrip('\n') in round1 and 'Wrong output on input 0' in round1
  assert 'The program is correct and' in round2 and 'as fast as the original' in round2, round2


def test_sbllm_prompt_shows_patterns_the_best_versions_and_the_failing_one():
  prompt = sbllm_prompt('python', SUM_SRC, [(SUM_EXPERT, 3.5)], (SUM_WRONG, 'Wrong output on input 0'), PAIRS[1:2])
  assert prompt.startswith('Below are optimization patterns')
  assert '### Pattern 1 Slow:\n' + PAIRS[1].slow.rstrip('\n') + '\n### Pattern 1 Fast:\nFAST-SUM\n' in prompt
  assert '### Version 1 (3.50x as fast):\n' + SUM_EXPERT in prompt
  assert '### Failing Version:\n' + SUM_WRONG + '### Why It Fails:\nWrong output on input 0\n' in prompt
  assert prompt.endswith('### Optimized Version:\n')
  assert extract_program('print(2)\n### Version 2 (1.00x as fast):\nx\n', 'eos') == ('print(2)\n', 'ok')


def test_sbllm_seeds_each_round_with_the_best_measured_programs_and_keeps_the_fastest():
  task = sum_task(n=(2_000_000, 3_000_000))
  # Round 0: a wrong and a fast program; round 1: a slower one and the fast one again.
  sampler = ScriptedSampler([SUM_WRONG, SUM_EXPERT, SUM_SLOWER, SUM_EXPERT])
  with Pool(1) as pool:
    got = generate_candidates(
      [task], sampler, 'sbllm', num_samples=2, sbllm_rounds=1, train_pairs=PAIRS, pool=pool, progress=False
    )
  assert [c['code'] for c in got] == [SUM_EXPERT, SUM_SLOWER]  # correct and faster, then correct; never the wrong one
  assert [c['method'] for c in got] == ['sbllm', 'sbllm']
  (round1,) = sampler.prompts[1]
  assert '### Version 1 (' in round1 and 'x as fast):\n' + SUM_EXPERT in round1
  assert '### Failing Version:\n' + SUM_WRONG in round1 and 'Wrong output on input 0' in round1
  assert 'FAST-SUM' in round1 and 'SAME-PROBLEM' not in round1  # retrieved patterns, never the task's own problem
