"""`convene digest ...` (kept in its area; imports stay inside the commands)."""

from __future__ import annotations

import typer

digest_app = typer.Typer(help="Weekly email digests.", no_args_is_help=True)
