"""The runner in process: bad snippets never stop a run, isolation, live-mode guards."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from migrator.verify import runner
from migrator.verify.runner import NO_CALLS, OUTPUT_CAP, run_verify
from migrator.verify.snippets import extract, find, markdown_blocks, notebook_snippet
from tests.verify.conftest import processes_with, wait_for_processes


def _write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def _json_run(capsys: Any, targets: list[str], **kwargs: Any) -> tuple[int, dict[str, Any]]:
    options = {"live": False, "differential": False, "against": None, "timeout": 20.0,
               "output_format": "json", "quiet": True, **kwargs}
    code = run_verify(targets, **options)
    out = capsys.readouterr().out
    return code, json.loads(out)


def _by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(r["snippet"].split(":")[0]).name + (":" + r["snippet"].split(":")[1]
            if ":" in r["snippet"] else ""): r for r in doc["results"]}


@pytest.fixture(params=["fork", "spawn"])
def start_mode(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Snippets start as children of the fork server (default) or as fresh interpreters."""
    monkeypatch.setenv("GEMINI_MIGRATE_VERIFY_FORK", "1" if request.param == "fork" else "0")
    return str(request.param)


@pytest.mark.skipif(os.name != "posix", reason="process groups and /proc")
def test_bad_snippets_never_stop_the_run(tmp_path: Path, capsys: Any, start_mode: str) -> None:
    marker = f"gemini-verify-test-hang-{start_mode}-{os.getpid()}"
    _write(tmp_path, "hang.py", f"""
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", {marker!r}])
        print("started", flush=True)
        time.sleep(300)
    """)
    _write(tmp_path, "crash.py", "print('before')\n1 / 0\n")
    _write(tmp_path, "exit3.py", "raise SystemExit(3)\n")
    _write(tmp_path, "loud.py", """
        import sys
        for _ in range(200):
            sys.stdout.write("x" * 100_000 + "\\n")
    """)
    _write(tmp_path, "stdin.py", "name = input('name? ')\nprint(name)\n")
    # refused by the snippet hook before any packet is sent (0.0.0.0 would be this machine)
    _write(tmp_path, "network.py", """
        import socket
        socket.create_connection(("0.0.0.0", 9), timeout=5)
    """)
    _write(tmp_path, "network_ip.py", """
        import urllib.request
        urllib.request.urlopen("http://0.0.0.0:9/", timeout=5)
    """)
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    _write(tmp_path, "fine.py", "print('ok')\n")
    targets = sorted(str(p) for p in tmp_path.iterdir() if p.suffix in (".py", ".ipynb"))

    code, doc = _json_run(capsys, targets, timeout=3.0)

    assert code == 1
    rows = _by_name(doc)
    assert len(rows) == 9
    assert rows["fine.py"]["stdout"] == "ok\n"
    assert rows["fine.py"]["status"] == "error" and rows["fine.py"]["detail"] == NO_CALLS
    assert rows["hang.py"]["status"] == "timeout"
    assert rows["hang.py"]["seconds"] < 10
    assert wait_for_processes(marker, present=False)  # the tree was killed
    assert rows["crash.py"]["status"] == "failed"
    assert "ZeroDivisionError" in rows["crash.py"]["detail"]
    assert rows["crash.py"]["stdout"] == "before\n"
    assert rows["exit3.py"]["exit_code"] == 3 and rows["exit3.py"]["status"] == "failed"
    assert rows["loud.py"]["detail"] == f"{NO_CALLS}; stdout truncated at 256 KiB"
    assert rows["stdin.py"]["status"] == "failed" and "EOFError" in rows["stdin.py"]["detail"]
    for name in ("network.py", "network_ip.py"):
        assert rows[name]["status"] == "failed", rows[name]
        assert "blocked" in rows[name]["detail"]
    assert rows["broken.ipynb"]["status"] == "error"
    assert "broken notebook" in rows["broken.ipynb"]["detail"]
    assert doc["summary"]["total"] == 9 and doc["summary"]["ok"] is False
    # The same envelope as --check's JSON: an object with the tool, its version and the format.
    assert doc["tool"] == "gemini-migrate" and doc["mode"] == "verify"
    assert doc["format_version"] == 1 and doc["verify_mode"] == "emulator"


def test_output_is_capped(tmp_path: Path) -> None:
    run = runner.run_source("import sys\nsys.stdout.write('y' * 5_000_000)\n", "big.py",
                            timeout=20)
    assert run.exit_code == 0
    assert len(run.stdout) == OUTPUT_CAP and run.stdout_truncated


def test_environment_is_scrubbed(tmp_path: Path, capsys: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "real-google-key")
    monkeypatch.setenv("GEMINI_API_KEY", "real-gemini-key")
    monkeypatch.setenv("OPENAI_API_KEY", "other-key")
    snippet = _write(tmp_path, "env.py", """
        import os
        print(sorted(k for k in os.environ if "KEY" in k or "GOOGLE" in k or "GEMINI" in k))
        print(os.environ["GEMINI_API_KEY"])
        print(os.getcwd() != os.path.dirname(os.path.abspath(__file__)) or "tmp")
    """)
    code, doc = _json_run(capsys, [str(snippet)])
    assert doc["results"][0]["detail"] == NO_CALLS
    lines = doc["results"][0]["stdout"].splitlines()
    assert lines[0] == ("['GEMINI_API_KEY', 'GEMINI_MIGRATE_BLOCK_NETWORK', "
                        "'GEMINI_MIGRATE_EMULATOR', 'GOOGLE_GEMINI_BASE_URL']")
    assert lines[1] == runner.FAKE_KEY
    assert "real-" not in doc["results"][0]["stdout"]


def test_legacy_forced_onto_rest_without_configure(tmp_path: Path, capsys: Any,
                                                   start_mode: str) -> None:
    """No configure call (the SDK would pick gRPC and the real host), plus the async client,
    which is gRPC-only in 0.8.x: both reach the emulator."""
    snippet = _write(tmp_path, "legacy.py", """
        import asyncio
        import google.generativeai as genai

        model = genai.GenerativeModel("gemini-1.5-flash")
        print(model.generate_content("Hello").text)

        async def main():
            response = await model.generate_content_async("Async hello")
            print(response.text)
            async for chunk in await model.generate_content_async("a b c d", stream=True):
                print(chunk.text)

        asyncio.run(main())
        genai.configure(api_key="theirs", transport="grpc",
                        client_options={"api_endpoint": "generativelanguage.googleapis.com"})
        print(model.generate_content("After configure").text)
    """)
    code, doc = _json_run(capsys, [str(snippet)])
    row = doc["results"][0]
    assert code == 0, row
    assert row["stdout"].splitlines() == [
        "turn 1: echo Hello", "turn 1: echo Async hello", "turn 1: echo ", "a b c ", "d",
        "turn 1: echo After configure"]
    assert row["requests"] == 4


INTERPRETER_FACTS = """
    import atexit, os, sys, threading, time
    print(__name__, os.path.basename(sys.argv[0]), os.path.basename(__file__))
    print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)) == os.getcwd())
    print(repr(sys.stdin.read()))
    def late():
        time.sleep(0.2)
        print("thread joined", flush=True)
    threading.Thread(target=late).start()
    atexit.register(lambda: print("atexit ran", flush=True))
    sys.exit("bye")
"""


def test_snippets_run_like_python_script(tmp_path: Path, capsys: Any, start_mode: str) -> None:
    snippet = _write(tmp_path, "facts.py", INTERPRETER_FACTS)
    code, doc = _json_run(capsys, [str(snippet)])
    row = doc["results"][0]
    assert code == 1 and row["exit_code"] == 1
    assert row["stdout"].splitlines() == [
        "__main__ facts.py facts.py", "True", "''", "thread joined", "atexit ran"]
    assert row["detail"] == "exit 1: bye"


def test_notebook_and_markdown_snippets(tmp_path: Path, capsys: Any) -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["# title"]},
        {"cell_type": "code", "source": ["%pip install google-genai\n", "x = 2\n"]},
        {"cell_type": "code", "source": "!ls\nif x:\n    !echo hi\n    print(x * 21)\n"},
    ], "nbformat": 4}
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    _write(tmp_path, "README.md", """
        Intro.

        ```bash
        pip install google-genai
        ```

        ```python
        print("first")
        ```

        - a list item with code:

          ```py
          print("second")
          ```
    """)
    code, doc = _json_run(capsys, [str(tmp_path / "nb.ipynb"), str(tmp_path / "README.md")])
    assert [r["stdout"] for r in doc["results"]] == ["42\n", "first\n", "second\n"]
    assert {r["detail"] for r in doc["results"]} == {NO_CALLS} and code == 1
    assert [r["snippet"].rsplit(":", 1)[-1] for r in doc["results"][1:]] == ["8", "14"]


def test_directory_search_takes_sdk_files_only(tmp_path: Path) -> None:
    _write(tmp_path, "uses_sdk.py", "from google import genai\n")
    _write(tmp_path, "legacy.py", "import google.generativeai as genai\n")
    _write(tmp_path, "both.py", "from google import api_core, genai\n")
    _write(tmp_path, "helper.py", "print('not a snippet')\n")
    _write(tmp_path, "mentions.py", "# we migrate genai code\nNAME = 'generativeai'\n")
    _write(tmp_path, "test_client.py", "from google import genai\n")
    _write(tmp_path, "conftest.py", "from google import genai\n")
    (tmp_path / ".venv").mkdir()
    _write(tmp_path / ".venv", "pyvenv.cfg", "home = /usr\n")
    _write(tmp_path / ".venv", "sdk.py", "import google.generativeai\n")
    assert sorted(Path(s.path).name for s in find([str(tmp_path)])) == [
        "both.py", "legacy.py", "uses_sdk.py"]
    assert [Path(s.path).name for s in find([str(tmp_path / "helper.py")])] == ["helper.py"]


def test_extractors() -> None:
    assert notebook_snippet("x.ipynb", "[]").error == "broken notebook: no 'cells' list"
    assert notebook_snippet("x.ipynb", '{"cells": [{"cell_type": "code", "source": 3}]}').error
    assert markdown_blocks("```python\na = 1\n```\n~~~py\nb = 2\n~~~\n```sh\nc\n```") == [
        (1, "a = 1\n", ""), (4, "b = 2\n", "")]
    assert markdown_blocks(">>> skip\n```pycon\n>>> print(1)\n1\n```") == [
        (2, "print(1)\n", "")]
    (snippet,) = extract("a.py", "print(1)\n")
    assert snippet.source == "print(1)\n" and snippet.kind == "script"


def test_live_without_key_refuses(tmp_path: Path, capsys: Any,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    snippet = _write(tmp_path, "a.py", "print(1)\n")
    code = run_verify([str(snippet)], live=True, differential=False, against=None,
                      timeout=10, output_format="text", quiet=True)
    assert code == 2
    assert "GEMINI_API_KEY" in capsys.readouterr().err


def test_live_redacts_the_key(tmp_path: Path, capsys: Any,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "AIzaSy-this-is-a-secret-key"
    monkeypatch.setenv("GEMINI_API_KEY", secret)
    snippet = _write(tmp_path, "leak.py", """
        import os, sys
        key = os.environ["GEMINI_API_KEY"]
        print("key is", key)
        print("no emulator:", "GOOGLE_GEMINI_BASE_URL" not in os.environ)
        raise RuntimeError("bad key " + key)
    """)
    for fmt in ("json", "text"):
        code = run_verify([str(snippet)], live=True, differential=False, against=None,
                          timeout=10, output_format=fmt, quiet=False)
        captured = capsys.readouterr()
        assert code == 1
        assert secret not in captured.out and secret not in captured.err
        assert "[REDACTED]" in captured.out
    assert "no emulator: True" in captured.out or fmt == "text"


def test_live_and_differential_conflict(tmp_path: Path, capsys: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "k" * 10)
    snippet = _write(tmp_path, "a.py", "print(1)\n")
    assert run_verify([str(snippet)], live=True, differential=True, against=None, timeout=10,
                      output_format="text", quiet=True) == 2
    assert "--differential" in capsys.readouterr().err


def test_missing_sdk_says_what_to_install(tmp_path: Path, capsys: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = runner.importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "google.genai" else real_find_spec(name, *args)

    monkeypatch.setattr(runner.importlib.util, "find_spec", find_spec)
    snippet = _write(tmp_path, "a.py", "print(1)\n")
    assert run_verify([str(snippet)], live=False, differential=False, against=None,
                      timeout=10, output_format="text", quiet=True) == 2
    err = capsys.readouterr().err
    assert "google-genai" in err and "pip install 'gemini-migrate[verify]'" in err


def test_differential_against_a_directory(tmp_path: Path, capsys: Any) -> None:
    pairs = Path(__file__).resolve().parent / "pairs"
    (tmp_path / "old" / "sub").mkdir(parents=True)
    (tmp_path / "new" / "sub").mkdir(parents=True)
    for name in ("text", "config"):
        (tmp_path / "old" / "sub" / f"{name}.py").write_text(
            (pairs / f"{name}.before.py").read_text())
    (tmp_path / "new" / "sub" / "text.py").write_text((pairs / "text.after.py").read_text())
    (tmp_path / "new" / "sub" / "config.py").write_text(
        (pairs / "config_drops_system.wrong.py").read_text())
    (tmp_path / "new" / "sub" / "only_new.py").write_text("from google import genai\n")
    code, doc = _json_run(capsys, [str(tmp_path / "new")], differential=True,
                          against=str(tmp_path / "old"))
    rows = _by_name(doc)
    assert code == 1
    assert rows["text.py"]["status"] == "equal"
    assert rows["text.py"]["original"] == str(tmp_path / "old" / "sub" / "text.py")
    assert rows["config.py"]["status"] == "differs"
    assert rows["only_new.py"]["status"] == "error"
    assert "no original" in rows["only_new.py"]["detail"]


def test_snippet_imports_its_sibling_modules(tmp_path: Path, capsys: Any,
                                             start_mode: str) -> None:
    _write(tmp_path, "prompts.py", "GREETING = 'hello from a sibling'\n")
    snippet = _write(tmp_path, "main.py", f"""
        import os
        from prompts import GREETING
        from google import genai
        client = genai.Client()
        client.interactions.create(model="gemini-2.5-flash", input=GREETING)
        print(GREETING, os.getcwd() != {str(tmp_path)!r})
    """)
    code, doc = _json_run(capsys, [str(snippet)])
    assert code == 0, doc
    assert doc["results"][0]["stdout"] == "hello from a sibling True\n"


def test_project_model_overrides_apply_to_substitution(tmp_path: Path, capsys: Any) -> None:
    """A project that maps gemini-2.5-flash to gemini-3-flash-preview in its own model table
    gets that substitution in the comparison, as its migration did."""
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "a.py").write_text(
        "import google.generativeai as genai\n"
        "print(genai.GenerativeModel('gemini-2.5-flash').generate_content('hi').text)\n")
    (tmp_path / "new" / "a.py").write_text(
        "from google import genai\n"
        "client = genai.Client()\n"
        "print(client.interactions.create(model='gemini-3-flash-preview',"
        " input='hi').output_text)\n")
    options = {"differential": True, "against": str(tmp_path / "old" / "a.py")}
    code, doc = _json_run(capsys, [str(tmp_path / "new" / "a.py")], **options)
    assert code == 1
    assert doc["results"][0].get("difference", {}).get("field") == "model", doc["results"][0]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.gemini-migrate.models]\n"gemini-2.5-flash" = { status = "deprecated", '
        'successor = "gemini-3-flash-preview", interactions = false }\n')
    code, doc = _json_run(capsys, [str(tmp_path / "new" / "a.py")], **options)
    assert code == 0, doc["results"][0]["detail"]


def test_text_github_and_sarif_output(tmp_path: Path, capsys: Any) -> None:
    bad = _write(tmp_path, "bad.py", "raise ValueError('nope')\n")
    good = _write(tmp_path, "good.py", """
        from google import genai
        client = genai.Client()
        print(client.interactions.create(model="gemini-2.5-flash", input="fine").output_text)
    """)
    options = {"live": False, "differential": False, "against": None, "timeout": 20.0,
               "quiet": False}
    assert run_verify([str(good), str(bad)], output_format="text", **options) == 1
    captured = capsys.readouterr()
    header, *rows = captured.out.splitlines()
    assert header.split()[:2] == ["STATUS", "SNIPPET"]
    assert rows[0].startswith("passed") and rows[1].startswith("failed")
    assert "ValueError: nope" in rows[1]
    assert "2 snippets (emulator): 1 failed, 1 passed" in captured.err
    assert run_verify([str(bad)], output_format="github", **options) == 1
    assert f"::error file={bad},title=gemini-migrate verify failed::exit 1: ValueError: nope" \
        in capsys.readouterr().out
    assert run_verify([str(bad)], output_format="sarif", **options) == 1
    sarif = json.loads(capsys.readouterr().out)
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        bad.as_posix()


def test_rejected_requests_are_reported_even_when_caught(tmp_path: Path, capsys: Any) -> None:
    snippet = _write(tmp_path, "caught.py", """
        from google import genai
        client = genai.Client()
        try:
            client.interactions.create(model="gemini-2.5-flash", input="x",
                                       extra_body={"generation_config": {"top_k": 2}})
        except Exception as exc:
            print("caught", type(exc).__name__)
    """)
    code, doc = _json_run(capsys, [str(snippet)])
    row = doc["results"][0]
    assert code == 0 and row["status"] == "passed"
    assert row["stdout"] == "caught BadRequestError\n"
    assert row["rejected"] == 1
    assert row["detail"].startswith("1 request(s) rejected, first 400: ")
    assert "top_k" in row["detail"]


@pytest.mark.skipif(os.name != "posix", reason="process groups and /proc")
def test_background_processes_end_with_the_snippet(tmp_path: Path, capsys: Any,
                                                   start_mode: str) -> None:
    marker = f"gemini-verify-test-bg-{start_mode}-{os.getpid()}"
    snippet = _write(tmp_path, "bg.py", f"""
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", {marker!r}],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("leaving a child behind")
    """)
    code, doc = _json_run(capsys, [str(snippet)])
    assert doc["results"][0]["stdout"] == "leaving a child behind\n"
    assert doc["results"][0]["seconds"] < 5
    assert wait_for_processes(marker, present=False)
    assert not processes_with(marker)
