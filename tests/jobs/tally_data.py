"""A made-up branch for the results tests: roster, unit profile and tally (JSON or XLSX), all fictitious."""

from __future__ import annotations

import json
import random
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
)
GRADES = ("优秀", "合格", "基本合格", "不合格")


def members(n: int = 30, seed: int = 1) -> list[dict]:
    """n fictitious members: two 预备党员, two 流动党员, three 党小组, unique names."""
    rnd = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        if name in seen:
            continue
        seen.add(name)
        i = len(out)
        out.append(
            {
                "name": name,
                "category": "预备党员" if i in (n - 1, n - 2) else "正式党员",
                "group": f"第{'一二三'[i % 3]}党小组",
                "mobile": i in (5, 11),
            }
        )
    return out


def write_roster(path: Path, people: list[dict]) -> Path:
    """A roster CSV with the columns read_roster knows."""
    lines = ["姓名,党员类别,党小组,流动党员"]
    lines += [f"{p['name']},{p['category']},{p['group']},{'是' if p['mobile'] else '否'}" for p in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tally_data(people: list[dict], valid: int = 28, seed: int = 2, branch: str = "测试第一党支部") -> dict:
    """A tally in the TALLY.md format: plausible counts, proposals following the votes, decided = proposal."""
    rnd = random.Random(seed)
    rows = []
    for i, p in enumerate(people):
        if p["category"] == "预备党员":
            counts = dict.fromkeys(GRADES, 0)
            proposal = None
        else:
            blank = rnd.randint(0, 2)
            exc = rnd.randint(15, 22) if i % 4 == 0 else rnd.randint(0, 6)
            basic = rnd.randint(0, 2)
            bad = 1 if i == 7 else 0
            exc = min(exc, valid - blank - basic - bad)
            counts = {
                "优秀": exc,
                "合格": valid - blank - exc - basic - bad,
                "基本合格": basic,
                "不合格": bad,
            }
            proposal = "优秀" if exc * 2 > valid else "合格"
        rows.append(
            {
                "name": p["name"],
                "probationary": p["category"] == "预备党员",
                "counts": counts,
                "proposal": proposal,
                "decided": proposal,
                "note": "",
            }
        )
    return {
        "kind": "zzshh-tally",
        "version": 1,
        "edition": 2025,
        "branch": branch,
        "ballots": {"issued": valid + 2, "returned": valid + 1, "valid": valid},
        "members": rows,
    }


def write_tally(path: Path, data: dict) -> Path:
    """The tally as the 计票 page exports it."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_unit(path: Path, branch: str = "测试第一党支部", base: str | None = None) -> Path:
    """A unit profile naming the branch (and the ⅓ base when given)."""
    text = f"党支部: {branch}\n上级党组织: 测试机关委员会\n书记: 测试书记\n"
    if base:
        text += f"优秀比例基数: {base}\n"
    path.write_text(text, encoding="utf-8")
    return path


def branch(
    folder: Path, n: int = 30, seed: int = 1, name: str = "测试第一党支部"
) -> tuple[Path, Path, Path, dict]:
    """A whole branch in `folder`: (roster, tally, unit, tally data)."""
    folder.mkdir(parents=True, exist_ok=True)
    people = members(n, seed)
    # Each member casts one ballot: a branch never has more valid ballots than members.
    data = tally_data(people, valid=min(28, n - 2), seed=seed + 1, branch=name)
    return (
        write_roster(folder / "roster.csv", people),
        write_tally(folder / "tally.json", data),
        write_unit(folder / "unit.yml", name),
        data,
    )
