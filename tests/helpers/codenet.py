"""A Project CodeNet-shaped directory with all five languages and the dirt real CodeNet has, built in a tmp dir.

Problems:
  p00001  tests in derived/input_output; every language: user u1 has a slow (300 ms) and a fast (100 ms)
          version, users u2..u6 one version each (50, 110, 400, 1000, 105 ms); plus the dirt rows of DIRT.
  p00002  tests only in the statement (problem_descriptions/p00002.html); Python only.
  p00003  no tests at all; Python only.
  p00004  a metadata file whose header lacks columns (counted, never read).
Programs read n and n numbers and print their sum; a `# tag` comment makes every text unique.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HEADER = 'submission_id,problem_id,user_id,date,language,original_language,filename_ext,status,cpu_time,memory,code_size,accuracy'
INPUT, OUTPUT = '3\n1 2 3\n', '6\n'
ORIGINAL = {
  'C': 'C (GCC 5.4.1)',
  'C++': 'C++14 (GCC 5.4.1)',
  'Go': 'Go (1.6)',
  'Java': 'Java8 (OpenJDK 1.8.0)',
  'Python': 'Python (3.4.3)',
}
EXT = {'C': 'c', 'C++': 'cpp', 'Go': 'go', 'Java': 'java', 'Python': 'py'}
KEY = {'C': 'c', 'C++': 'cpp', 'Go': 'go', 'Java': 'java', 'Python': 'python'}
# (user, cpu_time ms) of the accepted, clean submissions of p00001 in every language.
CLEAN = (('u1', 300), ('u1', 100), ('u2', 50), ('u3', 110), ('u4', 400), ('u5', 1000), ('u6', 105))
# Dirt rows of p00001 (all in Python): reason the miner must give -> how the row is planted.
DIRT = (
  'not_accepted',
  'python2',
  'python_version_unknown',
  'bad_cpu_time',
  'missing_file',
  'not_utf8',
  'empty_file',
  'too_long',
  'duplicate_exact',
  'duplicate_whitespace',
  'bad_row',
  'unknown_language',
)
MAX_TOKENS = 200  # the too_long program is over this; every clean one under it


def program(language: str, tag: str) -> str:
  """A correct program in a CodeNet language, with `tag` in a comment."""
  if language == 'Python':
    return f'# {tag}\nn = int(input())\nprint(sum(map(int, input().split())))\n'
  if language == 'C':
    return (
      f'/* {tag} */\n#include <stdio.h>\nint main(void) {{\n  int n, x; long s = 0;\n  scanf("%d", &n);\n'
      '  for (int i = 0; i < n; i++) { scanf("%d", &x); s += x; }\n  printf("%ld\\n", s);\n  return 0;\n}\n'
    )
  if language == 'C++':
    return (
      f'// {tag}\n#include <iostream>\nint main() {{\n  int n; long long s = 0, x;\n  std::cin >> n;\n'
      '  while (n--) { std::cin >> x; s += x; }\n  std::cout << s << "\\n";\n}\n'
    )
  if language == 'Go':
    return (
      f'// {tag}\npackage main\n\nimport "fmt"\n\nfunc main() {{\n\tvar n, x, s int\n\tfmt.Scan(&n)\n'
      '\tfor i := 0; i < n; i++ {\n\t\tfmt.Scan(&x)\n\t\ts += x\n\t}\n\tfmt.Println(s)\n}\n'
    )
  return (
    f'// {tag}\nimport java.util.Scanner;\n\npublic class Main {{\n  public static void main(String[] a) {{\n'
    '    Scanner in = new Scanner(System.in);\n    int n = in.nextInt(); long s = 0;\n'
    '    for (int i = 0; i < n; i++) s += in.nextInt();\n    System.out.println(s);\n  }\n}\n'
  )


class Builder:
  """Writes metadata rows and source files under ROOT; `rows[problem]` keeps the rows for the tests."""

  def __init__(self, root: Path):
    self.root = root
    self.rows: dict[str, list[dict]] = {}
    self.count = 0

  def add(self, problem, language, user, cpu, *, status='Accepted', original=None, code=None, data=None, write=True):
    self.count += 1
    sid = f's{self.count:06d}'
    ext = EXT.get(language, 'rb')
    row = {
      'submission_id': sid,
      'problem_id': problem,
      'user_id': user,
      'date': str(1400000000 + self.count),
      'language': language,
      'original_language': original or ORIGINAL.get(language, language),
      'filename_ext': ext,
      'status': status,
      'cpu_time': str(cpu),
      'memory': '1000',
      'code_size': '100',
      'accuracy': '1/1' if status == 'Accepted' else '0/1',
    }
    self.rows.setdefault(problem, []).append(row)
    if write:
      path = self.root / 'data' / problem / language / f'{sid}.{ext}'
      path.parent.mkdir(parents=True, exist_ok=True)
      if data is None:
        data = (code if code is not None else program(language, f'{problem} {sid}')).encode()
      path.write_bytes(data)
    return row

  def finish(self):
    meta = self.root / 'metadata'
    meta.mkdir(parents=True, exist_ok=True)
    problems = sorted(self.rows) + ['p00004']
    (meta / 'problem_list.csv').write_text(
      'id,name,dataset,time_limit,memory_limit,rating,tags,complexity\n'
      + ''.join(f'{p},Sum,AtCoder,2000,262144,,,\n' for p in problems)
    )
    for problem, rows in self.rows.items():
      with (meta / f'{problem}.csv').open('w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=HEADER.split(','), lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
    (meta / 'p00004.csv').write_text('submission_id,problem_id,language\ns9,p00004,C\n')


def _plant_dirt(b: Builder) -> None:
  p = 'p00001'
  b.add(p, 'Python', 'd1', 90, status='Wrong Answer')
  b.add(
    p, 'Python', 'd2', 90, original='Python (2.7.6)', code='n = input()\nprint sum(map(int, raw_input().split()))\n'
  )
  b.add(p, 'Python', 'd3', 90, original='Python')
  b.add(p, 'Python', 'd4', 'fast')
  b.add(p, 'Python', 'd5', 90, write=False)
  b.add(p, 'Python', 'd6', 90, data=b'# \xff\xfe not utf-8\nprint(6)\n')
  b.add(p, 'Python', 'd7', 90, data=b'  \n\n')
  b.add(
    p,
    'Python',
    'd8',
    90,
    code='# long\n' + 'x = 1\n' * 200 + 'n = int(input())\nprint(sum(map(int, input().split())))\n',
  )
  first = next(r for r in b.rows[p] if r['language'] == 'Python')  # copied exactly, then with other spacing
  text = (b.root / 'data' / p / 'Python' / f'{first["submission_id"]}.py').read_text()
  b.add(p, 'Python', 'd9', 90, code=text)
  b.add(p, 'Python', 'd10', 90, code=text.replace(' = ', '   =   '))
  row = b.add(p, 'Python', 'd11', 90)
  row['user_id'] = ''
  b.add(p, 'Ruby', 'd12', 90, original='Ruby (2.3.3)', code='p gets\n')
  b.add(p, 'Python', 'd13', 120, data=program('Python', 'crlf').replace('\n', '\r\n').encode())


STATEMENT = """<html><body><h3>Problem</h3><p>Print the sum.</p>
<h3>Sample Input 1</h3><pre>3
1 2 3
</pre><h3>Sample Output 1</h3><pre>6
</pre><h3>Sample Input 2</h3><pre>2
5 5
</pre><h3>Sample Output 2</h3><pre>10
</pre></body></html>
"""


def build_codenet(root: Path) -> Builder:
  """The directory described in the module docstring under `root`; returns the builder (rows by problem)."""
  b = Builder(root)
  for language in ORIGINAL:
    for user, cpu in CLEAN:
      b.add('p00001', language, user, cpu)
  _plant_dirt(b)
  for user, cpu in (('v1', 500), ('v1', 200), ('v2', 90), ('v3', 95)):
    b.add('p00002', 'Python', user, cpu)
  for user, cpu in (('w1', 40), ('w2', 45), ('w3', 300)):
    b.add('p00003', 'Python', user, cpu)
  b.finish()
  io_dir = root / 'derived' / 'input_output' / 'data' / 'p00001'
  io_dir.mkdir(parents=True)
  (io_dir / 'input.txt').write_text(INPUT)
  (io_dir / 'output.txt').write_text(OUTPUT)
  (root / 'problem_descriptions').mkdir()
  (root / 'problem_descriptions' / 'p00002.html').write_text(STATEMENT)
  return b


def build_from_pie(root: Path, pie_rows: list[dict], statements: dict[str, bytes]) -> Builder:
  """A CodeNet-layout directory of real AtCoder programs: every submission of `pie_rows` (PIE's slow/fast
  pairs, both Accepted Python 3 with their judged cpu_time) as a metadata row and a source file, the
  problems' statements (`statements`: problem id -> HTML) for tests, and the dirt of real CodeNet
  planted in the first problem: a wrong answer, a Python 2 row, a CRLF copy, a file that is not UTF-8,
  a row whose file is missing and an empty file."""
  b = Builder(root)
  seen = set()
  for r in pie_rows:
    for version, code in (('v0', r['input']), ('v1', r['target'])):
      sid = r[f'submission_id_{version}']
      if sid in seen:
        continue
      seen.add(sid)
      row = b.add(r['problem_id'], 'Python', r['user_id'], r[f'cpu_time_{version}'], code=code)
      path = root / 'data' / r['problem_id'] / 'Python' / f'{row["submission_id"]}.py'
      path.rename(path.with_name(f'{sid}.py'))
      row['submission_id'] = sid
  first = pie_rows[0]
  p, code = first['problem_id'], first['target']
  b.add(p, 'Python', 'dirt1', 10, status='Wrong Answer', code='print(0)\n')
  b.add(p, 'Python', 'dirt2', 10, original='Python (2.7.6)', code='print input()\n')
  b.add(p, 'Python', 'dirt3', 9999, data=('# crlf copy\n' + code).replace('\n', '\r\n').encode())
  b.add(p, 'Python', 'dirt4', 10, data=b'# \xe9t\xe9 latin-1\n' + code.encode())
  b.add(p, 'Python', 'dirt5', 10, write=False)
  b.add(p, 'Python', 'dirt6', 10, data=b'')
  b.finish()
  (root / 'problem_descriptions').mkdir(exist_ok=True)
  for pid, page in statements.items():
    (root / 'problem_descriptions' / f'{pid}.html').write_bytes(page)
  return b


def read_jsonl(path: Path) -> list[dict]:
  """The JSON objects of a JSONL file, one a line."""
  return [json.loads(line) for line in path.read_text().splitlines()]


def metadata_rows(root: Path) -> dict[str, dict]:
  """submission_id -> metadata row, over every problem CSV of ROOT whose header has submission_id."""
  rows = {}
  for path in sorted((root / 'metadata').glob('p[0-9]*.csv')):
    with path.open(newline='') as f:
      rows.update({r['submission_id']: r for r in csv.DictReader(f) if r.get('submission_id')})
  return rows
