"""Pool: results as they complete, back-pressure, crash isolation, compare jobs."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from executor import Pool
from executor.jobs import JobError
from tests.helpers.paths import REPO


def job(i, source=None, **extra):
  return {'id': i, 'lang': 'python', 'source': source or f'print({i} * 2)', 'inputs': [''], **extra}


def test_map_unordered_returns_every_result(executor_config):
  with Pool(2, config=executor_config) as pool:
    results = list(pool.map_unordered(job(i) for i in range(8)))
  assert sorted(r['id'] for r in results) == list(range(8))
  assert all(r['runs'][0]['stdout'] == f'{r["id"] * 2}\n' for r in results)


def test_submit_blocks_when_the_in_flight_queue_is_full(executor_config):
  with Pool(1, config=executor_config, max_in_flight=2) as pool:
    slow = [pool.submit(job(i, 'import time\ntime.sleep(0.8)')) for i in range(2)]
    assert pool.in_flight == 2
    third_done = threading.Event()
    threading.Thread(target=lambda: (pool.submit(job(3)), third_done.set()), daemon=True).start()
    assert not third_done.wait(0.3)  # blocked: two jobs in flight
    slow[0].result(timeout=30)
    assert third_done.wait(10)
    assert [f.result()['status'] for f in slow] == ['ok', 'ok']


def test_a_worker_that_dies_fails_only_its_job(executor_config):
  with Pool(1, config=executor_config) as pool:
    doomed = pool.submit(job('doomed', 'import time\ntime.sleep(5)'))
    time.sleep(1.0)  # let the worker pick it up
    os.kill(pool.worker_pids()[0], signal.SIGKILL)
    result = doomed.result(timeout=30)
    after = pool.submit(job('after', "print('after')")).result(timeout=60)
  assert result['status'] == 'internal_error' and 'died' in result['error']
  assert after['status'] == 'ok' and after['runs'][0]['stdout'] == 'after\n'


def test_a_hostile_job_does_not_disturb_the_others(executor_config):
  jobs = [
    job('bomb', 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', timeout=1.0),
    job('good', "print('good')"),
  ]
  with Pool(2, config=executor_config) as pool:
    results = {r['id']: r for r in pool.map_unordered(jobs)}
  assert results['bomb']['status'] == 'timeout' and results['good']['status'] == 'ok'


def test_malformed_job_is_rejected_at_submit(executor_config):
  with Pool(1, config=executor_config) as pool:
    with pytest.raises(JobError, match="missing field 'source'"):
      pool.submit({'id': 1, 'lang': 'python'})
    with pytest.raises(JobError, match='unknown language'):
      pool.submit({'id': 2, 'lang': 'cobol', 'source': ''})


def test_compare_jobs_run_on_the_pool(executor_config):
  compare_job = {
    'kind': 'compare',
    'id': 'cmp',
    'lang': 'python',
    'baseline': 'print(sum(range(10)))',
    'candidate': 'print(45)',
    'inputs': [''],
    'max_rounds': 6,
  }
  with Pool(1, config=executor_config) as pool:
    result = pool.submit(compare_job).result(timeout=120)
  assert result['id'] == 'cmp' and result['correct'] and result['kind'] == 'compare'


def test_forked_workers_serve_jobs_and_replacements_are_spawned(executor_config):
  script = (
    'import json, os, signal, sys\n'
    f'sys.path.insert(0, {str(REPO)!r})\n'
    'from executor import ExecutorConfig, Pool\n'
    f'config = ExecutorConfig(cache_dir={str(executor_config.cache_dir)!r})\n'
    'with Pool(2, config=config, fork_workers=True) as pool:\n'
    '  own = open("/proc/self/cmdline").read()\n'
    '  forked = [open(f"/proc/{p}/cmdline").read() == own for p in pool.worker_pids()]\n'
    '  jobs = [{"id": i, "lang": "python", "source": f"print({i})"} for i in range(6)]\n'
    '  outs = sorted(r["runs"][0]["stdout"] for r in pool.map_unordered(jobs))\n'
    '  os.kill(pool.worker_pids()[0], signal.SIGKILL)\n'
    '  after = [r["status"] for r in pool.map_unordered(jobs[:4])]\n'
    '  respawned = [open(f"/proc/{p}/cmdline").read() == own for p in pool.worker_pids()]\n'
    'print(json.dumps([forked, outs, after.count("ok"), respawned]))\n'
  )
  proc = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=300)
  assert proc.returncode == 0, proc.stderr[-3000:]
  forked, outs, ok_after, respawned = json.loads(proc.stdout)
  assert forked == [True, True] and outs == [f'{i}\n' for i in range(6)]
  # the killed worker's next job comes back as internal_error and a spawned worker takes its place
  assert (ok_after, respawned) in ((3, [False, True]), (4, [True, True]))  # (or the other got every job)
