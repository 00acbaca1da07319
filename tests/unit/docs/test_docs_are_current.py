"""Docs that are checked: the README's two commands, the CLI reference, the access table,
and every command line shown in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from platewarden.api.access_table import render_for_docs as render_access_table
from platewarden.cli.docs import render
from platewarden.cli.main import app

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


def _documented_commands() -> list[tuple[str, list[str]]]:
    """Every ``platewarden ...`` command line in the docs' code blocks, with its file."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = []
    for path in files:
        inside, shell, lines = False, False, []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("```"):
                inside = not inside
                shell = inside and line.strip("` ") in ("", "sh", "bash", "console")
            elif shell:
                lines.append(line)
        for line in "\n".join(lines).replace("\\\n", " ").splitlines():
            words = line.split("#", 1)[0].split()
            if "platewarden" in words:
                found.append((path.name, words[words.index("platewarden") + 1:]))
    return found


def test_the_docs_commands_name_real_commands_and_options() -> None:
    root = typer.main.get_command(app)
    checked = 0
    for name, words in _documented_commands():
        command, rest = root, list(words)
        while rest and rest[0] in (getattr(command, "commands", None) or {}):
            command = command.commands[rest.pop(0)]  # type: ignore[attr-defined]
        assert command is not root, f"{name}: `platewarden {' '.join(words)}` names no command"
        known = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
        unknown = [w.split("=")[0] for w in rest
                   if w.startswith("--") and w.split("=")[0] not in known | {"--help"}]
        assert not unknown, f"{name}: `platewarden {' '.join(words)}`: unknown {unknown}"
        checked += 1
    assert checked >= 20  # the docs do show the commands: the check reads something
