"""Python that lives inside other files: notebook cells and Markdown / reST code blocks.

Both handlers hand the code to the same Python rewrite (`migrator.codemods.transform_source`)
and map what comes back onto the file they came from. Shared here: the rewrite of `pip install`
lines (a notebook's `%pip` / `!pip` lines, shell blocks in a README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.lint.usage import PY_GENAI, PY_LEGACY

# A notebook is rewritten as one program whose cells are separated by a statement holding this
# string (notebook.py); a rewrite must not move code from one cell to another (codemods/tidy.py).
CELL_MARKER = "__gemini_migrate_cell__"

_PIP = re.compile(r"\bpip3?\s+install\b|\buv\s+(?:pip\s+install|add)\b", re.IGNORECASE)
# One requirement token of the legacy package: optional quotes, extras and version specifier.
_LEGACY_TOKEN = re.compile(
    r"""(?P<q>["']?)google[-_.]generativeai(?:\[[^\]\s]*\])?"""
    r"""(?P<spec>\s*(?:===|==|>=|<=|~=|!=|>|<)[^\s"',;]*(?:\s*,\s*(?:===|==|>=|<=|~=|!=|>|<)[^\s"',;]*)*)?"""
    r"""(?P=q)(?=\s|$|;|&|\|)""",
    re.IGNORECASE,
)
_GENAI_TOKEN = re.compile(r"""(?<![\w.-])["']?google[-_.]genai(?![\w-])""", re.IGNORECASE)
# Import statements of each SDK (shared with the manifest checks, which ask the same question).
LEGACY_IMPORT = PY_LEGACY
GENAI_IMPORT = PY_GENAI


@dataclass(frozen=True)
class InstallRewrite:
    new_line: str
    old_token: str
    new_token: str
    kept_legacy: bool = False

    @property
    def result(self) -> str:
        """What stands where the legacy requirement stood."""
        return f"{self.old_token} {self.new_token}" if self.kept_legacy else self.new_token

    @property
    def message(self) -> str:
        if self.kept_legacy:
            return (f"install line adds {self.new_token} next to {self.old_token} (code that "
                    "uses the legacy SDK remains)")
        return f"install line moves from {self.old_token} to {self.new_token}"


def shell_commands(lines: list[str]) -> list[tuple[int, str]]:
    """Group lines into commands: a line ending in a backslash continues on the next one."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(lines):
        end = start
        while lines[end].rstrip("\r\n").endswith("\\") and end + 1 < len(lines):
            end += 1
        out.append((start, "".join(lines[start : end + 1])))
        start = end + 1
    return out


def genai_requirement() -> str:
    from migrator.knowledge import packages

    requirement: str = packages()["python"]["genai_requirement"]
    return requirement


def rewrite_install_line(line: str, *, keep_legacy: bool,
                         uses_genai: bool = True) -> InstallRewrite | None:
    """Move a `pip install ... google-generativeai ...` line to google-genai.

    The new requirement is always the Interactions floor from rules/packages.toml: an unpinned
    `pip install google-genai` is a no-op where an older google-genai is already installed
    (Colab ships one), and the migrated code needs the floor. The requirement is quoted because
    `>=` is a redirection in the shell that runs `!pip` and `%pip` lines. When code that still
    imports the legacy SDK remains, the legacy package is kept, and google-genai is added next
    to it only when the same file's code imports google-genai (`uses_genai`): a notebook that
    stays on the legacy SDK installs nothing new.
    """
    if keep_legacy and not uses_genai:
        return None
    if not _PIP.search(line):
        return None
    match = _LEGACY_TOKEN.search(line)
    if match is None:
        return None
    quote = match.group("q") or '"'
    new_token = f"{quote}{genai_requirement()}{quote}"
    old_token = match.group(0)
    has_genai = bool(_GENAI_TOKEN.search(line[: match.start()] + line[match.end():]))
    if keep_legacy:
        if has_genai:
            return None
        replacement = f"{old_token} {new_token}"
    elif has_genai:
        replacement = ""
        new_token = "(already installed on this line)"
    else:
        replacement = new_token
    start = match.start()
    if not replacement:
        # Drop the token and the blank before it, not the whole command.
        while start > 0 and line[start - 1] in " \t":
            start -= 1
    new_line = line[:start] + replacement + line[match.end():]
    return InstallRewrite(new_line, old_token, new_token, keep_legacy)
