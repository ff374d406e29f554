"""Pool throughput vs bare parallel subprocesses on many short Python jobs.

    python benchmarks/executor_throughput.py [--jobs=48] [--workers=2] [--trials=3] [--loop=1000]

bare    = `workers` threads each running the program without the sandbox but on its terms: the
          same interpreter, flags, environment and masked start-up hooks (executor_baseline.py)
batch   = `python -m executor batch JOBS.jsonl --workers N`, end to end (CLI start,
          worker start, sandboxed runs)
pool    = executor.Pool(N).map_unordered(jobs) in this process (workers warm)
Trials alternate bare/batch/pool; medians are reported with the ratio bare/x
(>= 1 means at least as fast as bare).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from executor_baseline import BareRunner  # noqa: E402

from executor import Executor, ExecutorConfig, Pool  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer('jobs', 48, 'short Python jobs per trial')
flags.DEFINE_integer('workers', 2, 'worker processes (bare: threads)')
flags.DEFINE_integer('trials', 3, 'rounds of bare, batch, pool')
flags.DEFINE_integer(
  'loop',
  1000,
  "loop iterations per unit of a job's input (job i loops loop x (i % 7) times): 1000 gives ~1 ms jobs where "
  'start-up dominates; 300000 gives contest-sized runs of tens of ms',
)


def make_jobs(n: int, loop: int) -> list[dict]:
  return [
    {
      'id': i,
      'lang': 'python',
      'source': f'n = int(input())\nprint(sum(i * i for i in range(n)) + {i})\n',
      'inputs': [f'{loop * (i % 7)}\n'],
    }
    for i in range(n)
  ]


def run_bare(runner: BareRunner, programs: list, jobs: list[dict], workers: int) -> float:
  elapsed, outputs = runner.run(programs, [job['inputs'][0] for job in jobs], workers)
  assert all(outputs), 'a bare run failed or printed nothing'
  return elapsed


def run_batch(jobs_file: Path, workers: int, cache: Path) -> float:
  start = time.perf_counter()
  proc = subprocess.run(
    [sys.executable, '-m', 'executor', 'batch', str(jobs_file), '--workers', str(workers), '--cache-dir', str(cache)],
    capture_output=True,
    text=True,
    cwd=ROOT,
  )
  elapsed = time.perf_counter() - start
  lines = [json.loads(line) for line in proc.stdout.splitlines()]
  assert proc.returncode == 0 and all(r['status'] == 'ok' for r in lines), proc.stderr[-2000:]
  return elapsed


def run_pool(pool: Pool, jobs: list[dict]) -> float:
  start = time.perf_counter()
  results = list(pool.map_unordered(jobs))
  elapsed = time.perf_counter() - start
  assert all(r['status'] == 'ok' for r in results)
  return elapsed


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  jobs = make_jobs(FLAGS.jobs, FLAGS.loop)
  with tempfile.TemporaryDirectory() as tmp_name:
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o755)
    cache = tmp / 'cache'
    jobs_file = tmp / 'jobs.jsonl'
    jobs_file.write_text(''.join(json.dumps(j) + '\n' for j in jobs))
    run_batch(jobs_file, FLAGS.workers, cache)  # warm the compile cache
    times = {'bare': [], 'batch': [], 'pool': []}
    config = ExecutorConfig(cache_dir=cache)
    workdir = tmp / 'bare'
    workdir.mkdir()
    with Executor(config) as ex, BareRunner(ex, workdir) as runner, Pool(FLAGS.workers, config=config) as pool:
      programs = [ex.compile('python', job['source']) for job in jobs]
      run_bare(runner, programs, jobs, FLAGS.workers)
      run_pool(pool, jobs)
      for trial in range(FLAGS.trials):
        times['bare'].append(run_bare(runner, programs, jobs, FLAGS.workers))
        times['batch'].append(run_batch(jobs_file, FLAGS.workers, cache))
        times['pool'].append(run_pool(pool, jobs))
        print(json.dumps({'trial': trial, **{k: round(v[-1], 3) for k, v in times.items()}}), flush=True)
  med = {k: statistics.median(v) for k, v in times.items()}
  summary = {
    'jobs': FLAGS.jobs,
    'loop': FLAGS.loop,
    'workers': FLAGS.workers,
    'trials': FLAGS.trials,
    **{f'{k}_s': round(v, 3) for k, v in med.items()},
    'batch_throughput_vs_bare': round(med['bare'] / med['batch'], 3),
    'pool_throughput_vs_bare': round(med['bare'] / med['pool'], 3),
  }
  print(json.dumps(summary))


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
