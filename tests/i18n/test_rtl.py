"""The layout mirrors in Arabic because it only uses logical (inline/block) directions.

A physical property (``margin-left``, ``text-align: right``, ``float: left``) or a
four-value shorthand whose left and right differ would stay put when ``dir="rtl"`` flips
the page, so any of them in a stylesheet or a template fails here. (``overflow-x`` is
allowed: scrolling sideways is the same in both directions, and ``overflow-inline`` is not
yet supported widely enough.)
"""

from __future__ import annotations

import re

from tests.i18n.sources import ROOT

STYLESHEETS = sorted((ROOT / "static").rglob("*.css"))
#: Pages; emails, which clients lay out with physical widths only, have their own check
#: (tests/test_mail.py: no left or right either).
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if p.parent.name != "email")

PHYSICAL_PROPERTY = re.compile(
    r"^(?:(?:margin|padding|border|scroll-margin|scroll-padding)-(?:left|right|top|bottom)"
    r"(?:-(?:width|style|color))?|border-(?:top|bottom)-(?:left|right)-radius"
    r"|left|right|top|bottom|width|height|min-width|min-height|max-width|max-height)$"
)
PHYSICAL_VALUE = {
    "float": {"left", "right"},
    "clear": {"left", "right"},
    "text-align": {"left", "right"},
    "resize": {"horizontal", "vertical"},
    "caption-side": {"left", "right"},
}
#: Shorthands whose four values go top, right, bottom, left.
FOUR_SIDED = {"margin", "padding", "inset", "border-width", "border-style", "border-color"}
DECLARATION = re.compile(r"(?<![\w-])([a-z-]+)\s*:\s*([^;{}]+)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def physical_declarations(css: str) -> list[str]:
    problems = []
    for block in re.findall(r"\{([^{}]*)\}", COMMENT.sub("", css)):
        for name, value in DECLARATION.findall(block):
            value = value.strip()
            words = value.split()
            physical_value = PHYSICAL_VALUE.get(name, set()) & set(words)
            if PHYSICAL_PROPERTY.match(name) or physical_value:
                problems.append(f"{name}: {value}")
            elif name in FOUR_SIDED and len(words) == 4 and words[1] != words[3]:
                problems.append(f"{name}: {value} (right and left differ)")
            elif name == "transform" and re.search(r"translate(?:X|3d)?\(\s*-?[1-9]", value):
                problems.append(f"{name}: {value} (moves along a physical axis)")
    return problems


def test_the_checker_catches_physical_properties():
    css = (
        ".a { margin-left: 1rem; text-align: right; float: left; width: 3rem }"
        ".b { padding: 0 1rem 0 2rem; left: 0 } .c { margin: 0 auto; inset-inline-start: 0 }"
    )
    assert physical_declarations(css) == [
        "margin-left: 1rem",
        "text-align: right",
        "float: left",
        "width: 3rem",
        "padding: 0 1rem 0 2rem (right and left differ)",
        "left: 0",
    ]


def test_stylesheets_use_logical_properties_only():
    assert STYLESHEETS, "no stylesheet found"
    problems = {
        str(path.relative_to(ROOT)): found
        for path in STYLESHEETS
        if (found := physical_declarations(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems


def test_templates_use_logical_properties_only():
    problems = {}
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        found = []
        for style in re.findall(r'style="([^"]*)"', html):
            found += physical_declarations("{" + style + "}")
        for block in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S):
            found += physical_declarations(block)
        found += re.findall(r'\balign="(?:left|right)"', html)
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert not problems, problems


def test_the_progress_bar_fills_from_the_inline_start(client, make):
    """Its fill is sized with inline-size, so it starts at the right in Arabic."""
    campaign = make.campaign(goal_minor=100_00, raised_minor=45_00)
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert re.search(r'class="progress"[^>]*aria-valuenow="45"[^>]*>\s*<span[^>]*45%', html)
    assert 'style="inline-size: 45%"' in html
    css = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"\.progress\s*>\s*span\s*\{[^}]*display:\s*block", css)
