"""HTML from the models: the one Jinja environment and its templates (forms, drafts, changes, talk plan)."""
