"""Write the README's rules table from the registered rules (migrator/codes.py).

    python scripts/rules_table.py          rewrite README.md between the rules-table markers
    python scripts/rules_table.py --check  exit 1 if README.md's table is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"


def table() -> str:
    sys.path.insert(0, str(ROOT))
    from migrator.codes import RULES

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| Code | Name | Severity | Fix | What it means |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in RULES.values():
        lines.append(f"| `{rule.code}` | `{rule.name}` | {rule.severity} | {rule.fix} | "
                     f"{cell(rule.summary)} |")
    return "\n".join(lines) + "\n"


def render(readme: str) -> str:
    """`readme` with the text between the markers replaced by the current table."""
    head, sep, rest = readme.partition(START)
    if not sep or END not in rest:
        raise SystemExit(f"{README}: the {START} / {END} markers are missing")
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}{END}{tail}"


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md rules table is stale: run python scripts/rules_table.py",
                  file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
