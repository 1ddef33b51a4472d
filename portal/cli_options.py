"""Options several ``portal`` commands share."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_i18n import language_callback
from .profile import N_

# Help texts are Indonesian msgids, said in the chosen language when help is printed (cli_i18n.py).
datasets_option = click.option("--datasets", "datasets_dir", default="datasets", show_default=True,
                               type=click.Path(file_okay=False, path_type=Path), help=N_("Folder paket data."))
metadata_option = click.option("--metadata", "metadata_dir", default="metadata", show_default=True,
                               type=click.Path(file_okay=False, path_type=Path),
                               help=N_("Folder metadata portal (YAML)."))
build_option = click.option("--build", "build_dir", default="build", show_default=True,
                            type=click.Path(file_okay=False, path_type=Path), help=N_("Folder tempat rilis disimpan."))
language_option = click.option("--lang", "language", type=click.Choice(["id", "en"]), callback=language_callback,
                               help=N_("Bahasa pesan dan bantuan: id atau en (bawaan: variabel lingkungan "
                                       "PORTAL_LANG, bila tidak ada id)."))
