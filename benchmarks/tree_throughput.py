"""Tree growth throughput, and what overlapping sampling with execution saves.

    python benchmarks/tree_throughput.py [--roots=4] [--height=2] [--width=4] [--decode_s=0.5] [--workers=2] [--trials=2]

The editor is the deterministic fake of tests/helpers/tree_fakes.py, made to take `decode_s` seconds per
batch of 2 rows (a stand-in for sampler decoding, which runs on the accelerator while the
executor uses the CPU). Children are judged by the real executor pool (cpu meter).

overlap     grow_tree as is: each batch's compare jobs start while the next batch decodes
sequential  the same editor, but its whole stream is collected before the first batch is
            handed over (what a loop without overlap would do)

Trials alternate the two modes; medians of wall time and nodes/s are reported.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bite_jax.tree import grow_tree  # noqa: E402
from executor import ExecutorConfig, Pool  # noqa: E402
from tests.helpers.tree_fakes import FakeEditor, make_task  # noqa: E402

PLAN = ('next', 'wrong', 'syntax', 'next')

FLAGS = flags.FLAGS
flags.DEFINE_integer('roots', 4, 'root tasks of the tree')
flags.DEFINE_integer('height', 2, 'tree height')
flags.DEFINE_integer('width', 4, 'children per node')
flags.DEFINE_float('decode_s', 0.5, 'seconds the fake editor takes per batch of 2 rows')
flags.DEFINE_integer('workers', 2, 'executor pool workers')
flags.DEFINE_integer('trials', 2, 'rounds of overlap and sequential')


class SlowEditor:
  """The fake editor with a fixed decode time per batch; `collect=True` withholds batches until the end."""

  def __init__(self, decode_s: float, collect: bool):
    self.inner = FakeEditor(PLAN, batch_rows=2)
    self.decode_s = decode_s
    self.collect = collect

  def stream(self, prompts, num_samples, seed):
    def timed():
      for batch in self.inner.stream(prompts, num_samples, seed):
        time.sleep(self.decode_s)
        yield batch

    if self.collect:
      yield from list(timed())
    else:
      yield from timed()


def trial(mode: str, args, pool, tmp: Path) -> tuple[float, float, int]:
  roots = [make_task(f'r{i}', n=9000 + i) for i in range(args.roots)]
  path = tmp / f'{mode}-{time.monotonic_ns()}.jsonl'
  start = time.perf_counter()
  stats = grow_tree(
    roots,
    SlowEditor(args.decode_s, mode == 'sequential'),
    'optimize',
    path,
    height=args.height,
    width=args.width,
    pool=pool,
    meter='cpu',
    compare_options={'max_rounds': 12},
    progress=False,
  )
  seconds = time.perf_counter() - start
  return seconds, stats.nodes_written / seconds, stats.jobs


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    sys.exit(f'unexpected argument(s) {argv[1:]}: every option is a --flag=value')
  args = FLAGS
  with (
    tempfile.TemporaryDirectory() as tmp,
    Pool(args.workers, config=ExecutorConfig(cache_dir=Path(tmp) / 'cache')) as pool,
  ):
    results = {'overlap': [], 'sequential': []}
    for _ in range(args.trials):
      for mode in results:
        results[mode].append(trial(mode, args, pool, Path(tmp)))
  print(
    f'roots={args.roots} height={args.height} width={args.width} decode_s/batch={args.decode_s} '
    f'workers={args.workers} trials={args.trials}'
  )
  for mode, rows in results.items():
    wall = statistics.median(r[0] for r in rows)
    rate = statistics.median(r[1] for r in rows)
    print(f'{mode:>10}: {wall:6.2f} s wall, {rate:5.2f} nodes/s, {rows[0][2]} executor jobs')
  saved = 1 - statistics.median(r[0] for r in results['overlap']) / statistics.median(
    r[0] for r in results['sequential']
  )
  print(f'overlap saves {saved:.0%} of the wall time')


if __name__ == '__main__':
  # Not app.run: that would also route logging through absl and print every INFO record.
  app.define_help_flags()
  sys.exit(main(app.parse_flags_with_usage(sys.argv)))
