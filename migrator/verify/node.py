"""JavaScript and TypeScript snippets for `gemini-migrate --verify`: run with Node against the
emulator (or live), alone or differentially, like Python snippets (runner.py).

What a Node snippet gets:
- the pinned npm packages (`_node/package.json` + `package-lock.json`: `@google/generative-ai`,
  `@google/genai` at the pin floor and at the latest verified release, tsx for TypeScript),
  installed once into a cache folder by `python -m migrator.verify.node install`
  (scripts/setup_node.sh); the snippet's temporary folder gets a `node_modules` whose
  `@google/genai` and `@google/generative-ai` are links into that cache, so `import` and
  `require` both find them and no project's own copy is used;
- `_node/preload.cjs` (`--require`): requests to the Gemini API host go to the emulator (the
  legacy SDK has no base-URL variable), only loopback connections, and imports the temporary
  folder cannot satisfy are resolved from the snippet's own folder (ESM: `_node/register.mjs`);
- TypeScript (`.ts .mts .cts`) through tsx (`--import`): Node 20 cannot strip types itself;
- the same process handling as a Python snippet: own session, timeout, scrubbed environment
  (a fake key, never the user's unless `--live`), capped output.

A run that exits cleanly without one request reaching the emulator proves nothing: it is an
error ("no Gemini call reached the emulator"), never passed or equal.

    python -m migrator.verify.node install     # npm ci of the pinned packages (idempotent)
    python -m migrator.verify.node path        # where they are (or would be) installed
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from migrator.verify.execution import FAKE_KEY, INHERITED_ENV, Run, execute, log_path
from migrator.verify.sandbox import Sandbox
from migrator.verify.snippets import ESM_SYNTAX, NODE_EXT

TS_SUFFIXES = (".ts", ".mts", ".cts")
ASSETS = Path(__file__).resolve().with_name("_node")
MIN_NODE = 20
STAMP = ".gemini-migrate-installed"
# npm aliases of further @google/genai versions are named google-genai-<version>
_ALIAS = re.compile(r"^google-genai-(\d+\.\d+\.\d+)$")


def handles(filename: str) -> bool:
    """True for a file (or a Markdown block's run name) Node runs."""
    return filename.lower().endswith(NODE_EXT)


# --- the npm packages ------------------------------------------------------------------------

def lock_digest() -> str:
    return hashlib.sha256((ASSETS / "package-lock.json").read_bytes()).hexdigest()[:12]


def cache_root() -> Path:
    """Where the pinned packages live: GEMINI_MIGRATE_NODE_CACHE, else a folder of the user's
    cache named after the lock file, so a changed lock installs beside the old one."""
    chosen = os.environ.get("GEMINI_MIGRATE_NODE_CACHE")
    if chosen:
        return Path(chosen).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base).resolve() / "gemini-migrate" / f"node-{lock_digest()}"


def installed(root: Path) -> bool:
    try:
        return (root / STAMP).read_text(encoding="utf-8").strip() == lock_digest() and \
            (root / "node_modules").is_dir()
    except OSError:
        return False


def install(root: Path | None = None, *, npm: str | None = None) -> Path:
    """`npm ci` of the committed lock into `root` (default: cache_root()); nothing to do when
    that lock is installed there already. Safe to run concurrently: each run installs into
    its own folder and the first to finish is renamed into place."""
    root = root or cache_root()
    if installed(root):
        return root
    npm = npm or shutil.which("npm")
    if npm is None:
        raise OSError("npm not found on PATH (Node.js 20 or newer with npm is needed)")
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(ASSETS / name, staging / name)
        # --ignore-scripts: nothing in the lock needs an install script (esbuild finds its
        # platform binary through its optional dependency), and none should run
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=staging, check=True,
                       stdout=subprocess.DEVNULL)
        (staging / STAMP).write_text(lock_digest() + "\n", encoding="utf-8")
        if installed(root):
            return root  # another run finished first
        if root.exists():
            shutil.rmtree(root)  # an older lock installed under a chosen name
        os.rename(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _version_of(package: Path) -> str | None:
    try:
        return str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def genai_packages(root: Path) -> dict[str, Path]:
    """Installed @google/genai versions -> package folder (the main one and the aliases)."""
    modules = root / "node_modules"
    found: dict[str, Path] = {}
    candidates = [modules / "@google" / "genai"]
    if modules.is_dir():
        candidates += sorted(p for p in modules.iterdir() if _ALIAS.match(p.name))
    for package in candidates:
        version = _version_of(package)
        if version:
            found[version] = package
    return found


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def genai_versions(root: Path | None = None) -> list[str]:
    """The installed @google/genai versions, oldest first."""
    return sorted(genai_packages(root or cache_root()), key=_version_key)


@functools.lru_cache(maxsize=4)
def node_version(node: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return _version_key(out.stdout) if out.returncode == 0 and out.stdout.strip() else None


def unavailable() -> str | None:
    """Why Node snippets cannot run here, or None."""
    node = shutil.which("node")
    if node is None:
        return f"JavaScript/TypeScript snippets need Node.js {MIN_NODE} or newer on PATH"
    version = node_version(node)
    if version is None or version[0] < MIN_NODE:
        found = ".".join(map(str, version)) if version else "an unknown version"
        return f"JavaScript/TypeScript snippets need Node.js {MIN_NODE} or newer ({node} is " \
               f"{found})"
    root = cache_root()
    if not installed(root):
        return ("JavaScript/TypeScript snippets need the pinned npm packages, which are not "
                f"installed in {root}. Install them with: {sys.executable} -m "
                f"migrator.verify.node install")
    return None


def choose_genai(root: Path, wanted: str | None) -> tuple[str, Path]:
    """The @google/genai version a run uses: `wanted`, else GEMINI_MIGRATE_VERIFY_GENAI, else
    the newest installed."""
    packages = genai_packages(root)
    wanted = wanted or os.environ.get("GEMINI_MIGRATE_VERIFY_GENAI") or None
    if wanted is None:
        newest = max(packages, key=_version_key)
        return newest, packages[newest]
    if wanted not in packages:
        raise ValueError(f"@google/genai {wanted} is not installed for verify (installed: "
                         f"{', '.join(sorted(packages, key=_version_key))})")
    return wanted, packages[wanted]


# --- one run ---------------------------------------------------------------------------------

def _package_type(source_dir: str | None) -> str | None:
    """The "type" the nearest package.json of the snippet declares, which decides whether its
    `.js` / `.ts` files are ES modules; None when it declares none or there is none."""
    folder = Path(source_dir).resolve() if source_dir else None
    while folder is not None:
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                kind = json.loads(manifest.read_text(encoding="utf-8")).get("type")
            except (OSError, ValueError, AttributeError):
                return None
            return kind if kind in ("module", "commonjs") else None
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def _syntax_type(source: str) -> str:
    """A file whose package declares no type is read by its syntax, as Node 22 (the engine
    @google/genai 3.x asks for) and bundlers read it: `import` / `export` statements make an
    ES module."""
    return "module" if ESM_SYNTAX.search(source) else "commonjs"


def _link_packages(workdir: Path, root: Path, genai: Path) -> None:
    scope = workdir / "node_modules" / "@google"
    scope.mkdir(parents=True)
    (scope / "genai").symlink_to(genai, target_is_directory=True)
    (scope / "generative-ai").symlink_to(root / "node_modules" / "@google" / "generative-ai",
                                         target_is_directory=True)


def _env(workdir: Path, script: Path, *, base_url: str | None, key: str,
         source_dir: str | None) -> dict[str, str]:
    env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
    env.update({"HOME": str(workdir), "GEMINI_API_KEY": key,
                "GEMINI_MIGRATE_SNIPPET": str(script)})
    if source_dir:
        env["GEMINI_MIGRATE_SOURCE_DIR"] = os.path.abspath(source_dir)
    if base_url is not None:
        env.update({"GOOGLE_GEMINI_BASE_URL": base_url, "GEMINI_MIGRATE_EMULATOR": base_url,
                    "GEMINI_MIGRATE_BLOCK_NETWORK": "1"})
    return env


def node_argv(node: str, root: Path, script: Path) -> list[str]:
    argv = [node, "--require", str(ASSETS / "preload.cjs")]
    if script.suffix.lower() in TS_SUFFIXES:
        argv += ["--import", (root / "node_modules" / "tsx" / "dist" / "loader.mjs").as_uri()]
    return [*argv, "--import", (ASSETS / "register.mjs").as_uri(), str(script)]


def run_source(source: str, filename: str, *, timeout: float, live_key: str | None = None,
               log_name: str | None = None, source_dir: str | None = None,
               model_overrides: dict[str, Any] | None = None,
               genai: str | None = None) -> Run:
    """Run a JS/TS `source` with Node: against a fresh emulator, or live when `live_key`."""
    from migrator.verify.emulator import Emulator

    run = Run()
    problem = unavailable()
    if problem is not None:
        run.error = problem
        return run
    root = cache_root()
    try:
        _, genai_dir = choose_genai(root, genai)
    except ValueError as exc:
        run.error = str(exc)
        return run
    node = shutil.which("node") or "node"
    temp = Path(tempfile.mkdtemp(prefix="gemini-verify-")).resolve()
    workdir = temp / "work"
    workdir.mkdir()
    emulator = None
    box = None
    try:
        script = workdir / (Path(filename).name or "snippet.mjs")
        script.write_text(source, encoding="utf-8")
        _link_packages(workdir, root, genai_dir)
        kind = _package_type(source_dir) or _syntax_type(source)
        (workdir / "package.json").write_text(json.dumps({"type": kind}) + "\n",
                                              encoding="utf-8")
        argv = node_argv(node, root, script)
        if live_key is None:
            emulator = Emulator(log_path=log_path(log_name), model_overrides=model_overrides)
            box = Sandbox(str(temp), emulator=emulator)
            env = _env(workdir, script, base_url=box.url, key=FAKE_KEY, source_dir=source_dir)
        else:
            box = Sandbox(str(temp), network=False)
            env = _env(workdir, script, base_url=None, key=live_key, source_dir=source_dir)
        env.update(box.env())
        execute(run, argv, str(workdir), env, timeout, box)
        run.stderr = error_line(run.stderr)
        if emulator is not None:
            run.emulated = True
            run.requests = emulator.requests()
    finally:
        if box is not None:
            box.close()
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(temp, ignore_errors=True)
    return run


_ERROR = re.compile(r"^(?:[A-Z][\w$]*(?:Error|Exception)|Error)(?: \[[\w-]+\])?: ")


def error_line(stderr: str) -> str:
    """The thrown error of a Node stack dump ("TypeError: x is not a function"), which Node
    prints after the source excerpt and before the stack; else the last meaningful line."""
    lines = [ln.rstrip() for ln in stderr.splitlines() if ln.strip()]
    for n, line in enumerate(lines):
        if _ERROR.match(line):
            if line.endswith(":") and n + 1 < len(lines):  # "Transform failed with 1 error:"
                line = f"{line} {lines[n + 1].strip()}"
            return line[:300]
    rest = [ln for ln in lines if not ln.lstrip().startswith("at ")
            and not ln.startswith("Node.js v") and not ln.startswith("(node:")]
    return (rest or lines or [""])[-1][:300]


def typecheck(files: list[str], *, genai: str | None = None, timeout: float = 120,
              options: dict[str, Any] | None = None) -> tuple[bool, str]:
    """`tsc --noEmit` (strict, NodeNext, skipLibCheck, as api-mapping-js.md compiled its
    claims) of TypeScript files against the cached SDKs: (passed, compiler output). The files
    are checked as copies in one temporary folder (TypeScript resolves packages from a file's
    own folder), so they may import each other by name but nothing else of their project."""
    problem = unavailable()
    if problem is not None:
        return False, problem
    root = cache_root()
    _, genai_dir = choose_genai(root, genai)
    with tempfile.TemporaryDirectory(prefix="gemini-tsc-") as temp:
        folder = Path(temp)
        _link_packages(folder, root, genai_dir)
        (folder / "node_modules" / "@types").symlink_to(root / "node_modules" / "@types",
                                                        target_is_directory=True)
        compiler = {"strict": True, "skipLibCheck": True, "noEmit": True, "module": "NodeNext",
                    "moduleResolution": "NodeNext", "target": "ES2022", "types": ["node"],
                    **(options or {})}
        names = []
        for file in files:
            names.append(Path(file).name)
            shutil.copyfile(file, folder / names[-1])
        config = {"compilerOptions": compiler, "files": names}
        (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
        tsc = root / "node_modules" / "typescript" / "bin" / "tsc"
        node = shutil.which("node") or "node"
        proc = subprocess.run([node, str(tsc), "-p", str(folder), "--pretty", "false"],
                              capture_output=True, text=True, timeout=timeout, cwd=temp)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migrator.verify.node",
                                     description="The npm packages --verify runs JS/TS "
                                                 "snippets with.")
    parser.add_argument("command", choices=["install", "path", "versions"])
    args = parser.parse_args(argv)
    if args.command == "path":
        print(cache_root())
        return 0
    if args.command == "versions":
        root = cache_root()
        if not installed(root):
            print(f"not installed in {root}", file=sys.stderr)
            return 1
        print(" ".join(genai_versions(root)))
        return 0
    try:
        root = install()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"gemini-migrate: installing the npm packages failed: {exc}", file=sys.stderr)
        return 1
    print(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
