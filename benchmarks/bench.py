"""Benchmarks of gemini-migrate: how fast a repository is checked and migrated.

    .venv/bin/python benchmarks/bench.py            # full run (a few minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # smaller trees, fewer repeats
    .venv/bin/python benchmarks/bench.py --gate     # only the lint gate: ratio to ruff, one file

Trees are generated under benchmarks/.trees/ (git-ignored) from fixed seeds:
- `plain-5000`: a 5,000-file git repository with no Gemini code (Python packages, Markdown,
  JSON/YAML/TOML/text configs), the pre-commit / CI-gate case;
- `legacy-300`: 300 Python files built from a handful of realistic google-generativeai
  templates, the bulk-migration case;
- `stdlib`: a copy of this Python's standard library (no site-packages), real code with no
  Gemini code in it, on which `--check` is compared with `ruff check --select UP` (the lint
  gate a repository already runs): the two commands alternate, and the ratio is the median of
  the per-pair ratios.
- `js-mixed-400`: a web project of 400 JavaScript/TypeScript files: a quarter legacy
  `@google/generative-ai` code (Next.js route handler, Express chat server, CommonJS script,
  TypeScript module), a quarter on `@google/genai` (older `models.generateContent` /
  `chats` code and `interactions.create` code), the rest ordinary modules and React
  components, for JS/TS files per second (`--js` runs only these);
- `js-only-3000`: 3,000 JS/TS files (every suffix, components) with no Gemini code and no
  node_modules, where the gate's cost is set against `ruff check --select UP` on
  `py-only-3000`, as many ordinary Python modules (the Python gate's comparison).

Every figure is the median of several runs of the real command in a fresh process; peak
memory is the largest resident set of any process of the run (the CLI or one of its workers).
The baseline is a plain LibCST codemod (benchmarks/baseline_codemod.py): parse, qualified
names, rewrite, write; run once per file as a pre-commit hook would (two at a time on two
cores), and through `python -m libcst.tool codemod` over the whole tree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TREES = HERE / ".trees"

# Run a command in a child, print its wall time, the largest RSS of it and its descendants
# (RUSAGE_CHILDREN covers waited-for grandchildren: the process pool's workers) and exit code.
_TIMER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(wall, usage.ru_maxrss, code, usage.ru_utime + usage.ru_stime)\n"
)


def cli() -> list[str]:
    script = Path(sys.executable).parent / "gemini-migrate"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from migrator.cli import main; main()"]


CPU: dict[int, float] = {}  # id of a result tuple -> CPU seconds of that run (median)


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, peak KiB, exit code, CPU seconds of all its processes) of one run."""
    out = subprocess.run([sys.executable, "-c", _TIMER, *command], cwd=cwd,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]), float(out[3])


def median_run(command: list[str], repeat: int, cwd: Path | None = None,
               before: object = None) -> tuple[float, int, int, float]:
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(measure(command, cwd))
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2],
            statistics.median(r[3] for r in runs))


# --- Trees ----------------------------------------------------------------------------------

WORDS = [
    "account", "order", "invoice", "customer", "report", "parser", "config", "session",
    "cache", "index", "vector", "record", "stream", "buffer", "queue", "worker", "task",
    "event", "metric", "user", "profile", "address", "payment", "product", "catalog", "search",
    "result", "page", "token", "schema", "field", "value", "table", "column", "row",
]


def _name(rng: random.Random) -> str:
    return "_".join(rng.sample(WORDS, 2))


def plain_module(rng: random.Random) -> str:
    """An ordinary Python module of ~100-200 lines with no Gemini code."""
    lines = ['"""Utilities for the ' + " ".join(rng.sample(WORDS, 3)) + ' workflow."""', "",
             "from __future__ import annotations", "", "import json", "import logging",
             "import os", "from dataclasses import dataclass, field", "",
             "log = logging.getLogger(__name__)", ""]
    for _ in range(rng.randint(3, 7)):
        cls = "".join(w.title() for w in rng.sample(WORDS, 2))
        lines += ["", "@dataclass", f"class {cls}:", f'    """A {cls} record."""', "",
                  f"    {_name(rng)}: str = ''", f"    {_name(rng)}: int = 0",
                  f"    {_name(rng)}: list[str] = field(default_factory=list)", ""]
        for _ in range(rng.randint(1, 4)):
            fn, arg = _name(rng), rng.choice(WORDS)
            lines += [f"    def {fn}(self, {arg}: str) -> dict[str, object]:",
                      f'        """Return the {fn.replace("_", " ")} for one {arg}."""',
                      f"        if not {arg}:", f"            raise ValueError('empty {arg}')",
                      f"        data = {{'{arg}': {arg}, 'size': len({arg})}}",
                      f"        log.debug('%s: %s', {fn!r}, json.dumps(data))",
                      "        return data", ""]
    lines += ["", "def main() -> None:", "    print(os.environ.get('HOME', ''))", ""]
    return "\n".join(lines)


LEGACY_TEMPLATES = [
    # A script: configure, model with config, one call.
    '''"""Summarise a document with Gemini."""
import os

import google.generativeai as genai

genai.configure(api_key=os.environ["GOOGLE_API_KEY"])
model = genai.GenerativeModel(
    "gemini-1.5-flash",
    system_instruction="You summarise documents in three bullet points.",
    generation_config=genai.GenerationConfig(temperature=0.2, max_output_tokens={n}),
)


def summarise(text: str) -> str:
    response = model.generate_content(text)
    return response.text


if __name__ == "__main__":
    print(summarise(open("README.md").read()))
''',
    # A class holding the model, chat in a method.
    '''import google.generativeai as genai


class Assistant:
    def __init__(self, api_key: str) -> None:
        genai.configure(api_key=api_key)
        self.model = genai.GenerativeModel("gemini-2.5-flash")
        self.chat = self.model.start_chat()

    def ask(self, question: str) -> str:
        reply = self.chat.send_message(question)
        return reply.text

    def tokens(self, question: str) -> int:
        return self.model.generate_content(question).usage_metadata.total_token_count + {n}
''',
    # Streaming.
    '''import google.generativeai as genai

genai.configure(api_key="KEY")
model = genai.GenerativeModel("gemini-2.0-flash")


def stream_story(topic):
    response = model.generate_content(f"Write a story about {{topic}} #{n}", stream=True)
    for chunk in response:
        print(chunk.text, end="")
''',
    # Async.
    '''import asyncio

import google.generativeai as genai

model = genai.GenerativeModel("gemini-2.5-flash")


async def main():
    response = await model.generate_content_async("Hello number {n}")
    print(response.text)


asyncio.run(main())
''',
    # Something left for a human (a tool with no type hints) next to migratable code.
    '''import google.generativeai as genai


def get_weather(city):
    return "sunny"


genai.configure(api_key="KEY")
model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
plain = genai.GenerativeModel("gemini-2.5-flash")
print(plain.generate_content("Say hi {n}").text)
print(model.generate_content("Weather in Paris?").text)
''',
]


def make_plain(path: Path, files: int) -> None:
    rng = random.Random(5000)
    path.mkdir(parents=True)
    made = 0
    package = 0
    while made < files:
        folder = path / f"pkg_{package:03d}" / rng.choice(["core", "api", "io", "util", "jobs"])
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(rng.randint(8, 20)):
            if made >= files:
                break
            kind = rng.random()
            if kind < 0.8:
                (folder / f"{_name(rng)}_{i}.py").write_text(plain_module(rng))
            elif kind < 0.9:
                (folder / f"NOTES_{i}.md").write_text(
                    "# Notes\n\nRun it:\n\n```python\nimport json\nprint(json.dumps({}))\n```\n")
            elif kind < 0.95:
                (folder / f"data_{i}.json").write_text(json.dumps(
                    {w: rng.randint(0, 99) for w in rng.sample(WORDS, 5)}, indent=2))
            else:
                (folder / f"settings_{i}.yaml").write_text(
                    "\n".join(f"{w}: {rng.randint(0, 9)}" for w in rng.sample(WORDS, 5)) + "\n")
            made += 1
        package += 1
    # A committed virtual environment, as real repositories have: it must cost nothing.
    venv = path / "venv"
    (venv / "lib/python3.11/site-packages/google/generativeai").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib/python3.11/site-packages/google/generativeai/__init__.py").write_text(
        "def configure(api_key=None):\n    pass\n")
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "tree")


def make_legacy(path: Path, files: int) -> None:
    path.mkdir(parents=True)
    for n in range(files):
        folder = path / f"service_{n % 12:02d}"
        folder.mkdir(exist_ok=True)
        template = LEGACY_TEMPLATES[n % len(LEGACY_TEMPLATES)]
        (folder / f"module_{n:03d}.py").write_text(template.replace("{n}", str(n))
                                                   .replace("{{", "{").replace("}}", "}"))
    # Its own repository, like the plain tree: the rewrite's cross-module scan looks at the
    # repository a file belongs to, which must not be this project's checkout.
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "tree")


# Legacy @google/generative-ai code as web projects hold it; __N__ makes each copy distinct.
JS_LEGACY_TEMPLATES = {
    # A Next.js route handler streaming the answer into a ReadableStream.
    "route.ts": """import { GoogleGenerativeAI } from '@google/generative-ai';

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY!);
const model = genAI.getGenerativeModel({
  model: 'gemini-1.5-flash',
  systemInstruction: 'You answer questions about order __N__.',
  generationConfig: { temperature: 0.4, maxOutputTokens: 512 },
});

export async function POST(req: Request): Promise<Response> {
  const { prompt } = (await req.json()) as { prompt: string };
  const result = await model.generateContentStream(prompt);
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    async start(controller) {
      for await (const chunk of result.stream) {
        controller.enqueue(encoder.encode(chunk.text()));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
""",
    # An Express server keeping one chat per session.
    "server.mjs": """import express from 'express';
import { GoogleGenerativeAI } from '@google/generative-ai';

const app = express();
app.use(express.json());
const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({ model: 'gemini-1.5-pro' });
const chats = new Map();

app.post('/chat/:session', async (req, res) => {
  let chat = chats.get(req.params.session);
  if (!chat) {
    chat = model.startChat({ history: [], generationConfig: { maxOutputTokens: 200 } });
    chats.set(req.params.session, chat);
  }
  const result = await chat.sendMessage(req.body.message);
  res.json({ reply: result.response.text() });
});

app.listen(3000 + __N__);
""",
    # A CommonJS script with a function-calling round trip.
    "tool.cjs": """const { GoogleGenerativeAI, SchemaType } = require('@google/generative-ai');

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({
  model: 'gemini-2.0-flash',
  tools: [{ functionDeclarations: [{
    name: 'lookup_order',
    description: 'Look up an order by number',
    parameters: { type: SchemaType.OBJECT, properties: { id: { type: SchemaType.INTEGER } } },
  }] }],
});

async function main() {
  const chat = model.startChat();
  const first = await chat.sendMessage('Where is order __N__?');
  const calls = first.response.functionCalls() || [];
  const replies = calls.map((c) => ({
    functionResponse: { name: c.name, response: { ok: true } },
  }));
  const second = await chat.sendMessage(replies);
  console.log(second.response.text());
}

main();
""",
    # A TypeScript module with the SDK's types.
    "summarise.ts": """import {
  GoogleGenerativeAI,
  type GenerativeModel,
} from '@google/generative-ai';

const client = new GoogleGenerativeAI(process.env.GEMINI_API_KEY ?? '');

export class Summariser {
  private readonly model: GenerativeModel;

  constructor(words = __N__) {
    this.model = client.getGenerativeModel({
      model: 'gemini-1.5-flash',
      generationConfig: { maxOutputTokens: words, responseMimeType: 'text/plain' },
    });
  }

  async summarise(text: string): Promise<string> {
    const result = await this.model.generateContent(`Summarise: ${text}`);
    return result.response.text();
  }
}
""",
}


# Files on @google/genai: older `models.generateContent` / `chats` code (rewritten to
# Interactions, GM509) and code already on `interactions.create` (linted only).
JS_GENAI_TEMPLATES = {
    "genai_route.ts": """import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

export async function POST(req: Request): Promise<Response> {
  const { question } = (await req.json()) as { question: string };
  const response = await ai.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: `Question __N__: ${question.trim()}`,
    config: { systemInstruction: 'Answer briefly.', temperature: 0.2 },
  });
  return Response.json({ answer: response.text });
}
""",
    "genai_chat.mjs": """import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({});
const chat = ai.chats.create({ model: 'gemini-2.5-flash', config: { maxOutputTokens: 256 } });

export async function reply(message) {
  const first = await chat.sendMessage({ message: `Hello from __N__` });
  console.log(first.text);
  const second = await chat.sendMessage({ message: String(message) });
  return second.text;
}
""",
    "interactions.js": """import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({});

export async function ask(question) {
  const interaction = await ai.interactions.create({
    model: 'gemini-2.5-flash',
    input: String(question),
    generation_config: { max_output_tokens: __N__ },
  });
  return interaction.output_text ?? '';
}
""",
}


def plain_js_module(rng: random.Random, typescript: bool) -> str:
    """An ordinary ES module (~80-150 lines) with no Gemini code."""
    t = (lambda hint: f": {hint}") if typescript else (lambda hint: "")
    lines = ["import { readFile } from 'node:fs/promises';",
             "import path from 'node:path';", ""]
    for _ in range(rng.randint(3, 6)):
        name = "".join(w.title() for w in rng.sample(WORDS, 2))
        field, other = rng.sample(WORDS, 2)
        lines += [f"/** Keeps {field} records for the {other} view. */",
                  f"export class {name} {{",
                  f"  constructor(items{t('string[]')} = []) {{",
                  "    this.items = items;", "  }", ""]
        for _ in range(rng.randint(1, 4)):
            method, arg = _name(rng).replace("_", ""), rng.choice(WORDS)
            lines += [f"  {method}({arg}{t('string')}){t('Record<string, unknown>')} {{",
                      f"    if (!{arg}) throw new Error('empty {arg}');",
                      f"    const data = {{ {arg}, size: {arg}.length, "
                      f"where: path.join('{field}', {arg}) }};",
                      f"    console.debug('{method}', JSON.stringify(data));",
                      "    return data;", "  }", ""]
        lines += ["}", ""]
    lines += [f"export async function load(file{t('string')}) {{",
              "  return JSON.parse(await readFile(file, 'utf8'));", "}", ""]
    return "\n".join(lines)


def react_component(rng: random.Random) -> str:
    """A React component that calls the project's backend (never the SDK)."""
    name = "".join(w.title() for w in rng.sample(WORDS, 2))
    return (f"import {{ useState }} from 'react';\n\nexport function {name}() {{\n"
            "  const [reply, setReply] = useState('');\n"
            "  async function ask(prompt) {\n"
            "    const res = await fetch('/api/chat', { method: 'POST', "
            "body: JSON.stringify({ prompt }) });\n"
            "    setReply(await res.text());\n  }\n"
            "  return <button onClick={() => ask('hello')}>{reply || 'Ask'}</button>;\n}\n")


PACKAGE_JSON = json.dumps({"name": "web", "private": True, "type": "module",
                           "dependencies": {"@google/generative-ai": "^0.24.1",
                                            "express": "^4.21.0", "react": "^18.3.0"}},
                          indent=2) + "\n"


def make_js_mixed(path: Path, files: int) -> None:
    """A web project of `files` JS/TS files: a quarter legacy SDK code, a quarter on
    @google/genai (older `models` / `chats` code and Interactions code), the rest ordinary
    modules and React components with no Gemini code."""
    rng = random.Random(400)
    path.mkdir(parents=True)
    (path / "package.json").write_text(PACKAGE_JSON)
    legacy = list(JS_LEGACY_TEMPLATES.items())
    genai = list(JS_GENAI_TEMPLATES.items())
    for n in range(files):
        folder = path / rng.choice(["app/api", "server", "scripts", "lib", "components"])
        folder.mkdir(parents=True, exist_ok=True)
        if n % 4 in (0, 1):
            templates = legacy if n % 4 == 0 else genai
            name, text = templates[(n // 4) % len(templates)]
            stem, ext = name.split(".")
            (folder / f"{stem}_{n:03d}.{ext}").write_text(text.replace("__N__", str(n)))
        elif n % 4 == 2:
            (folder / f"{_name(rng)}_{n}.jsx").write_text(react_component(rng))
        else:
            ts = rng.random() < 0.5
            (folder / f"{_name(rng)}_{n}.{'ts' if ts else 'js'}").write_text(
                plain_js_module(rng, ts))
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "tree")


def make_js_only(path: Path, files: int) -> None:
    """A web project of `files` JS/TS files with no Gemini code and no node_modules: modules
    in every JS/TS suffix and React components."""
    rng = random.Random(3000)
    path.mkdir(parents=True)
    (path / "package.json").write_text(PACKAGE_JSON.replace("@google/generative-ai", "zod"))
    for n in range(files):
        if rng.random() < 0.75:
            folder = path / "src" / rng.choice(["lib", "routes", "models", "util"])
            ext = rng.choice(["js", "mjs", "cjs", "ts", "mts", "cts"])
            text = plain_js_module(rng, ext.endswith("ts"))
        else:
            folder, ext, text = path / "src" / "components", rng.choice(["jsx", "tsx"]), \
                react_component(rng)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{_name(rng)}_{n}.{ext}").write_text(text)
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "tree")


def make_py_only(path: Path, files: int) -> None:
    """`files` ordinary Python modules in packages: ruff's side of the JS gate ratio."""
    rng = random.Random(3001)
    path.mkdir(parents=True)
    for n in range(files):
        folder = path / f"pkg_{n // 15:03d}" / rng.choice(["core", "api", "io", "util", "jobs"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{_name(rng)}_{n}.py").write_text(plain_module(rng))
    _git(path, "init", "-q")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "tree")


def _git(path: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)


def tree(name: str, files: int, make: object) -> Path:
    path = TREES / f"{name}-{files}"
    if not path.exists():
        assert callable(make)
        make(path, files)
    return path


def make_stdlib(path: Path) -> None:
    import sysconfig

    source = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(source, path, symlinks=True, ignore=shutil.ignore_patterns(
        "site-packages", "__pycache__", "*.pyc", "*.so", "*.a", "config-*"))


def stdlib_tree() -> Path:
    path = TREES / f"stdlib-{sys.version_info.major}.{sys.version_info.minor}"
    if not path.exists():
        make_stdlib(path)
    return path


def ruff_ratio(target: Path, repeat: int) -> dict[str, object]:
    """`--check` against `ruff check --select UP` on the same tree, run in turn (A B A B ...) so
    a drift in the machine's speed hits both; ruff keeps its cache, as in a real gate."""
    ruff = Path(sys.executable).with_name("ruff")
    ours = [*cli(), "--check", "--quiet", str(target)]
    theirs = [str(ruff), "check", "--select", "UP", "--quiet", str(target)]
    measure(theirs)  # warm ruff's cache and the page cache
    measure(ours)
    pairs = []
    for _ in range(repeat):
        a, b = measure(ours), measure(theirs)
        assert a[2] == 0, f"--check found something in the standard library (exit {a[2]})"
        pairs.append((a[0], b[0], a[3], b[3]))
    files = sum(1 for p in target.rglob("*") if p.is_file())
    return {
        "files": files,
        "ours": statistics.median(p[0] for p in pairs),
        "ruff": statistics.median(p[1] for p in pairs),
        "ratio": statistics.median(p[0] / p[1] for p in pairs),
        "ours_cpu": statistics.median(p[2] for p in pairs),
        "ruff_cpu": statistics.median(p[3] for p in pairs),
        "runs": repeat,
    }


def fresh_copy(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


# --- Measurements ---------------------------------------------------------------------------


def import_profile(target: Path) -> tuple[float, list[str], list[tuple[str, float]]]:
    """Total start-up import time (ms) of `--check FILE`, forbidden modules, heaviest ones."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from migrator.cli import main; main()",
         "--check", "--quiet", str(target)],
        capture_output=True, text=True, check=False,
    )
    total = 0.0
    heavy: list[tuple[str, float]] = []
    names = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if not cumulative.isdigit():
            continue
        names.append(name)
        depth = len(line.split("|")[2]) - len(line.split("|")[2].lstrip())
        if depth == 1:
            total += int(cumulative) / 1000
            heavy.append((name, int(cumulative) / 1000))
    forbidden = [n for n in names if n.startswith(("google.genai", "google.generativeai"))]
    heavy.sort(key=lambda item: -item[1])
    return total, forbidden, heavy[:6]


JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def _js_count(path: Path) -> int:
    return sum(1 for p in path.rglob("*") if p.suffix in JS_SUFFIXES and ".git" not in p.parts)


def js_speed(command: list[str], files: int, repeat: int) -> dict[str, object]:
    """JS/TS files per second through gemini-migrate on a web project of legacy,
    @google/genai and no-Gemini files: `--check`, and the rewrite in place on a fresh copy
    each time."""
    legacy = tree("js-mixed", files, make_js_mixed)
    work = TREES / "js-work"
    count = _js_count(legacy)
    out: dict[str, object] = {}
    t, mem, _, cpu = median_run([*command, "--check", "--quiet", str(legacy)], repeat)
    out["js_check"] = {"files": count, "seconds": t, "files_per_s": count / t,
                       "peak_mib": mem / 1024, "cpu": cpu}
    t, mem, _, cpu = median_run([*command, "--quiet", str(work)], repeat,
                                before=lambda: fresh_copy(legacy, work))
    out["js_rewrite"] = {"files": count, "seconds": t, "files_per_s": count / t,
                         "peak_mib": mem / 1024, "cpu": cpu}
    shutil.rmtree(work)
    return out


def js_gate_ratio(command: list[str], files: int, repeat: int) -> dict[str, object]:
    """The gate's cost on `files` JS/TS files with no Gemini code and no node_modules (the
    byte prefilter turns every file away before any parse), as a ratio to `ruff check --select
    UP` on the same number of Python files, as the Python gate compares (no cache, no
    configuration: the work a fresh CI gate does). The two commands alternate, so both see the
    same machine load; medians."""
    plain = tree("js-only", files, make_js_only)
    python = tree("py-only", files, make_py_only)
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff is not None, "ruff is needed for the gate ratio (pip install ruff)"
    ours_cmd = [*command, "--check", "--quiet", str(plain)]
    ruff_cmd = [ruff, "check", "--select", "UP", "--no-cache", "--isolated", "--quiet",
                str(python)]
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(measure(ours_cmd))
        theirs.append(measure(ruff_cmd))
    assert ours[-1][2] == 0, f"the no-Gemini JS tree has findings (exit {ours[-1][2]})"
    wall = statistics.median(r[0] for r in ours)
    ruff_wall = statistics.median(r[0] for r in theirs)
    cpu = statistics.median(r[3] for r in ours)
    ruff_cpu = statistics.median(r[3] for r in theirs)
    return {"js_gate": {
        "files": files, "js_files": _js_count(plain),
        "python_files": sum(1 for _ in python.rglob("*.py")), "seconds": wall,
        "files_per_s": files / wall, "peak_mib": max(r[1] for r in ours) / 1024, "cpu": cpu,
        "ruff_seconds": ruff_wall, "ruff_cpu": ruff_cpu, "ratio": wall / ruff_wall,
        "cpu_ratio": cpu / ruff_cpu, "runs": repeat}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller trees, fewer repeats")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--gate", action="store_true",
                        help="only the lint gate: the ratio to ruff and one clean file")
    parser.add_argument("--js", action="store_true",
                        help="only the JavaScript/TypeScript figures")
    args = parser.parse_args()
    js_files, js_plain_files = (120, 1000) if args.quick else (400, 3000)
    plain_files, legacy_files, repeat = (1000, 60, 2) if args.quick else (5000, 300, 5)
    if args.gate:
        gate = lint_gate(repeat * 2)
        print(json.dumps(gate, indent=2) if args.json else render_gate(gate))
        return
    if args.js:
        command = cli()
        js: dict[str, object] = {"cores": os.cpu_count() or 1,
                                 "python": sys.version.split()[0],
                                 "load_before": os.getloadavg()[0]}
        js.update(js_speed(command, js_files, max(1, repeat // 2)))
        js.update(js_gate_ratio(command, js_plain_files, repeat + 2))
        js["load_after"] = os.getloadavg()[0]
        print(json.dumps(js, indent=2) if args.json else render_js(js))
        return
    plain = tree("plain", plain_files, make_plain)
    legacy = tree("legacy", legacy_files, make_legacy)
    work = TREES / "work"
    command = cli()
    cores = os.cpu_count() or 1
    results: dict[str, object] = {"cores": cores, "python": sys.version.split()[0]}

    results["load_before"] = os.getloadavg()[0]
    t, mem, code, cpu = median_run([*command, "--check", "--quiet", str(plain)], repeat)
    assert code == 0, f"the plain tree has findings (exit {code})"
    results["plain_check"] = {"files": plain_files, "seconds": t, "files_per_s": plain_files / t,
                              "peak_mib": mem / 1024, "cpu": cpu}

    t, mem, code, cpu = median_run([*command, "--check", "--quiet", str(legacy)],
                                   max(1, repeat // 2))
    results["legacy_check"] = {"files": legacy_files, "seconds": t,
                               "files_per_s": legacy_files / t, "peak_mib": mem / 1024,
                               "cpu": cpu}

    t, mem, code, cpu = median_run([*command, "--quiet", str(work)], max(1, repeat // 2),
                                   before=lambda: fresh_copy(legacy, work))
    results["legacy_rewrite"] = {"files": legacy_files, "seconds": t,
                                 "files_per_s": legacy_files / t, "peak_mib": mem / 1024,
                                 "cpu": cpu}

    # Baseline 1: a LibCST codemod started once per file, `cores` at a time; measured on a
    # sample of the tree (it is slow) and reported per file.
    fresh_copy(legacy, work)
    files = sorted(str(p) for p in work.rglob("*.py"))[: max(20, legacy_files // 5)]
    baseline = [sys.executable, str(HERE / "baseline_codemod.py")]
    start = time.perf_counter()
    cpu_before = _children_cpu()
    with ThreadPoolExecutor(max_workers=cores) as pool:
        list(pool.map(lambda f: subprocess.run([*baseline, f], check=True), files))
    t = time.perf_counter() - start
    results["baseline_per_file"] = {"files": len(files), "seconds": t,
                                    "files_per_s": len(files) / t,
                                    "cpu": _children_cpu() - cpu_before}

    # Baseline 2: LibCST's own parallel codemod runner over the tree.
    fresh_copy(legacy, work)
    (work / ".libcst.codemod.yaml").write_text(
        "generated_code_marker: '@generated'\nformatter: ['cat']\nblacklist_patterns: []\n"
        "modules: []\nrepo_root: '.'\n")
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    start = time.perf_counter()
    cpu_before = _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", "-x",
                           "baseline_codemod.RenameLegacyCalls", "--no-format",
                           "--hide-progress", "-j", str(cores), "."],
                          cwd=work, env=env, capture_output=True, check=False)
    t = time.perf_counter() - start
    if proc.returncode == 0:
        results["baseline_libcst_tool"] = {"files": legacy_files, "seconds": t,
                                           "files_per_s": legacy_files / t,
                                           "cpu": _children_cpu() - cpu_before}
    shutil.rmtree(work)

    one_plain = next(plain.rglob("*.py"))
    one_legacy = next(legacy.rglob("*.py"))
    for key, target in (("single_plain", one_plain), ("single_legacy", one_legacy)):
        t, mem, _, cpu = median_run([*command, "--check", "--quiet", str(target)], repeat * 2)
        results[key] = {"seconds": t, "peak_mib": mem / 1024, "cpu": cpu}
    python_alone, _, _, cpu = median_run([sys.executable, "-c", "pass"], repeat * 2)
    results["python_startup"] = {"seconds": python_alone, "cpu": cpu}
    for key, target in (("imports_plain", one_plain), ("imports_legacy", one_legacy)):
        total, forbidden, heavy = import_profile(target)
        results[key] = {"ms": total, "forbidden": forbidden, "heaviest": heavy}

    results["gate"] = lint_gate(repeat * 2)
    results.update(js_speed(command, js_files, max(1, repeat // 2)))
    results.update(js_gate_ratio(command, js_plain_files, repeat + 2))

    results["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(render(results))
    print()
    print(render_js(results))


def lint_gate(repeat: int) -> dict[str, object]:
    """The pre-commit / CI gate over code with no Gemini code: the standard library against
    ruff, and `--check` of one clean file (with `python -c pass` for scale)."""
    load = os.getloadavg()[0]
    ratio = ruff_ratio(stdlib_tree(), repeat)
    clean = TREES / "clean_one.py"
    if not clean.exists():
        clean.write_text(plain_module(random.Random(1)), encoding="utf-8")
    one = median_run([*cli(), "--check", "--quiet", str(clean)], repeat * 2)
    bare = median_run([sys.executable, "-c", "pass"], repeat * 2)
    imports, forbidden, heavy = import_profile(clean)
    return {"load": load, "stdlib": ratio,
            "one_clean_file": {"seconds": one[0], "cpu": one[3]},
            "python_startup": {"seconds": bare[0]},
            "imports": {"ms": imports, "forbidden": forbidden, "heaviest": heavy}}


def render_gate(gate: dict[str, object]) -> str:
    ratio, one = gate["stdlib"], gate["one_clean_file"]
    assert isinstance(ratio, dict) and isinstance(one, dict)
    imports = gate["imports"]
    assert isinstance(imports, dict)
    heavy = ", ".join(f"{name.strip()} {ms:.0f} ms" for name, ms in imports["heaviest"])
    return "\n".join([
        f"Load average {gate['load']:.1f} before; {ratio['runs']} alternating runs.",
        f"- `--check` over the standard library ({ratio['files']:,} files): "
        f"{ratio['ours']:.2f} s (CPU {ratio['ours_cpu']:.2f} s); `ruff check --select UP`: "
        f"{ratio['ruff']:.2f} s (CPU {ratio['ruff_cpu']:.2f} s); ratio (median of pairs) "
        f"{ratio['ratio']:.2f}.",
        f"- `--check` of one file with no Gemini code: {one['seconds'] * 1000:.0f} ms wall "
        f"(CPU {one['cpu'] * 1000:.0f} ms); `python -c pass`: "
        f"{gate['python_startup']['seconds'] * 1000:.0f} ms; "  # type: ignore[index]
        f"imports {imports['ms']:.0f} ms ({heavy}); google-genai imported: "
        f"{imports['forbidden'] or 'no'}.",
    ])


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render(r: dict[str, object]) -> str:
    def row(label: str, key: str) -> str:
        item = r.get(key)
        if not isinstance(item, dict):
            return f"| {label} | n/a | | | | |"
        peak = f"{item['peak_mib']:.0f} MiB" if "peak_mib" in item else ""
        rate = f"{item['files_per_s']:,.1f}" if "files_per_s" in item else ""
        cpu = f"{item['cpu']:.2f} s" if "cpu" in item else ""
        per_file = (f"{1000 * item['cpu'] / item['files']:.1f} ms"
                    if "cpu" in item and "files" in item else "")
        return f"| {label} | {item['seconds']:.2f} s | {rate} | {cpu} | {per_file} | {peak} |"

    lines = [
        f"{r['cores']} cores, Python {r['python']}, load average {r['load_before']:.1f} before "
        f"and {r['load_after']:.1f} after; median of repeated runs. CPU is the user + system "
        "time of every process of the run (less sensitive than wall time to other load).", "",
        "| Run | Wall time | Files/s | CPU | CPU per file | Peak memory |",
        "|---|---:|---:|---:|---:|---:|",
        row(f"`--check`, {r['plain_check']['files']:,} files, no Gemini code",  # type: ignore[index]
            "plain_check"),
        row(f"`--check`, {r['legacy_check']['files']} legacy files",  # type: ignore[index]
            "legacy_check"),
        row("rewrite in place, same legacy files", "legacy_rewrite"),
        row(f"baseline: LibCST codemod, one process per file "
            f"({r['baseline_per_file']['files']} of the legacy files)",  # type: ignore[index]
            "baseline_per_file"),
        row("baseline: `python -m libcst.tool codemod` over the tree", "baseline_libcst_tool"),
        row("`--check one_file.py` (no Gemini code)", "single_plain"),
        row("`--check one_file.py` (legacy code)", "single_legacy"),
        row("`python -c pass` (interpreter start-up alone)", "python_startup"),
        "",
    ]
    gate = r.get("gate")
    if isinstance(gate, dict):
        lines += [render_gate(gate), ""]
    for key, label in (("imports_plain", "no Gemini code"), ("imports_legacy", "legacy code")):
        item = r[key]
        assert isinstance(item, dict)
        heavy = ", ".join(f"{name.strip()} {ms:.0f} ms" for name, ms in item["heaviest"])
        lines.append(f"- `python -X importtime`, `--check` on one file with {label}: "
                     f"{item['ms']:.0f} ms of imports ({heavy}); google-genai / "
                     f"google-generativeai imported: {item['forbidden'] or 'no'}.")
    return "\n".join(lines)


def render_js(r: dict[str, object]) -> str:
    check, rewrite, gate = r["js_check"], r["js_rewrite"], r["js_gate"]
    assert isinstance(check, dict) and isinstance(rewrite, dict) and isinstance(gate, dict)

    def row(label: str, item: dict[str, object]) -> str:
        return (f"| {label} | {item['seconds']:.2f} s | {item['files_per_s']:,.0f} | "
                f"{item['cpu']:.2f} s | {item['peak_mib']:.0f} MiB |")

    return "\n".join([
        f"JavaScript / TypeScript ({r['cores']} cores, load average {r['load_before']:.1f} "
        f"before and {r['load_after']:.1f} after).", "",
        "| Run | Wall time | Files/s | CPU | Peak memory |", "|---|---:|---:|---:|---:|",
        row(f"`--check`, web project, {check['files']} JS/TS files (a quarter legacy SDK "
            "code, a quarter @google/genai, half no Gemini code)", check),
        row("rewrite in place, same files", rewrite),
        row(f"`--check`, {gate['js_files']:,} JS/TS files, no Gemini code, no node_modules",
            gate),
        f"| `ruff check --select UP --no-cache --isolated`, {gate['python_files']:,} Python "
        f"files | {gate['ruff_seconds']:.2f} s | "
        f"{gate['python_files'] / gate['ruff_seconds']:,.0f} | {gate['ruff_cpu']:.2f} s | |",
        "",
        f"- Gate ratio: gemini-migrate on the no-Gemini JS/TS tree takes {gate['ratio']:.2f}x "
        f"the wall time of ruff on as many Python files ({gate['cpu_ratio']:.2f}x its CPU); "
        f"medians of {gate['runs']} alternating runs of each.",
    ])


if __name__ == "__main__":
    main()
