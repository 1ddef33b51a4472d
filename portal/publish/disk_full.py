"""A full disk while a release is written: one clear issue, whichever write it stopped.

SQLite says SQLITE_FULL ("database or disk is full"), file writes say ENOSPC, and several catch-alls
in between exist to make one package fail alone, or to turn a SQLite error into "let frictionless
read it". A full disk is no package's fault, so ``writing`` turns it into ``DiskFull``, which those
catch-alls do not catch, naming the file (and table) it was writing; build_release then removes the
staged release and reports the issue (``disk_full``), and what is live stays live.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..messages import issue
from ..profile import N_
from .report import Issue

CODE = "portal-disk-full"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # a user's quota is a full disk too, as far as publish can tell
EXIT_CODE = 28  # an XLSX worker process's way to say DiskFull (ENOSPC's number)


class DiskFull(BaseException):
    """The disk filled up while publish wrote ``issue.file``.

    A BaseException, like KeyboardInterrupt, so the ``except Exception`` that keep one package's
    failure to that package let it through to the one place that stops the release."""

    def __init__(self, found: Issue):
        super().__init__(found.message)
        self.issue = found


def disk_full_issue(path: Path | str, package: str | None = None, table: str | None = None) -> Issue:
    if package and table:
        return issue(str(path), CODE, N_("disk penuh saat memuat tabel %(table)s (paket %(package)s) ke %(path)s"),
                     path=str(path), table=table, package=package)
    if table:
        return issue(str(path), CODE, N_("disk penuh saat membuat indeks tabel %(table)s di %(path)s"),
                     path=str(path), table=table)
    if package:
        return issue(str(path), CODE, N_("disk penuh saat menyimpan paket %(package)s ke %(path)s"),
                     path=str(path), package=package)
    return issue(str(path), CODE, N_("disk penuh: %(path)s tidak dapat ditulis"), path=str(path))


def _causes(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:  # fast_load wraps SQLite's error in Unvouched, say
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _copy_failures(error: shutil.Error) -> list[str]:
    """The targets copytree could not write for want of space."""
    listed = error.args[0] if error.args and isinstance(error.args[0], list) else []
    return [target for _, target, why in listed if str(why).startswith(tuple(f"[Errno {n}]" for n in NO_SPACE))]


def _no_space(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):  # SHMSIZE: no room to grow a WAL database's -shm file (a "disk I/O error")
        return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_SHMSIZE)
    if isinstance(error, shutil.Error):  # copytree gathers each file's OSError as text
        return bool(_copy_failures(error))
    return isinstance(error, OSError) and error.errno in NO_SPACE


def disk_full(error: BaseException, path: Path | str, package: str | None = None, table: str | None = None,
              *, named: bool = False) -> DiskFull | None:
    """The DiskFull that ``error`` is or comes from, or None when no full disk is behind it. Unless
    ``path`` is ``named`` as the file written, a bare ENOSPC names the file its system call was given
    (the target of a copy or a link) when it has one."""
    for cause in _causes(error):
        if isinstance(cause, DiskFull):
            return cause
        if _no_space(cause):
            if not named and isinstance(cause, shutil.Error):
                path = _copy_failures(cause)[0]
            elif not named and isinstance(cause, OSError):
                path = cause.filename2 or cause.filename or path
            return DiskFull(disk_full_issue(path, package, table))
    return None


@contextmanager
def writing(path: Path | str, package: str | None = None, table: str | None = None):
    """While the block writes ``path`` (loading ``table`` of ``package``): a full disk is DiskFull."""
    try:
        yield
    except Exception as error:
        found = disk_full(error, path, package, table, named=True)
        if found is None:
            raise
        if found in _causes(error):  # raised further in, where more was known
            raise found  # (Python sets its context, without making a cycle)
        raise found from error
