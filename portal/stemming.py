"""Words as search sees them, the same at publish time and at query time: folded, and stemmed.

Sastrawi (Nazief-Adriani with its dictionary of Indonesian root words) strips an affix only when
what is left is a root word, so "pengaduan", "mengadu" and "aduan" all become "adu" while English
words, names and codes stay as they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata

WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps as a token
MIN_STEMMED = 4  # shorter words are roots already, or codes


def fold(text: str) -> str:
    """Lower case without accents ("Kelurahán" -> "kelurahan"), as the index's tokenizer folds."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@functools.cache
def _stemmer():
    # Sastrawi's own factory wraps the stemmer in a cache that never forgets: bounded below instead.
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The root of one folded word ("pengaduan" -> "adu"); the word itself when it has none."""
    if len(word) < MIN_STEMMED or not (word.isascii() and word.isalpha()):
        return word
    root = _stemmer().stem_word(word)  # milliseconds for a long word: hence the cache
    return root if root and root.isalpha() else word


def with_stems(text: str) -> str:
    """``text`` followed by the stems that differ from its words, for the index: words and stems both match."""
    stems = dict.fromkeys(s for w in words(text) if (s := stem(w)) != w)
    return f"{text} {' '.join(stems)}" if stems else text
