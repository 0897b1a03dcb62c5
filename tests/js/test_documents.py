"""JS/TS inside other files: Markdown ```js / ```ts blocks and HTML `<script>` blocks."""

from __future__ import annotations

from pathlib import Path

from migrator.config import Settings
from migrator.engine import FileResult, make_context, process_file

LEGACY = (
    'import { GoogleGenerativeAI } from "@google/generative-ai";\n'
    "\n"
    "const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);\n"
    'const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });\n'
    'const result = await model.generateContent("Hello");\n'
    "console.log(result.response.text());\n"
)
MIGRATED = (
    'import { GoogleGenAI } from "@google/genai";\n'
    "\n"
    "const genAI = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });\n"
    'const model = { model: "gemini-2.5-flash" };\n'
    'const result = await genAI.interactions.create({ ...model, input: "Hello" });\n'
    'console.log(result.output_text ?? "");\n'
)


def run(path: Path, *, write: bool = True) -> FileResult:
    return process_file(str(path), make_context(Settings(), write=write))


def codes(result: FileResult) -> list[str]:
    return sorted(f"{f.line} {f.code}{'*' if f.fixed else ''}" for f in result.findings)


def test_markdown_js_and_ts_blocks_are_rewritten_in_place(tmp_path: Path) -> None:
    doc = (f"# Node\n\n```js\n{LEGACY}```\n\nIn a list:\n\n- step\n\n  ```ts\n"
           + "".join("  " + line if line.strip() else line
                     for line in LEGACY.splitlines(True))
           + "  ```\n\n```python\nprint('x')\n```\n")
    path = tmp_path / "README.md"
    path.write_text(doc, encoding="utf-8")
    checked = run(path, write=False)
    assert path.read_text(encoding="utf-8") == doc
    # the model line of each block, as the document numbers it
    assert "7 GM502*" in codes(checked) and "20 GM502*" in codes(checked)
    run(path)
    expected = (f"# Node\n\n```js\n{MIGRATED}```\n\nIn a list:\n\n- step\n\n  ```ts\n"
                + "".join("  " + line if line.strip() else line
                          for line in MIGRATED.splitlines(True))
                + "  ```\n\n```python\nprint('x')\n```\n")
    assert path.read_text(encoding="utf-8") == expected
    assert run(path).updated is None


def test_markdown_block_without_the_sdk_is_untouched(tmp_path: Path) -> None:
    doc = "```js\nconst model = await getModel();\nmodel.generateContent('x');\n```\n"
    path = tmp_path / "notes.md"
    path.write_text(doc, encoding="utf-8")
    assert run(path).updated is None


PAGE = """<!doctype html>
<html>
  <body>
    <script type="module">
      import { GoogleGenerativeAI } from "https://esm.run/@google/generative-ai";

      const genAI = new GoogleGenerativeAI(API_KEY);
      const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });
      const result = await model.generateContent("Hi");
      document.body.append(result.response.text());
    </script>
    <script>console.log("unrelated");</script>
  </body>
</html>
"""


def test_html_module_script_keeps_its_cdn(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(PAGE, encoding="utf-8")
    checked = run(path, write=False)
    assert "8 GM502*" in codes(checked)
    run(path)
    text = path.read_text(encoding="utf-8")
    assert 'import { GoogleGenAI } from "https://esm.run/@google/genai";' in text
    assert "new GoogleGenAI({ apiKey: API_KEY })" in text
    assert 'document.body.append(result.output_text ?? "");' in text
    assert '<script>console.log("unrelated");</script>' in text
    assert run(path).updated is None


def test_html_without_the_sdk_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<script>const model = 'gemini-1.5-flash';</script>\n", encoding="utf-8")
    result = run(path)
    assert result.original is None and not result.findings
