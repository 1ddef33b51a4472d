"""A simple catalog search: every word of the query must appear somewhere in a dataset's text.

Good enough for a few hundred datasets; a publish-time full-text index can replace it
without changing callers.
"""

from __future__ import annotations

import unicodedata

from .catalog import Catalog, DatasetInfo

# Where a word is found decides how much it counts.
WEIGHTS = (("title", 5), ("keywords", 3), ("publisher", 2), ("description", 1), ("columns", 1))


def fold(text: str) -> str:
    """Lower case without accents, so 'Kelurahan' and 'kelurahán' match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def searchable_text(dataset: DatasetInfo, catalog: Catalog) -> dict[str, str]:
    publisher = catalog.publisher(dataset.publisher)
    return {
        "title": fold(f"{dataset.title} {dataset.title_en} {dataset.name}"),
        "keywords": fold(" ".join(dataset.keywords)),
        "publisher": fold(f"{publisher.name} {publisher.id}" if publisher else dataset.publisher),
        "description": fold(f"{dataset.description} {dataset.description_en}"),
        "columns": fold(" ".join(
            f"{r.name} {r.title} " + " ".join(f"{f.name} {f.title}" for f in r.fields) for r in dataset.resources
        )),
    }


def search_datasets(catalog: Catalog, query: str) -> list[DatasetInfo]:
    words = fold(query).split()
    if not words:
        return list(catalog.datasets)
    scored = []
    for dataset in catalog.datasets:
        text = searchable_text(dataset, catalog)
        score = 0
        for word in words:
            word_score = sum(weight for key, weight in WEIGHTS if word in text[key])
            if not word_score:
                break
            score += word_score
        else:
            scored.append((-score, dataset.title.lower(), dataset))
    return [dataset for *_, dataset in sorted(scored, key=lambda item: item[:2])]
