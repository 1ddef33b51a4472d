"""Misspelt query words, corrected to words of the catalog's titles, keywords and column names.

Candidates come from search.db's ``vocabulary`` (an FTS5 trigram index: words sharing three-letter
pieces with the typo), then an edit distance decides: one typo in a short word, two in a longer one.
A correction needs one intact trigram: "pengadun" keeps "pen", "eng", "nga", "gad", "adu".
"""

from __future__ import annotations

import sqlite3

CANDIDATES = 40  # best trigram matches whose edit distance is computed
MAX_CORRECTIONS = 3  # vocabulary words accepted for one query word


def max_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two neighbouring letters is one edit ("pengadaun")."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, row = row, current
    return row[-1]


def close_words(conn: sqlite3.Connection, word: str) -> list[str]:
    """Vocabulary words nearest to ``word`` (itself excluded), the most used first."""
    grams = sorted({word[i:i + 3] for i in range(len(word) - 2)})
    if not grams:
        return []
    rows = conn.execute("SELECT word, datasets FROM vocabulary WHERE vocabulary MATCH ? ORDER BY rank LIMIT ?",
                        (" OR ".join(f'"{gram}"' for gram in grams), CANDIDATES))
    most = max_distance(word)
    scored = sorted((distance, -used, candidate) for candidate, used in rows
                    if candidate != word and abs(len(candidate) - len(word)) <= most
                    and (distance := edit_distance(word, candidate)) <= most)
    return [candidate for distance, _, candidate in scored if distance == scored[0][0]][:MAX_CORRECTIONS]
