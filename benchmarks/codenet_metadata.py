"""How fast the data stage streams Project CodeNet metadata, and that its memory does not grow with it.

    python benchmarks/codenet_metadata.py [--rows=1000000] [--problems=1000] [--dir=DIR] [--trials=3]

Writes synthetic metadata (DIR/metadata/pNNNNN.csv, CodeNet's columns, a mix of the five languages plus
Ruby, Accepted and other statuses, Python 2 and 3) once, then times, per trial:

stream  bite_jax.data.codenet.submissions over every file, without looking for source files: CSV parsing
        and the row checks (language, status, Python version, cpu_time)
mine    bite_jax.data.codenet.mine over the directory: the same plus a stat() per usable row (there are
        no source files, so each ends as missing_file) and the per-problem pairing

Reported: median rows/s of each, and the peak resident memory (ru_maxrss) before and after the trials,
next to the metadata's size on disk.
"""

import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bite_jax.data.codenet import Stats, mine, problem_files, submissions  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer('rows', 1_000_000, 'metadata rows in all')
flags.DEFINE_integer('problems', 1000, 'problem CSV files the rows are spread over')
flags.DEFINE_string('dir', '', 'where to write the metadata (default: a temporary directory)')
flags.DEFINE_integer('trials', 3, 'timed passes of each kind')

HEADER = 'submission_id,problem_id,user_id,date,language,original_language,filename_ext,status,cpu_time,memory,code_size,accuracy\n'
LANGUAGES = (
  ('C++', 'C++14 (GCC 5.4.1)', 'cpp'),
  ('Python', 'Python (3.4.3)', 'py'),
  ('Python', 'Python (2.7.6)', 'py'),
  ('C', 'C (GCC 5.4.1)', 'c'),
  ('Java', 'Java8 (OpenJDK 1.8.0)', 'java'),
  ('Go', 'Go (1.6)', 'go'),
  ('Ruby', 'Ruby (2.3.3)', 'rb'),
)
STATUSES = ('Accepted',) * 6 + ('Wrong Answer', 'Time Limit Exceeded', 'Runtime Error', 'Compile Error')


def write_metadata(root: Path, rows: int, problems: int, seed: int = 0) -> int:
  """Writes the synthetic metadata, one problem file at a time; returns its size in bytes."""
  rng = random.Random(seed)
  meta = root / 'metadata'
  meta.mkdir(parents=True, exist_ok=True)
  size, sid = 0, 0
  for k in range(problems):
    pid = f'p{k:05d}'
    lines = [HEADER]
    for _ in range(rows // problems + (k < rows % problems)):
      sid += 1
      lang, original, ext = rng.choice(LANGUAGES)
      status = rng.choice(STATUSES)
      lines.append(
        f's{sid:09d},{pid},u{rng.randrange(10**6):09d},{1400000000 + sid},{lang},{original},{ext},{status},'
        f'{rng.choice((0, 10, 20, 50, 100, 200, 500, 1000))},{rng.randrange(1000, 100000)},{rng.randrange(50, 5000)},1/1\n'
      )
    text = ''.join(lines)
    (meta / f'{pid}.csv').write_text(text)
    size += len(text)
  return size


def stream(root: Path) -> int:
  stats = Stats()
  for path in problem_files(root):
    for _ in submissions(root, path, stats, check_files=False):
      pass
  return sum(stats.read.values())


def mine_all(root: Path) -> int:
  mined = mine(root, pairs_per_language=5000, roots_per_language=10000, min_speedup=1.1, seed=0, max_tokens=2048)
  return sum(mined.stats.read.values())


def _rss_mib() -> float:
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv):
  del argv
  with tempfile.TemporaryDirectory() as tmp:
    root = Path(FLAGS.dir) if FLAGS.dir else Path(tmp)
    started = time.time()
    if not (root / 'metadata').is_dir():
      size = write_metadata(root, FLAGS.rows, FLAGS.problems)
      print(
        f'wrote {FLAGS.rows} rows in {FLAGS.problems} files ({size / 2**20:.0f} MiB) in {time.time() - started:.0f}s'
      )
    rss_before = _rss_mib()
    rates = {'stream': [], 'mine': []}
    for _ in range(FLAGS.trials):
      for name, run in (('stream', stream), ('mine', mine_all)):
        t = time.perf_counter()
        rows = run(root)
        rates[name].append(rows / (time.perf_counter() - t))
    for name, values in rates.items():
      print(f'{name:6s} {statistics.median(values):10.0f} rows/s  (median of {len(values)}; {rows} rows)')
    print(f'peak RSS: {rss_before:.0f} MiB before the trials, {_rss_mib():.0f} MiB after')


if __name__ == '__main__':
  app.run(main)
