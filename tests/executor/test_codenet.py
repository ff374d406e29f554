"""CodeNet statement parsing: sample inputs/outputs."""

import io
import tarfile
from pathlib import Path

import pytest

from executor.codenet import parse_samples, sample_io, sample_io_many
from tests.helpers import paths

DATA = paths.SHARED_DATA

ATCODER = """<span class="lang-ja"><h3>入力例 1</h3><pre>1 2
</pre><h3>出力例 1</h3><pre>3
</pre></span><span class="lang-en">
<h3>Sample Input 1</h3><pre>1 2
</pre><h3>Sample Output 1</h3><pre>3
</pre><p>Because <var>1+2=3</var>.</p>
<h3>Sample Input 2</h3><pre>5 &lt;7&gt; &amp;
</pre><h3>Sample Output 2</h3><pre><var>12</var>
</pre></span>"""

AIZU = """<H2>Input</H2><pre>not a sample</pre>
<H2>Sample Input</H2>
<pre>
3
1 2 3
</pre>
<H2>Output for the Sample Input</H2>
<pre>
6
</pre>"""


def test_atcoder_pairs_are_numbered_and_unescaped():
  assert parse_samples(ATCODER) == [('1 2\n', '3\n'), ('5 <7> &\n', '12\n')]


def test_aizu_output_for_the_sample_input_heading():
  assert parse_samples(AIZU) == [('3\n1 2 3\n', '6\n')]


def test_japanese_only_headings():
  page = '<h3>サンプル入力1</h3><pre>4\n</pre><h3>サンプル出力1</h3><pre>2\n</pre>'
  assert parse_samples(page) == [('4\n', '2\n')]


def test_page_without_samples_gives_nothing():
  assert parse_samples('<h2>Input</h2><pre>x</pre>') == []


def _tar(tmp_path, pages: dict) -> Path:
  path = tmp_path / 'problem_descriptions.tar.gz'
  with tarfile.open(path, 'w:gz') as tar:
    for pid, text in pages.items():
      data = text.encode()
      info = tarfile.TarInfo(f'problem_descriptions/{pid}.html')
      info.size = len(data)
      tar.addfile(info, io.BytesIO(data))
  return path


def test_sample_io_reads_one_problem_from_a_tarball(tmp_path):
  tar = _tar(tmp_path, {'p00001': AIZU, 'p00002': ATCODER})
  assert sample_io('p00002', tar)[1] == ('5 <7> &\n', '12\n')


def test_sample_io_many_reads_several_in_one_pass(tmp_path):
  tar = _tar(tmp_path, {'p00001': AIZU, 'p00002': ATCODER})
  found = sample_io_many(['p00001', 'p00002', 'p09999'], tar)
  assert sorted(found) == ['p00001', 'p00002'] and len(found['p00002']) == 2


def test_bad_problem_id_is_rejected(tmp_path):
  with pytest.raises(ValueError, match='problem_id'):
    sample_io('../etc/passwd', tmp_path)


@pytest.mark.skipif(
  not (DATA / 'codenet' / 'problem_descriptions.tar.gz').exists(),
  reason='CodeNet descriptions not present under shared/data/codenet',
)
def test_real_statement_has_its_three_samples():
  pairs = sample_io('p03371', DATA / 'codenet' / 'problem_descriptions.tar.gz')
  assert pairs[0] == ('1500 2000 1600 3 2\n', '7900\n') and len(pairs) == 3
