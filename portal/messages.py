"""Messages in the reader's language, outside Flask: the command line and publish's issues.

Every msgid is Indonesian (the source language); English comes from the same gettext catalogs as
the pages (portal/translations). Numbers get the language's separators: 3,1 and 12.345 in
Indonesian, 3.1 and 12,345 in English.

An issue keeps its message as a msgid with %(name)s slots and their values (``Issue.template`` and
``Issue.params``), so it can be said in either language after the fact; ``Issue.message`` holds the
English text, which for frictionless' own errors is frictionless' message as it wrote it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .catalog import Issue

LANGUAGES = ("id", "en")
SOURCE_LANGUAGE = "id"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@functools.cache
def _translations(language: str) -> NullTranslations:
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


@functools.lru_cache(maxsize=16)
def _locale(language: str) -> Locale | str:
    try:
        return Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return language  # babel's own error, from format_decimal, as before


def number(value: int | float, language: str) -> str:
    # A parsed Locale, not its name: babel parses the name again on every call (47 µs against 13).
    return format_decimal(value, locale=_locale(language))


def text(template: str, **params) -> dict:
    """A message inside another message's slot (a translated note, say), said in the outer one's language."""
    return {"template": template, "params": params}


def _said(value, language: str):
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return number(value, language)
    if isinstance(value, dict) and "template" in value:
        return translate(value["template"], language, **value.get("params", {}))
    return value


def translate(message: str, language: str, **params) -> str:
    """gettext with Flask-Babel's %(name)s formatting; numbers and nested messages in ``language``."""
    translated = _translations(language).gettext(message)
    if not params:
        return translated
    return translated % {key: _said(value, language) for key, value in params.items()}


def translator(language: str):
    """``_(msgid, **values)`` for one language, as the command line uses it."""
    return functools.partial(translate, language=language)


def _plain(value):
    """Slot values as stored in catalog.json and the JSON report: text, numbers or nested messages."""
    if isinstance(value, (str, int, float, bool)) or (isinstance(value, dict) and "template" in value):
        return value
    return str(value)


def issue(file: str, code: str, template: str, *, row: int | None = None, field: str | None = None,
          cell: str | None = None, **params) -> Issue:
    """An Issue whose message is ``template`` (an Indonesian msgid marked with N_) filled with ``params``."""
    params = {key: _plain(value) for key, value in params.items()}
    if row is not None:
        params.setdefault("row", row)  # "baris %(row)s": the row the issue is about
    return Issue(file, code, translate(template, "en", **params), row=row, field=field, cell=cell,
                 template=template, params=params)


def issue_text(found: Issue, language: str) -> str:
    """The issue's message in ``language``; in English, frictionless' errors keep frictionless' words."""
    if language == "en" or not found.template:
        return found.message
    return translate(found.template, language, **found.params)
