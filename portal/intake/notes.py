"""What intake assumed or changed, said to the publisher in their language (translated when shown)."""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Marks a message for translation (pybabel extracts N_); it is translated when shown."""
    return text


@dataclass(frozen=True)
class Note:
    file: str
    message: str  # Indonesian msgid with %(name)s placeholders
    values: dict = field(default_factory=dict, hash=False, compare=False)
    column: str | None = None

    def text(self, gettext) -> str:
        return gettext(self.message, **self.values)
