"""metadata/synonyms.yaml: groups of words that catalog search treats as one ("keluhan" finds "pengaduan").

A list of groups, each a list of two or more words or short phrases:

    - [pengaduan, aduan, keluhan, complaint]
    - [wifi, wi-fi, hotspot]

A term is kept folded (lower case, no accents, punctuation as spaces: "Wi-Fi" -> "wi fi"), the form
search compares with the words of a query. The file is optional; a bad one stops publish with the line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..messages import issue
from ..profile import N_
from ..stemming import words
from .report import Issue

SYNONYMS_FILE = "synonyms.yaml"
CODE = "portal-synonyms"
MAX_WORDS = 4  # a phrase longer than this is a description, not a synonym


def load_synonyms(metadata_dir: Path) -> tuple[list[list[str]], list[Issue]]:
    """The groups as folded terms, or the file's problems (each with its line)."""
    path = Path(metadata_dir) / SYNONYMS_FILE
    if not path.exists():
        return [], []
    file = str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        return [], [issue(file, CODE, N_("tidak dapat diurai: %(reason)s"), reason=str(error))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [], [issue(file, CODE, N_("tidak dapat diurai: %(reason)s"), reason=str(error),
                          row=mark.line + 1 if mark else None)]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [issue(file, CODE, N_("harus berisi daftar kelompok sinonim, satu kelompok per baris, "
                                                      "misalnya - [keluhan, pengaduan, aduan]"), row=line(root))]
    groups, issues, seen = [], [], {}  # seen: term -> line of its group
    for node in root.value:
        group, problems = read_group(file, node, seen)
        issues += problems
        if group:
            groups.append(group)
    return (groups, []) if not issues else ([], issues)


def read_group(file: str, node, seen: dict[str, int]) -> tuple[list[str], list[Issue]]:
    where = line(node)
    if not isinstance(node, yaml.SequenceNode):
        return [], [issue(file, CODE, N_("kelompok sinonim harus berupa daftar kata, misalnya "
                                                      "[keluhan, pengaduan, aduan]"), row=where)]
    group, issues = [], []
    for item in node.value:
        term = " ".join(words(item.value)) if isinstance(item, yaml.ScalarNode) else ""
        if not term:
            issues.append(issue(file, CODE, N_("sinonim harus berupa kata atau frasa"), row=line(item)))
        elif len(term.split()) > MAX_WORDS:
            issues.append(issue(file, CODE, N_("sinonim %(term)s terlalu panjang: paling banyak "
                                                            "%(limit)s kata"), row=line(item), term=repr(item.value),
                                limit=MAX_WORDS))
        elif term in seen:
            issues.append(issue(file, CODE, N_("sinonim %(term)s sudah tercantum di baris %(line)s: "
                                                            "satu kata hanya boleh di satu kelompok"),
                                row=line(item), term=repr(item.value), line=seen[term]))
        else:
            seen[term] = line(item)
            group.append(term)
    if not issues and len(group) < 2:
        issues.append(issue(file, CODE, N_("kelompok sinonim perlu sedikitnya dua kata"), row=where))
    return group, issues


def line(node) -> int:
    return node.start_mark.line + 1
