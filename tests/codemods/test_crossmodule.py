"""A module-level model imported by another file keeps its legacy shape."""

from __future__ import annotations

import subprocess
from pathlib import Path

from migrator.codemods import transform_source
from migrator.codemods.crossmodule import _consumers
from migrator.config import Settings
from migrator.engine import make_context

APP = '''import google.generativeai as genai

genai.configure(api_key="k")
model = genai.GenerativeModel("gemini-2.5-flash")
local = genai.GenerativeModel("gemini-2.5-flash")
print(local.generate_content("x").text)
'''


def _migrate(path: Path) -> str:
    _consumers.cache_clear()
    ctx = make_context(Settings(), write=False)
    return transform_source(path.read_text(), str(path), ctx)[0]


def _repo(tmp_path: Path, worker: str) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pkg").mkdir()
    app = tmp_path / "pkg" / "app.py"
    app.write_text(APP)
    (tmp_path / "worker.py").write_text(worker)
    return app


def test_imported_model_is_pinned(tmp_path: Path) -> None:
    app = _repo(tmp_path, "from pkg.app import model\nprint(model.generate_content('hi').text)\n")
    out = _migrate(app)
    assert "# TODO(gemini-migrate): GM011 'model' is imported by worker.py" in out
    assert 'model = genai.GenerativeModel("gemini-2.5-flash")' in out
    # the model nobody imports is migrated (and, used once, goes into its call)
    assert 'client.interactions.create(model="gemini-2.5-flash", input="x")' in out


def test_module_import_with_attribute_use_is_pinned(tmp_path: Path) -> None:
    app = _repo(tmp_path, "import pkg.app as a\nprint(a.model.generate_content('hi').text)\n")
    assert "GM011 'model' is imported by worker.py" in _migrate(app)


def test_unrelated_import_does_not_pin(tmp_path: Path) -> None:
    app = _repo(tmp_path, "from pkg.app import local_helper\nprint(x.generate_content)\n")
    out = _migrate(app)
    assert "TODO" not in out
    assert 'client.interactions.create(model="gemini-2.5-flash", input="x")' in out


CHAT = '''import google.generativeai as genai

model = genai.GenerativeModel("gemini-2.5-flash")
print(model.generate_content("hi").text)
'''


def _two_files(tmp_path: Path, config: str, chat: str = "import config\n" + CHAT) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "config.py").write_text(config)
    path = tmp_path / "chat.py"
    path.write_text(chat)
    return path


def _fresh(path: Path) -> str:
    from migrator.codemods import crossmodule

    for cached in (crossmodule._configures, crossmodule._import_graph,
                   crossmodule._reverse_graph, crossmodule._importers,
                   crossmodule._legacy_users):
        cached.cache_clear()
    return _migrate(path)


def test_key_configured_elsewhere_keeps_the_file(tmp_path: Path) -> None:
    config = "import google.generativeai as genai\ngenai.configure(api_key=settings.KEY)\n"
    out = _fresh(_two_files(tmp_path, config))
    assert "GM016 the API key is configured in config.py (settings.KEY)" in out
    assert "model.generate_content(" in out


def test_environment_key_elsewhere_is_what_client_reads(tmp_path: Path) -> None:
    config = ('import os\nimport google.generativeai as genai\n'
              'genai.configure(api_key=os.environ["GOOGLE_API_KEY"])\n')
    out = _fresh(_two_files(tmp_path, config))
    assert "client = genai.Client()" in out
    assert "TODO" not in out


def test_key_configured_elsewhere_after_that_file_was_migrated(tmp_path: Path) -> None:
    config = "from google import genai\nclient = genai.Client(api_key=settings.KEY)\n"
    out = _fresh(_two_files(tmp_path, config))
    assert "GM016 the API key is configured in config.py (settings.KEY)" in out


KEYED = "import google.generativeai as genai\ngenai.configure(api_key=settings.KEY)\n"


def test_key_configured_in_an_unrelated_script_is_not_this_files(tmp_path: Path) -> None:
    # Nothing imports both files: the other script's configure() never ran in this program.
    out = _fresh(_two_files(tmp_path, KEYED, chat=CHAT))
    assert "client = genai.Client()" in out
    assert "TODO" not in out


def test_key_configured_in_a_module_imported_through_another(tmp_path: Path) -> None:
    chat = _two_files(tmp_path, KEYED, chat="import helpers\n" + CHAT)
    (tmp_path / "helpers.py").write_text("from config import settings\n")
    assert "GM016 the API key is configured in config.py" in _fresh(chat)


def test_key_configured_in_a_module_a_common_entry_point_imports(tmp_path: Path) -> None:
    chat = _two_files(tmp_path, KEYED, chat=CHAT)
    (tmp_path / "main.py").write_text("import config\nimport chat\n")
    assert "GM016 the API key is configured in config.py" in _fresh(chat)


def test_relative_import_connects(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "config.py").write_text(KEYED)
    chat = tmp_path / "pkg" / "chat.py"
    chat.write_text("from . import config\n" + CHAT)
    assert "GM016 the API key is configured in config.py" in _fresh(chat)


def test_configure_kept_for_connected_legacy_code(tmp_path: Path) -> None:
    # chat.py stays legacy (GM016) and reads the key config.py sets: config.py keeps it.
    chat = _two_files(tmp_path, KEYED)
    config = tmp_path / "config.py"
    out = _fresh(config)
    assert out == KEYED
    ctx = make_context(Settings(), write=False)
    findings = transform_source(config.read_text(), str(config), ctx)[1]
    assert [f.code for f in findings] == ["GM017"]
    assert "configure() stays: chat.py (connected through imports)" in findings[0].message
    assert "GM016" in _fresh(chat)


def test_configure_kept_next_to_a_client_for_its_own_calls(tmp_path: Path) -> None:
    app = KEYED + 'print(genai.GenerativeModel("gemini-2.5-flash").generate_content("x").text)\n'
    _two_files(tmp_path, app)
    out = _fresh(tmp_path / "config.py")
    assert "genai.configure(api_key=settings.KEY)\nclient = google_genai.Client(" in out
    assert "client.interactions.create(" in out


def test_configure_with_the_legacy_default_key_is_not_kept(tmp_path: Path) -> None:
    # Without configure() the legacy SDK reads GOOGLE_API_KEY itself.
    config = ('import os\nimport google.generativeai as genai\n'
              'genai.configure(api_key=os.environ["GOOGLE_API_KEY"])\n'
              'print(genai.GenerativeModel("gemini-2.5-flash").generate_content("x").text)\n')
    _two_files(tmp_path, config)
    out = _fresh(tmp_path / "config.py")
    assert "generativeai" not in out


def test_streamlit_pages_share_the_entry_scripts_configuration(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "Home.py").write_text("import streamlit as st\n" + KEYED)
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "1_Chat.py"
    page.write_text("import streamlit as st\n" + CHAT)
    assert "GM016 the API key is configured in Home.py" in _fresh(page)


def test_script_run_by_name_is_connected(tmp_path: Path) -> None:
    chat = _two_files(tmp_path, KEYED + 'import runpy\nrunpy.run_path("tools/chat.py")\n',
                      chat=CHAT)
    (tmp_path / "tools").mkdir()
    moved = tmp_path / "tools" / "chat.py"
    chat.rename(moved)
    assert "GM016 the API key is configured in config.py" in _fresh(moved)
