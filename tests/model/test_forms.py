"""Forms as data: every form.yml validates; a broken one gets an error naming file, field and line."""

from __future__ import annotations

import shutil

import pytest

from handbook.errors import InputErrors
from handbook.model.editions import snapshot
from handbook.model.forms import FORMS_DIR, forms_for_step, get_form, load_forms

EXPECTED = {
    "member-register",
    "member-ballot",
    "committee-ballot",
    "statistics",
    "problem-list-committee",
    "problem-list-member",
    "rectification-list",
    "rectification-pledge",
    "talk-record",
    "opinion-form",
    "opinion-summary",
    "meeting-minutes",
    "self-review-outline",
    "sign-in-committee",
    "sign-in-general",
    "sign-in-group",
}


FORMS = load_forms()


def test_every_form_validates():
    assert set(FORMS) == EXPECTED
    for f in FORMS.values():
        assert f.optional is True
        assert f.sources and f.steps and f.examples


@pytest.mark.parametrize(
    ("old", "new", "field", "needle"),
    [
        ("type: textarea", "type: essay", "fields[10].type", "应为以下之一：'text'"),
        ("name: gender", "name: name", "fields[3].name", "字段名 name 重复"),
        ("name: gender, label: 性别", "name: gender", "fields[3].label", "缺少必填字段"),
    ],
    ids=["unknown-type", "duplicate-name", "missing-label"],
)
def test_broken_form_names_file_field_line(tmp_path, old, new, field, needle):
    folder = tmp_path / "member-register"
    folder.mkdir()
    src = (FORMS_DIR / "member-register" / "form.yml").read_text(encoding="utf-8")
    broken = src.replace(old, new, 1)
    assert broken != src
    (folder / "form.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_forms(tmp_path)
    msg = str(exc.value)
    assert str(folder / "form.yml") in msg
    assert field in msg and needle in msg
    err = next(e for e in exc.value.errors if e.field == field)
    # The line is the one holding the edit.
    assert new in broken.splitlines()[err.line - 1]


def test_a_list_the_pack_continues_ends_its_form(tmp_path):
    """The pack repeats a list's continuation page as the roster needs: a field after it would be lost."""
    folder = tmp_path / "sign-in-general"
    folder.mkdir()
    src = (FORMS_DIR / "sign-in-general" / "form.yml").read_text(encoding="utf-8")
    extra = "  - {type: signature, name: recorder, label: 记录人, area: footer}\n"
    broken = src.replace("layout:\n", extra + "layout:\n", 1)
    (folder / "form.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_forms(tmp_path)
    err = next(e for e in exc.value.errors if e.field == "fields[7]")
    assert "以名单（signin）结束" in str(err) and "recorder" in broken.splitlines()[err.line - 1]


def test_id_must_match_folder(tmp_path):
    folder = tmp_path / "other-name"
    shutil.copytree(FORMS_DIR / "talk-record", folder)
    with pytest.raises(InputErrors, match="应与文件夹名 other-name 相同"):
        load_forms(tmp_path)


def test_unknown_form_id_lists_known_ids():
    with pytest.raises(KeyError) as exc:
        get_form("member-balot")
    assert "member-ballot" in str(exc.value) and "talk-record" in str(exc.value)


def test_forms_for_step():
    ids = [f.id for f in forms_for_step("evaluation")]
    assert {"member-ballot", "member-register", "committee-ballot"} <= set(ids)
    with pytest.raises(KeyError):
        forms_for_step("party")


def test_cap_counts_every_member_by_default():
    common = snapshot()[0]
    # The sources' base is 党员总数 (预备党员 included): 10 members, 8 graded, a third of 10 is 3.3, so 3.
    fig = common.cap_figure(None, total=10, formal=8)
    assert (fig.base_kind, fig.n, fig.third, fig.limit) == ("党员总数", 10, "3.3", 3)
    assert fig.figure == "按党员总数（含预备党员）10人计，三分之一约为3.3人，即一般不超过3人"
    assert fig.sentence == "“优秀”一般不超过三分之一：" + fig.figure
    # A unit that chose 正式党员 counts the graded only; a blank ballot leaves the count to write in.
    assert common.cap_figure("正式党员", total=10, formal=9).figure.endswith("9人计，三分之一为3人")
    assert common.tally.cap.blank_figure(None) == "按党员总数（含预备党员）＿＿人计，三分之一为＿＿人"
