"""Data: records, pair loaders, the editors' prompts and the grain input pipeline."""
