"""The English catalogue is complete and compiled."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "locale/en/LC_MESSAGES/django.po"
MO = ROOT / "locale/en/LC_MESSAGES/django.mo"


def _entries() -> list[str]:
    """Return the live (not obsolete) entries of the .po, header excluded."""
    blocks = PO.read_text().split("\n\n")
    return [
        block
        for block in blocks[1:]
        if block.strip() and not block.lstrip().startswith("#~")
    ]


def test_every_message_is_translated_and_none_is_fuzzy():
    fuzzy = [b for b in _entries() if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    empty = [
        b
        for b in _entries()
        if re.search(r'^msgstr(\[\d\])? ""\n(?!")', b + "\n", re.M)
    ]

    assert fuzzy == []
    assert empty == []


def test_the_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(MO.open("rb"))
    # The .mo holds one entry per message (plural forms share one) plus
    # the header.
    assert len(compiled._catalog) - 1 >= len(_entries())  # type: ignore[attr-defined]
    assert compiled.gettext("I miei corsi e le mie abilitazioni") == (
        "My courses and qualifications"
    )
