"""Output formats: text (the default), json, github (workflow commands) and sarif."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence

import click

from migrator.engine import FileResult, relpath
from migrator.findings import Finding


def fixable(item: Finding) -> bool:
    """True when a plain run fixes (or, in --check / --diff, would fix) what this reports.

    `fixed` is set by a handler whenever it rewrote the code, whether or not the run writes;
    fixed findings of a written file are not reported at all in fix mode.
    """
    return item.fixed or item.fix == "safe"


def reported(results: Sequence[FileResult], mode: str) -> list[Finding]:
    """The findings a user must see: in fix mode only what the run did not fix."""
    out = []
    for result in results:
        for item in result.findings:
            if mode == "fix" and item.fixed and result.written:
                continue
            out.append(item)
    return out


def emit(
    results: Sequence[FileResult], *, mode: str, output_format: str, statistics: bool, quiet: bool
) -> bool:
    """Print the results; return True when the exit code should say something was found."""
    findings = reported(results, mode)
    changed = [r for r in results if r.changed]
    if mode == "diff" and output_format == "text":
        for result in changed:
            click.echo(unified_diff(result), nl=False)
    elif output_format == "json":
        click.echo(json.dumps([f.to_json() | {"path": relpath(f.path)} for f in findings],
                              indent=2))
    elif output_format == "github":
        from migrator.formats.github import render

        click.echo(render(findings), nl=False)
    elif output_format == "sarif":
        from migrator.formats.sarif import render as render_sarif

        click.echo(render_sarif(findings))
    elif mode != "diff":
        for item in findings:
            mark = " [*]" if fixable(item) else ""
            click.echo(f"{relpath(item.path)}:{item.line}:{item.column}: {item.code}{mark} "
                       f"{item.message}")
    if statistics:
        counts = Counter(f.code for f in findings)
        out = sys.stderr if output_format != "text" else sys.stdout
        for code, count in sorted(counts.items()):
            name = findings[[f.code for f in findings].index(code)].name
            click.echo(f"{count:>6}  {code}  {name}", file=out)
    if not quiet:
        _summary(results, findings, changed, mode)
    skipped = any(r.skipped for r in results)
    return bool(findings or changed or skipped)


def _summary(
    results: Sequence[FileResult], findings: list[Finding], changed: list[FileResult], mode: str
) -> None:
    parts = []
    if mode == "fix":
        written = sum(1 for r in changed if r.written)
        migrated = sum(1 for r in results if r.written for f in r.findings if f.fixed)
        parts.append(f"rewrote {written} file{'s' * (written != 1)} "
                     f"({migrated} change{'s' * (migrated != 1)})")
    elif mode == "diff":
        parts.append(f"{len(changed)} file{'s' * (len(changed) != 1)} would be rewritten")
    can_fix = sum(1 for f in findings if fixable(f))
    left = len(findings)
    if mode == "fix":
        parts.append(f"{left} finding{'s' * (left != 1)} left")
    else:
        parts.append(f"{left} finding{'s' * (left != 1)} ({can_fix} fixable)")
    skipped = sum(1 for r in results if r.skipped)
    if skipped:
        parts.append(f"{skipped} file{'s' * (skipped != 1)} skipped")
    click.echo(f"gemini-migrate: {len(results)} files checked, " + ", ".join(parts) + ".",
               err=True)


def unified_diff(result: FileResult) -> str:
    assert result.original is not None and result.updated is not None
    name = relpath(result.path)
    if result.path.lower().endswith(".ipynb"):
        # A JSON diff of a notebook is unreadable: show the changed cells' sources instead.
        from migrator.documents.notebook import cell_diff

        cells = cell_diff(name, result.original, result.updated)
        if cells is not None:
            return cells
    old = result.original.decode("utf-8", "replace").splitlines(keepends=True)
    new = result.updated.decode("utf-8", "replace").splitlines(keepends=True)
    import difflib

    lines = difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text
