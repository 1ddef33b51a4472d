"""The README documents every setting, command and option (as sqlite-utils' test_docs does)."""

import click
import pytest

from portal.cli import cli
from portal.config import SETTINGS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented(setting):
    assert f"PORTAL_{setting.name}" in README


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_and_its_options_are_documented(name):
    command = cli.commands[name]
    assert command.help, f"{name} has no help"
    assert f"portal {name}" in README
    for param in command.params:
        if isinstance(param, click.Argument):
            assert f"portal {name} " in README and param.metavar in README, f"{name} argument {param.metavar}"
            continue
        for option in param.opts:
            assert option in README, f"{name} {option} is not in README.md"
        assert param.help, f"{name} {param.name} has no help"


def test_the_command_line_language_settings_are_documented():
    from portal.cli_i18n import LANGUAGE_ENV

    assert LANGUAGE_ENV in README
    for param in cli.params:  # options of `portal` itself, before the command
        for option in param.opts:
            assert option in README, f"portal {option} is not in README.md"
        assert param.help, f"portal {param.name} has no help"


def test_every_profile_property_is_documented():
    from portal.profile import DATASET_PROPERTIES, FIELD_PROPERTIES

    for prop in DATASET_PROPERTIES + FIELD_PROPERTIES:
        assert f"`{prop.key}`" in README, prop.key
