"""Source a user really has: syntax errors, valid code LibCST cannot read, UTF-16 files, bare-CR
line endings and a Markdown fence nobody closed. Each is either migrated exactly or reported in
words that say what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.config import Settings
from migrator.engine import make_context, process_file

LEGACY = (
    "import google.generativeai as genai\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)
MIGRATED = (
    "from google import genai\n"
    'client = genai.Client(api_key="KEY")\n'
    'print(client.interactions.create(model="gemini-2.5-flash", input="Hi").output_text)\n'
)


def check(path: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["--check", "--output-format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


def test_a_syntax_error_is_reported_in_cpythons_words(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text("import google.generativeai as genai\nx = [1,\n", encoding="utf-8")
    [item] = check(path)
    assert item["code"] == "GM901"
    assert (item["line"], item["column"]) == (2, 5)
    assert "'[' was never closed" in str(item["message"])
    assert "expected one of" not in str(item["message"])


@pytest.mark.parametrize(
    "source",
    [
        "import google.generativeai as genai\n(x): int = 3\nprint(genai, x)\n",
        "import google.generativeai as genai\nx = (" + " ".join(['"a"'] * 500) + ")\n",
    ],
    ids=["parenthesised-annotated-target", "500-adjacent-string-literals"],
)
def test_valid_python_libcst_cannot_handle_says_so(tmp_path: Path, source: str) -> None:
    compile(source, "valid", "exec")  # the premise: CPython accepts it
    path = tmp_path / "app.py"
    path.write_text(source, encoding="utf-8")
    [item] = check(path)
    assert item["code"] == "GM908", item
    assert "valid Python" in str(item["message"]) and "LibCST" in str(item["message"])
    assert "did not compile" not in str(item["message"])
    assert path.read_text(encoding="utf-8") == source


def test_valid_python_libcst_cannot_parse_in_a_markdown_block(tmp_path: Path) -> None:
    doc = "# App\n\n```python\nimport google.generativeai as genai\n(x): int = 3\n```\n"
    path = tmp_path / "README.md"
    path.write_text(doc, encoding="utf-8")
    [item] = check(path)
    assert (item["code"], item["line"]) == ("GM908", 5)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_utf16_file_with_gemini_code_is_reported_not_clean(tmp_path: Path,
                                                             codec: str) -> None:
    path = tmp_path / "app.py"
    data = LEGACY.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    result = process_file(str(path), make_context(Settings(), write=True))
    assert [f.code for f in result.findings] == ["GM902"]
    assert "UTF-" in result.findings[0].message and result.skipped
    assert path.read_bytes() == data


def test_a_utf16_file_without_gemini_code_stays_quiet(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes("# Notes\n\nNothing to migrate.\n".encode("utf-16"))
    result = process_file(str(path), make_context(Settings(), write=False))
    assert not result.findings and not result.skipped


def test_bare_cr_line_endings_are_kept_to_the_last_one(tmp_path: Path) -> None:
    path = tmp_path / "mac.py"
    path.write_bytes(LEGACY.replace("\n", "\r").encode())
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.written
    assert path.read_bytes() == MIGRATED.replace("\n", "\r").encode()


def test_a_markdown_fence_nobody_closed_is_code_to_the_end(tmp_path: Path) -> None:
    doc = "# Quickstart\n\n```python\n" + LEGACY
    path = tmp_path / "README.md"
    path.write_text(doc, encoding="utf-8")
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.written
    assert path.read_text(encoding="utf-8") == "# Quickstart\n\n```python\n" + MIGRATED


def test_an_unclosed_fence_in_a_list_item_ends_with_the_item(tmp_path: Path) -> None:
    item = "".join("   " + line + "\n" for line in LEGACY.splitlines())
    doc = f"1. Install, then run:\n\n   ```python\n{item}\nAfter the list.\n"
    path = tmp_path / "README.md"
    path.write_text(doc, encoding="utf-8")
    process_file(str(path), make_context(Settings(), write=True))
    migrated = "".join("   " + line + "\n" for line in MIGRATED.splitlines())
    assert path.read_text(encoding="utf-8") == doc.replace(item, migrated)
