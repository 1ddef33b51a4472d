"""The command line in the reader's language: which one, and click's help said in it.

The language is ``--lang id|en`` (before or after the command), else the ``PORTAL_LANG`` environment
variable, else Indonesian. click prints ``--help`` while it parses the options, before ``--lang``
might have been read, so the arguments are scanned for ``--lang`` first (``parse_args`` below).
Help texts are Indonesian msgids (marked with N_) translated when the help is printed.
"""

from __future__ import annotations

import inspect
import os

import click
from click.formatting import HelpFormatter

from .messages import LANGUAGES, SOURCE_LANGUAGE, translator
from .profile import N_

LANGUAGE_ENV = "PORTAL_LANG"
_META_KEY = "portal.language"


def language_of(ctx: click.Context | None = None) -> str:
    """The language chosen for this invocation."""
    ctx = ctx or click.get_current_context(silent=True)
    chosen = ctx.meta.get(_META_KEY) if ctx is not None else None
    return chosen or env_language()


def env_language() -> str:
    value = os.environ.get(LANGUAGE_ENV, "").strip().lower()
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def scanned_language(args: list[str]) -> str | None:
    """The last ``--lang X`` or ``--lang=X`` among the arguments, when X is a language we have."""
    found = None
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in LANGUAGES:
            found = value
    return found


def language_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    return value or language_of(ctx)


class Localized:
    """click.Command behaviour for both commands and the group: help in the chosen language."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        chosen = scanned_language(args)
        if chosen:
            ctx.meta[_META_KEY] = chosen  # meta is shared by the contexts of subcommands
        return super().parse_args(ctx, args)

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = N_("Tampilkan bantuan ini lalu keluar.")
        return option

    def format_usage(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        _ = translator(language_of(ctx))
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=_("Penggunaan:") + " ")

    def format_help_text(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(translator(language_of(ctx))(inspect.cleandoc(self.help)))

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        _ = translator(language_of(ctx))
        records = [record for param in self.get_params(ctx) if (record := _help_record(param, ctx, _))]
        if records:
            with formatter.section(_("Opsi")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        _ = translator(language_of(ctx))
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, click.utils.make_default_short_help(_(command.help) if command.help else "",
                                                           formatter.width - 6 - len(name)))
                for name, command in commands if command is not None and not command.hidden]
        if rows:
            with formatter.section(_("Perintah")):
                formatter.write_dl(rows)


def _help_record(param: click.Parameter, ctx: click.Context, _) -> tuple[str, str] | None:
    record = param.get_help_record(ctx)
    if record is None or not isinstance(param, click.Option):
        return record
    extra = param.get_help_extra(ctx)
    items = ([_("bawaan: %(value)s", value=extra["default"])] if "default" in extra else []) + \
        ([extra["range"]] if "range" in extra else []) + ([_("wajib")] if "required" in extra else [])
    text = _(param.help) if param.help else ""
    return record[0], (f"{text}  [{'; '.join(items)}]" if items else text)


class LocalizedCommand(Localized, click.Command):
    pass


class LocalizedGroup(Localized, click.Group):
    command_class = LocalizedCommand
