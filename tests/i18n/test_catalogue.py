"""The Arabic catalogue covers every interface string the code and templates use.

The strings are extracted from the source as ``pybabel extract -F babel.cfg`` does, so a
string added anywhere without its Arabic translation fails here, as does a translation
marked fuzzy by ``pybabel update`` or one whose placeholders differ from the English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.i18n.sources import ROOT, extract_source_messages

TRANSLATIONS = ROOT / "campaigns" / "translations"
ARABIC = TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po"
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
)
#: A printf conversion: ``%(name)s``, ``%s``, ``%d``, ``%%`` ...
CONVERSION = re.compile(r"%(?:\((?P<name>\w+)\))?[#0\- +]*(?:\*|\d+)?(?:\.\d+)?(?P<kind>[a-zA-Z%])")
#: Index of the Arabic plural forms that always show the number (few, many, other).
COUNTED_FORMS = (3, 4, 5)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    return extract_source_messages(tmp_path_factory.mktemp("i18n"))


@pytest.fixture(scope="module")
def arabic():
    with ARABIC.open("rb") as f:
        return read_po(f, locale="ar")


def _where(message) -> str:
    places = ", ".join(
        f"{Path(path).relative_to(ROOT) if Path(path).is_absolute() else path}:{line}"
        for path, line in message.locations[:3]
    )
    return f"{message.id!r} ({places})"


def _conversions(text: str) -> tuple[list[str], list[str]]:
    """Named placeholders and anonymous conversions (``%s``) in a text, ``%%`` left out."""
    named, anonymous = [], []
    for match in CONVERSION.finditer(text):
        if match["kind"] == "%":
            continue
        (named if match["name"] else anonymous).append(match["name"] or match[0])
    return named, anonymous


def _stray_percent(text: str) -> bool:
    """A lone ``%`` that would break ``%``-formatting (``%%`` is the escaped sign)."""
    return "%" in CONVERSION.sub("", text)


def test_extraction_finds_the_interface_strings(source_messages):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in source_messages if m.id}
    # One string from Python, one from a template, one lazy label, one plural.
    assert "Open-ended" in ids
    assert "Skip to content" in ids
    assert "Please sign in to continue." in ids
    assert "%(days)s day left" in ids


def test_arabic_catalogue_declares_the_six_arabic_plural_forms(arabic):
    assert str(arabic.locale) == "ar"
    assert arabic.num_plurals == 6
    assert arabic.plural_forms == ARABIC_PLURAL_FORMS
    assert not arabic.fuzzy, "the whole catalogue is marked fuzzy: pybabel compile skips it"


def test_every_interface_string_has_an_arabic_translation(source_messages, arabic):
    problems = []
    for message in source_messages:
        if not message.id:
            continue
        translated = arabic.get(message.id)
        if translated is None:
            problems.append("missing: " + _where(message))
            continue
        if translated.fuzzy:
            problems.append("fuzzy: " + _where(message))
        forms = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        if isinstance(message.id, tuple) and len(forms) != 6:
            problems.append(f"needs 6 plural forms, has {len(forms)}: " + _where(message))
        if not all(form and form.strip() for form in forms):
            problems.append("untranslated: " + _where(message))
    assert not problems, (
        f"{len(problems)} Arabic translations to write (see README, Translations):\n"
        + "\n".join(problems)
    )


def test_no_interface_string_uses_anonymous_placeholders(source_messages):
    offenders = [
        _where(m)
        for m in source_messages
        if m.id
        and any(_conversions(text)[1] for text in ((m.id,) if isinstance(m.id, str) else m.id))
    ]
    assert not offenders, "use named placeholders, %(name)s:\n" + "\n".join(offenders)


def test_arabic_placeholders_match_the_english(arabic):
    problems = []
    for message in arabic:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            expected, _ = _conversions(message.id)
            named, anonymous = _conversions(message.string)
            if sorted(named) != sorted(expected) or anonymous:
                problems.append(f"{message.id!r}: {message.string!r}")
            if _stray_percent(message.string) != _stray_percent(message.id):
                problems.append(f"lone %: {message.id!r}: {message.string!r}")
            continue
        # Plural forms: zero, one and two may spell the number out ("يومان"), so they may
        # leave a placeholder out; the other forms must carry every placeholder.
        allowed = set(_conversions(message.id[0])[0]) | set(_conversions(message.id[1])[0])
        required = set(_conversions(message.id[1])[0])
        for index, form in enumerate(message.string):
            named, anonymous = _conversions(form)
            if not set(named) <= allowed or anonymous:
                problems.append(f"form {index} of {message.id[0]!r}: {form!r}")
            if index in COUNTED_FORMS and set(named) != required:
                problems.append(f"form {index} of {message.id[0]!r} lacks the count: {form!r}")
            if _stray_percent(form):
                problems.append(f"lone % in form {index} of {message.id[0]!r}: {form!r}")
    assert not problems, "placeholders differ from the English:\n" + "\n".join(problems)
