"""Every user-facing string is translated, and the compiled catalogues match their sources."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalogue = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated and not fuzzy, f"{language}: {untranslated + fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(folder / "django.po")).translated_entries()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / "django.mo"))
        if e.msgid
    }
    assert compiled == source, f"run `make messages` to recompile {language}"


def test_templates_have_no_strings_missing_from_the_catalogue():
    """Strings added to templates since the catalogue was made would show in English."""
    import re

    catalogue = {
        e.msgid for e in polib.pofile(str(LOCALE_DIR / "ko" / "LC_MESSAGES" / "django.po"))
    }
    pattern = re.compile(r"{%\s*translate\s+\"([^\"]+)\"|{%\s*translate\s+'([^']+)'")
    missing = []
    for template in Path(settings.BASE_DIR, "d4sme").rglob("templates/**/*.html"):
        for match in pattern.finditer(template.read_text()):
            msgid = match.group(1) or match.group(2)
            if msgid not in catalogue:
                missing.append(f"{template.name}: {msgid}")
    assert not missing, f"run `make messages`: {missing}"
