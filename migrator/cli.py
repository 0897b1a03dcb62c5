"""Command line: options -> engine -> output and exit code. Nothing else lives here."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import click

from migrator import __version__

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "github", "sarif")


def _codes(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(part.strip().upper() for part in value.split(",") if part.strip())


def _validate_codes(codes: tuple[str, ...] | None, option: str) -> None:
    if not codes:
        return  # the rule table costs a pre-commit run's start-up ~3 ms: only when needed
    from migrator.codes import RULES

    for code in codes or ():
        if code != "ALL" and not any(rule.startswith(code) for rule in RULES):
            raise click.UsageError(f"{option}: unknown rule code or prefix {code!r}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--check", is_flag=True, help="Write nothing; report findings; exit 1 if any.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff; exit 1 if any.")
@click.option("--verify", is_flag=True, help="Run migrated snippets against the emulator.")
@click.option("--live", is_flag=True, help="With --verify: use the real API (GEMINI_API_KEY).")
@click.option(
    "--differential", is_flag=True, help="With --verify: compare each snippet with its original."
)
@click.option(
    "--against", type=click.Path(path_type=str), help="With --differential: the original's path."
)
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="With --verify: seconds per snippet.")
@click.option("--select", help="Comma-separated rule codes or prefixes to enable (default ALL).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to disable.")
@click.option("--extend-exclude", multiple=True, help="Extra glob patterns to skip.")
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=0),
              help="Parallel processes (0: one per core; never more than 2 per core, nor one "
                   "per file to parse).")
@click.option("--statistics", is_flag=True,
              help="Print a count per rule code instead of every finding.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply unsafe fixes.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something was found.")
@click.option("--report", type=click.Path(path_type=str),
              help="Write a migration report (with --verify: the verify results) to this new "
                   "file (or over an earlier report; - for standard output).")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary line.")
@click.option("--config", "config_path", type=click.Path(path_type=str),
              help="pyproject.toml to read [tool.gemini-migrate] from.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Explain one rule and exit.")
@click.version_option(__version__, prog_name="gemini-migrate")
def cli(
    paths: tuple[str, ...],
    check: bool,
    diff: bool,
    verify: bool,
    live: bool,
    differential: bool,
    against: str | None,
    timeout: float,
    select: str | None,
    ignore: str | None,
    extend_exclude: tuple[str, ...],
    output_format: str,
    jobs: int | None,
    statistics: bool,
    unsafe_fixes: bool | None,
    exit_zero: bool,
    report: str | None,
    quiet: bool,
    config_path: str | None,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Migrate Gemini code to the Interactions API (google-genai>=2.26), in place.

    PATHS default to the current directory. Exit codes: 0 nothing to do, 1 findings or
    changes, 2 usage, configuration or internal error.
    """
    from migrator.config import CliOverrides, ConfigError, find_pyproject, load_settings

    if list_rules:
        _list_rules()
        return
    if explain:
        sys.exit(_explain(explain))
    if sum([check, diff, verify]) > 1:
        raise click.UsageError("--check, --diff and --verify are mutually exclusive")
    if (live or differential or against) and not verify:
        raise click.UsageError("--live, --differential and --against need --verify")
    select_codes, ignore_codes = _codes(select), _codes(ignore)
    _validate_codes(select_codes, "--select")
    _validate_codes(ignore_codes, "--ignore")
    targets = list(paths) or ["."]
    missing = [p for p in targets if not os.path.exists(p)]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")

    try:
        pyproject = Path(config_path) if config_path else find_pyproject(Path(targets[0]))
        settings = load_settings(pyproject)
    except ConfigError as exc:
        click.echo(f"gemini-migrate: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    settings = CliOverrides(
        select=select_codes, ignore=ignore_codes, extend_exclude=extend_exclude,
        unsafe_fixes=unsafe_fixes, jobs=jobs,
    ).merge(settings)

    if verify:
        from migrator.verify.runner import run_verify

        sys.exit(
            run_verify(
                targets, live=live, differential=differential, against=against,
                timeout=timeout, output_format=output_format, quiet=quiet, settings=settings,
                report=report,
            )
        )

    if report:
        from migrator.report import refusal

        why = refusal(report)
        if why is not None:  # said before anything is rewritten
            raise click.UsageError(f"--report {report}: refusing to write the report there: "
                                   f"{why}")

    from migrator import engine
    from migrator.discover import discover
    from migrator.formats import emit, plural

    temporaries: list[str] = []
    files = discover(targets, settings, temporaries)
    write = not (check or diff)
    stale = engine.stale_temporaries(temporaries)
    if stale:
        _stale(stale, remove=write, plural=plural)
    ctx = engine.make_context(settings, write=write)
    workers = settings.jobs or os.cpu_count() or 1
    bar = None
    if not quiet:
        from migrator.progress import ProgressBar

        bar = ProgressBar(len(files))
    # `kill` (SIGTERM) stops the run like Ctrl-C: at once, except that a rename in progress
    # (the last step of writing one file) finishes.
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        previous = None
    try:
        results = engine.run(files, ctx, jobs=workers, progress=bar)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        click.echo("gemini-migrate: interrupted; every file is either untouched or fully "
                   "rewritten; run again to finish", err=True)
        sys.exit(130)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if bar:
        bar.close()
    mode = "check" if check else "diff" if diff else "fix"
    # `--report -`: the report is what goes to standard output.
    found = emit(results, mode=mode, output_format=output_format, statistics=statistics,
                 quiet=quiet, show=report != "-")
    if report:
        from migrator.report import write_report

        try:
            write_report(report, results, mode=mode, output_format=output_format)
        except OSError as exc:
            click.echo(f"gemini-migrate: cannot write the report {report}: "
                       f"{exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FOUND if found else EXIT_CLEAN)


def _stale(paths: list[str], *, remove: bool, plural: Callable[[int, str], str]) -> None:
    """Temporary files a killed run left next to the files it was rewriting (those still hold
    their old content): removed by a run that writes, named by one that does not."""
    if remove:
        removed = 0
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                removed += 1
        click.echo(f"gemini-migrate: removed {plural(removed, 'temporary file')} left by an "
                   "interrupted run", err=True)
        return
    click.echo(f"gemini-migrate: {plural(len(paths), 'temporary file')} left by an "
               "interrupted run (a run without --check / --diff removes them): "
               + ", ".join(paths), err=True)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _list_rules() -> None:
    from migrator.codes import RULES

    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.name:<32} {rule.severity:<7} fix={rule.fix:<6} "
                   f"{rule.summary}")


def _explain(code: str) -> int:
    from migrator.codes import RULES

    rule = RULES.get(code.upper())
    if rule is None:
        click.echo(f"gemini-migrate: unknown rule code {code!r}", err=True)
        return EXIT_ERROR
    click.echo(f"{rule.code} ({rule.name})\n\n{rule.summary}\n\n{rule.explanation}\n\n"
               f"Severity: {rule.severity}. Fix: {rule.fix}.")
    return EXIT_CLEAN


def main() -> None:
    if "--verify" in sys.argv[1:]:
        # before anything else: without --live, restart without the API key variables
        from migrator.verify.keys import prepare_verify_process

        prepare_verify_process(sys.argv[1:])
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("gemini-migrate: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("gemini-migrate: interrupted", err=True)
        sys.exit(130)
