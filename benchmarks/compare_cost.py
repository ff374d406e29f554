"""CPU seconds one tree child costs the executor: a compare of a candidate against its parent.

    python benchmarks/compare_cost.py [--problems=dijkstra,lis,gcd_sum] [--languages=c,cpp,go,java,python]

For each mini task, the parent is its src and the candidate its expert, on the task's inputs.
As in the trees stage, the parent is already compiled (a first `python -m executor run` fills a
fresh compile cache and is not counted) and the candidate is not. Then `python -m executor compare`
runs with the tree's defaults (threshold 1.1, at most 40 interleaved rounds) in a subprocess, and
cpu_s is all the CPU time (user + system) of that subprocess and everything it started: the
candidate's compile, every run of both programs, the sandbox and the CLI's own start. A kept
child's extra-input check (tree.extra_inputs) is not included. Prints one JSON line per task and
the median per language.
"""

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bite_jax.data.mini import load_mini  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_list('problems', ['dijkstra', 'lis', 'gcd_sum'], 'mini problem ids')
flags.DEFINE_list('languages', ['c', 'cpp', 'go', 'java', 'python'], 'languages')
flags.DEFINE_integer('max_rounds', 40, 'most interleaved rounds per compare (tree.max_rounds)')


def children_cpu_s() -> float:
  usage = resource.getrusage(resource.RUSAGE_CHILDREN)
  return usage.ru_utime + usage.ru_stime


def executor(*args: str) -> dict:
  proc = subprocess.run([sys.executable, '-m', 'executor', *args], cwd=ROOT, capture_output=True, text=True)
  if proc.returncode != 0:
    raise RuntimeError(f'python -m executor {args[0]} failed: {proc.stderr[-2000:]}')
  return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(task, tmp: Path) -> dict:
  parent, child = tmp / f'parent.{task.language}', tmp / f'child.{task.language}'
  parent.write_text(task.src)
  child.write_text(task.expert)
  inputs = []
  for i, text in enumerate(task.inputs):
    path = tmp / f'input{i}.txt'
    path.write_text(text)
    inputs += ['--input', str(path)]
  common = ['--lang', task.language, '--cache-dir', str(tmp / 'cache'), '--meter', 'cpu']
  executor('run', *common, str(parent), *inputs[:2])
  before, start = children_cpu_s(), time.monotonic()
  result = executor('compare', *common, '--max-rounds', str(FLAGS.max_rounds), str(parent), str(child), *inputs)
  return {
    'task': task.task_id,
    'inputs': len(task.inputs),
    'rounds': result.get('rounds'),
    'speedup': round(result['speedup'], 2) if result.get('speedup') else None,
    'cpu_s': round(children_cpu_s() - before, 2),
    'wall_s': round(time.monotonic() - start, 2),
  }


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  rows = []
  for task in load_mini(problems=FLAGS.problems, languages=FLAGS.languages):
    with tempfile.TemporaryDirectory() as tmp:
      row = measure(task, Path(tmp))
    rows.append(row)
    print(json.dumps(row), flush=True)
  print(f'{"lang":8s} {"tasks":>5s} {"median cpu_s":>12s} {"max cpu_s":>9s} {"median rounds":>13s}')
  for lang in dict.fromkeys(row['task'].rsplit('/', 1)[1] for row in rows):
    mine = [r for r in rows if r['task'].endswith(f'/{lang}')]
    cpu = [r['cpu_s'] for r in mine]
    rounds = [r['rounds'] for r in mine if r['rounds'] is not None]
    median_rounds = statistics.median(rounds) if rounds else float('nan')
    print(f'{lang:8s} {len(mine):5d} {statistics.median(cpu):12.2f} {max(cpu):9.2f} {median_rounds:13.1f}')


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
