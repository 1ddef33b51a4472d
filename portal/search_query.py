"""A search box's text as an FTS5 query: every word required, each in all the forms it may take.

A word matches as a prefix ("kelur" finds "kelurahan"), through its stem ("mengadu" finds "pengaduan",
both "adu") and through its synonyms (metadata/synonyms.yaml, shipped in search.db: "keluhan" finds
"pengaduan"). A hyphenated word is a phrase or one word ("wi-fi": "wi fi" or "wifi"), never two
unrelated words, so it does not find "wilayah ... figures". Only words reach FTS5, each quoted, so the
query language's own syntax (``"``, ``*``, ``-``, ``AND``, ``NEAR(``) in a query is just text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .stemming import MIN_STEMMED, stem, words

# The columns a match there ranks first (search.py): titles and keywords name what a dataset is about.
FIRST_COLUMNS = "{title keywords}"
# Words past this many are ignored: nobody types more, and each costs a clause (a thousand took seconds).
MAX_TERMS = 16


@dataclass(frozen=True)
class Synonyms:
    """Folded term ("wi fi") -> every term of its group."""

    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows) -> Synonyms:
        """``rows``: (term, group number) pairs, as search.db's synonyms table holds them."""
        members: dict[int, list[str]] = {}
        for term, number in rows:
            members.setdefault(number, []).append(term)
        return cls({term: tuple(group) for group in members.values() for term in group})

    @functools.cached_property
    def longest(self) -> int:
        return max((term.count(" ") + 1 for term in self.groups), default=1)


@dataclass
class Clause:
    """Some of the query's words, and the FTS5 phrases any one of which satisfies them."""

    words: tuple[str, ...]
    phrases: list[str]
    correctable: str | None = None  # the word a misspelling would be, when it could be one

    def fts(self, extra: list[str] = ()) -> str:
        return "(" + " OR ".join(dict.fromkeys(self.phrases + [phrase(w) for w in extra])) + ")"


def phrase(text: str, prefix: bool = False) -> str:
    return f'"{text}"*' if prefix else f'"{text}"'


def parse(text: str, synonyms: Synonyms) -> list[Clause]:
    """The clauses of a query, longest synonym first ("anggaran pendapatan belanja daerah" -> "apbd")."""
    terms = list(dict.fromkeys(tuple(found) for chunk in text.split() if (found := words(chunk))))[:MAX_TERMS]
    clauses, i, longest = [], 0, synonyms.longest
    while i < len(terms):
        for n in range(min(longest, len(terms) - i), 0, -1):
            span = tuple(w for term in terms[i:i + n] for w in term)
            group = synonyms.groups.get(" ".join(span)) or synonyms.groups.get("".join(span))
            if group:
                clauses.append(synonym_clause(span, group))
                i += n
                break
        else:
            clauses.append(word_clause(terms[i]))
            i += 1
    return clauses


def word_clause(term: tuple[str, ...]) -> Clause:
    if len(term) == 1:
        (word,) = term
        root = stem(word)
        phrases = [phrase(word, prefix=True)] + ([phrase(root)] if root != word else [])
        return Clause(term, phrases, word if len(word) >= MIN_STEMMED and word.isalpha() else None)
    joined = "".join(term)  # "wi-fi": the phrase "wi fi", or "wifi"
    return Clause(term, [phrase(" ".join(term), prefix=True), phrase(joined, prefix=True)],
                  joined if len(joined) >= MIN_STEMMED and joined.isalpha() else None)


def synonym_clause(span: tuple[str, ...], group: tuple[str, ...]) -> Clause:
    own = word_clause(span).phrases
    others = [form for term in group for form in dict.fromkeys([phrase(term), phrase(stem(term))])]
    return Clause(span, own + others)


def expression(clauses: list[Clause], corrections: dict[str, list[str]] | None = None) -> str | None:
    """All clauses required; ``corrections``: correctable word -> vocabulary words also accepted for it."""
    corrections = corrections or {}
    return " AND ".join(c.fts(corrections.get(c.correctable, [])) for c in clauses) or None


def first_columns(query: str) -> str:
    """``query`` matched by titles and keywords alone."""
    return f"{FIRST_COLUMNS} : ({query})"
