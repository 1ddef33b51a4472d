"""Datasette's table permission lookup, remembered for the life of a release's instance.

Datasette 0.65.5 answers every view-table check (two or three a request) by deep-copying the whole
metadata, every table's and column's description included (60 kB for the bundled release): it was 46 %
of a row JSON request's CPU. A release's metadata never changes once its instance is built, so the
answer for a table does not either: it is computed by Datasette's own code once and then reused.
"""

from __future__ import annotations

import copy
import functools

from datasette.app import Datasette
from datasette.plugins import pm

REMEMBERED_TABLES = 1024  # table names come from URLs: the cache is bounded, not one entry per made-up name


def remember_table_permissions(datasette: Datasette) -> bool:
    """Wrap the instance's lookup in a bounded cache; False (and Datasette left as it is) where its answers
    could change: metadata from a plugin hook, or a Datasette without this private method."""
    lookup = getattr(datasette, "_table_permission_allows", None)
    if lookup is None or pm.hook.get_metadata.get_hookimpls():
        return False
    remembered = functools.lru_cache(maxsize=REMEMBERED_TABLES)(lambda database, table: tuple(lookup(database, table)))

    def table_permission_allows(database, table):
        # A copy each time: Datasette's callers get lists of their own, as from the original.
        return copy.deepcopy(list(remembered(database, table)))

    datasette._table_permission_allows = table_permission_allows
    return True
