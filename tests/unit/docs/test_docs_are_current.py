"""Docs that are checked: the README's two commands, the CLI reference, the access table."""

from __future__ import annotations

import re
from pathlib import Path

from platewarden.api.access_table import render_for_docs as render_access_table
from platewarden.cli.docs import render

ROOT = Path(__file__).resolve().parents[3]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the Quick start section needs a sh code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def make_target(name: str) -> str:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert match, f"the Makefile has no {name} target"
    return match.group(1)


def test_the_readme_starts_with_the_demo_and_the_test_command() -> None:
    assert quick_start_commands() == ["make demo", "make test"]


def test_make_demo_runs_the_demo_and_make_test_the_suite() -> None:
    assert "platewarden demo" in make_target("demo")
    assert "pytest" in make_target("test")


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_cli_reference_matches_the_commands() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: run `make docs`"


def test_the_access_table_matches_the_app() -> None:
    committed = (ROOT / "docs" / "access-control.md").read_text(encoding="utf-8")
    assert committed == render_access_table(), "docs/access-control.md is stale: run `make docs`"
