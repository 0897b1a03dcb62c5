"""Real-code benchmark: gemini-migrate over public repositories nobody here wrote.

    .venv/bin/python benchmarks/realcode.py --corpus /work/corpus            # the table
    .venv/bin/python benchmarks/realcode.py --corpus /work/corpus --json run.json \\
        --diff-dir /tmp/diffs --keep /tmp/migrated                         # for review
    .venv/bin/python benchmarks/realcode.py --extract-from /work/.mirror --corpus /work/corpus

The corpus is recorded in benchmarks/realcode/python.tsv and js.tsv (repository, commit,
path, git blob id, kind); the code itself is never committed. `--extract-from` writes the
local copy from bare git snapshots of those repositories (as the `fetch` tool brings them:
`<mirror>/<owner>+<repo>/repo`); nothing here downloads anything.

A run checks the local copy against the manifest (every file present with the recorded blob
id), copies each repository to a temporary directory (a fresh git repository, as a user's
checkout), and runs the installed `gemini-migrate` as a user would: `gemini-migrate .` in
the repository (rewriting in place), `gemini-migrate --check --output-format json .`
afterwards (what stays), then `gemini-migrate .` again (idempotence). It prints:

- the share of call sites migrated: google-generativeai (legacy) sites, google-genai
  `models.generate_content` / `chats` sites, and @google/generative-ai JS sites, counted by
  benchmarks/realcode_sites.py before and after the run (its docstring defines a call site);
- files fully off the legacy SDK (imported it before; import and sites gone after);
- what stays, by finding code, from the `--check` run after the rewrite;
- compile check of every changed file (`compile()` of each Python file / notebook code cell,
  `node --check` for .js/.mjs/.cjs; .jsx/.ts/.tsx are reported as not checked), counting only
  files that compiled before the run;
- idempotence (files the second run changed) and runs that ended in an internal error;
- dependencies: every manifest scope (the manifests in a file's folder and its parents) whose
  code imports google-genai after the run declares it; and the hazards of issue 11: the legacy
  pin dropped while legacy code remains, exact pins google-genai cannot be installed with
  (checked against the Requires-Dist of the google-genai installed next to this script), a
  google-genai pin changed where no code of the repository uses Interactions, a notebook that
  now imports google.genai whose `pip install` line installs only google-generativeai; and for
  JS, each package.json whose code imports @google/genai declares it.

`--json PATH` writes every figure, per repository and file, for diffing two runs;
`--diff-dir DIR` writes one unified diff per repository; `--keep DIR` keeps the migrated copy.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realcode_sites as sites  # noqa: E402

HERE = Path(__file__).resolve().parent
MANIFESTS = ("python.tsv", "js.tsv")
PY_MANIFEST = re.compile(
    r"(^|/)(requirements[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|environment\.ya?ml)$"
)


# --- the manifest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    repository: str  # owner/name
    commit: str
    path: str
    blob: str  # git blob id of the file at that commit
    kind: str  # legacy | genai | legacy,genai | sibling | manifest
    language: str  # python | js

    @property
    def folder(self) -> str:
        return self.repository.replace("/", "__")


def read_manifest(directory: Path) -> list[Row]:
    rows = []
    for name in MANIFESTS:
        path = directory / name
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        if header != ["repository", "commit", "path", "blob", "kind"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        for number, line in enumerate(lines[1:], start=2):
            cells = line.split("\t")
            if len(cells) != 5 or not re.fullmatch(r"[0-9a-f]{40}", cells[1]) \
                    or not re.fullmatch(r"[0-9a-f]{40}", cells[3]):
                raise SystemExit(f"{path}:{number}: malformed row")
            rows.append(Row(*cells, language=name.split(".")[0]))
    return rows


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def check_corpus(rows: list[Row], corpus: Path) -> list[str]:
    """Problems of the local copy: missing files and files whose blob id differs."""
    problems = []
    for row in rows:
        path = corpus / row.folder / row.path
        if not path.is_file():
            problems.append(f"missing: {row.folder}/{row.path}")
        elif git_blob_id(path.read_bytes()) != row.blob:
            problems.append(f"differs: {row.folder}/{row.path}")
    return problems


def extract(rows: list[Row], mirror: Path, corpus: Path) -> int:
    """Write the corpus from bare snapshots `<mirror>/<owner>+<repo>/repo`; return problems."""
    problems = 0
    by_repo: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_repo[row.repository].append(row)
    for repository, repo_rows in sorted(by_repo.items()):
        git_dir = mirror / repository.replace("/", "+") / "repo"
        if not git_dir.is_dir():
            print(f"no snapshot of {repository} in {mirror} (fetch it first)", file=sys.stderr)
            problems += len(repo_rows)
            continue
        for row in repo_rows:
            got = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "blob", row.blob],
                                 capture_output=True)
            if got.returncode != 0:
                print(f"{repository}: blob of {row.path} absent (snapshot newer than "
                      f"{row.commit[:10]}?)", file=sys.stderr)
                problems += 1
                continue
            target = corpus / row.folder / row.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(got.stdout)
    return problems


# --- dependency manifests -------------------------------------------------------------------

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def decode(data: bytes) -> str:
    """A manifest's text: UTF-8, or UTF-16 with its byte order mark (`pip freeze > ...` in
    Windows PowerShell writes that)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8-sig", "replace")


def declared(path: str, text: str) -> dict[str, str]:
    """Package name -> version spec, as declared by one manifest (best effort, no network)."""
    reqs: list[str] = []
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".txt"):
        reqs = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(
            ("#", "-", "git+", "http"))]
    elif name == "pyproject.toml" or name == "Pipfile":
        try:
            import tomllib

            data = tomllib.loads(text)
        except Exception:  # noqa: BLE001 - an unreadable manifest declares nothing
            return {}
        project = data.get("project", {})
        reqs += list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            reqs += list(extra)
        for group in data.get("dependency-groups", {}).values():
            reqs += [g for g in group if isinstance(g, str)]
        poetry = data.get("tool", {}).get("poetry", {})
        tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
        tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
        tables += [data.get("packages", {}), data.get("dev-packages", {})]
        for table in tables:
            for pkg, spec in table.items():
                version = spec if isinstance(spec, str) else (
                    spec.get("version", "") if isinstance(spec, dict) else "")
                version = "" if version == "*" else version
                if version and version[0] in "^~" and not version.startswith("~="):
                    version = ">=" + version[1:]
                reqs.append(f"{pkg}{version if version[:1] in '<>=!~' else ''}")
    elif name in ("setup.py", "setup.cfg"):
        reqs = re.findall(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*"""
                          r"""(?:[<>=!~]=?[^"',]*)?)["']""", text)
        if name == "setup.cfg":
            reqs += [ln.strip() for ln in text.splitlines() if re.match(r"\s+[A-Za-z]", ln)]
    elif name.endswith((".yml", ".yaml")):
        reqs = [m.group(1) for m in re.finditer(r"^\s*-\s*([A-Za-z0-9][^\s#]*)", text, re.M)]
    out: dict[str, str] = {}
    for req in reqs:
        match = _REQ.match(req)
        if match:
            out[_norm(match.group(1))] = match.group(3).strip().strip(",").strip()
    return out


def package_json_deps(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key in ("dependencies", "devDependencies", "peerDependencies",
                    "optionalDependencies"):
            table = data.get(key)
            if isinstance(table, dict):
                out.update({k: str(v) for k, v in table.items()})
    return out


def genai_requirements() -> tuple[str, dict[str, Any]]:
    """The installed google-genai's version and its unconditional Requires-Dist (name -> spec)."""
    try:
        from importlib import metadata

        from packaging.requirements import Requirement
    except ImportError:
        return "", {}
    try:
        version = metadata.version("google-genai")
        requires = metadata.requires("google-genai") or []
    except metadata.PackageNotFoundError:
        return "", {}
    out = {}
    for line in requires:
        req = Requirement(line)
        if req.marker is None:
            out[_norm(req.name)] = req.specifier
    return version, out


def pin_conflicts(decl: dict[str, str], genai_reqs: dict[str, Any]) -> list[str]:
    """Declared exact pins / upper bounds google-genai's own requirements exclude."""
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version
    except ImportError:
        return []
    out = []
    for name, needed in genai_reqs.items():
        spec = decl.get(name)
        if not spec:
            continue
        try:
            have = SpecifierSet(spec.replace(" ", ""))
        except InvalidSpecifier:
            continue
        pins = [s.version for s in have if s.operator in ("==", "===") and "*" not in s.version]
        lows = [s.version for s in needed if s.operator in (">=", ">")]
        try:
            pin_excluded = bool(pins) and not any(Version(p) in needed for p in pins)
            capped_below = not pins and bool(lows) and not any(
                Version(v) in have for v in lows) and any(
                s.operator in ("<", "<=") and Version(s.version) <= Version(max(lows))
                for s in have)
            if pin_excluded or capped_below:
                out.append(f"{name}{spec} (google-genai needs {needed})")
        except InvalidVersion:
            continue
    return out


# --- one repository -------------------------------------------------------------------------


@dataclass
class FileFacts:
    path: str
    language: str
    kind: str
    changed: bool = False
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    compiled_before: bool | None = None
    compiled_after: bool | None = None
    changed_by_second_run: bool = False


@dataclass
class RepoResult:
    repository: str
    files: list[FileFacts] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    hazards: list[dict[str, str]] = field(default_factory=list)
    manifests_changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    diff: str = ""


def results_from_json(item: dict[str, Any]) -> RepoResult:
    """A repository's result as --json wrote it."""
    res = RepoResult(repository=item["repository"], exit_codes=item["exit_codes"],
                     internal_errors=item["internal_errors"], findings=item["findings"],
                     hazards=item["hazards"], manifests_changed=item["manifests_changed"],
                     seconds=item["seconds"])
    res.files = [FileFacts(**f) for f in item["files"]]
    return res


def tool_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    local = Path(sys.executable).parent / "gemini-migrate"
    if local.exists():
        return [str(local)]
    found = shutil.which("gemini-migrate")
    if not found:
        raise SystemExit("gemini-migrate is not installed (bash scripts/setup.sh)")
    return [found]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost",
                           "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True,
                          text=True, check=True).stdout


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def _py_counts(text: str, path: str, legacy_repo: bool,
               context: sites.PySites | None = None) -> sites.PySites:
    return sites.python_sites(text, notebook=path.endswith(".ipynb"), legacy_repo=legacy_repo,
                              context=context)


def _facts(s: sites.PySites | sites.JsSites) -> dict[str, Any]:
    return {"legacy": dict(s.legacy), "genai": dict(s.genai),
            "imports_legacy": s.imports_legacy, "imports_genai": s.imports_genai,
            "uses_interactions": s.uses_interactions, "parsed": getattr(s, "parsed", True)}


def _node_check(path: Path) -> bool:
    got = subprocess.run(["node", "--check", str(path)], capture_output=True)
    return got.returncode == 0


def run_repository(folder: Path, rows: list[Row], tool: list[str], timeout: float,
                   genai_reqs: dict[str, Any]) -> RepoResult:
    result = RepoResult(repository=rows[0].repository)
    started = time.perf_counter()
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "before", "--no-verify")
    before = _snapshot(folder)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        try:
            got = subprocess.run([*tool, *args, "."], cwd=folder, capture_output=True,
                                 text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            result.internal_errors.append(f"timeout after {timeout:.0f}s: {' '.join(args)}")
            return subprocess.CompletedProcess(args, 124, "", "")
        result.exit_codes.append(got.returncode)
        if got.returncode == 2 or "Traceback" in got.stderr:
            tail = got.stderr.strip().splitlines()[-3:]
            result.internal_errors.append(f"{' '.join(args) or 'rewrite'}: " + " | ".join(tail))
        return got

    run("-q", "-j", "1")
    after = _snapshot(folder)
    result.diff = _git(folder, "diff", "--no-color")
    check = run("--check", "--output-format", "json", "-q", "-j", "1", "--exit-zero")
    try:
        found = json.loads(check.stdout or "[]")
        # --output-format json prints an envelope ({"tool": ..., "findings": [...]}) since
        # format_version 1; a bare list is the older shape.
        result.findings = found["findings"] if isinstance(found, dict) else found
    except ValueError:
        result.internal_errors.append("--check printed no JSON")
    run("-q", "-j", "1")
    second = _snapshot(folder)
    result.seconds = time.perf_counter() - started

    legacy_py_repo = any(r.language == "python" and "legacy" in r.kind for r in rows)
    legacy_js_repo = any(r.language == "js" and r.kind == "legacy" for r in rows)
    for row in rows:
        if row.kind == "manifest":
            if before.get(row.path) != after.get(row.path):
                result.manifests_changed.append(row.path)
            continue
        facts = FileFacts(path=row.path, language=row.language, kind=row.kind)
        old = before[row.path].decode("utf-8", "replace")
        new_bytes = after.get(row.path)
        new = new_bytes.decode("utf-8", "replace") if new_bytes is not None else ""
        facts.changed = before[row.path] != new_bytes
        facts.changed_by_second_run = after.get(row.path) != second.get(row.path)
        if row.language == "python":
            nb = row.path.endswith(".ipynb")
            b = _py_counts(old, row.path, legacy_py_repo)
            a = _py_counts(new, row.path, legacy_py_repo, context=b)
            facts.before, facts.after = _facts(b), _facts(a)
            if facts.changed:
                facts.compiled_before = sites.python_compiles(old, notebook=nb)
                facts.compiled_after = sites.python_compiles(new, notebook=nb)
        else:
            jb = sites.js_sites(old, legacy_repo=legacy_js_repo)
            ja = sites.js_sites(new, legacy_repo=legacy_js_repo, context=jb)
            facts.before, facts.after = _facts(jb), _facts(ja)
            if facts.changed and row.path.endswith((".js", ".mjs", ".cjs")):
                with tempfile.TemporaryDirectory() as tmp:
                    ext = Path(row.path).suffix
                    probe = Path(tmp) / f"before{ext}"
                    probe.write_bytes(before[row.path])
                    facts.compiled_before = _node_check(probe)
                    probe.write_bytes(new_bytes or b"")
                    facts.compiled_after = _node_check(probe)
        result.files.append(facts)
    result.hazards = dependency_hazards(rows, before, after, result, genai_reqs)
    return result


def _scope(path: str, manifests: list[str]) -> list[str]:
    """The manifests that apply to a file: those in its folder and every parent folder."""
    parts = path.split("/")[:-1]
    parents = {"/".join(parts[:i]) for i in range(len(parts) + 1)}
    return [m for m in manifests if (m.rsplit("/", 1)[0] if "/" in m else "") in parents]


def dependency_hazards(rows: list[Row], before: dict[str, bytes], after: dict[str, bytes],
                       result: RepoResult, genai_reqs: dict[str, Any]) -> list[dict[str, str]]:
    hazards: list[dict[str, str]] = []

    def text(snap: dict[str, bytes], path: str) -> str:
        return decode(snap.get(path, b""))

    py_manifests = [r.path for r in rows if r.language == "python" and r.kind == "manifest"]
    decl_before = {m: declared(m, text(before, m)) for m in py_manifests}
    decl_after = {m: declared(m, text(after, m)) for m in py_manifests}
    py_facts = [f for f in result.files if f.language == "python"]
    repo_uses_interactions = any(f.after.get("uses_interactions") for f in result.files)

    # one finding per manifest scope; a scope whose code imported google.genai undeclared
    # before the run already is reported apart (not the run's doing)
    undeclared: dict[tuple[str, ...], dict[str, str]] = {}
    for f in py_facts:
        scope = _scope(f.path, py_manifests)
        if not scope:
            continue
        key = tuple(scope)
        if f.after.get("imports_genai") and not any(
                "google-genai" in decl_after[m] for m in scope):
            introduced = not f.before.get("imports_genai") or any(
                "google-genai" in decl_before[m] for m in scope)
            kind = "genai-not-declared" if introduced else "genai-not-declared-before-the-run"
            if key not in undeclared or (introduced and undeclared[key]["kind"] != kind):
                undeclared[key] = {"kind": kind, "file": f.path,
                                   "detail": "imports google.genai; not declared in "
                                             + ", ".join(scope)}
        if f.after.get("imports_legacy") and any(
                "google-generativeai" in decl_before[m] for m in scope) and not any(
                "google-generativeai" in decl_after[m] for m in scope):
            hazards.append({"kind": "legacy-pin-dropped", "file": f.path,
                            "detail": "still imports google.generativeai; the pin was removed "
                                      "from " + ", ".join(scope)})
    hazards += undeclared.values()
    for m in py_manifests:
        if before.get(m) == after.get(m):
            continue
        if "google-genai" in decl_after[m]:
            for conflict in pin_conflicts(decl_after[m], genai_reqs):
                hazards.append({"kind": "unresolvable-pin", "file": m, "detail": conflict})
        old_spec = decl_before[m].get("google-genai")
        new_spec = decl_after[m].get("google-genai")
        if old_spec is not None and new_spec != old_spec and not repo_uses_interactions:
            hazards.append({"kind": "genai-pin-bumped-without-interactions", "file": m,
                            "detail": f"google-genai{old_spec} -> google-genai{new_spec}"})
    for f in py_facts:
        if not f.path.endswith(".ipynb") or not f.changed:
            continue
        pips_before = sites.notebook_pip_packages(text(before, f.path))
        pips = sites.notebook_pip_packages(text(after, f.path))
        if f.after.get("imports_genai") and "google-generativeai" in pips \
                and "google-genai" not in pips:
            hazards.append({"kind": "notebook-pip-legacy-only", "file": f.path,
                            "detail": "imports google.genai; !pip installs google-generativeai"})
        if "google-genai" in pips - pips_before and not f.after.get("imports_genai"):
            hazards.append({"kind": "notebook-pip-unused", "file": f.path,
                            "detail": "pip line for google-genai added; no google.genai import"})
    js_manifests = [r.path for r in rows if r.language == "js" and
                    r.path.endswith("package.json")]
    for f in result.files:
        if f.language != "js":
            continue
        scope = _scope(f.path, js_manifests)
        if not scope:
            continue
        nearest = max(scope, key=len)
        deps_after = package_json_deps(text(after, nearest))
        deps_before = package_json_deps(text(before, nearest))
        if f.after.get("imports_genai") and "@google/genai" not in deps_after:
            hazards.append({"kind": "js-genai-not-declared", "file": f.path,
                            "detail": f"imports @google/genai; not in {nearest}"})
        if f.after.get("imports_legacy") and "@google/generative-ai" in deps_before \
                and "@google/generative-ai" not in deps_after:
            hazards.append({"kind": "js-legacy-dep-dropped", "file": f.path,
                            "detail": f"still imports @google/generative-ai; removed from "
                                      f"{nearest}"})
    unique = []
    for h in hazards:
        if h not in unique:
            unique.append(h)
    return unique


# --- the report -----------------------------------------------------------------------------


# Findings that say why nothing moved; model-id, pin and "import stays" notes do not.
_NOT_BLOCKING = re.compile(r"GM(017|30[123]|4\d\d|904)$")


def remaining_by_finding(results: list[RepoResult]) -> Counter[str]:
    """Python sites left after the run, attributed to the blocking findings of their file (in
    proportion to how many of each the file has); sites in a file with none count as silent."""
    out: Counter[str] = Counter()
    for res in results:
        per_file: dict[str, Counter[str]] = defaultdict(Counter)
        for item in res.findings:
            if not _NOT_BLOCKING.match(item["code"]):
                per_file[str(item["path"]).removeprefix("./")][item["code"]] += 1
        for f in res.files:
            if f.language != "python":
                continue
            left = sum(f.after.get("legacy", {}).values()) + sum(f.after.get("genai", {}).values())
            if not left:
                continue
            codes = per_file.get(f.path)
            if not codes:
                out["(no finding in the file)"] += left
                continue
            total = sum(codes.values())
            for code, n in codes.items():
                out[code] += left * n / total
    return out


def _ranked(counts: Counter[str]) -> dict[str, Any]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(results: list[RepoResult], rows: list[Row], genai_version: str) -> dict[str, Any]:
    totals: dict[str, Counter[str]] = {k: Counter() for k in (
        "py_legacy_before", "py_legacy_after", "py_genai_before", "py_genai_after",
        "js_legacy_before", "js_legacy_after", "js_genai_before", "js_genai_after")}
    migrated = Counter()
    files_off = Counter()
    compile_fail: list[str] = []
    not_checked = 0
    checked = Counter()
    second: list[str] = []
    unparsed: list[str] = []
    for res in results:
        for f in res.files:
            if not f.before.get("parsed", True):
                unparsed.append(f"{res.repository}/{f.path}")
            lang = "py" if f.language == "python" else "js"
            for part in ("legacy", "genai"):
                b, a = Counter(f.before.get(part, {})), Counter(f.after.get(part, {}))
                totals[f"{lang}_{part}_before"].update(b)
                totals[f"{lang}_{part}_after"].update(a)
                migrated[f"{lang}_{part}"] += max(0, sum(b.values()) - sum(a.values()))
            if f.before.get("imports_legacy"):
                files_off[f"{lang}_legacy_files"] += 1
                if not f.after.get("imports_legacy") and not f.after.get("legacy"):
                    files_off[f"{lang}_off"] += 1
            if f.changed:
                checked[f"{lang}_changed"] += 1
                if f.compiled_before is None:
                    not_checked += 1
                elif f.compiled_before and not f.compiled_after:
                    compile_fail.append(f"{res.repository}/{f.path}")
            if f.changed_by_second_run:
                second.append(f"{res.repository}/{f.path}")
    stays = Counter()
    names: dict[str, str] = {}
    for res in results:
        for item in res.findings:
            stays[item["code"]] += 1
            names[item["code"]] = item.get("name", "")
    hazards = Counter(h["kind"] for res in results for h in res.hazards)
    left_by_code = remaining_by_finding(results)
    corpus = {
        "python_repositories": len({r.repository for r in rows if r.language == "python"}),
        "python_gemini_files": sum(1 for r in rows if r.language == "python"
                                   and r.kind not in ("sibling", "manifest")),
        "python_notebooks": sum(1 for r in rows if r.language == "python"
                                and r.path.endswith(".ipynb")),
        "python_sibling_files": sum(1 for r in rows if r.language == "python"
                                    and r.kind == "sibling"),
        "python_manifests": sum(1 for r in rows if r.language == "python"
                                and r.kind == "manifest"),
        "js_repositories": len({r.repository for r in rows if r.language == "js"}),
        "js_gemini_files": sum(1 for r in rows if r.language == "js" and r.kind == "legacy"),
        "js_sibling_files": sum(1 for r in rows if r.language == "js" and r.kind == "sibling"),
        "js_manifests": sum(1 for r in rows if r.language == "js" and r.kind == "manifest"),
    }

    def share(key: str) -> dict[str, Any]:
        lang, part = key.split("_")
        total = sum(totals[f"{key}_before"].values())
        done = migrated[key]
        return {"sites": total, "migrated": done,
                "percent": round(100 * done / total, 1) if total else None,
                "before_by_callee": _ranked(totals[f"{key}_before"]),
                "after_by_callee": _ranked(totals[f"{key}_after"])}

    return {
        "date": time.strftime("%Y-%m-%d"),
        "tool_version": "",
        "google_genai_metadata": genai_version,
        "corpus": corpus,
        "python_legacy": share("py_legacy"),
        "python_genai": share("py_genai"),
        "js_legacy": share("js_legacy"),
        "js_genai": share("js_genai"),
        "files_off_legacy": {"python": [files_off["py_off"], files_off["py_legacy_files"]],
                             "js": [files_off["js_off"], files_off["js_legacy_files"]]},
        "changed_files": dict(checked),
        "compile_failures": compile_fail,
        "changed_files_not_compile_checked": not_checked,
        "second_run_changed": second,
        "not_parsed_by_counter": unparsed,
        "internal_errors": {res.repository: res.internal_errors for res in results
                            if res.internal_errors},
        "stays_by_code": {code: {"count": n, "name": names[code]}
                          for code, n in _ranked(stays).items()},
        "python_sites_left_by_finding": {code: round(n, 1)
                                         for code, n in _ranked(left_by_code).items()},
        "hazards_by_kind": dict(hazards),
        "repositories_with_manifest_changes": sum(1 for r in results if r.manifests_changed),
        "seconds": round(sum(r.seconds for r in results), 1),
    }


def render(summary: dict[str, Any], results: list[RepoResult]) -> str:
    c = summary["corpus"]
    lines = [
        f"Real-code benchmark, {summary['date']}: {c['python_repositories']} Python repositories "
        f"({c['python_gemini_files']} Gemini files, {c['python_notebooks']} notebooks, "
        f"{c['python_sibling_files']} sibling modules, {c['python_manifests']} manifests); "
        f"{c['js_repositories']} JS/TS repositories ({c['js_gemini_files']} files importing "
        f"@google/generative-ai, {c['js_sibling_files']} siblings, {c['js_manifests']} "
        f"package.json/tsconfig.json)",
        "",
        f"| {'call sites':<52} | {'before':>6} | {'migrated':>8} | {'share':>6} |",
        f"|{'-' * 54}|{'-' * 7}:|{'-' * 9}:|{'-' * 7}:|",
    ]
    for key, label in (("python_legacy", "google-generativeai (Python)"),
                       ("python_genai", "google-genai models.generate_content / chats (Python)"),
                       ("js_legacy", "@google/generative-ai (JS/TS)"),
                       ("js_genai", "@google/genai models.generateContent / chats (JS/TS)")):
        s = summary[key]
        pct = "-" if s["percent"] is None else f"{s['percent']:.1f}%"
        lines.append(f"| {label:<52} | {s['sites']:>6} | {s['migrated']:>8} | {pct:>6} |")
    off = summary["files_off_legacy"]
    lines += [
        "",
        f"Files fully off the legacy SDK: Python {off['python'][0]} of {off['python'][1]}, "
        f"JS/TS {off['js'][0]} of {off['js'][1]}",
        "",
        "Legacy Python sites by callee, before -> after: " + ", ".join(
            f"{k} {v}->{summary['python_legacy']['after_by_callee'].get(k, 0)}"
            for k, v in summary["python_legacy"]["before_by_callee"].items()),
        "JS sites by callee, before -> after: " + ", ".join(
            f"{k} {v}->{summary['js_legacy']['after_by_callee'].get(k, 0)}"
            for k, v in summary["js_legacy"]["before_by_callee"].items()),
        "",
        "What stays (findings of `--check` after the run):",
        "",
        "| code | name | count |",
        "|---|---|---:|",
    ]
    for code, item in summary["stays_by_code"].items():
        lines.append(f"| {code} | {item['name']} | {item['count']} |")
    lines += ["", "Python sites left, by the blocking findings of their file (shared in "
              "proportion):", "", "| finding | sites |", "|---|---:|"]
    for code, n in summary["python_sites_left_by_finding"].items():
        lines.append(f"| {code} | {n:.0f} |")
    changed = summary["changed_files"]
    lines += [
        "",
        f"Changed files: Python {changed.get('py_changed', 0)}, JS/TS "
        f"{changed.get('js_changed', 0)}; compile failures (compiled before, not after): "
        f"{len(summary['compile_failures'])}"
        + (" -- " + ", ".join(summary["compile_failures"]) if summary["compile_failures"] else "")
        + f"; changed .jsx/.ts/.tsx not checked: "
          f"{summary['changed_files_not_compile_checked']}",
        f"Idempotence: the second run changed {len(summary['second_run_changed'])} files"
        + (" -- " + ", ".join(summary["second_run_changed"]) if summary["second_run_changed"]
           else ""),
        f"Files this Python ({sys.version.split()[0]}) cannot parse, counted as 0 sites "
        f"before and after: {len(summary['not_parsed_by_counter'])}",
        f"Internal errors: {len(summary['internal_errors'])} repositories"
        + "".join(f"\n  {repo}: {'; '.join(errs)}"
                  for repo, errs in summary["internal_errors"].items()),
        f"Manifests changed in {summary['repositories_with_manifest_changes']} repositories; "
        f"dependency hazards after the run (google-genai metadata "
        f"{summary['google_genai_metadata'] or 'not installed'}):",
    ]
    if not summary["hazards_by_kind"]:
        lines.append("  none")
    for kind, n in sorted(summary["hazards_by_kind"].items()):
        lines.append(f"  {kind}: {n}")
        for res in results:
            for h in res.hazards:
                if h["kind"] == kind:
                    lines.append(f"    {res.repository}/{h['file']}: {h['detail']}")
    lines.append(f"\nTool time: {summary['seconds']} s over {len(results)} repositories")
    return "\n".join(lines)


def write_summary(path: Path, summary: dict[str, Any], results: list[RepoResult]) -> None:
    """The summary plus, per repository, sites before/after by family, findings left by code
    and hazard count: small enough to commit as a baseline and diff against the next run."""
    repos = {}
    for res in results:
        counts: dict[str, list[int]] = {}
        for f in res.files:
            lang = "py" if f.language == "python" else "js"
            for part in ("legacy", "genai"):
                pair = counts.setdefault(f"{lang}_{part}", [0, 0])
                pair[0] += sum(f.before.get(part, {}).values())
                pair[1] += sum(f.after.get(part, {}).values())
        repos[res.repository] = {
            "sites_before_after": {k: v for k, v in counts.items() if v != [0, 0]},
            "stays": dict(sorted(Counter(f["code"] for f in res.findings).items())),
            "hazards": len(res.hazards),
            "internal_errors": len(res.internal_errors),
        }
    path.write_text(json.dumps({"summary": summary, "repositories": repos}, indent=1,
                               sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="local copy: <corpus>/<owner>__<repo>/<path>")
    parser.add_argument("--manifest-dir", type=Path, default=HERE / "realcode")
    parser.add_argument("--extract-from", type=Path, metavar="MIRROR",
                        help="write the corpus from <MIRROR>/<owner>+<repo>/repo and exit")
    parser.add_argument("--tool", help="gemini-migrate executable (default: the installed one)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--summary-json", type=Path,
                        help="write the summary and per-repository counts here (small)")
    parser.add_argument("--diff-dir", type=Path, help="write <owner>__<repo>.diff here")
    parser.add_argument("--keep", type=Path, help="keep the migrated copy here")
    parser.add_argument("--repos", help="only repositories whose owner/name contains this")
    parser.add_argument("--parallel", type=int, default=2, help="repositories at a time")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per tool run")
    parser.add_argument("--rerender", type=Path, metavar="JSON",
                        help="print the report of an earlier --json run again (no tool run)")
    args = parser.parse_args(argv)

    rows = read_manifest(args.manifest_dir)
    if args.repos:
        rows = [r for r in rows if args.repos in r.repository]
    if args.extract_from:
        problems = extract(rows, args.extract_from, args.corpus)
        print(f"wrote {len(rows) - problems} files of {len(rows)} to {args.corpus}")
        return 1 if problems else 0
    if args.rerender:
        detail = json.loads(args.rerender.read_text(encoding="utf-8"))
        results = [results_from_json(item) for item in detail["repositories"]]
        known = {code: v["name"] for code, v in detail["summary"]["stays_by_code"].items()}
        for res in results:
            for item in res.findings:
                item.setdefault("name", known.get(item["code"], ""))
        summary = summarize(results, rows, detail["summary"]["google_genai_metadata"])
        summary["tool_version"] = detail["summary"]["tool_version"]
        summary["date"] = detail["summary"]["date"]
        print(render(summary, results))
        if args.summary_json:
            write_summary(args.summary_json, summary, results)
        return 0
    problems = check_corpus(rows, args.corpus)
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        print(f"the local copy does not match the manifest ({len(problems)} problems)",
              file=sys.stderr)
        return 2
    tool = tool_command(args.tool)
    version = subprocess.run([*tool, "--version"], capture_output=True, text=True).stdout.strip()
    genai_version, genai_reqs = genai_requirements()
    by_repo: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_repo[row.repository].append(row)

    with tempfile.TemporaryDirectory(prefix="realcode-") as tmp:
        work = Path(tmp)

        def one(repository: str) -> RepoResult:
            repo_rows = by_repo[repository]
            folder = work / repo_rows[0].folder
            for row in repo_rows:
                target = folder / row.path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(args.corpus / row.folder / row.path, target)
            res = run_repository(folder, repo_rows, tool, args.timeout, genai_reqs)
            print(f"{repository}: {res.seconds:.1f}s", file=sys.stderr)
            return res

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
            results = list(pool.map(one, sorted(by_repo)))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for res in results:
                src = work / res.repository.replace("/", "__")
                shutil.copytree(src, args.keep / src.name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(".git"))
    if args.diff_dir:
        args.diff_dir.mkdir(parents=True, exist_ok=True)
        for res in results:
            if res.diff:
                name = res.repository.replace("/", "__") + ".diff"
                (args.diff_dir / name).write_text(res.diff, encoding="utf-8")
    summary = summarize(results, rows, genai_version)
    summary["tool_version"] = version
    print(render(summary, results))
    if args.summary_json:
        write_summary(args.summary_json, summary, results)
    if args.json:
        detail = {
            "summary": summary,
            "repositories": [
                {"repository": r.repository, "seconds": round(r.seconds, 2),
                 "exit_codes": r.exit_codes, "internal_errors": r.internal_errors,
                 "hazards": r.hazards, "manifests_changed": r.manifests_changed,
                 "stays": dict(Counter(f["code"] for f in r.findings)),
                 "findings": [{k: f.get(k) for k in ("code", "name", "path", "line", "message")}
                              for f in r.findings],
                 "files": [f.__dict__ for f in r.files]}
                for r in results
            ],
        }
        args.json.write_text(json.dumps(detail, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
