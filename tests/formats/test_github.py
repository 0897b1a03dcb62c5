"""GitHub Actions workflow commands (`::error file=...,line=...::message`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.findings import finding
from migrator.formats.github import render


def test_levels_and_properties() -> None:
    out = render([
        finding("src/a.py", (3, 7), "GM301", "retired model `gemini-pro`"),
        finding("src/a.py", (4, 1), "GM302", "deprecated"),
        finding("src/a.py", (5, 2), "GM303", "substituted"),
    ])
    assert out.splitlines() == [
        "::error file=src/a.py,line=3,col=7,title=GM301 retired-model::GM301 retired model "
        "`gemini-pro`",
        "::warning file=src/a.py,line=4,col=1,title=GM302 deprecated-model::GM302 deprecated",
        "::notice file=src/a.py,line=5,col=2,title=GM303 model-substituted::GM303 substituted",
    ]


def test_escaping() -> None:
    """`%`, CR and LF are escaped everywhere; `:` and `,` also inside properties."""
    # finding() keeps messages on one line, so the newline is put in afterwards.
    item = dataclasses.replace(finding("dir,x/a:b.py", (1, 1), "GM907", "bad 100%"),
                               message="bad 100%\nsecond line")
    out = render([item])
    assert out == ("::error file=dir%2Cx/a%3Ab.py,line=1,col=1,title=GM907 invalid-manifest"
                   "::GM907 bad 100%25%0Asecond line\n")


def test_cli_github_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "package.json").write_text(
        '{\n  "dependencies": {"@google/generative-ai": "^0.21.0"}\n}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--check", "--quiet", "--output-format", "github", "."])
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=package.json,line=2,col=20,title=GM403 legacy-js-sdk::GM403 "
        "@google/generative-ai is end-of-life; use @google/genai (dependencies)\n")
