"""Test doubles for tree growth: programs with known costs, a deterministic editor, a counting pool.

The programs are Python loops whose cost falls 8x per level (level L repeats sum(range(n))
5 * 8**(2 - L) times), so an 'optimizer' step L -> L+1 is faster beyond any timing noise and a
'degrader' step L -> L-1 slower. The fake editor reads the level from the parent program in its
prompt and answers sample j with the action plan[j % len(plan)] (an action it knows, or a name in its
`programs`, answered with that program); it is a test double standing in for a trained editor (its
answers are the only source of children).

  python -m tests.helpers.tree_fakes --out T.jsonl --cache DIR [--hang-after-batches N]

grows a small optimization tree (the kill/resume test runs it in a subprocess).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import threading

from bite_jax.data.records import Task
from bite_jax.tree import grow_tree
from executor import ExecutorConfig, Pool

N = 10000  # elements summed per repetition: ~0.1 ms each on this machine

_LEVEL = re.compile(r'^# level (-?\d+)', re.MULTILINE)
_CODE = re.compile(r'### [A-Za-z+]+ Code:\n(.*)\n### (Optimized|Degraded) Version:\n', re.DOTALL)


def reps(level: int) -> int:
  """Repetitions of the inner sum at `level` (level 3 and above use the closed form)."""
  return 5 * 8 ** (2 - level)


def program(level: int, *, bug: str = '', name: str = 'total') -> str:
  """A Python program printing sum(range(n)) for n on stdin, with cost ~ reps(level) x n."""
  if level >= 3:
    return f'# level {level}\nimport sys\nn = int(sys.stdin.read())\nprint(n * (n - 1) // 2{bug})\n'
  return (
    f'# level {level}\nimport sys\nn = int(sys.stdin.read())\n{name} = 0\n'
    f'for _ in range({reps(level)}):\n    {name} = sum(range(n))\nprint({name}{bug})\n'
  )


def make_task(
  task_id: str, level: int = 0, n: int = N, language: str = 'python', src: str | None = None, outputs=None
) -> Task:
  """A root task: the level-`level` program (or `src`) on one input."""
  return Task(
    task_id=task_id,
    problem_id='sumloop',
    language=language,
    src=src or program(level),
    expert=None,
    inputs=(f'{n}\n',),
    outputs=outputs,
  )


def special_case(answers: dict[int, int], otherwise: str = 'print(0)') -> str:
  """A fast Python program that is right only on the inputs in `answers` (n -> what to print): it looks
  them up, and runs `otherwise` on any other n (prints 0 by default)."""
  return f'# level 9\nimport sys\nn = int(sys.stdin.read())\nif n in {answers!r}:\n    print({answers!r}[n])\nelse:\n    {otherwise}\n'


C_ROOT = (
  '#include <stdio.h>\nint main(void) {\n  long n; scanf("%ld", &n);\n  printf("%ld\\n", n * (n - 1) / 2);\n'
  '  return 0;\n}\n'
)


@dataclasses.dataclass(frozen=True)
class FakeSample:
  prompt_index: int
  sample_index: int
  text: str | None
  finish_reason: str


def parent_code(prompt: str) -> str:
  """The program inside an editor prompt (bite_jax.data.prompts layout)."""
  match = _CODE.search(prompt)
  if match is None:
    raise ValueError(f'not an editor prompt: {prompt[:80]!r}')
  return match.group(1) + '\n'


def respond(prompt: str, action: str) -> tuple[str, str]:
  """(text, finish_reason) of one fake response to `prompt`."""
  code = parent_code(prompt)
  step = 1 if 'Optimized Version' in prompt else -1
  match = _LEVEL.search(code)
  level = int(match.group(1)) if match else 0
  if action == 'next':
    return program(level + step), 'eos'
  if action == 'wrong':
    return program(level + step, bug=' + 1'), 'eos'
  if action == 'same':
    return program(level, name='acc'), 'eos'
  if action == 'unchanged':
    return code, 'eos'
  if action == 'syntax':
    return '# level 9\nprint(\n', 'eos'
  if action == 'empty':
    return '', 'eos'
  if action == 'truncated':
    return program(level + step)[:40], 'length'
  if action == 'c_compile_error':
    return 'int main(void) { return undeclared_name; }\n', 'eos'
  raise ValueError(f'unknown fake action {action!r}')


class FakeEditor:
  """Deterministic editor: sample j of a prompt is respond(prompt, plan[j % len(plan)]), or
  programs[action] when the action is one of `programs` (fixed programs, whatever the parent).

  Yields batches of `batch_rows` (prompt, sample) rows in prompt-major order, like the sampler.
  Records each call in `calls` and each yielded batch in `yielded`. `before_batch(b)` is called
  before batch b is produced; with `hang_after_batches=k` the stream blocks forever before batch k
  (so a test can kill the process mid-level).
  """

  def __init__(
    self, plan, *, batch_rows: int = 4, hang_after_batches: int | None = None, before_batch=None, programs=None
  ):
    self.plan = tuple(plan)
    self.programs = dict(programs or {})
    self.batch_rows = batch_rows
    self.hang_after_batches = hang_after_batches
    self.before_batch = before_batch
    self.calls: list[dict] = []
    self.yielded = 0

  def stream(self, prompts, num_samples, seed):
    self.calls.append({'prompts': list(prompts), 'num_samples': num_samples, 'seed': seed})
    rows = [(i, j) for i in range(len(prompts)) for j in range(num_samples)]
    for b, start in enumerate(range(0, len(rows), self.batch_rows)):
      if self.hang_after_batches is not None and self.yielded >= self.hang_after_batches:
        threading.Event().wait()  # never set: the process is killed while it waits here
      if self.before_batch is not None:
        self.before_batch(b)
      batch = []
      for i, j in rows[start : start + self.batch_rows]:
        action = self.plan[j % len(self.plan)]
        text, reason = (self.programs[action], 'eos') if action in self.programs else respond(prompts[i], action)
        batch.append(FakeSample(i, j, text, reason))
      self.yielded += 1
      yield batch


class CountingPool:
  """Wraps an executor.Pool, keeping every submitted job; `compare_submitted` is set at the first compare."""

  def __init__(self, pool):
    self.pool = pool
    self.jobs: list[dict] = []
    self.compare_submitted = threading.Event()

  def submit(self, job):
    self.jobs.append(job)
    if job['kind'] == 'compare':
      self.compare_submitted.set()
    return self.pool.submit(job)

  def compares(self) -> list[dict]:
    return [j for j in self.jobs if j['kind'] == 'compare']


# n = 8 N puts the level-2 programs at ~4 ms of work: the level 1 -> 2 verdict stays clear of
# start-up noise on a loaded 2-core machine (at n = N it is ~0.5 ms and once came out 'not_faster').
KILL_TEST_ROOTS = (('sum/a', 0, 8 * N), ('sum/b', 0, 8 * N + 1))
KILL_TEST_PLAN = ('next', 'wrong', 'next', 'empty')


def main(argv=None) -> None:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--out', required=True)
  parser.add_argument('--cache', required=True)
  parser.add_argument('--hang-after-batches', type=int, default=None)
  args = parser.parse_args(argv)
  roots = [make_task(task_id, level, n) for task_id, level, n in KILL_TEST_ROOTS]
  editor = FakeEditor(KILL_TEST_PLAN, batch_rows=2, hang_after_batches=args.hang_after_batches)
  with Pool(2, config=ExecutorConfig(cache_dir=args.cache)) as pool:
    stats = grow_tree(
      roots,
      editor,
      'optimize',
      args.out,
      height=2,
      width=4,
      pool=pool,
      meter='cpu',
      compare_options={'max_rounds': 12},
      progress=True,
      progress_every_s=0.0,
    )
  print(f'written {stats.nodes_written} jobs {stats.jobs} total {stats.nodes_total}', flush=True)


if __name__ == '__main__':
  main()
