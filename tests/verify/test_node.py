"""Verify for JavaScript and TypeScript: the real npm SDKs (`@google/generative-ai` 0.24.1,
`@google/genai` at the pin floor and the latest verified release) run with Node against the
emulator. Pairs live in tests/verify/js_pairs/ (ours) and in the rewrite fixtures
(tests/fixtures/js/<case>.before.<ext> + .after.<ext> whose first line is the marker); each
correct migration is proven equal with both @google/genai versions, and wrong ones are caught.

Every Node process here is started by the runner with its own emulator (interaction ids and
the request log are per run, so both sides of a pair see the same ids); the runs of this
module go side by side in one pool."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from migrator.verify import node
from migrator.verify.runner import FAKE_KEY, Result, Run, judge, judge_pair, run_verify
from migrator.verify.snippets import extract, find, markdown_blocks, run_name

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

PAIRS = Path(__file__).resolve().parent / "js_pairs"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "js"
MARKER = "// gemini-migrate: runnable"
TIMEOUT = 60.0
FLOOR, LATEST = "2.25.0", "3.3.0"
VERSIONS = (FLOOR, LATEST)

CORRECT = ["text", "stream", "chat", "function_call", "json", "options", "genai_models", "embed",
           "files"]
# wrong migration -> (the field of the first request difference) or (status, what the
# verdict says): the emulator refuses camelCase keys as the service does, and a method call
# on an interaction fails in the snippet itself
WRONG: dict[str, tuple[str, str]] = {
    "chat_drops_chain": ("differs", "conversation[0].parts[0].text"),
    "text_camel_system": ("failed", 'Unknown name "systemInstruction"'),
    "text_camel_config": ("failed", 'Unknown name "maxOutputTokens" at \'generation_config\''),
    "chat_camel_chain": ("failed", 'Unknown name "previousInteractionId"'),
    "text_call": ("failed", "TypeError: result.text is not a function"),
    "text_never_called": ("error", "migrated: no Gemini call reached the emulator"),
}


def _pair_files(folder: Path, marker: str | None) -> list[tuple[Path, Path]]:
    pairs = []
    for before in sorted(folder.glob("*.before.*")):
        if not node.handles(before.name):
            continue
        after = before.with_name(before.name.replace(".before.", ".after."))
        if marker is not None:
            with before.open(encoding="utf-8") as fh:
                if fh.readline().rstrip("\r\n") != marker:
                    continue
        if after.exists():
            pairs.append((before, after))
    return pairs


FIXTURE_PAIRS = _pair_files(FIXTURES, MARKER) if FIXTURES.is_dir() else []


def _run_name(path: Path) -> str:
    """What the file is called when it runs: `chat.before.cjs` -> `chat.cjs`."""
    stem, kind, ext = path.name.rsplit(".", 2)
    return f"{stem}.{ext}" if kind in ("before", "after", "wrong") else path.name


def _run(path: Path, genai: str = LATEST) -> Run:
    return node.run_source(path.read_text(encoding="utf-8"), _run_name(path), timeout=TIMEOUT,
                           source_dir=str(path.parent), genai=genai)


@pytest.fixture(scope="session")
def node_ready() -> None:
    problem = node.unavailable()
    if problem is not None:
        pytest.fail(f"{problem} (scripts/setup.sh installs them)")
    assert node.genai_versions() == list(VERSIONS)


@pytest.fixture(scope="module")
def results(node_ready: None) -> dict[str, Result]:
    """Every differential verdict of this module. An original runs once; its migration runs
    once per @google/genai version."""
    originals: dict[str, Path] = {}
    migrated: dict[str, tuple[str, Path, str]] = {}  # key -> (original, file, version)
    for name in CORRECT:
        (before,) = PAIRS.glob(f"{name}.before.*")
        originals[name] = before
        for version in VERSIONS:
            migrated[f"pair:{name}:{version}"] = (name, before.with_name(
                before.name.replace(".before.", ".after.")), version)
    for name in WRONG:
        (wrong,) = PAIRS.glob(f"{name}.wrong.*")
        original = name.split("_")[0]
        migrated[f"wrong:{name}"] = (original, wrong, LATEST)
    for before, after in FIXTURE_PAIRS:
        key = f"fixture:{before.name}"
        originals[key] = before
        for version in VERSIONS:
            migrated[f"{key}:{version}"] = (key, after, version)

    jobs = [("original", key, path, LATEST) for key, path in originals.items()] + [
        ("migrated", key, path, version) for key, (_, path, version) in migrated.items()]
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = dict(pool.map(lambda job: ((job[0], job[1]), _run(job[2], job[3])), jobs))
    return {key: judge_pair(key, runs["original", original], runs["migrated", key],
                            timeout=TIMEOUT, original_name=str(originals[original]))
            for key, (original, _, _) in migrated.items()}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", CORRECT)
def test_correct_migration_is_equal(results: dict[str, Result], name: str,
                                    version: str) -> None:
    result = results[f"pair:{name}:{version}"]
    assert result.status == "equal", result.detail
    assert result.requests >= 1


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_migration_is_caught(results: dict[str, Result], name: str) -> None:
    result = results[f"wrong:{name}"]
    status, where = WRONG[name]
    assert result.status == status, result.detail
    if status == "differs":
        assert result.difference is not None
        assert result.difference["what"] == "request"
        assert result.difference["field"] == where
        assert result.difference["original"] is not None
        assert result.difference["migrated"] is not None
    else:
        assert where in result.detail


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "before", [b for b, _ in FIXTURE_PAIRS], ids=[b.name for b, _ in FIXTURE_PAIRS])
def test_runnable_fixture_migrates_equivalently(results: dict[str, Result], before: Path,
                                                version: str) -> None:
    result = results[f"fixture:{before.name}:{version}"]
    assert result.status == "equal", f"{result.status}: {result.detail}"


# --- the emulator answers what the real SDKs send -----------------------------------------

LEGACY_PROBE = """
import { GoogleGenerativeAI } from '@google/generative-ai';
import { GoogleAIFileManager, GoogleAICacheManager } from '@google/generative-ai/server';

const key = process.env.GEMINI_API_KEY;
const files = new GoogleAIFileManager(key);
const upload = await files.uploadFile(Buffer.from('%PDF-1.4\\n%%EOF\\n'),
  { mimeType: 'application/pdf', displayName: 'report' });
console.log('upload', upload.file.state, upload.file.mimeType, upload.file.sizeBytes);
console.log('list', (await files.listFiles({ pageSize: 10 })).files.length);
console.log('get', (await files.getFile(upload.file.name)).displayName);
await files.deleteFile(upload.file.name);
try { await files.getFile(upload.file.name); } catch (e) { console.log('gone', e.status); }

const caches = new GoogleAICacheManager(key);
const cache = await caches.create({ model: 'models/gemini-1.5-flash-001', ttlSeconds: 300,
  systemInstruction: 'Use the notes.', displayName: 'notes',
  contents: [{ role: 'user', parts: [{ text: 'Notes: ships float.' }] }] });
console.log('caches', (await caches.list()).cachedContents.length);
await caches.update(cache.name, { cachedContent: { ttlSeconds: 600 } });
const genAI = new GoogleGenerativeAI(key);
const cached = genAI.getGenerativeModelFromCachedContent(cache);
console.log((await cached.generateContent('Do ships float?')).response.text());
await caches.delete(cache.name);

const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash', systemInstruction: 'Hi.' });
console.log('tokens', (await model.countTokens('one two three')).totalTokens);
try { await model.generateContent({ contents: [] }); } catch (e) { console.log('bad', e.status); }
"""

GENAI_PROBE = """
import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({});
const stream = await ai.models.generateContentStream({ model: 'gemini-2.0-flash',
  contents: 'Stream this reply please' });
for await (const chunk of stream) process.stdout.write(`[${chunk.text}]`);
console.log();
const chat = ai.chats.create({ model: 'gemini-2.0-flash' });
for await (const chunk of await chat.sendMessageStream({ message: 'Hi chat' })) {
  process.stdout.write(`[${chunk.text}]`);
}
console.log();
console.log((await chat.sendMessage({ message: 'Again' })).text);

const first = await ai.interactions.create({ model: 'gemini-2.5-flash', input: 'store me' });
console.log('get', (await ai.interactions.get(first.id)).output_text);
const withInput = await ai.interactions.get(first.id, { include_input: true });
console.log('steps', withInput.steps.map((s) => s.type).join(','));
await ai.interactions.delete(first.id);
try { await ai.interactions.get(first.id); } catch (e) { console.log('deleted', e.status); }
const later = await ai.interactions.create({ model: 'gemini-2.5-flash', input: 'bg',
  background: true });
console.log('background', later.status, (await ai.interactions.get(later.id)).status);

const cache = await ai.caches.create({ model: 'gemini-2.0-flash-001', config: {
  contents: [{ role: 'user', parts: [{ text: 'ctx' }] }], systemInstruction: 'sys', ttl: '300s',
  displayName: 'c' } });
console.log('cache', (await ai.caches.get({ name: cache.name })).displayName);
await ai.caches.delete({ name: cache.name });
const file = await ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }),
  config: { mimeType: 'text/plain' } });
for await (const listed of await ai.files.list({ config: { pageSize: 10 } })) {
  console.log('file', listed.name === file.name, listed.sizeBytes);
}
"""


def _source_run(source: str, filename: str = "probe.mjs", **kwargs: Any) -> Run:
    return node.run_source(source, filename, timeout=TIMEOUT, **kwargs)


def test_legacy_sdk_routes(node_ready: None) -> None:
    """GoogleAIFileManager (one multipart upload, marked as no SDK read-back), cache manager,
    countTokens with the model's system instruction, a rejected request."""
    run = _source_run(LEGACY_PROBE)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "upload ACTIVE application/pdf 15", "list 1", "get report", "gone 403", "caches 1",
        f"turn 1: echo Notes: ships float.Do ships float? [system {_hash('Use the notes.')}]",
        "tokens 4", "bad 400"]
    kinds = [r["kind"] for r in run.requests]
    assert kinds == ["files.upload", "files.list", "files.get", "files.delete", "files.get",
                     "caches.create", "caches.list", "caches.update", "generate",
                     "caches.delete", "count_tokens", "generate"]
    assert "sdk" not in run.requests[0]  # a later getFile is the program's, and compared
    assert run.requests[0]["display_name"] == "report"
    assert run.requests[10]["system_instruction"] == "Hi."


@pytest.mark.parametrize("version", VERSIONS)
def test_genai_sdk_routes(node_ready: None, version: str) -> None:
    """@google/genai's models / chats streams (alt=sse), interactions get / delete /
    background, caches and the resumable upload, on both versions."""
    run = _source_run(GENAI_PROBE, genai=version)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "[turn 1: echo ][Stream this reply ][please]", "[turn 1: echo ][Hi chat]",
        "turn 2: echo Again", "get turn 1: echo store me", "steps user_input,model_output",
        "deleted 404", "background in_progress completed", "cache c", "file true 1"]
    paths = {r["path"] for r in run.requests if r["kind"] == "generate"}
    prefix = "/v1/" if version == LATEST else "/v1beta/"  # the default API version of 3.x
    assert all(p.startswith(prefix) for p in paths), paths


def _hash(text: str) -> str:
    from migrator.verify.meaning import short_hash

    return short_hash(text)


# --- what a Node snippet gets ---------------------------------------------------------------

NETWORK = """
import net from 'node:net';
import https from 'node:https';
import { GoogleGenAI } from '@google/genai';

try { await fetch('https://example.com/'); } catch (e) { console.log('fetch:', e.cause.message); }
await new Promise((done) => {
  net.connect({ host: 'example.com', port: 80 }).on('error', (e) => {
    console.log('net:', e.code, e.message);
    done();
  });
});
await new Promise((done) => {
  https.get('https://93.184.215.14/', () => done()).on('error', (e) => {
    console.log('https:', e.message);
    done();
  });
});
// user code that names the real API host explicitly still reaches the emulator
const ai = new GoogleGenAI({ apiKey: 'k',
  httpOptions: { baseUrl: 'https://generativelanguage.googleapis.com' } });
console.log((await ai.interactions.create({ model: 'gemini-2.5-flash', input: 'Hi' })).output_text);
"""


def test_network_is_loopback_only(node_ready: None) -> None:
    run = _source_run(NETWORK)
    assert run.exit_code == 0, run.stderr
    blocked = "gemini-migrate verify: network access to {} is blocked"
    assert run.stdout.splitlines() == [
        "fetch: " + blocked.format("example.com") + _HINT,
        "net: ECONNREFUSED " + blocked.format("example.com") + _HINT,
        "https: " + blocked.format("93.184.215.14") + _HINT,
        "turn 1: echo Hi"]
    assert len(run.requests) == 1


_HINT = " (snippets may only reach the loopback emulator; use --live for the real API)"

ENV = """
const { GoogleGenerativeAI } = require('@google/generative-ai');
const seen = Object.keys(process.env).filter((k) => /KEY|TOKEN|SECRET|NODE_/.test(k)).sort();
console.log(JSON.stringify(seen), process.env.GEMINI_API_KEY, process.env.HOME === process.cwd());
new GoogleGenerativeAI(process.env.GEMINI_API_KEY).getGenerativeModel({ model: 'gemini-2.5-flash' })
  .generateContent('Hi').then((r) => console.log(r.response.text()));
"""


def test_environment_is_scrubbed(node_ready: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "real-google-key")
    monkeypatch.setenv("GEMINI_API_KEY", "real-gemini-key")
    monkeypatch.setenv("MY_SECRET_TOKEN", "shh")
    monkeypatch.setenv("NODE_OPTIONS", "--require /nonexistent.js")
    run = _source_run(ENV, "env.cjs")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [f'["GEMINI_API_KEY"] {FAKE_KEY} true', "turn 1: echo Hi"]


def test_timeout_kills_the_snippet(node_ready: None) -> None:
    run = node.run_source("setInterval(() => {}, 1000);\n", "hang.mjs", timeout=2)
    assert run.timed_out
    assert judge("hang.mjs", run, _redact(), 2).status == "timeout"


def _redact() -> Any:
    from migrator.verify.runner import Redactor

    return Redactor(None)


def test_no_request_is_not_a_pass(node_ready: None) -> None:
    run = _source_run("import '@google/genai';\nconsole.log('nothing asked');\n")
    assert run.exit_code == 0 and run.stdout == "nothing asked\n"
    result = judge("quiet.mjs", run, _redact(), TIMEOUT)
    assert (result.status, result.detail) == ("error", "no Gemini call reached the emulator")


SIBLINGS = {
    "helper.mjs": "export const greeting = 'from an ES module sibling';\n",
    "helper.cjs": "module.exports = { greeting: 'from a CommonJS sibling' };\n",
    "util.ts": "export const greeting: string = 'from a TypeScript sibling';\n",
}


@pytest.mark.parametrize(("filename", "source", "expected"), [
    ("main.mjs", "import { greeting } from './helper.mjs';\nconsole.log(greeting);\n",
     "from an ES module sibling"),
    ("main.cjs", "console.log(require('./helper.cjs').greeting);\n",
     "from a CommonJS sibling"),
    ("main.ts", "import { greeting } from './util.js';\nconst g: string = greeting;\n"
                "console.log(g);\n", "from a TypeScript sibling"),
])
def test_snippet_imports_its_siblings(node_ready: None, tmp_path: Path, filename: str,
                                      source: str, expected: str) -> None:
    """The snippet runs from a temporary folder; its own folder's modules still import."""
    for name, text in SIBLINGS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    run = _source_run(source, filename, source_dir=str(tmp_path))
    assert (run.exit_code, run.stdout) == (0, expected + "\n"), run.stderr


@pytest.mark.parametrize(("manifest", "source", "expected"), [
    (None, "import os from 'node:os';\nconsole.log(typeof os.cpus, await 1);\n", "function 1"),
    (None, "const os = require('node:os');\nconsole.log(typeof os.cpus);\n", "function"),
    (None, "const os = await import('node:os');\nconsole.log(typeof os.cpus);\n", "function"),
    ({"name": "app"}, "import os from 'node:os';\nconsole.log(typeof os.cpus);\n", "function"),
    ({"type": "module"}, "console.log(typeof require);\n", "undefined"),
    ({"type": "commonjs"}, "console.log(typeof require);\n", "function"),
])
def test_js_module_kind(node_ready: None, tmp_path: Path, manifest: dict[str, str] | None,
                        source: str, expected: str) -> None:
    """A `.js` file is an ES module as its package says; when it says nothing (or there is
    none), as its syntax says, top-level await included."""
    if manifest is not None:
        (tmp_path / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = _source_run(source, "script.js", source_dir=str(tmp_path))
    assert (run.exit_code, run.stdout) == (0, expected + "\n"), run.stderr


def test_node_error_line() -> None:
    stderr = ("file:///tmp/x/main.mjs:3\nconsole.log(r.text());\n              ^\n\n"
              "TypeError: r.text is not a function\n    at file:///tmp/x/main.mjs:3:15\n\n"
              "Node.js v20.20.2\n")
    assert node.error_line(stderr) == "TypeError: r.text is not a function"
    assert node.error_line("Error: Transform failed with 1 error:\n/x.ts:1:1: ERROR: bad\n") \
        == "Error: Transform failed with 1 error: /x.ts:1:1: ERROR: bad"
    assert node.error_line("node:internal/x\n    at y\nNode.js v20\n") == "node:internal/x"


def test_typescript_pair_type_checks(node_ready: None, tmp_path: Path) -> None:
    """The migrated TypeScript compiles (strict) against both @google/genai versions; a
    camelCase `outputText` does not."""
    wrong = tmp_path / "wrong.ts"
    wrong.write_text((PAIRS / "json.after.ts").read_text(encoding="utf-8")
                     .replace("interaction.output_text", "interaction.outputText"),
                     encoding="utf-8")
    with ThreadPoolExecutor(max_workers=2) as pool:
        floor, latest = pool.map(lambda job: node.typecheck(job[0], genai=job[1]), [
            ([str(PAIRS / "json.after.ts")], FLOOR),
            ([str(PAIRS / "json.after.ts"), str(wrong)], LATEST)])
    assert floor == (True, "")
    assert not latest[0]
    assert latest[1].splitlines() == [
        "wrong.ts(33,52): error TS2551: Property 'outputText' does not exist on type "
        "'GoogleGenAIInteraction'. Did you mean 'output_text'?"]


def test_chosen_version_must_be_installed(node_ready: None) -> None:
    run = _source_run("console.log(1);\n", genai="1.0.0")
    assert run.error is not None and "@google/genai 1.0.0 is not installed" in run.error


def test_install_is_idempotent(node_ready: None, capsys: Any) -> None:
    """Installed already: nothing runs (an npm that does not exist is never called)."""
    assert node.install(npm="/nonexistent/npm") == node.cache_root()
    assert node.main(["install"]) == 0 and node.main(["versions"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(node.cache_root()), "2.25.0 3.3.0"]


def test_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_MIGRATE_NODE_CACHE", str(tmp_path / "cache"))
    assert not node.installed(node.cache_root())
    problem = node.unavailable()
    assert problem is not None and "-m migrator.verify.node install" in problem
    (tmp_path / "cache" / "node_modules").mkdir(parents=True)
    (tmp_path / "cache" / node.STAMP).write_text("another-lock\n")
    assert not node.installed(node.cache_root())  # a changed lock installs again


# --- discovery and the command line --------------------------------------------------------

README = """# Example

```js
import { GoogleGenAI } from '@google/genai';
const ai = new GoogleGenAI({});
console.log((await ai.interactions.create({ model: 'gemini-2.5-flash', input: 'Hi' })).output_text);
```

```javascript
const { GoogleGenerativeAI } = require('@google/generative-ai');
```

```ts
const n: number = 1;
```

```sh
npm install @google/genai
```
"""


def test_markdown_js_blocks() -> None:
    blocks = markdown_blocks(README)
    assert [(line, suffix) for line, _, suffix in blocks] == [(3, ".mjs"), (9, ".cjs"),
                                                              (13, ".mts")]
    snippets = extract("docs/README.md", README)
    assert [run_name(s) for s in snippets] == ["README.md.mjs", "README.md.cjs",
                                               "README.md.mts"]


def test_find_takes_js_that_imports_an_sdk(tmp_path: Path) -> None:
    files = {
        "app.mjs": "import { GoogleGenAI } from '@google/genai';\n",
        "legacy.cjs": "const g = require(\"@google/generative-ai/server\");\n",
        "route.ts": "const { x } = await import('@google/genai');\n",
        "plain.js": "console.log('no sdk');\n",
        "app.test.js": "import { GoogleGenAI } from '@google/genai';\n",
        "types.d.ts": "import type { Interactions } from '@google/genai';\n",
        "view.tsx": "import { GoogleGenAI } from '@google/genai';\n",
        "node_modules/pkg/index.js": "require('@google/genai');\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(Path(s.path).name for s in find([str(tmp_path)])) == [
        "app.mjs", "legacy.cjs", "route.ts"]


def test_cli_differential_for_js(node_ready: None, tmp_path: Path, capsys: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`--verify --differential --against`: JS originals and migrations side by side, a
    Markdown js block among them; the Python SDKs are not needed for a JS-only run."""
    from migrator.verify import runner

    monkeypatch.setattr(runner, "missing_sdks", lambda differential: ["google-genai"])
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
    for name, after in (("chat.cjs", "chat.after.cjs"),
                        ("text.mjs", "text_camel_system.wrong.mjs")):
        before = name.replace(".", ".before.")
        shutil.copy(PAIRS / before, old / name)
        shutil.copy(PAIRS / after, new / name)
    text_md = "Run it:\n\n```js\n{}```\n"
    (old / "README.md").write_text(text_md.format((PAIRS / "stream.before.mjs").read_text()))
    (new / "README.md").write_text(text_md.format((PAIRS / "stream.after.mjs").read_text()))
    code = run_verify([str(new)], live=False, differential=True, against=str(old), timeout=60,
                      output_format="json", quiet=True)
    report = json.loads(capsys.readouterr().out)
    rows = {Path(r["snippet"]).name: (r["status"], r["detail"]) for r in report["results"]}
    assert code == 1
    assert rows["README.md:3"] == ("equal", "1 request and stdout equal")
    assert rows["chat.cjs"] == ("equal", "4 requests and stdout equal")
    assert rows["text.mjs"][0] == "failed" and "systemInstruction" in rows["text.mjs"][1]


def test_cli_refuses_without_packages(tmp_path: Path, capsys: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_MIGRATE_NODE_CACHE", str(tmp_path / "empty"))
    snippet = tmp_path / "a.mjs"
    snippet.write_text("import '@google/genai';\n")
    code = run_verify([str(snippet)], live=False, differential=False, against=None,
                      timeout=10, output_format="text", quiet=True)
    assert code == 2
    assert "-m migrator.verify.node install" in capsys.readouterr().err


def test_python_snippets_run_without_node_packages(tmp_path: Path, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside Python snippets, a JS snippet that cannot run is one error row, not a refusal
    of the whole run."""
    monkeypatch.setenv("GEMINI_MIGRATE_NODE_CACHE", str(tmp_path / "empty"))
    (tmp_path / "a.py").write_text("print('python ran')\n")
    (tmp_path / "b.mjs").write_text("import '@google/genai';\n")
    code = run_verify([str(tmp_path / "a.py"), str(tmp_path / "b.mjs")], live=False,
                      differential=False, against=None, timeout=60, output_format="json",
                      quiet=True)
    rows = {Path(r["snippet"]).name: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert code == 1
    # It ran (no Gemini call, so it verified nothing: an error of its own, not about Node).
    assert rows["a.py"]["stdout"] == "python ran\n"
    assert rows["a.py"]["detail"] == "no Gemini call reached the emulator"
    assert rows["b.mjs"]["status"] == "error"
    assert "-m migrator.verify.node install" in rows["b.mjs"]["detail"]


def test_live_key_is_redacted(node_ready: None, tmp_path: Path, capsys: Any,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """--live hands the user's key to the snippet and never prints it; nothing is redirected
    to an emulator (and no request count is demanded)."""
    monkeypatch.setenv("GEMINI_API_KEY", "live-secret-key")
    snippet = tmp_path / "a.mjs"
    snippet.write_text("console.log(process.env.GEMINI_API_KEY, "
                       "process.env.GOOGLE_GEMINI_BASE_URL);\n")
    code = run_verify([str(snippet)], live=True, differential=False, against=None, timeout=30,
                      output_format="json", quiet=True)
    out = capsys.readouterr().out
    assert code == 0
    assert "live-secret-key" not in out
    assert json.loads(out)["results"][0]["stdout"] == "[REDACTED] undefined\n"
