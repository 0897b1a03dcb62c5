"""JavaScript and TypeScript: rewrite `@google/generative-ai` (and older `@google/genai`
`models.generateContent` / `chats` code) to the Interactions API, then lint model ids and
Interactions misuse.

Parsing is ast-grep-py's (tree-sitter grammars for JS, TS and TSX), imported only once a file
passes the byte prefilter, so Python-only runs never load it. Passes run on a fresh parse each
round until nothing changes: the SDK rewrites first, then the imports they leave behind, then
the Interactions lint. Model ids and the legacy-import report (GM301/GM302/GM403) come from
the text lint, run on the result, as for every other JS file.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import replace

from migrator.context import Context, Handler, HandlerOutput
from migrator.findings import Finding, finding
from migrator.lint import text as text_lint

# Bytes that only SDK code contains: the rewrite is entered only when one of them occurs.
SDK_TRIGGERS = (b"@google/generative-ai", b"@google/genai", b"GoogleGenerativeAI",
                b"GoogleGenAI")
# The Interactions lint needs a create() call (or a 1.x event name) to have anything to say.
LINT_TRIGGERS = (b"interactions.create", b"content.delta", b"interaction.complete")
MAX_ROUNDS = 6


def transform(text: str, path: str, lang: str, ctx: Context) -> tuple[str, list[Finding]]:
    """Rewrite JS/TS source to a fixed point; findings: fixed ones of every round (positions
    in the original `text`), the rest of the last round (positions in the returned text)."""
    from migrator.js.genai import GenaiPass
    from migrator.js.imports import imports_pass
    from migrator.js.legacy import LegacyPass
    from migrator.js.lint import lint_pass
    from migrator.js.source import Source

    fixed: dict[tuple[int, int, str, str], Finding] = {}
    last: list[Finding] = []
    texts = [text]  # the input of each round: texts[0] is the original
    for _ in range(MAX_ROUNDS):
        src = Source(text, path, lang, ctx)
        # tree-sitter stumbles on some JSX text (a bare `&`) that TypeScript accepts: an error
        # inside JSX does not stop the rewrite (the compile check compares error counts).
        broken = [e for e in src.root.find_all(kind="ERROR")
                  if not any(a.kind().startswith("jsx_") for a in e.ancestors())]
        if broken:
            node = broken[0]
            line, column = src.pos(node)
            language = "TypeScript" if src.typescript else "JavaScript"
            return text, [finding(path, (line, column), "GM901",
                                  f"cannot parse as {language}; the SDK rewrite was skipped")]
        LegacyPass(src).run()
        GenaiPass(src).run()
        if not src.edits and not src.todos:
            imports_pass(src)
        if src.failed is not None:
            return texts[0], [finding(path, (1, 1), "GM903", f"rewrite did not compile "
                                      f"({src.failed}); file not written")]
        if not src.edits and not src.todos:
            lint_pass(src)
        done = [item for item in src.findings if item.fixed]
        last = [item for item in src.findings if not item.fixed]
        # A fix of a later round is found in that round's input: map it back, round by
        # round, to the line of the original file it stands on.
        for before, after in zip(reversed(texts[1:]), reversed(texts[:-1]), strict=True):
            done = _map_lines(done, before, after)
        for item in done:
            fixed.setdefault((item.line, item.column, item.code, item.message), item)
        new = src.result()
        if new == text:
            break
        text = new
        texts.append(text)
    else:
        # Out of rounds: the last round's findings stand on its input, not on the result.
        last = _map_lines(last, texts[-2], text)
    return text, [*fixed.values(), *dict.fromkeys(last)]


def _model_ids(text: str, path: str, lang: str, ctx: Context) -> tuple[str, list[Finding]]:
    """Outdated model ids (GM301/GM302). A retired id is a safe fix wherever it stands (its
    calls answer 404), with the exceptions `text_lint.scan_models` names. Where the file calls
    the Interactions API a deprecated id would be refused there, so its fix is safe too,
    except inside a `getGenerativeModel(...)` left on the legacy SDK: that code keeps its
    model unless --unsafe-fixes says otherwise."""
    safety = text_lint.FIX_SAFE if "interactions.create" in text else text_lint.FIX_UNSAFE
    legacy = _legacy_model_lines(text, lang) if safety == text_lint.FIX_SAFE else set()
    edits, models = text_lint.scan_models(text, path, ctx, "js", safety=safety,
                                          legacy_lines=frozenset(legacy))
    return text_lint.apply_edits(text, edits), models


def _legacy_model_lines(text: str, lang: str) -> set[int]:
    if "getGenerativeModel" not in text or not _parser():
        return set()
    from ast_grep_py import SgRoot

    lines: set[int] = set()
    for call in SgRoot(text, lang).root().find_all(kind="call_expression",
                                                   regex=r"\.getGenerativeModel\s*\("):
        r = call.range()
        lines.update(range(r.start.line + 1, r.end.line + 2))
    return lines


def _map_lines(findings: list[Finding], before: str, after: str) -> list[Finding]:
    """Move findings from lines of `before` to the matching lines of `after`."""
    if before == after:
        return findings
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(),
                                      autojunk=False)
    moved: dict[int, int] = {}
    blocks: dict[int, tuple[int, int]] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(i2 - i1):
            same_size = tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1)
            moved[i1 + offset + 1] = (j1 + offset + 1) if same_size else min(j1 + 1, j2 or 1)
            blocks[i1 + offset + 1] = (j1 + 1, max(j2, j1 + 1))
    lines = after.splitlines()
    taken: set[tuple[int, str]] = set()
    out = []
    for item in sorted(findings, key=lambda f: (f.line, f.column)):
        line = moved.get(item.line, item.line)
        column = item.column
        token = dict(item.data).get("from")
        if token:
            # A model id: the first line of its block that holds it and is not taken yet.
            first, last = blocks.get(item.line, (line, line))
            for candidate in [line, *range(first, last + 1)]:
                if 0 < candidate <= len(lines) and token in lines[candidate - 1] and (
                    candidate, token) not in taken:
                    line = candidate
                    column = lines[candidate - 1].index(token) + 1
                    break
            taken.add((line, token))
        out.append(replace(item, line=line, column=column))
    return out


def run_source(text: str, path: str, lang: str, ctx: Context,
               suffix: str) -> tuple[str, list[Finding], str | None]:
    """(new text, findings against the new text, why the result was refused or None)."""
    rewritten: list[Finding] = []
    new = text
    if any(t.decode() in text for t in (*SDK_TRIGGERS, *LINT_TRIGGERS)) and _parser():
        new, rewritten = transform(text, path, lang, ctx)
    new, models = _model_ids(new, path, lang, ctx)
    # Fixes of the rewrite point at the original; everything else at the new text, which is
    # the file after the run when it is written and is mapped back to the original otherwise.
    fixed = [f for f in rewritten if f.fixed]
    rest = [*[f for f in rewritten if not f.fixed], *models,
            *text_lint._legacy_imports(new, path)]
    if new != text:
        from migrator.js.check import check

        error = check(text, new, suffix, lang)
        if error is not None:
            return text, [f for f in _map_lines(rest, new, text) if not f.fixed], error
        if not ctx.write:
            rest = _map_lines(rest, new, text)
    return new, [*fixed, *rest], None


def _parser() -> bool:
    """ast-grep-py is a dependency; a build without it still lints model ids and imports."""
    try:
        import ast_grep_py  # noqa: F401
    except ImportError:
        return False
    return True


def language_of(path: str) -> tuple[str, str] | None:
    from migrator.js.source import LANGUAGES

    suffix = os.path.splitext(path)[1].lower()
    lang = LANGUAGES.get(suffix)
    return (lang, suffix) if lang else None


def run_js(path: str, data: bytes, ctx: Context) -> HandlerOutput:
    decoded = text_lint.decode(data)
    if decoded is None:
        return HandlerOutput(
            None, [finding(path, (1, 1), "GM902", "not UTF-8 text; model names not checked")]
        )
    text, encoding = decoded
    found = language_of(path)
    assert found is not None
    lang, suffix = found
    new, findings, error = run_source(text, path, lang, ctx, suffix)
    if error is not None:
        findings = [*findings, finding(path, (1, 1), "GM903",
                                       f"rewrite did not compile ({error}); file not written")]
        return HandlerOutput(None, findings)
    if new == text:
        return HandlerOutput(None, findings)
    return HandlerOutput(new.encode(encoding), findings)


JS_HANDLER = Handler(name="javascript", run=run_js)
