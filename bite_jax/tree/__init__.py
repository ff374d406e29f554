"""Bidirectional tree editing: grow (the level-by-level search; its engine in grower, with extra_check,
the differential check of kept children, and progress, its progress lines), editor (what proposes
children), store (the append-only tree file) and nodes (its records), verdict (which children are kept),
stats (what a tree holds).
"""

from bite_jax.tree.editor import DEFAULT_STOP_STRINGS, Editor, EditorSample, SamplerEditor, load_editor
from bite_jax.tree.grow import HEIGHT_COUNTS, TreeStats, grow_tree, grow_tree_kwargs, tree_name, tree_shape
from bite_jax.tree.stats import example_edit, format_statistics, tree_statistics
from bite_jax.tree.store import TreeFormatError, read_tree, tree_complete
from bite_jax.tree.verdict import REASONS

__all__ = [
  'DEFAULT_STOP_STRINGS',
  'REASONS',
  'Editor',
  'EditorSample',
  'SamplerEditor',
  'TreeFormatError',
  'TreeStats',
  'example_edit',
  'format_statistics',
  'grow_tree',
  'grow_tree_kwargs',
  'tree_shape',
  'HEIGHT_COUNTS',
  'load_editor',
  'read_tree',
  'tree_complete',
  'tree_name',
  'tree_statistics',
]
