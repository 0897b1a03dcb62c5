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

from migrator.engine import Context, Handler, HandlerOutput
from migrator.findings import Finding, finding
from migrator.lint import text as text_lint

# Bytes that only SDK code contains: the rewrite is entered only when one of them occurs.
SDK_TRIGGERS = (b"@google/generative-ai", b"@google/genai", b"GoogleGenerativeAI",
                b"GoogleGenAI")
TRIGGERS = tuple(dict.fromkeys((*text_lint.TRIGGERS, *SDK_TRIGGERS, b"interactions")))
MAX_ROUNDS = 6


def transform(text: str, path: str, lang: str, ctx: Context) -> tuple[str, list[Finding]]:
    """Rewrite JS/TS source to a fixed point; findings: fixed ones of every round, the rest
    of the last round (positions in the returned text)."""
    from migrator.js.genai import GenaiPass
    from migrator.js.imports import imports_pass
    from migrator.js.legacy import LegacyPass
    from migrator.js.lint import lint_pass
    from migrator.js.source import Source

    fixed: dict[tuple[int, int, str, str], Finding] = {}
    last: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        src = Source(text, path, lang, ctx)
        if src.root.find(kind="ERROR") is not None:
            node = src.root.find(kind="ERROR")
            assert node is not None
            line, column = src.pos(node)
            return text, [finding(path, (line, column), "GM901",
                                  f"cannot parse as {'TypeScript' if src.typescript else 'JavaScript'}"
                                  "; the SDK rewrite was skipped")]
        LegacyPass(src).run()
        GenaiPass(src).run()
        if not src.edits and not src.todos:
            imports_pass(src)
        if not src.edits and not src.todos:
            lint_pass(src)
        last = []
        for item in src.findings:
            if item.fixed:
                fixed.setdefault((item.line, item.column, item.code, item.message), item)
            else:
                last.append(item)
        new = src.result()
        if new == text:
            break
        text = new
    return text, [*fixed.values(), *dict.fromkeys(last)]


def _map_lines(findings: list[Finding], before: str, after: str) -> list[Finding]:
    """Move findings from lines of `before` to the matching lines of `after`."""
    if before == after:
        return findings
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(),
                                      autojunk=False)
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(i2 - i1):
            same_size = tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1)
            moved[i1 + offset + 1] = (j1 + offset + 1) if same_size else min(j1 + 1, j2 or 1)
    lines = after.splitlines()
    out = []
    for item in findings:
        line = moved.get(item.line, item.line)
        column = item.column
        token = dict(item.data).get("from")
        if token and 0 < line <= len(lines) and token in lines[line - 1]:
            column = lines[line - 1].index(token) + 1  # a model id: its column in that line
        out.append(replace(item, line=line, column=column))
    return out


def run_source(text: str, path: str, lang: str, ctx: Context,
               suffix: str) -> tuple[str, list[Finding], str | None]:
    """(new text, findings against the new text, why the result was refused or None)."""
    rewritten: list[Finding] = []
    new = text
    if (any(t.decode() in text for t in SDK_TRIGGERS) or "interactions" in text) and _parser():
        new, rewritten = transform(text, path, lang, ctx)
    safety = text_lint.FIX_SAFE if "interactions.create" in new else text_lint.FIX_UNSAFE
    edits, models = text_lint.scan_models(new, path, ctx, "js", safety=safety)
    new = text_lint.apply_edits(new, edits)
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


JS_HANDLER = Handler(name="javascript", triggers=TRIGGERS, run=run_js)
