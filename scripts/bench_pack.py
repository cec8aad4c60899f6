"""Benchmark (not a test) of `handbook pack --units`: fast overlay path against WeasyPrint from scratch.

    .venv/bin/python scripts/bench_pack.py                 # 200 units × 30 members, naive side 2 units
    .venv/bin/python scripts/bench_pack.py --units 20 --naive-units 1 --mem-sizes 5,20   # a quick look
    .venv/bin/python scripts/bench_pack.py --single-members 2000   # a large 党委 packed as one unit
    .venv/bin/python scripts/bench_pack.py --single-only --single-members 2000   # that unit alone, no batch

Rosters are synthetic: fictional names drawn with a fixed seed from a few hundred common characters.
The fast side runs cold (empty PDF and layout caches in a temporary folder) so layout rendering counts.
Peak memory is measured in fresh processes for two batch sizes (parent and worker peak RSS).
Size: the batch's bytes per unit beside the first unit packed alone (goal: within 1.3×).
Single unit: one unit of --single-members members packed as `handbook pack --roster` does (one process),
cold, its pages/s printed beside the batch's.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文玉春梅晓燕辉鹏飞云宇浩然思雨欣怡佳琪子涵"
    "博俊海波丹宁婷雪琳慧颖玲丽萍亮斌峰凯鑫昊天晨阳瑞雅婧瑶诗梦可心悦嘉乐安康永新振东立坤德庆福荣翠凤秋菊"
    "荣宏锋成松林柏清源泽润家豪嘉怡雯倩蕾薇茜蓉珊琦彤妍洁莉蓓蕊岚旭光耀宁远卫民学良宝生长青向前红梅爱华继承"
)
POSTS = ("科员", "科长", "副科长", "主任科员", "工程师", "教师", "会计", "干事", "馆员", "技术员")


def make_units(folder: Path, count: int, members: int, seed: int = 20250101) -> Path:
    """`count` unit folders, each with unit.yml and a roster.csv of `members` fictional members."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for u in range(1, count + 1):
        d = folder / f"unit{u:03d}"
        d.mkdir(exist_ok=True)
        rows = ["姓名,性别,出生年月,入党时间,党员类别,党小组,职务,流动党员,领导干部"]
        names = []
        for i in range(members):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            names.append(name)
            born = rng.randint(1958, 2000)
            joined = min(2024, born + rng.randint(18, 40))
            cat = "预备党员" if i >= members - max(1, members // 15) else "正式党员"
            if cat == "预备党员":
                joined = 2025
            post = ("党支部书记", "组织委员", "宣传委员")[i] if i < 3 else rng.choice(POSTS)
            group = f"第{'一二三'[i % 3]}党小组"
            mobile = "是" if i % 17 == 5 else "否"
            leader = "是" if i % 11 == 1 else "否"
            rows.append(
                f"{name},{rng.choice('男女')},{born}.{rng.randint(1, 12):02d},"
                f"{joined}.{rng.randint(1, 6):02d},"
                f"{cat},{group},{post},{mobile},{leader}"
            )
        (d / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (d / "unit.yml").write_text(f"党支部: 中共示例市第{u}党支部\n书记: {names[0]}\n", encoding="utf-8")
    return folder


def fast(units_dir: Path, out: Path, cache: Path, single: bool = False) -> dict:
    """The real command path, cold caches: `--units` (2 worker processes), or with `single` the one unit as
    `--roster` packs it; returns pages, seconds and peak RSS."""
    import handbook.pdf.engine
    import handbook.pdf.overlay
    from handbook.jobs import pack

    handbook.pdf.engine.CACHE_DIR = cache / "pdf"
    handbook.pdf.overlay.CACHE_DIR = cache / "pack"
    units, _ = pack.find_units(units_dir)
    timings: dict = {}
    t0 = time.perf_counter()
    if single:
        outcomes = pack.run_batch(units, lambda s: out / s.key, workers=1, timings=timings)
    else:
        outcomes = pack.run_batch(units, lambda s: out / s.key, timings=timings)
    total = time.perf_counter() - t0
    failed = [o for o in outcomes if o.error]
    if failed:
        raise SystemExit(f"fast path failed: {failed[0].key}: {failed[0].error}")
    return {
        "units": len(outcomes),
        "pages": sum(o.pages for o in outcomes),
        "files": sum(1 for _ in out.rglob("*.pdf")),
        "bytes": sum(p.stat().st_size for p in out.rglob("*.pdf")),
        "first_unit_bytes": sum(p.stat().st_size for p in (out / units[0].key).rglob("*.pdf")),
        "seconds": total,
        "timings": timings,
        "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def naive(units_dir: Path, count: int) -> dict:
    """Each unit's whole pack rendered by WeasyPrint from scratch (one document per unit, no caches)."""
    import re

    import weasyprint
    from markupsafe import escape

    from handbook.jobs import pack
    from handbook.model.context import year_context
    from handbook.model.forms import BallotMember, all_forms
    from handbook.render.forms import print_css, render_form
    from handbook.render.talkplan import talk_plan_html

    ctx = year_context()
    units, _ = pack.find_units(units_dir)
    pages = 0
    t0 = time.perf_counter()
    for src in units[:count]:
        unit, members, _ = pack._load(src)
        uv = pack.unit_values(src.key, unit, members, "优秀")
        ud = {"branch": uv.branch}
        parts = []
        for entry in pack.pack_entries(all_forms()):
            form = entry.form
            if form is None:
                body = talk_plan_html(ctx, len(uv.talk_rows))
                body = body[body.index("<body>") + 6 : body.index("</body>")]
                for no, a, b, kind, way in uv.talk_rows:
                    r = f"r{int(no):02d}"
                    for k, v in (("no", no), ("a", a), ("b", b), ("kind", kind), ("way", way)):
                        body = body.replace(f'name="{r}_{k}">', f'name="{r}_{k}" value="{escape(v)}">')
                body = re.sub(r'(name="branch")>', rf'\1 value="{escape(uv.branch)}">', body, count=1)
                parts.append(body)
            elif form.pack == "register":
                parts += [
                    render_form(form, ctx, target="pdf", values=r.values, unit=ud)
                    for r in uv.registers
                ]
            elif form.pack == "ballot":
                ms = [
                    BallotMember(name=label.removesuffix("（预备党员）"), probationary=prob)
                    for _, label, prob in uv.ballot_rows
                ]
                parts.append(render_form(form, ctx, target="pdf", members=ms, unit=ud))
            else:
                values = uv.stats if form.pack == "statistics" else {}
                parts.append(render_form(form, ctx, target="pdf", values=values, unit=ud))
        html = (
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{print_css()}'
            f".zf-talks td > input.zf-in {{ display: block; width: 100%; height: 1.6em; }}</style></head>"
            f"<body>{''.join(parts)}</body></html>"
        )
        doc = weasyprint.HTML(string=html).render()
        pages += len(doc.pages)
        doc.write_pdf()
    return {"units": count, "pages": pages, "seconds": time.perf_counter() - t0}


def child(args) -> None:
    """Run one fast batch in this (fresh) process and print its figures as JSON."""
    work = Path(args.work)
    cache = Path(args.cache) if args.cache else work / "cache"
    print(json.dumps(fast(work / "units", work / "out", cache, single=args.single)))


def run_child(n: int, members: int, base: Path, single: bool = False, cache: str | None = None) -> dict:
    """One fast run in a fresh process (`cache`: a content cache to share, else empty ones)."""
    work = base / (f"single{members}" if single else f"n{n}")
    make_units(work / "units", n, members)
    cmd = [sys.executable, __file__, "--child", "--work", str(work)] + (["--single"] if single else [])
    cmd += ["--cache", cache] if cache else []
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(res.stderr[-3000:])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    shutil.rmtree(work, ignore_errors=True)
    return out


def single_line(single: dict, members: int) -> str:
    """The single unit's figures in one line."""
    st = single["timings"]
    return (
        f"single: 1 unit × {members} members, {single['pages']} pages "
        f"in {single['seconds']:.1f} s (read roster {st['survey']:.1f} s, "
        f"layouts+font cold {st['layouts']:.1f} s, unit {st['units']:.1f} s) "
        f"= {single['pages'] / single['seconds']:.1f} pages/s, {single['pages'] / st['units']:.0f} pages/s "
        "once layouts exist"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--members", type=int, default=30)
    ap.add_argument("--naive-units", type=int, default=2)
    ap.add_argument("--mem-sizes", default="20,200",
                    help="batch sizes for the peak-memory comparison (those above --units are left out)")
    ap.add_argument("--single-members", type=int, default=300, help="members of the unit packed alone")
    ap.add_argument("--single-only", action="store_true", help="only the single unit (no batch)")
    ap.add_argument("--cache", help="use this content cache in every run instead of empty ones (the suite's "
                    "quick run: the script runs whole, its times mean nothing)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    base = Path(tempfile.mkdtemp(prefix="bench_pack."))
    if args.single_only:
        try:
            print(f"single unit: {args.single_members} members, as `handbook pack --roster` …", flush=True)
            single = run_child(1, args.single_members, base, single=True, cache=args.cache)
            print(single_line(single, args.single_members))
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return
    try:
        sizes = sorted({int(x) for x in args.mem_sizes.split(",") if int(x) <= args.units} | {args.units})
        results = {}
        print(f"one unit alone: 1 unit × {args.members} members …", flush=True)
        alone = run_child(1, args.members, base, cache=args.cache)
        for n in sizes:
            print(f"fast path: {n} units × {args.members} members …", flush=True)
            results[n] = run_child(n, args.members, base, cache=args.cache)
        main_run = results[args.units]
        print(f"single unit: {args.single_members} members, as `handbook pack --roster` …", flush=True)
        single = run_child(1, args.single_members, base, single=True, cache=args.cache)
        print(f"naive path: {args.naive_units} unit(s) rendered from scratch by WeasyPrint …", flush=True)
        make_units(base / "naive", args.naive_units, args.members)
        nv = naive(base / "naive", args.naive_units)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    fast_pps = main_run["pages"] / main_run["seconds"]
    unit_pps = main_run["pages"] / main_run["timings"]["units"]
    naive_pps = nv["pages"] / nv["seconds"]
    t = main_run["timings"]
    print()
    print(
        f"fast:  {main_run['units']} units, {main_run['pages']} pack pages ({main_run['files']} PDF files, "
        f"{main_run['bytes'] / 1e6:.0f} MB) in {main_run['seconds']:.1f} s "
        f"(read rosters {t['survey']:.1f} s, layouts+font cold {t['layouts']:.1f} s, "
        f"units {t['units']:.1f} s)"
    )
    print(f"       {fast_pps:.0f} pages/s overall, {unit_pps:.0f} pages/s once layouts exist (goal ≥ 50)")
    print(
        f"naive: {nv['units']} units (smaller run), {nv['pages']} pages in {nv['seconds']:.1f} s = "
        f"{naive_pps:.2f} pages/s"
    )
    print(f"ratio: {fast_pps / naive_pps:.0f}× overall, {unit_pps / naive_pps:.0f}× per unit (goal ≥ 20×)")
    per_unit, first = main_run["bytes"] / main_run["units"], main_run["first_unit_bytes"]
    print(
        f"size:  batch {per_unit / 1e6:.2f} MB per unit (its first unit {first / 1e6:.2f} MB)"
        f" | one unit alone {alone['bytes'] / 1e6:.2f} MB | ratio {per_unit / alone['bytes']:.2f}× "
        f"(first unit {first / alone['bytes']:.2f}×; goal ≤ 1.3×)"
    )
    print(f"       {main_run['units'] / main_run['seconds']:.1f} units/s overall")
    st = single["timings"]
    print(
        f"single: 1 unit × {args.single_members} members, {single['pages']} pages "
        f"in {single['seconds']:.1f} s (read roster {st['survey']:.1f} s, "
        f"layouts+font cold {st['layouts']:.1f} s, unit {st['units']:.1f} s) "
        f"= {single['pages'] / single['seconds']:.0f} pages/s beside the batch's {fast_pps:.0f} pages/s "
        f"({single['pages'] / st['units']:.0f} vs {unit_pps:.0f} pages/s once layouts exist)"
    )
    for n in sizes:
        r = results[n]
        print(
            f"peak RSS at {n:>4} units: parent {r['rss_self_mb']:.0f} MB, "
            f"largest worker {r['rss_workers_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
