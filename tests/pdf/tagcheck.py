"""A structure (tag) check of PDFs by their objects: veraPDF has no Debian or PyPI package to install."""

from __future__ import annotations

import pikepdf


def tag_problems(pdf: pikepdf.Pdf) -> tuple[list[str], set[str]]:
    """What a tag checker would report of a PDF's structure, and the structure types it uses.

    Every marked-content id on every page is in the parent tree under the page's /StructParents, and the
    element there marks it on that page; every element's /Pg is a page of the document; every annotation
    with a /StructParent is an OBJR of the element the parent tree gives for it; /MarkInfo and /Lang set.
    """
    problems: list[str] = []
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    if not pdf.Root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("/MarkInfo /Marked is not true")
    if str(pdf.Root.get("/Lang", "")) != "zh-CN":
        problems.append("/Lang is not zh-CN")
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return [*problems, "no /StructTreeRoot"], set()
    parents = dict(pikepdf.NumberTree(root.ParentTree).items())
    if max(parents, default=-1) >= int(root.get("/ParentTreeNextKey", 0)):
        problems.append("/ParentTreeNextKey is not above every key")
    kinds: set[str] = set()
    marked: set[tuple[int, int]] = set()  # (page, mcid) the tree marks
    todo = [root.K] if isinstance(root.K, pikepdf.Dictionary) else list(root.K)
    while todo:
        elem = todo.pop()
        kinds.add(str(elem.S))
        pg = elem.get("/Pg")
        if pg is not None and pg.objgen not in pages:
            problems.append(f"{elem.S}: /Pg is not a page of the document")
        kids = elem.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
            if isinstance(kid, int):
                if pg is None:
                    problems.append(f"{elem.S}: an MCID without /Pg")
                else:
                    marked.add((pages.get(pg.objgen, -1), kid))
            elif kid.get("/Type") == "/MCR":
                marked.add((pages.get(kid.get("/Pg", pg).objgen, -1), int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                key = kid.Obj.get("/StructParent")
                if key is None or parents.get(int(key)) is None or parents[int(key)].objgen != elem.objgen:
                    problems.append(f"{elem.S}: its annotation's /StructParent does not lead back to it")
            else:
                if kid.get("/P") is None or kid.P.objgen != elem.objgen:
                    problems.append(f"{kid.get('/S')}: /P is not its parent")
                todo.append(kid)
    for i, page in enumerate(pdf.pages):
        mcids = []
        for operands, op in pikepdf.parse_content_stream(page.obj):
            if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcids.append(int(operands[1].MCID))
        if not mcids:
            continue
        key = page.obj.get("/StructParents")
        row = parents.get(int(key)) if key is not None else None
        if row is None:
            problems.append(f"page {i + 1}: marked content but no parent tree entry")
            continue
        for mcid in mcids:
            if mcid >= len(row) or (i, mcid) not in marked or row[mcid].get("/Pg", None) is None:
                problems.append(f"page {i + 1}: MCID {mcid} is not in the structure tree")
    return problems, kinds
