"""The Dutch translation: complete, well-formed, compiled, and in step with the source.

After changing UI text: `make messages`, translate the new entries in
locale/nl/LC_MESSAGES/django.po, and compile again (see the Makefile).
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from sessions.models import Step
from sessions.services.live import go_to_step

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# The same files `make messages` leaves out, plus what a copy of the sources does not need.
NOT_SCANNED = (
    ".*",
    "staticfiles",
    "locale",
    "__pycache__",
    "node_modules",
    "*.sqlite3",
    "*.sqlite3-*",
)


def po_file() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt} | {entry.msgid}" if entry.msgctxt else entry.msgid


def msgstrs(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete():
    po = po_file()
    assert not po.metadata_is_fuzzy, "the header of the .po is still marked fuzzy"
    assert po.metadata["Language"] == "nl"
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
    assert len(po) > 300, "the .po looks truncated"
    live = [e for e in po if not e.obsolete]
    untranslated = [label(e) for e in live if not all(text.strip() for text in msgstrs(e))]
    assert not untranslated, f"untranslated entries: {untranslated}"
    fuzzy = [label(e) for e in po if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check them, then remove the flag): {fuzzy}"
    obsolete = [label(e) for e in po.obsolete_entries()]
    assert not obsolete, f"obsolete (#~) entries, delete them: {obsolete}"
    wrong_plurals = [label(e) for e in live if e.msgid_plural and len(e.msgstr_plural) != 2]
    assert not wrong_plurals, f"plural entries need msgstr[0] and msgstr[1]: {wrong_plurals}"


def test_placeholders_of_msgid_and_msgstr_match():
    mismatched = []
    for entry in po_file():
        if entry.obsolete:
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        if bool(expected) != ("python-format" in entry.flags):
            mismatched.append(f"{label(entry)}: python-format flag {entry.flags}")
        for text in msgstrs(entry):
            if placeholders(text) != expected:
                mismatched.append(f"{label(entry)} -> {text}")
            elif "python-format" in entry.flags:
                try:  # A stray % in the Dutch text would crash the page that renders it.
                    text % dict.fromkeys(expected, 1)  # 1 fills %(n)s and %(n)d alike
                except (KeyError, ValueError, TypeError) as error:
                    mismatched.append(f"{label(entry)} -> {text}: {error}")
    assert not mismatched, "\n".join(mismatched)


def test_the_po_passes_msgfmt_check():
    """gettext's own checks: header, plural forms, and python-format strings."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(PO_PATH)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_committed_mo_is_compiled_from_the_po():
    po_entries = {key(e): msgstrs(e) for e in po_file().translated_entries()}
    mo_entries = {key(e): msgstrs(e) for e in polib.mofile(str(MO_PATH))}
    stale = sorted(k[1] for k in po_entries.keys() ^ mo_entries.keys())
    assert not stale, f".mo and .po differ in msgids (run compilemessages): {stale}"
    differing = sorted(k[1] for k, v in po_entries.items() if mo_entries[k] != v)
    assert not differing, f".mo has other translations (run compilemessages): {differing}"


def test_makemessages_finds_no_new_or_removed_msgid(tmp_path, settings, monkeypatch):
    """Extract the msgids of a copy of the sources; the project's own .po is never touched."""
    sources = tmp_path / "src"
    shutil.copytree(BASE_DIR, sources, ignore=shutil.ignore_patterns(*NOT_SCANNED))
    (sources / "locale").mkdir()
    settings.LOCALE_PATHS = [sources / "locale"]
    monkeypatch.chdir(sources)
    po_before = PO_PATH.read_bytes()

    call_command(
        "makemessages",
        locale=["nl"],
        no_location=True,
        ignore_patterns=[".venv/*", "staticfiles/*"],
        verbosity=0,
    )

    assert PO_PATH.read_bytes() == po_before
    fresh = polib.pofile(str(sources / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    in_source = {key(e) for e in fresh if not e.obsolete}
    translated = {key(e) for e in po_file() if not e.obsolete}
    assert len(in_source) > 300, "makemessages found too few strings; did the copy work?"
    new = sorted(k[1] for k in in_source - translated)
    assert not new, f"new UI strings without a Dutch translation (run `make messages`): {new}"
    removed = sorted(k[1] for k in translated - in_source)
    assert not removed, f".po strings gone from the source (run `make messages`): {removed}"


@pytest.fixture
def opening_url(client, facilitator, case):
    client.force_login(facilitator)
    go_to_step(case=case, step=Step.OPENING)
    return reverse("casework:console", args=[case.pk])


def test_the_console_speaks_dutch_by_default(client, opening_url):
    html = client.get(opening_url).content.decode()
    assert '<html lang="nl">' in html
    assert "Elk idee is goed." in html
    assert "Spelregels" in html
    assert "Every idea is a good idea." not in html
    # Labels from Python (the step names) and a plural blocktranslate are Dutch too.
    assert "Terugblik" in html
    assert "Tips van links naar rechts" in html
    assert re.search(r"\d+ minu(ut|ten)\b", html)


def test_the_console_speaks_english_when_asked(client, opening_url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(opening_url).content.decode()
    assert '<html lang="en">' in html
    assert "Every idea is a good idea." in html
    assert "Ground rules" in html
    assert "Elk idee is goed." not in html
