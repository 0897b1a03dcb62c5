"""Every rule code gemini-migrate can report, with the text `--explain` and the README show.

Codes are never reused. Blocks: GM0xx legacy `google-generativeai` rewrites, GM1xx
`google-genai` generate_content / chats -> Interactions, GM2xx Interactions misuse, GM3xx model
names, GM4xx dependency pins, GM5xx JavaScript / TypeScript rewrites, GM9xx meta (files that
could not be read or parsed, suppressions).

Each block is declared beside the code that reports it (`codemods/legacy/rules.py`,
`codemods/genai_rules.py`, `lint/rules.py`, `js/rules.py`) and registered here, in code order;
`--list-rules`, `--explain`, SARIF and the README table all read `RULES`.
"""

from __future__ import annotations

from migrator.codemods.genai_rules import RULES as GENAI_RULES
from migrator.codemods.legacy.rules import RULES as LEGACY_RULES
from migrator.js.rules import RULES as JS_RULES
from migrator.lint.rules import RULES as LINT_RULES
from migrator.rule import Rule

# GM9xx: the engine's own rules (files it could not read, parse or write; suppressions).
_META = [
    Rule(
        "GM901", "syntax-error", "error", "none",
        "The file does not parse (as Python 3, JavaScript or TypeScript); it was skipped.",
        "Python 2 files, templates and files with syntax errors cannot be rewritten safely.",
    ),
    Rule(
        "GM902", "unreadable-file", "error", "none",
        "The file could not be read or decoded; it was skipped.",
        "Permissions, invalid encodings and binary content are reported, never guessed at.",
    ),
    Rule(
        "GM903", "rewrite-failed", "error", "none",
        "The rewritten file did not compile, so it was not written.",
        "This is a bug in gemini-migrate; please report it with the file.",
    ),
    Rule(
        "GM904", "unused-noqa", "info", "none",
        "A `# noqa: GMxxx` comment suppresses nothing.",
        "Remove the suppression or the code from it.",
    ),
    Rule(
        "GM905", "file-changed", "error", "none",
        "The file changed on disk during the run; it was not overwritten.",
        "Run gemini-migrate again.",
    ),
    Rule(
        "GM906", "invalid-notebook", "error", "none",
        "A notebook (or a cell of it) could not be read; it was skipped.",
        "Broken JSON, an nbformat 3 layout or a cell that does not parse.",
    ),
    Rule(
        "GM907", "invalid-manifest", "error", "none",
        "A manifest or config file could not be parsed.",
        "Broken TOML / JSON / YAML; pins in it were not checked.",
    ),
    Rule(
        "GM908", "unsupported-syntax", "error", "none",
        "Valid Python that LibCST cannot read or walk; the file was left as it was.",
        "CPython compiles the code, but LibCST (the parser every rewrite goes through) rejects "
        "it, e.g. a parenthesised annotated target `(x): int = 1`, or its tree is nested too "
        "deeply to walk (hundreds of adjacent string literals). Migrate that file by hand or "
        "rewrite the statement.",
    ),
    Rule(
        "GM909", "unsafe-to-write", "error", "none",
        "The file was not rewritten: writing it would have split hard links or changed its "
        "owner.",
        "A file with several hard links would keep the old code under its other names after "
        "an atomic rename, and writing it in place is not atomic; a file of another user or "
        "group that this user cannot give back would change hands. Break the links (copy the "
        "file) or run as a user who may keep the owner, then run again.",
    ),
]

_RULES = [*LEGACY_RULES, *GENAI_RULES, *LINT_RULES, *JS_RULES, *_META]
RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
assert len(RULES) == len(_RULES), "a rule code is declared twice"


def matches(code: str, selectors: tuple[str, ...] | list[str]) -> bool:
    """A selector is a full code or a prefix (`GM3`, `GM30`); `ALL` matches everything."""
    return any(sel == "ALL" or code.startswith(sel) for sel in selectors)
