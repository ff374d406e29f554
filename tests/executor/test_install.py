"""python -m executor setup: installs what is missing where it can, names it where it cannot, checks the sandbox."""

import io
import os
import shutil
import subprocess
import sys

import pytest

from executor import install
from tests.helpers import paths


def _hide(monkeypatch, *tools):
  """shutil.which as seen by the setup command, with `tools` missing."""
  real = shutil.which
  hidden = set(tools)
  monkeypatch.setattr(install.shutil, 'which', lambda name: None if name in hidden else real(name))
  return hidden


def test_a_ready_machine_passes_the_check():
  out = io.StringIO()
  assert install.main(check_only=True, out=out) == 0
  assert 'bubblewrap sandbox works' in out.getvalue()


def test_a_missing_tool_is_named_with_the_packages_to_install(monkeypatch):
  _hide(monkeypatch, 'go', 'bwrap')
  out = io.StringIO()
  assert install.main(check_only=True, out=out) == 1
  text = out.getvalue()
  assert 'go (Go)' in text and 'bwrap (the sandbox)' in text
  assert 'apt-get install golang-go bubblewrap' in text and 'dnf install golang bubblewrap' in text


def test_root_with_apt_installs_the_missing_packages(monkeypatch):
  hidden = _hide(monkeypatch, 'go')
  installed = []

  def fake_apt(packages):
    installed.extend(packages)
    hidden.clear()

  monkeypatch.setattr(install.os, 'geteuid', lambda: 0)
  monkeypatch.setattr(install, 'apt_install', fake_apt)
  out = io.StringIO()
  assert install.main(out=out) == 0
  assert installed == ['golang-go']


def test_without_root_nothing_is_installed_and_the_reason_is_given(monkeypatch):
  _hide(monkeypatch, 'javac')
  monkeypatch.setattr(install.os, 'geteuid', lambda: 1000)
  monkeypatch.setattr(install, 'apt_install', lambda packages: pytest.fail('must not install'))
  out = io.StringIO()
  assert install.main(out=out) == 1
  assert 'not root' in out.getvalue() and 'default-jdk-headless' in out.getvalue()


def test_a_bubblewrap_that_cannot_start_fails_the_check(tmp_path):
  fake = tmp_path / 'bwrap'
  fake.write_text('#!/bin/sh\nexit 1\n')
  fake.chmod(0o755)
  env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}')
  proc = subprocess.run(
    [sys.executable, '-m', 'executor', 'setup', '--check'], capture_output=True, text=True, env=env, cwd=paths.REPO
  )
  assert proc.returncode == 1
  assert 'cannot create namespaces' in proc.stdout
