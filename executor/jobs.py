"""Jobs: the dicts the pool, the worker processes and `batch` exchange.

run job:      {"kind": "run", "id", "lang", "source", "inputs": [text, ...],
               optional "timeout", "memory_mb", "wall_timeout", "meter", "repeats"}
compare job:  {"kind": "compare", "id", "lang", "baseline", "candidate", "inputs",
               optional "threshold", "meter", "timeout", "memory_mb", "confidence",
               "max_rounds", "budget_s", "rel_tol", "abs_tol", "exact"}
measure job:  {"kind": "measure", "id", "lang", "sources": [...], "inputs",
               optional "meter", "repeats", "timeout", "memory_mb"}
kind defaults to "run".  A result is the matching API dict plus "id".
"""

from __future__ import annotations

import dataclasses

from executor.config import METERS, Limits
from executor.languages import canonical_language
from executor.measuring import compare, measure

_LIMIT_KEYS = ('timeout', 'memory_mb', 'wall_timeout', 'output_bytes', 'processes')
_REQUIRED = {'run': ('lang', 'source'), 'compare': ('lang', 'baseline', 'candidate'), 'measure': ('lang', 'sources')}
_OPTIONAL = {
  'run': ('inputs', 'meter', 'repeats'),
  'compare': (
    'inputs',
    'meter',
    'threshold',
    'confidence',
    'min_rounds',
    'max_rounds',
    'budget_s',
    'rel_tol',
    'abs_tol',
    'exact',
    'net',
  ),
  'measure': ('inputs', 'meter', 'repeats', 'confidence', 'rel_tol', 'abs_tol', 'exact', 'net'),
}


_NUMBERS = ('timeout', 'wall_timeout', 'threshold', 'confidence', 'budget_s', 'rel_tol', 'abs_tol')
_INTEGERS = ('memory_mb', 'output_bytes', 'processes', 'repeats', 'min_rounds', 'max_rounds')
_BOOLEANS = ('exact', 'net')


class JobError(ValueError):
  """A job dict is malformed; the message names the field."""


def _check_types(job: dict, where: str) -> None:
  """JobError naming the first optional field of the wrong JSON type (null stands for the default)."""
  for key, value in job.items():
    if value is None:
      continue
    if key in _NUMBERS and (isinstance(value, bool) or not isinstance(value, (int, float))):
      raise JobError(f'{where}: field {key!r} must be a number, got {type(value).__name__}')
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if key in _INTEGERS and (isinstance(value, bool) or not integral):
      raise JobError(f'{where}: field {key!r} must be an integer, got {value!r}')
    if key in _BOOLEANS and not isinstance(value, bool):
      raise JobError(f'{where}: field {key!r} must be true or false, got {value!r}')
  if job.get('meter') is not None and job['meter'] not in METERS:
    raise JobError(f"{where}: field 'meter' must be one of {', '.join(METERS)}, got {job['meter']!r}")
  if job.get('repeats') is not None and job['repeats'] < 1:
    raise JobError(f"{where}: field 'repeats' must be >= 1, got {job['repeats']!r}")


def validate_job(job, where: str = 'job') -> dict:
  """Check a job dict and return a normalised copy; raise JobError naming the bad field."""
  if not isinstance(job, dict):
    raise JobError(f'{where}: expected a JSON object, got {type(job).__name__}')
  kind = job.get('kind', 'run')
  if kind not in _REQUIRED:
    raise JobError(f"{where}: field 'kind' must be run, compare or measure, got {kind!r}")
  for key in _REQUIRED[kind]:
    if key not in job:
      raise JobError(f'{where}: missing field {key!r}')
  allowed = set(_REQUIRED[kind]) | set(_OPTIONAL[kind]) | set(_LIMIT_KEYS) | {'kind', 'id'}
  unknown = sorted(set(job) - allowed)
  if unknown:
    raise JobError(f'{where}: unknown field(s) {unknown} for a {kind} job')
  out = dict(job, kind=kind)
  try:
    out['lang'] = canonical_language(job['lang'])
  except ValueError as exc:
    raise JobError(f"{where}: field 'lang': {exc}") from None
  for key in ('source', 'baseline', 'candidate'):
    if key in job and not isinstance(job[key], str):
      raise JobError(f'{where}: field {key!r} must be a string')
  if 'sources' in job and (not isinstance(job['sources'], list) or not all(isinstance(s, str) for s in job['sources'])):
    raise JobError(f"{where}: field 'sources' must be a list of strings")
  inputs = job.get('inputs', [])
  if not isinstance(inputs, list) or not all(isinstance(x, str) for x in inputs):
    raise JobError(f"{where}: field 'inputs' must be a list of strings")
  _check_types(job, where)
  try:
    limits_of(out)
  except (TypeError, ValueError) as exc:
    raise JobError(f'{where}: {exc}') from None
  return out


def limits_of(job: dict, base: Limits | None = None) -> Limits:
  """Limits of a job: base (default Limits()) with the job's limit fields applied."""
  fields = {k: job[k] for k in _LIMIT_KEYS if k in job and job[k] is not None}
  for k in ('memory_mb', 'output_bytes', 'processes'):
    if k in fields:
      fields[k] = int(fields[k])
  for k in ('timeout', 'wall_timeout'):
    if k in fields:
      fields[k] = float(fields[k])
  return dataclasses.replace(base or Limits(), **fields)


def run_job(ex, job: dict) -> dict:
  """Execute one validated job on an Executor; returns its result dict with "id"."""

  limits = limits_of(job)
  kind = job['kind']
  if kind == 'run':
    result = ex.run(
      job['lang'],
      job['source'],
      job.get('inputs', []),
      limits=limits,
      meter=job.get('meter'),
      repeats=int(job.get('repeats', 1)),
    )
  elif kind == 'compare':
    extra = {k: job[k] for k in _OPTIONAL['compare'] if k in job and k not in ('inputs', 'meter')}
    result = compare(
      ex,
      job['lang'],
      job['baseline'],
      job['candidate'],
      job.get('inputs', []),
      meter=job.get('meter'),
      limits=limits,
      **extra,
    )
  else:
    extra = {k: job[k] for k in _OPTIONAL['measure'] if k in job and k not in ('inputs', 'meter')}
    result = measure(
      ex, job['lang'], job['sources'], job.get('inputs', []), meter=job.get('meter'), limits=limits, **extra
    )
  return {'id': job.get('id'), 'kind': kind, **result}
