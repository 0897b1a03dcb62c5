"""Python files: parse once, run every pass, check that the result compiles.

A pass takes the parsed module and returns the (possibly) rewritten module and its findings.
Passes run in order and the whole sequence repeats until nothing changes (bounded), so a pass
may rely on what an earlier one wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from migrator.context import Context, Handler, HandlerOutput
from migrator.findings import Finding, finding

if TYPE_CHECKING:
    import libcst as cst

    Pass = Callable[[cst.Module, str, Context], tuple[cst.Module, list[Finding]]]

# libcst (about 0.2 s to import) is imported only once a file passes the byte prefilter
# (migrator/prefilter.py), which runs before this module is even imported.

MAX_ROUNDS = 3


def _passes() -> list[Pass]:
    passes: list[Pass] = [_legacy_pass, _vertex_pass, _genai_pass]
    try:
        from migrator.lint.python import PYTHON_PASSES
    except ImportError:
        PYTHON_PASSES = []
    passes.extend(PYTHON_PASSES)
    return passes


def _legacy_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    """The google-generativeai pass, imported (with its planners, ~0.1 s) only for files that
    still mention the legacy SDK: an already-migrated file is checked without it."""
    from migrator.codemods.facts.source import code_of

    if "generativeai" not in code_of(module):
        return module, []
    from migrator.codemods.legacy.driver import legacy_pass

    return legacy_pass(module, path, ctx)


def _vertex_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    """Vertex AI's generative_models (GM020), imported only for files that mention it."""
    from migrator.codemods.facts.source import code_of

    if "vertexai" not in code_of(module):
        return module, []
    from migrator.codemods.vertex import vertex_pass

    return vertex_pass(module, path, ctx)


def _genai_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    """The google-genai pass, imported (with libcst.codemod, ~0.25 s) only for files that can
    hold a google.genai client: most legacy files cannot."""
    from migrator.codemods.facts.source import code_of

    code = code_of(module)
    # `models.generate_content`, not any generate_content: a half-migrated legacy file (a
    # client next to a pinned `model.generate_content`) has nothing for this pass
    if ("models.generate_content" not in code and "chats" not in code) or "genai" not in code:
        return module, []
    from migrator.codemods.genai_models.core import genai_pass

    return genai_pass(module, path, ctx)


def transform_module(
    module: cst.Module, path: str, ctx: Context
) -> tuple[cst.Module, list[Finding]]:
    """Run every pass to a fixed point; findings are those of the last round plus fixed ones."""
    fixed: dict[tuple[int, int, str, str], Finding] = {}
    last: list[Finding] = []
    # A pass is a function of the module object it is given (and of the run's context): in the
    # next round, every pass after the last rewrite sees the very object it saw before, and
    # running it again (metadata and all) would only repeat its answer.
    seen: dict[int, tuple[cst.Module, cst.Module, list[Finding]]] = {}
    from migrator.codemods.facts.source import code_of
    from migrator.codemods.tidy import tidy_pass_for
    from migrator.codemods.wrap import wrap_pass_for

    # last, so that every pass of the final round reports lines of the file as written
    original = code_of(module)
    passes = [*_passes(), tidy_pass_for(original), wrap_pass_for(original)]
    for _ in range(MAX_ROUNDS):
        changed = False
        last = []
        for index, run_pass in enumerate(passes):
            before = seen.get(index)
            if before is not None and before[0] is module:
                new_module, found = before[1], before[2]
            else:
                new_module, found = run_pass(module, path, ctx)
                seen[index] = (module, new_module, found)
            for item in found:
                if item.fixed:
                    fixed.setdefault((item.line, item.column, item.code, item.message), item)
                else:
                    last.append(item)
            if new_module is not module and not new_module.deep_equals(module):
                changed = True
                module = new_module
        if not changed:
            break
    from migrator.codemods.facts.nodes import forget_walks

    forget_walks()
    return module, [*fixed.values(), *dict.fromkeys(last)]


def transform_source(source: str, path: str, ctx: Context) -> tuple[str, list[Finding]]:
    """Rewrite Python source text (a file, a notebook program or a Markdown block).

    Raises `cst.ParserSyntaxError` when the source does not parse.
    """
    import libcst as cst

    from migrator.codemods.facts.source import parsed

    module = parsed(cst.parse_module(source))
    new_module, findings = transform_module(module, path, ctx)
    from migrator.codemods.facts.source import code_of

    return code_of(new_module), findings


def remap_lines(findings: list[Finding], before: str, after: str) -> list[Finding]:
    """Move the lines of unfixed findings (reported against `after`) back to `before`."""
    from dataclasses import replace

    from migrator.codemods.linemap import back_map

    if not any(not f.fixed for f in findings):
        return findings
    back = back_map(before.splitlines(), after.splitlines())
    return [f if f.fixed else replace(f, line=back.get(f.line, f.line)) for f in findings]


def run_python(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    if b"\0" in data:
        return HandlerOutput(None, [finding(path, (1, 1), "GM902", "binary file; skipped")])
    from migrator.codemods.settled import settled

    # An already-migrated file (a pre-commit hook after the migration): nothing for any pass,
    # told without importing LibCST.
    if settled(data, ctx.models):
        return HandlerOutput(None, [])
    import libcst as cst

    from migrator.codemods.facts.source import parsed

    try:
        module = parsed(cst.parse_module(data))
    except cst.ParserSyntaxError as exc:
        from migrator.syntax import unparsable

        return HandlerOutput(None, [unparsable(path, data, exc)])
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return HandlerOutput(None, [finding(path, (1, 1), "GM902", f"cannot decode: {exc}")])
    new_module, findings = transform_module(module, path, ctx)
    if new_module.deep_equals(module):
        return HandlerOutput(None, findings)
    from migrator.codemods.facts.source import code_of

    updated = code_of(new_module).encode(new_module.encoding)
    if not ctx.write:
        # Nothing is written: what is left must point at the file as it is on disk, not at
        # the rewritten text (inserted TODO lines shift everything below them).
        findings = remap_lines(findings, code_of(module), code_of(new_module))
    try:
        compile(updated, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        message = f"rewrite did not compile ({exc}); file not written"
        try:
            compile(data, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as original:
            # LibCST reads more than CPython compiles (a top-level `await` of a notebook
            # export): the file was never valid Python, the rewrite is not to blame
            message = (f"the file does not compile as it is ({original}); it was not "
                       "rewritten")
        return HandlerOutput(
            None,
            [*[f for f in findings if not f.fixed], finding(path, (1, 1), "GM903", message)],
        )
    return HandlerOutput(updated, findings)


PYTHON_HANDLER = Handler(name="python", run=run_python)
