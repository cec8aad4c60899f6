"""A fork's local/docs pages merged into the site, so forks never edit docs/ or mkdocs.yml."""

from __future__ import annotations

from mkdocs.structure.files import File

from handbook.paths import local_dir


def merge_local_docs(files, config):
    """Add local/docs pages to the site; a page with an upstream page's path replaces it."""
    docs = local_dir() / "docs"
    if not docs.is_dir():
        return files
    added: list[str] = []
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs).as_posix()
        old = files.get_file_from_path(rel)
        if old is not None:
            files.remove(old)
        elif rel.endswith(".md"):
            added.append(rel)
        files.append(File(rel, str(docs), config["site_dir"], config["use_directory_urls"]))
    if added and config.get("nav") is not None:
        # New pages get their own section so a fork never edits mkdocs.yml (upstream merges stay clean).
        config["nav"].append({"本单位": added})
    return files
