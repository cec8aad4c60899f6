"""Batch work that uses model, render and pdf: edition PDFs, packs, drafts, new-edition scaffolding."""
