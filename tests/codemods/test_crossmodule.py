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


def _two_files(tmp_path: Path, config: str) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "config.py").write_text(config)
    chat = tmp_path / "chat.py"
    chat.write_text(CHAT)
    return chat


def _fresh(path: Path) -> str:
    from migrator.codemods.crossmodule import _configures

    _configures.cache_clear()
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
