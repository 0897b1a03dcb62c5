"""The JS/TS handler around the rewrite: prefilter, lazy parser import, compile check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import migrator.js.check
from migrator.config import Settings
from migrator.engine import make_context, process_file
from migrator.handlers import handler_for

LEGACY = (
    'const { GoogleGenerativeAI } = require("@google/generative-ai");\n'
    "const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);\n"
    'const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });\n'
    'model.generateContent("Hi").then((r) => console.log(r.response.text()));\n'
)


@pytest.mark.parametrize("name", ["a.js", "a.mjs", "a.cjs", "a.jsx", "a.ts", "a.mts",
                                  "a.cts", "a.tsx"])
def test_every_js_and_ts_suffix_has_the_js_handler(name: str) -> None:
    handler = handler_for(name)
    assert handler is not None and handler.name == "javascript"


def test_python_only_run_never_loads_the_js_parser(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('MODEL = "gemini-1.5-flash"\n', encoding="utf-8")
    (tmp_path / "util.js").write_text("export const x = 1;\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from migrator.config import Settings\n"
        "from migrator.engine import make_context, run\n"
        f"run([{str(tmp_path / 'app.py')!r}, {str(tmp_path / 'util.js')!r}],"
        " make_context(Settings(), write=False))\n"
        "print('ast_grep_py' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_result_that_does_not_check_is_not_written(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "app.cjs"
    path.write_text(LEGACY, encoding="utf-8")
    monkeypatch.setattr(migrator.js.check, "node_check",
                        lambda text, suffix, lang: None if "GoogleGenerativeAI" in text
                        else "SyntaxError: invented")
    result = process_file(str(path), make_context(Settings(), write=True))
    assert path.read_text(encoding="utf-8") == LEGACY
    assert not result.written
    assert [(f.code, f.line) for f in result.findings if f.code == "GM903"] == [("GM903", 1)]
    assert not any(f.fixed for f in result.findings)


def test_the_real_node_check_refuses_broken_javascript() -> None:
    if migrator.js.check._node() is None:
        pytest.skip("node not installed")
    assert migrator.js.check.check("let a = 1;\n", "let a = ;\n", ".cjs", "javascript")
    assert migrator.js.check.check("let a = 1;\n", "let a = 2;\n", ".cjs", "javascript") is None
    # ESM syntax in a .js file is checked as a module
    assert migrator.js.check.check("", "import x from 'y';\nawait x;\n", ".js",
                                   "javascript") is None


def test_a_file_that_does_not_parse_is_reported_and_still_linted(tmp_path: Path) -> None:
    path = tmp_path / "broken.js"
    path.write_text('import { GoogleGenerativeAI } from "@google/generative-ai";\n'
                    'const model = "gemini-1.5-flash";\nconst = ;\n', encoding="utf-8")
    result = process_file(str(path), make_context(Settings(), write=False))
    found = {f.code for f in result.findings}
    assert {"GM901", "GM403", "GM301"} <= found


EXPORTED = (
    'import { GoogleGenerativeAI } from "@google/generative-ai";\n'
    "const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);\n"
    'const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });\n'
    "export default model;\n"
)


@pytest.mark.parametrize("importer", [
    'import model from "../config/gemini.js";\nawait model.generateContent("Hi");\n',
    'const model = require("../config/gemini");\nmodel.generateContent("Hi");\n',
    None,
])
def test_an_exported_model_names_its_importers(tmp_path: Path, importer: str | None) -> None:
    """A model exported to other files stays; the finding names the files of the package
    that import it (they would have to migrate with it)."""
    (tmp_path / "package.json").write_text("{}\n", encoding="utf-8")
    config = tmp_path / "src" / "config" / "gemini.js"
    config.parent.mkdir(parents=True)
    config.write_text(EXPORTED, encoding="utf-8")
    if importer is not None:
        (tmp_path / "src" / "app").mkdir()
        (tmp_path / "src" / "app" / "chat.js").write_text(importer, encoding="utf-8")
    (tmp_path / "src" / "other.js").write_text('import x from "./config/other.js";\n',
                                               encoding="utf-8")
    result = process_file(str(config), make_context(Settings(), write=False))
    messages = [f.message for f in result.findings if f.code == "GM521"]
    assert len(messages) == 1, messages
    if importer is None:
        assert "no file of its package imports it" in messages[0]
    else:
        assert "`src/app/chat.js` imports it" in messages[0]
    assert not any(f.fixed for f in result.findings)


# An exported model and the files of its package that import it, all in one run. The single-file
# pass rewrites neither: the exporter cannot change the model's shape under its importers, and an
# importer (no SDK import of its own) has nothing to follow. The finding names the importers.
MODEL_MODULE = (
    'import { GoogleGenerativeAI } from "@google/generative-ai";\n'
    "const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);\n"
    'export const model = genAI.getGenerativeModel({ model: "gemini-2.5-flash" });\n'
)
IMPORTERS = {
    # every use is a call the single-file pass migrates for a local model
    "calls": {
        "text/ask.js": 'import { model } from "../model.js";\n'
                       "export async function ask() {\n"
                       '  const result = await model.generateContent("Hi");\n'
                       "  return result.response.text();\n}\n",
        "text/stream.js": 'import { model } from "../model.js";\n'
                          "export async function stream() {\n"
                          '  const result = await model.generateContentStream("Hi");\n'
                          "  for await (const chunk of result.stream) console.log(chunk.text());\n"
                          "}\n",
    },
    # an importer hands the model on to other code
    "passed on": {
        "text/ask.js": 'import { model } from "../model.js";\n'
                       'import { run } from "./runner.js";\n'
                       "export const ask = () => run(model);\n",
        "text/runner.js": 'export const run = (m) => m.generateContent("Hi");\n',
    },
    # an importer re-exports it
    "re-exported": {
        "text/ask.js": 'export { model } from "../model.js";\n',
        "app.js": 'import { model } from "./text/ask.js";\nmodel.generateContent("Hi");\n',
    },
}


@pytest.mark.parametrize("case", sorted(IMPORTERS))
@pytest.mark.parametrize("in_run", [True, False])
def test_an_exported_model_and_its_importers_stay_together(tmp_path: Path, case: str,
                                                           in_run: bool) -> None:
    """Exporter and importers in one run (or the exporter alone, as pre-commit runs it): no
    file changes, the exporter's GM521 names its importers, and nothing is reported fixed."""
    from migrator.engine import run

    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    exporter = tmp_path / "src" / "model.js"
    exporter.parent.mkdir()
    exporter.write_text(MODEL_MODULE, encoding="utf-8")
    paths = [str(exporter)]
    for rel, text in IMPORTERS[case].items():
        target = tmp_path / "src" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if in_run:
            paths.append(str(target))
    before = {p: Path(p).read_text(encoding="utf-8") for p in paths}
    results = run(paths, make_context(Settings(), write=True))
    assert [r.path for r in results if r.written] == [str(exporter)]  # its TODO line only
    after = {p: Path(p).read_text(encoding="utf-8") for p in paths}
    todo = "// TODO(gemini-migrate): GM521 "
    assert [line for line in after[str(exporter)].splitlines(keepends=True)
            if not line.lstrip().startswith(todo)] == before[str(exporter)].splitlines(True)
    assert {p: t for p, t in after.items() if p != str(exporter)} == \
        {p: t for p, t in before.items() if p != str(exporter)}
    assert not any(f.fixed for r in results for f in r.findings)
    stays = [f for r in results for f in r.findings if f.code == "GM521"]
    assert len(stays) == 1 and stays[0].path == str(exporter), stays
    assert "`src/text/ask.js`" in stays[0].message and "import" in stays[0].message
