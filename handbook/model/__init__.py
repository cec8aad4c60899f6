"""Pure data: editions, forms, unit profile, roster and edition diffs (no rendering, no mkdocs)."""
