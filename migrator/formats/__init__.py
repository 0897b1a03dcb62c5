"""Output formats: text (the default), json, github (workflow commands) and sarif."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import click

from migrator import __version__
from migrator.engine import FileResult, relpath
from migrator.findings import Finding

# The shape of every JSON document gemini-migrate prints or writes (--check / --diff / a plain
# run, --verify, --report). Raised when a field is removed or changes meaning; new fields may
# appear without it.
JSON_FORMAT_VERSION = 1


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """"1 file", "2 files", "0 files"."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def envelope(mode: str, **content: Any) -> dict[str, Any]:
    """The top-level JSON object every JSON output shares: who wrote it, in which format
    version, in which mode; then the mode's own content."""
    return {"tool": "gemini-migrate", "version": __version__,
            "format_version": JSON_FORMAT_VERSION, "mode": mode, **content}


def fixable(item: Finding) -> bool:
    """True when a plain run fixes (or, in --check / --diff, would fix) what this reports.

    `fixed` is set by a handler whenever it rewrote the code, whether or not the run writes;
    a finding whose rule has a safe fix but that the handler did not rewrite (suppressed, or
    a case the rule leaves alone) is not fixable by a run.
    """
    return item.fixed


def written_paths(results: Sequence[FileResult]) -> frozenset[str]:
    return frozenset(r.path for r in results if r.written)


def finding_json(item: Finding, written: Collection[str]) -> dict[str, Any]:
    """One finding as JSON. `fixed`: the fix is on disk (this run wrote the file); `fixable`:
    a plain run would write it and this one did not (--check, --diff, a failed write)."""
    done = item.fixed and item.path in written
    return item.to_json() | {"path": relpath(item.path), "fixed": done,
                             "fixable": item.fixed and not done}


def reported(results: Sequence[FileResult], mode: str) -> list[Finding]:
    """The findings a user must see: in fix mode only what the run did not fix."""
    out = []
    for result in results:
        for item in result.findings:
            if mode == "fix" and item.fixed and result.written:
                continue
            out.append(item)
    return out


def statistics_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    counts = Counter(f.code for f in findings)
    can_fix = Counter(f.code for f in findings if fixable(f))
    names = {f.code: f.name for f in findings}
    return [{"code": code, "name": names[code], "count": count, "fixable": can_fix[code]}
            for code, count in sorted(counts.items())]


def emit(
    results: Sequence[FileResult], *, mode: str, output_format: str, statistics: bool,
    quiet: bool, show: bool = True,
) -> bool:
    """Print the results; return True when the exit code should say something was found.

    With --statistics, the per-finding output is replaced by a count per rule code (text and
    json); github and sarif still carry every finding (they are for machines), and the counts
    go to stderr next to them.
    """
    findings = reported(results, mode)
    changed = [r for r in results if r.changed]
    written = written_paths(results)
    if not show:
        pass  # standard output carries something else (`--report -`)
    elif statistics and output_format in ("text", "json"):
        rows = statistics_rows(findings)
        if output_format == "json":
            click.echo(_json(envelope(mode, statistics=rows,
                                      summary=_counts(results, findings, changed, mode))))
        else:
            _print_statistics(rows, sys.stdout)
    elif mode == "diff" and output_format == "text":
        for result in changed:
            click.echo(unified_diff(result), nl=False)
    elif output_format == "json":
        click.echo(_json(envelope(
            mode, findings=[finding_json(f, written) for f in findings],
            summary=_counts(results, findings, changed, mode))))
    elif output_format == "github":
        from migrator.formats.github import render

        click.echo(render(findings), nl=False)
    elif output_format == "sarif":
        from migrator.formats.sarif import render as render_sarif

        click.echo(render_sarif(findings, written))
    elif mode != "diff":
        for item in findings:
            mark = " [*]" if fixable(item) else ""
            click.echo(f"{relpath(item.path)}:{item.line}:{item.column}: {item.code}{mark} "
                       f"{item.message}")
    if statistics and output_format not in ("text", "json"):
        _print_statistics(statistics_rows(findings), sys.stderr)
    if not quiet:
        _summary(results, findings, changed, mode)
    skipped = any(r.skipped for r in results)
    return bool(findings or changed or skipped)


def _json(doc: dict[str, Any]) -> str:
    import json  # the text output (a pre-commit hook) does without

    return json.dumps(doc, indent=2)


def _print_statistics(rows: list[dict[str, Any]], out: Any) -> None:
    for row in rows:
        mark = "[*]" if row["fixable"] == row["count"] else "[-]" if row["fixable"] else "   "
        click.echo(f"{row['count']:>6}  {row['code']}  {mark} {row['name']}", file=out)


def _counts(
    results: Sequence[FileResult], findings: list[Finding], changed: list[FileResult], mode: str
) -> dict[str, int]:
    return {
        "files": len(results),
        "changed" if mode != "fix" else "rewritten":
            len(changed) if mode != "fix" else sum(1 for r in changed if r.written),
        "findings": len(findings),
        "fixable": sum(1 for f in findings if fixable(f)),
        "skipped": sum(1 for r in results if r.skipped),
    }


def _summary(
    results: Sequence[FileResult], findings: list[Finding], changed: list[FileResult], mode: str
) -> None:
    parts = []
    if mode == "fix":
        written = sum(1 for r in changed if r.written)
        migrated = sum(1 for r in results if r.written for f in r.findings if f.fixed)
        parts.append(f"rewrote {plural(written, 'file')} ({plural(migrated, 'change')})")
    elif mode == "diff":
        parts.append(f"{plural(len(changed), 'file')} would be rewritten")
    can_fix = sum(1 for f in findings if fixable(f))
    if mode == "fix":
        parts.append(f"{plural(len(findings), 'finding')} left")
    else:
        parts.append(f"{plural(len(findings), 'finding')} ({can_fix} fixable)")
    skipped = sum(1 for r in results if r.skipped)
    if skipped:
        parts.append(f"{plural(skipped, 'file')} skipped")
    click.echo(f"gemini-migrate: {plural(len(results), 'file')} checked, " + ", ".join(parts)
               + ".", err=True)


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
