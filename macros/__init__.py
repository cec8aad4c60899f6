"""The mkdocs side of the handbook: macros for pages, hooks, search refinement, site build and zip."""
