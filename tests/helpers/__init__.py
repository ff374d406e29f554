"""Importable helpers for the tests (not tests themselves): checkpoints, fakes, toy tasks, paths.

Nothing here may import a test module, and importing a helper must stay light (no torch at import).
"""
