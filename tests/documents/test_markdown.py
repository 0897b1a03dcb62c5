"""Markdown, MDX and reST: Python code blocks rewritten in place, everything else kept."""

from __future__ import annotations

from pathlib import Path

from migrator.config import Settings
from migrator.engine import FileResult, make_context, process_file
from migrator.knowledge import packages

FLOOR = packages()["python"]["genai_requirement"]

LEGACY = (
    "import google.generativeai as genai\n"
    "\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)
MIGRATED = (
    "from google import genai\n"
    "\n"
    'client = genai.Client(api_key="KEY")\n'
    'print(client.interactions.create(model="gemini-2.5-flash", input="Hi").output_text)\n'
)


def run(path: Path, *, write: bool = True) -> FileResult:
    return process_file(str(path), make_context(Settings(), write=write))


def indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(True))


DOC = f"""# Quick start

Install the SDK (*google.generativeai*, the old one):

```bash
pip install -q google-generativeai
```

Then:

```python
{LEGACY}```

1. Or inside a list item:

   ~~~py
{indent(LEGACY, "   ")}   ~~~

A JavaScript block stays as it is:

```js
const genai = require("google.generativeai");
```
"""


def test_python_blocks_are_rewritten_and_prose_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(DOC, encoding="utf-8")
    result = run(path)
    assert result.written
    expected = (DOC.replace(LEGACY, MIGRATED, 1)
                .replace(indent(LEGACY, "   "), indent(MIGRATED, "   "))
                .replace("pip install -q google-generativeai", f'pip install -q "{FLOOR}"'))
    assert path.read_text(encoding="utf-8") == expected


def test_findings_carry_the_documents_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(DOC, encoding="utf-8")
    result = run(path, write=False)
    lines = DOC.splitlines()
    configure = [f for f in result.findings if f.code == "GM002"]
    assert configure and all("genai.configure" in lines[f.line - 1] for f in configure)
    nested = [f for f in result.findings if f.code == "GM001"]
    assert [lines[f.line - 1] for f in nested] == ["import google.generativeai as genai",
                                                   "   import google.generativeai as genai"]
    assert [f.column for f in nested] == [1, 4]
    pip = [f for f in result.findings if f.code == "GM401"]
    assert len(pip) == 1 and "pip install" in lines[pip[0].line - 1]


def test_a_block_that_does_not_parse_is_reported_and_the_others_migrate(tmp_path: Path) -> None:
    broken = "import google.generativeai as genai\nmodel = ...(\n"
    doc = f"```python\n{broken}```\n\n```py\n{LEGACY}```\n"
    path = tmp_path / "guide.mdx"
    path.write_text(doc, encoding="utf-8")
    result = run(path)
    assert result.written and result.skipped is None
    assert [(f.code, f.line) for f in result.findings if f.code == "GM901"] == [("GM901", 3)]
    assert path.read_text(encoding="utf-8") == doc.replace(LEGACY, MIGRATED)


def test_crlf_bom_and_unclosed_fences(tmp_path: Path) -> None:
    doc = f"Intro\n\n```python\n{LEGACY}```\n\n```python\nimport google.generativeai\n"
    path = tmp_path / "notes.markdown"
    path.write_bytes(b"\xef\xbb\xbf" + doc.replace("\n", "\r\n").encode())
    run(path)
    expected = doc.replace(LEGACY, MIGRATED).replace("\n", "\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_rst_code_block_directive(tmp_path: Path) -> None:
    block = indent(LEGACY, "   ")
    doc = f"Title\n=====\n\n.. code-block:: python\n   :linenos:\n\n{block}\nAfter.\n"
    path = tmp_path / "index.rst"
    path.write_text(doc, encoding="utf-8")
    result = run(path)
    assert result.written
    assert path.read_text(encoding="utf-8") == doc.replace(indent(LEGACY, "   "),
                                                           indent(MIGRATED, "   "))


def test_invalid_utf8_document_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"```python\nimport google.generativeai\n```\n\xff\xfe\n")
    result = run(path)
    assert result.skipped and [f.code for f in result.findings] == ["GM902"]
    assert path.read_bytes().endswith(b"\xff\xfe\n")


def test_colab_style_block_with_shell_lines(tmp_path: Path) -> None:
    block = "!pip install -q google-generativeai\n" + LEGACY
    doc = f"Copied from Colab:\n\n```python\n{block}```\n"
    path = tmp_path / "README.md"
    path.write_text(doc, encoding="utf-8")
    result = run(path, write=False)
    assert [(f.code, f.line) for f in result.findings if f.code in ("GM401", "GM001")] == \
        [("GM401", 4), ("GM001", 5)]
    run(path)
    assert path.read_text(encoding="utf-8") == doc.replace(
        block, f'!pip install -q "{FLOOR}"\n' + MIGRATED)
