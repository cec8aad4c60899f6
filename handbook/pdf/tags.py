"""Structure trees (PDF tags) of documents merged page by page: one tree, one parent tree, keys renumbered."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree


class Tree:
    """One source's structure: its top elements (the kids of its Document), parent tree and namespaces,
    as objects of the merged PDF (copied there when the source is another PDF)."""

    def __init__(self, pdf: pikepdf.Pdf, source: pikepdf.Pdf):
        root = source.Root.get("/StructTreeRoot")
        self.kids: list = []
        self.parents: dict[int, object] = {}
        self.namespaces: list = []
        self.role_map: dict[str, object] = {}
        if root is None:
            return
        if source is not pdf:
            # Copied after the source's pages: qpdf's copier maps each /Pg to the page copied before.
            root = pdf.copy_foreign(root)
        top = root.get("/K")
        top = list(top) if isinstance(top, Array) else [top] if top is not None else []
        for elem in top:
            if isinstance(elem, Dictionary) and elem.get("/S") == "/Document":
                kids = elem.get("/K")
                self.kids += list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
            else:
                self.kids.append(elem)
        if "/ParentTree" in root:
            self.parents = {int(k): v for k, v in NumberTree(root.ParentTree).items()}
        self.namespaces = list(root.get("/Namespaces", []))
        self.role_map = dict(root.get("/RoleMap", {}).items())


def _pages_of(elem, pages: set) -> bool:
    """Whether a structure element (or its kids) marks anything on one of `pages` (page objgens)."""
    pg = elem.get("/Pg")
    if pg is not None and pg.objgen in pages:
        return True
    kids = elem.get("/K")
    for kid in (kids if isinstance(kids, Array) else [kids]) if kids is not None else []:
        if isinstance(kid, Dictionary) and _pages_of(kid, pages):
            return True
    return False


def _prune(elem, pages: set, annots: set) -> bool:
    """Drop the parts of `elem` on pages not in `pages` and references to annotations not in `annots` (a
    link the merge dropped); False when nothing of it is left."""
    kids = elem.get("/K")
    if kids is None:
        pg = elem.get("/Pg")
        return pg is None or pg.objgen in pages
    items = list(kids) if isinstance(kids, Array) else [kids]
    kept = Array()
    for kid in items:
        if isinstance(kid, Dictionary):
            if kid.get("/Type") in ("/MCR", "/OBJR"):
                owner = kid.get("/Pg", elem.get("/Pg"))
                if owner is not None and owner.objgen not in pages:
                    continue
                if kid.get("/Type") == "/OBJR" and kid.Obj.objgen not in annots:
                    continue
            elif not _prune(kid, pages, annots):
                continue
        else:  # an MCID on the element's page
            pg = elem.get("/Pg")
            if pg is not None and pg.objgen not in pages:
                continue
        kept.append(kid)
    elem.K = kept
    return len(kept) > 0


def merge(pdf: pikepdf.Pdf, trees: list[tuple[Tree, list]]) -> None:
    """Give `pdf` one structure tree from `trees` (each with the pages, now in `pdf`, it marks content on):
    their top elements under one Document, their parent trees renumbered into one, /MarkInfo set."""
    alive = {p.objgen for p in pdf.pages}
    annots = {a.objgen for p in pdf.pages for a in p.obj.get("/Annots", [])}
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parents = NumberTree.new(pdf)
    next_key = 0
    namespaces, seen_ns, role_map = Array(), set(), Dictionary()
    for tree, pages in trees:
        # Keys of this source become next_key + key: pages' /StructParents, annotations' /StructParent.
        base = next_key
        for page in pages:
            if page.obj.objgen not in alive:
                continue
            if "/StructParents" in page.obj:
                page.obj.StructParents = base + int(page.obj.StructParents)
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = base + int(annot.StructParent)
        for key, value in sorted(tree.parents.items()):
            if isinstance(value, Array):
                owners = [e for e in value if isinstance(e, Dictionary)]
                if owners and not any(_pages_of(e, alive) for e in owners):
                    continue
            elif isinstance(value, Dictionary) and not _pages_of(value, alive):
                continue
            parents[base + key] = value
        next_key = base + (max(tree.parents) + 1 if tree.parents else 0)
        for kid in tree.kids:
            if isinstance(kid, Dictionary) and _prune(kid, alive, annots):
                kid.P = doc
                doc.K.append(kid)
        for ns in tree.namespaces:
            if ns.objgen not in seen_ns:
                seen_ns.add(ns.objgen)
                namespaces.append(ns)
        for role, std in tree.role_map.items():
            role_map[role] = std
    root = Dictionary(
        Type=Name.StructTreeRoot, K=Array([doc]), ParentTree=parents.obj, ParentTreeNextKey=next_key
    )
    if namespaces:
        root.Namespaces = namespaces
    if len(role_map):
        root.RoleMap = role_map
    doc.P = pdf.make_indirect(root)
    pdf.Root.StructTreeRoot = doc.P
    pdf.Root.MarkInfo = Dictionary(Marked=True)


def _reached(root) -> set:
    """The objgens of every structure element reached from a structure tree root."""
    seen: set = set()
    top = root.get("/K")
    todo = list(top) if isinstance(top, Array) else [top] if top is not None else []
    while todo:
        elem = todo.pop()
        if not isinstance(elem, Dictionary) or elem.get("/Type") in ("/MCR", "/OBJR") or elem.objgen in seen:
            continue
        seen.add(elem.objgen)
        kids = elem.get("/K")
        todo += list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
    return seen


def artifact_orphans(pdf: pikepdf.Pdf) -> None:
    """Mark as artifacts the content WeasyPrint tags under elements outside its tree (the page margin boxes:
    running headers, page numbers), so every marked-content id left is reached from the tree."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return
    reached = _reached(root)
    parents = NumberTree(root.ParentTree)
    keys = [int(k) for k, _ in parents.items()]
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        row = parents.get(int(key)) if key is not None else None
        if not isinstance(row, Array):
            continue
        orphans = {i for i, e in enumerate(row) if isinstance(e, Dictionary) and e.objgen not in reached}
        if not orphans:
            continue
        ops = []
        for operands, op in pikepdf.parse_content_stream(page.obj):
            if (
                str(op) == "BDC"
                and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in orphans
            ):
                ops.append(pikepdf.ContentStreamInstruction([Name.Artifact], pikepdf.Operator("BMC")))
            else:
                ops.append(pikepdf.ContentStreamInstruction(operands, op))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        for i in orphans:
            row[i] = None
    root.ParentTreeNextKey = max(keys, default=-1) + 1
