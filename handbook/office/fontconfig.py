"""A fontconfig file for LibreOffice on Linux: the Word files' office font names as the kit's free faces."""

# LibreOffice ignores w:altName and asks fontconfig for a face by name; without a rule fontconfig answers
# Noto Sans CJK SC for 仿宋_GB2312, 方正小标宋简体, 黑体 and 楷体_GB2312 alike. With FONTCONFIG_FILE pointing
# at this file (the system's configuration comes first) a conversion shows what Word or WPS shows in kind:
# a Song for 仿宋 and 宋体, a heavy Song for 小标宋, a sans for 黑体, a Kai for 楷体. Only the office names
# are matched; every face named to use is free (fonts-noto-cjk, fonts-lxgw-wenkai).

from __future__ import annotations

from xml.sax.saxutils import escape

from .docx import ALT_NAMES, PAGE_FONT, SONGTI, XIAOBIAOSONG

# 小标宋 is a heavy Song: the kit's PDF titles are Noto Serif CJK SC Bold.
HEAVY = frozenset({XIAOBIAOSONG})
SYSTEM_CONF = "/etc/fonts/fonts.conf"


def faces() -> dict[str, tuple[str, bool]]:
    """Office font name → (free family, bold) as the kit's PDFs set it."""
    out = {name: (family, name in HEAVY) for name, family in ALT_NAMES.items()}
    # Page numbers are set in SimSun, 宋体's own English name.
    out[PAGE_FONT] = out[SONGTI]
    return out


def office_fonts_conf(system: str = SYSTEM_CONF) -> str:
    """The fontconfig XML: the system's configuration, then one strong rule per office font name."""
    rules = []
    for name, (family, bold) in sorted(faces().items()):
        weight = '\n    <edit name="weight" mode="assign"><const>bold</const></edit>' if bold else ""
        rules.append(
            f"""  <match target="pattern">
    <test name="family" qual="first"><string>{escape(name)}</string></test>
    <edit name="family" mode="prepend" binding="strong"><string>{escape(family)}</string></edit>{weight}
  </match>"""
        )
    body = "\n".join(rules)
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{escape(system)}</include>
{body}
</fontconfig>
"""
