"""Notebooks: cells rewritten as one program, everything but the changed sources kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import migrator.codemods
from migrator.config import Settings
from migrator.engine import FileResult, make_context, process_file
from migrator.knowledge import packages

FLOOR = packages()["python"]["genai_requirement"]


def code(source: Any, count: int | None = None, outputs: list[Any] | None = None,
         cell_id: str = "") -> dict[str, Any]:
    return {
        "cell_type": "code", "execution_count": count, "id": cell_id or f"id-{source!s:.8}",
        "metadata": {"tags": ["keep"]}, "outputs": outputs or [],
        "source": source,
    }


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def notebook(*cells: dict[str, Any], language: str = "python") -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.4"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write(tmp_path: Path, nb: dict[str, Any], *, indent: int | None = 1, newline: bool = True,
          ensure_ascii: bool = False, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    text = json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii)
    path.write_text(text + ("\n" if newline else ""), encoding="utf-8")
    return path


def run(path: Path, *, write_files: bool = True) -> FileResult:
    return process_file(str(path), make_context(Settings(), write=write_files))


def sources(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]]


OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["Bonjour é\n"]}

LEGACY = notebook(
    {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Démo\n"]},
    code(lines("%pip install -q google-generativeai\n"), 1, cell_id="install"),
    code(lines('import google.generativeai as genai\n\ngenai.configure(api_key="KEY")'), 2,
         cell_id="setup"),
    code(lines('model = genai.GenerativeModel("gemini-2.5-flash")'), 3, cell_id="model"),
    {"cell_type": "markdown", "id": "between", "metadata": {}, "source": ["Ask it.\n"]},
    code(lines('response = model.generate_content("Hi")\nprint(response.text)'), 4, [OUTPUT],
         cell_id="ask"),
)


def test_legacy_notebook_migrates_across_cells(tmp_path: Path) -> None:
    path = write(tmp_path, LEGACY)
    result = run(path)
    assert result.written and not result.skipped
    got = sources(path)
    assert got[1] == f'%pip install -q "{FLOOR}"\n'
    assert got[2] == 'from google import genai\n\nclient = genai.Client(api_key="KEY")'
    assert got[3] == 'model = dict(model="gemini-2.5-flash")'
    # The model built in cell 4 and used in cell 6 is one data flow.
    assert got[5] == ('response = client.interactions.create(**model, input="Hi")\n'
                      "print(response.output_text)")
    assert got[0] == "# Démo\n" and got[4] == "Ask it.\n"


def test_everything_but_the_sources_is_kept_byte_for_byte(tmp_path: Path) -> None:
    path = write(tmp_path, LEGACY)
    run(path)
    text = path.read_text(encoding="utf-8")
    after = json.loads(text)
    # Same style as the original writer (indent 1, raw UTF-8, key order, final newline).
    assert json.dumps(after, indent=1, ensure_ascii=False) + "\n" == text
    for old, new in zip(LEGACY["cells"], after["cells"], strict=True):
        assert {**old, "source": None} == {**new, "source": None}
        assert type(old["source"]) is type(new["source"])
    assert {k: v for k, v in after.items() if k != "cells"} == \
        {k: v for k, v in LEGACY.items() if k != "cells"}


@pytest.mark.parametrize(
    ("indent", "newline", "ensure_ascii"),
    [(2, False, False), (None, False, False), (4, True, True), (1, True, True)],
)
def test_file_style_is_detected_and_kept(
    tmp_path: Path, indent: int | None, newline: bool, ensure_ascii: bool
) -> None:
    path = write(tmp_path, LEGACY, indent=indent, newline=newline, ensure_ascii=ensure_ascii)
    run(path)
    text = path.read_text(encoding="utf-8")
    expected = json.dumps(json.loads(text), indent=indent, ensure_ascii=ensure_ascii)
    assert text == expected + ("\n" if newline else "")
    assert "client.interactions.create" in text


# A configure() nothing reads is left as it is (GM017): the notebooks below also call the API.
READS = "print([m.name for m in genai.list_models()])\n"
READ = "print([m.name for m in client.models.list()])\n"


def test_source_as_one_string_stays_a_string(tmp_path: Path) -> None:
    nb = notebook(code('import google.generativeai as genai\ngenai.configure(api_key="K")\n'
                       + READS))
    path = write(tmp_path, nb)
    run(path)
    cell = json.loads(path.read_text())["cells"][0]
    assert cell["source"] == ('from google import genai\nclient = genai.Client(api_key="K")\n'
                              + READ)


def test_findings_point_at_the_notebook_line_and_name_the_cell(tmp_path: Path) -> None:
    path = write(tmp_path, LEGACY)
    result = run(path, write_files=False)
    text = path.read_text(encoding="utf-8").splitlines()
    by_code = {f.code: f for f in result.findings}
    gm004 = by_code["GM004"]
    assert "generate_content" in text[gm004.line - 1]
    assert "(cell 6, line 1)" in gm004.message
    gm002 = by_code["GM002"]
    assert "genai.configure" in text[gm002.line - 1] and "(cell 3, line 3)" in gm002.message
    assert "%pip install" in text[by_code["GM401"].line - 1]
    assert path.read_text(encoding="utf-8") == json.dumps(LEGACY, indent=1,
                                                          ensure_ascii=False) + "\n"


def test_cell_that_does_not_parse_is_skipped_and_the_rest_migrates(tmp_path: Path) -> None:
    nb = notebook(
        code(lines("import google.generativeai as genai\n")),
        code(lines("def broken(:\n    genai.GenerativeModel(\"gemini-2.5-flash\")\n")),
        code(lines('genai.configure(api_key="K")\n')),
        code(lines("print(1 +)\n")),  # broken, but nothing to migrate in it: no error
        code(lines(READS)),
    )
    path = write(tmp_path, nb)
    result = run(path)
    assert result.written and result.skipped is None
    bad = [f for f in result.findings if f.code == "GM906"]
    assert len(bad) == 1 and "cell 2" in bad[0].message
    assert sources(path) == ["from google import genai\n",
                             "def broken(:\n    genai.GenerativeModel(\"gemini-2.5-flash\")\n",
                             'client = genai.Client(api_key="K")\n', "print(1 +)\n", READ]


def test_ipython_syntax_survives_and_python_magic_bodies_migrate(tmp_path: Path) -> None:
    capture = '%%capture\nimport google.generativeai as genai\ngenai.configure(api_key="K")\n'
    shell = "!pip install -U \\\n    google-generativeai pillow\nfiles = !ls\ngenai.configure?\n"
    html = "%%html\n<p>google.generativeai</p>\n"
    bash = "%%bash\npip install google-generativeai==0.8.3\n"
    prompt = 'PROMPT = """\n!important: keep\n%d items\n"""\n%time x = 1\n'
    continued = 'msg = (\n    "%s items"\n    % 3\n)\n'
    nb = notebook(code(lines(capture)), code(lines(shell)), code(lines(html)),
                  code(lines(bash)), code(lines(prompt)), code(lines(continued)),
                  code(lines(READS)))
    path = write(tmp_path, nb)
    result = run(path)
    got = sources(path)
    assert got[0] == '%%capture\nfrom google import genai\nclient = genai.Client(api_key="K")\n'
    assert got[1] == (f'!pip install -U \\\n    "{FLOOR}" pillow\nfiles = !ls\n'
                      "genai.configure?\n")
    assert got[2] == html
    assert got[3] == f'%%bash\npip install "{FLOOR}"\n'
    assert got[4] == prompt
    assert got[5] == continued and not [f for f in result.findings if f.code == "GM906"]


def test_cells_ending_in_ipython_lines_keep_their_missing_newline(tmp_path: Path) -> None:
    nb = notebook(code(lines("%pip install -q -U google-generativeai")),
                  code(lines('import google.generativeai as genai\n!ls')),
                  code(lines('genai.configure(api_key="K")\n%time x = 1')),
                  code(lines(READS)))
    path = write(tmp_path, nb)
    run(path)
    assert sources(path) == [f'%pip install -q -U "{FLOOR}"', "from google import genai\n!ls",
                             'client = genai.Client(api_key="K")\n%time x = 1', READ]


def test_install_line_sees_a_legacy_import_right_after_a_cell_without_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrator.codemods, "transform_source",
                        lambda source, path, ctx: (source, []))
    nb = notebook(code(lines("%pip install google-generativeai")),
                  code(lines("from google import genai")),
                  code(lines("import google.generativeai as legacy")))
    path = write(tmp_path, nb)
    run(path)
    assert sources(path)[0] == f'%pip install google-generativeai "{FLOOR}"'


def test_writefile_cell_is_a_python_file_of_its_own(tmp_path: Path) -> None:
    script = ('%%writefile app.py\nimport google.generativeai as genai\n'
              'genai.configure(api_key="K")\n' + READS)
    other = "%%writefile notes.txt\nimport google.generativeai as genai\n"
    nb = notebook(code(lines(script)), code(lines(other)))
    path = write(tmp_path, nb)
    result = run(path, write_files=False)
    text = path.read_text().splitlines()
    gm002 = next(f for f in result.findings if f.code == "GM002")
    assert "genai.configure" in text[gm002.line - 1] and "(cell 1, line 3)" in gm002.message
    run(path)
    assert sources(path) == ['%%writefile app.py\nfrom google import genai\n'
                             'client = genai.Client(api_key="K")\n' + READ, other]


def test_install_line_keeps_the_legacy_package_while_legacy_code_remains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in rewrite that leaves the legacy import in place (as for an unsupported call).
    monkeypatch.setattr(migrator.codemods, "transform_source",
                        lambda source, path, ctx: (source, []))
    nb = notebook(code(lines("!pip install google-generativeai\n")),
                  code(lines("import google.generativeai as genai\n")),
                  code(lines("from google import genai as new_sdk\n")))
    path = write(tmp_path, nb)
    run(path)
    assert sources(path)[0] == f'!pip install google-generativeai "{FLOOR}"\n'


def test_install_line_of_a_notebook_that_stays_legacy_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing in the notebook imports google-genai: installing it would only add a package
    (issue 11: pip lines only when that notebook uses it)."""
    monkeypatch.setattr(migrator.codemods, "transform_source",
                        lambda source, path, ctx: (source, []))
    install = "!pip install google-generativeai\n"
    nb = notebook(code(lines(install)), code(lines("import google.generativeai as genai\n")))
    path = write(tmp_path, nb)
    result = run(path)
    assert sources(path)[0] == install
    assert not [f for f in result.findings if f.code.startswith("GM4")]


def _marker_dropping_rewrite(source: str, path: str, ctx: object) -> tuple[str, list[Any]]:
    """A rewrite that loses the cell markers (and renames OLD to NEW)."""
    kept = [line for line in source.splitlines(keepends=True)
            if "__gemini_migrate_cell__" not in line]
    return "".join(kept).replace("OLD", "NEW"), []


def test_lost_markers_fall_back_to_one_cell_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrator.codemods, "transform_source", _marker_dropping_rewrite)
    nb = notebook(code(lines("genai = OLD(1)\n")), code(lines("x = 2\n")),
                  code(lines("!echo genai\ny = OLD(3)")))
    path = write(tmp_path, nb)
    run(path)
    assert sources(path) == ["genai = NEW(1)\n", "x = 2\n", "!echo genai\ny = NEW(3)"]


def test_lost_ipython_line_leaves_that_cell_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop_placeholders(source: str, path: str, ctx: object) -> tuple[str, list[Any]]:
        kept = [line for line in source.splitlines(keepends=True)
                if "__gemini_migrate_magic__" not in line]
        return "".join(kept).replace("OLD", "NEW"), []

    monkeypatch.setattr(migrator.codemods, "transform_source", drop_placeholders)
    nb = notebook(code(lines("genai = OLD(1)\n")), code(lines("%time y = 1\nz = OLD(2)\n")))
    path = write(tmp_path, nb)
    result = run(path)
    assert sources(path) == ["genai = NEW(1)\n", "%time y = 1\nz = OLD(2)\n"]
    assert any(f.code == "GM906" and "cell 2" in f.message for f in result.findings)


def test_an_import_added_at_the_top_lands_in_the_first_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrator.codemods, "transform_source",
                        lambda source, path, ctx: ("import added\n" + source, []))
    nb = notebook(code(lines("genai = 1")), code(lines("b = 2")))
    path = write(tmp_path, nb)
    run(path)
    assert sources(path) == ["import added\ngenai = 1", "b = 2"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"cells": [ {"cell_type": "code", "source": "import google.generativeai"', "JSON"),
        (json.dumps({"nbformat": 3, "worksheets": [{"cells": [
            {"cell_type": "code", "input": "import google.generativeai"}]}]}), "nbformat 3"),
    ],
)
def test_broken_notebooks_are_skipped_untouched(tmp_path: Path, content: str,
                                                reason: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(content, encoding="utf-8")
    result = run(path)
    assert result.skipped and reason in result.skipped
    assert [f.code for f in result.findings] == ["GM906"]
    assert path.read_text(encoding="utf-8") == content


def test_other_kernels_are_left_alone(tmp_path: Path) -> None:
    nb = notebook(code(lines("library(generativeai)\n")), language="R")
    path = write(tmp_path, nb)
    assert run(path).findings == []


def test_top_level_await_bom_and_crlf(tmp_path: Path) -> None:
    nb = notebook(code(lines('import google.generativeai as genai\nm = genai.GenerativeModel('
                             '"gemini-2.5-flash")\nr = await m.generate_content_async("Hi")\n')))
    path = tmp_path / "nb.ipynb"
    text = json.dumps(nb, indent=1).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run(path)
    assert result.written
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert "await client.aio.interactions.create" in sources_bom(path)[0]


def sources_bom(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8-sig"))
    return ["".join(c["source"]) for c in nb["cells"]]


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, LEGACY)
    run(path)
    once = path.read_bytes()
    result = run(path)
    assert not result.changed and path.read_bytes() == once


def test_a_notebook_with_big_outputs_is_still_migrated(tmp_path: Path) -> None:
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": "iVBORw0KGgo" * 700_000}}  # ~7.7 MB of plot
    nb = notebook(code(lines('import google.generativeai as genai\ngenai.configure(api_key="K")'),
                       1, [image]), code(lines(READS)))
    path = write(tmp_path, nb)
    assert path.stat().st_size > 5 * 2**20
    assert run(path).written
    assert sources(path)[0] == 'from google import genai\nclient = genai.Client(api_key="K")'


def test_a_cell_that_imports_the_legacy_sdk_again_gets_the_new_import_too(
        tmp_path: Path) -> None:
    """A cell that repeats its imports is meant to run on its own: the google-genai import goes
    beside each legacy import, whether the legacy SDK stays (another cell keeps it) or not."""
    stays = 'genai.create_tuned_model(source_model="models/gemini-1.5-flash-001", training_data=[])'
    nb = notebook(
        code(lines('import google.generativeai as genai\ngenai.configure(api_key="K")\n' + stays)),
        code(lines('import google.generativeai as genai\ngenai.configure(api_key="K")\n'
                   'print(genai.GenerativeModel("gemini-2.5-flash").generate_content("Hi").text)')))
    path = write(tmp_path, nb)
    run(path)
    first, second = sources(path)
    assert first.startswith("import google.generativeai as genai\n")
    assert second.startswith("import google.generativeai as genai\n"
                             "from google import genai as google_genai\n")
    assert "google_genai.Client(" in second and "interactions.create(" in second
    migrated = notebook(
        code(lines('import google.generativeai as genai\ngenai.configure(api_key="K")\n'
                   'print(genai.GenerativeModel("gemini-2.5-flash").generate_content("A").text)')),
        code(lines('import google.generativeai as genai\ngenai.configure(api_key="K")\n'
                   'print(genai.GenerativeModel("gemini-2.5-flash").generate_content("B").text)')))
    path = write(tmp_path, migrated, name="all.ipynb")
    run(path)
    assert all(cell.startswith("from google import genai\n") for cell in sources(path))
