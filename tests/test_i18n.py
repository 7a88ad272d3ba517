"""Every user-facing string is translated into Simplified Chinese, and the compiled catalogue
matches the source catalogue."""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import jiedan

SRC = Path(jiedan.__file__).parent
CATALOGUE = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries():
    return [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]


def test_every_catalogue_entry_is_translated_and_not_fuzzy():
    # given the committed catalogue
    entries = _entries()
    # then nothing is left empty or marked fuzzy
    assert entries, "the catalogue is empty"
    untranslated = [e.msgid for e in entries if not e.translated()]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    # given every entry with %(name)s placeholders
    pattern = re.compile(r"%\((\w+)\)s|%%")

    # then each translation keeps exactly the same placeholders
    def placeholders(text):
        return sorted(set(pattern.findall(text)))

    mismatched = [
        e.msgid
        for e in _entries()
        for translation in (e.msgstr_plural.values() if e.msgid_plural else [e.msgstr])
        if placeholders(e.msgid_plural or e.msgid) != placeholders(translation)
    ]
    assert mismatched == []


def _compiled(compiled, entry) -> str:
    """The compiled translation of ``entry`` (with its context, if it has one)."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return compiled.pgettext(entry.msgctxt, entry.msgid)
    return compiled.gettext(entry.msgid)


def test_compiled_catalogue_matches_source():
    # given the compiled .mo next to the .po
    with open(CATALOGUE.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    # then every source entry compiles to its translation (run `make messages` if not)
    stale = [
        e.msgid
        for e in _entries()
        if _compiled(compiled, e) != (e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
    ]
    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="make test installs gettext")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, settings, monkeypatch):
    # given a copy of the source tree with its own locale folder
    tree = tmp_path / "jiedan"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    # when the strings are extracted afresh
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_obsolete=True,
        no_location=True,
        ignore_patterns=["*/static/*"],
        verbosity=0,
    )
    # then every extracted string already has a translation in the committed catalogue
    fresh = polib.pofile(str(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and not e.translated()]
    assert missing == [], "run `make messages` and translate these"
