"""The README documents every setting and every CLI command."""

from __future__ import annotations

from pathlib import Path

import typer.main

from convene.cli import app
from convene.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _command_paths(command: object, prefix: str = "convene") -> list[str]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [prefix]
    paths = []
    for name, sub in subcommands.items():
        paths.extend(_command_paths(sub, f"{prefix} {name}"))
    return paths


def test_every_setting_is_in_the_readme() -> None:
    computed = set(Settings.model_computed_fields)
    missing = [
        f"CONVENE_{name.upper()}"
        for name in Settings.model_fields
        if name not in computed and f"CONVENE_{name.upper()}" not in README
    ]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert "convene db upgrade" in paths
    missing = [path for path in paths if f"`{path}" not in README]
    assert missing == []
