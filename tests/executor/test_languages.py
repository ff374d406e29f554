"""Every language compiles and runs valid programs with the right output; compile errors are reported."""

import os
import subprocess
import sys

import pytest

from executor.languages import canonical_language, java_main_class, python_interpreter

ADD = {
  'c': '#include <stdio.h>\nint main(void){long a,b; if(scanf("%ld %ld",&a,&b)!=2) return 1; '
  'printf("%ld\\n",a+b); return 0;}\n',
  'cpp': '#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a+b<<"\\n";}\n',
  'go': 'package main\nimport "fmt"\nfunc main(){ var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n',
  'java': 'import java.util.*;\npublic class Adder {\n  public static void main(String[] args) {\n'
  '    Scanner s = new Scanner(System.in);\n    System.out.println(s.nextLong() + s.nextLong());\n  }\n}\n',
  'python': 'a, b = map(int, input().split())\nprint(a + b)\n',
}

BROKEN = {
  'c': 'int main(void) { return x; }\n',
  'cpp': 'int main() { undefined_call(); }\n',
  'go': 'package main\nfunc main() { x := 1 }\n',
  'java': 'public class Main { void f() { int x = ; } }\n',
}


@pytest.mark.parametrize('lang', sorted(ADD))
def test_valid_program_prints_the_right_answer(ex, lang):
  result = ex.run(lang, ADD[lang], ['2 3\n', '1000000000 2000000000\n'])
  assert result['status'] == 'ok', result
  assert [r['stdout'] for r in result['runs']] == ['5\n', '3000000000\n']
  assert all(r['exit_code'] == 0 and r['cpu_time'] > 0 and r['peak_rss_kb'] > 0 for r in result['runs'])


@pytest.mark.parametrize('lang', sorted(BROKEN))
def test_compile_error_is_reported_with_the_compiler_message(ex, lang):
  result = ex.run(lang, BROKEN[lang], ['1\n'])
  assert result['status'] == 'compile_error' and result['runs'] == []
  message = result['compile']['message']
  assert 'main.' in message.lower() and (':1:' in message or ':2:' in message), message


def test_python_syntax_error_is_a_runtime_error(ex):
  result = ex.run('python', 'print(1 +\n', [''])
  assert result['status'] == 'runtime_error' and 'SyntaxError' in result['runs'][0]['stderr']


def test_python_runs_the_real_base_interpreter_with_fixed_hash_seed(ex):
  result = ex.run('python', "import sys, os\nprint(sys.executable)\nprint(os.environ['PYTHONHASHSEED'])\n")
  assert result['runs'][0]['stdout'].split() == [python_interpreter()[0], '0']
  assert python_interpreter()[0] == os.path.realpath(sys._base_executable)


def test_python_can_import_installed_packages(ex):
  result = ex.run('python', 'import numpy\nprint(int(numpy.arange(4).sum()))\n')
  assert result['runs'][0]['stdout'] == '6\n', result['runs'][0]['stderr']


def test_stdin_is_empty_without_input(ex):
  result = ex.run('python', 'import sys\nprint(len(sys.stdin.read()))\n')
  assert result['runs'][0]['stdout'] == '0\n'


def test_java_main_class_is_found():
  assert (
    java_main_class('class Helper {}\npublic class Solution { public static void main(String[] a){} }') == 'Solution'
  )
  assert java_main_class('class A {}\nclass B { public static void main(String[] a) {} }') == 'B'
  assert java_main_class('// public class Fake\nclass Main { static public void main(String[] a){} }') == 'Main'


def test_java_non_public_main_class_runs(ex):
  src = (
    'class Helper { static int two() { return 2; } }\n'
    'class Prog { public static void main(String[] a) { System.out.println(Helper.two()); } }\n'
  )
  assert ex.run('java', src)['runs'][0]['stdout'] == '2\n'


def test_language_aliases_and_unknown_language():
  assert canonical_language('C++') == 'cpp' and canonical_language('py') == 'python'
  with pytest.raises(ValueError, match="unknown language 'cobol'"):
    canonical_language('cobol')


def test_a_bare_run_on_the_sandbox_terms_starts_like_a_sandboxed_one(ex, tmp_path):
  source = 'import os, sys\nprint(sys.executable, sys.flags, sorted(sys.modules), sorted(os.environ))\n'
  program = ex.compile('python', source)
  argv, env = ex.host_command(program, tmp_path)
  bare = subprocess.run(ex.sandbox.host_view(argv), env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
  assert bare.stdout == ex.run('python', source)['runs'][0]['stdout']  # same interpreter, flags, modules, env
  assert env['HOME'] == env['TMPDIR'] == str(tmp_path) and argv[1] == str(program.dir / 'main.py')
