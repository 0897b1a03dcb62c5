"""The lint gate over a large tree with no Gemini code: the byte prefilter must keep every
file away from the parsers, so the check costs little more than reading the files."""

from __future__ import annotations

import time
from pathlib import Path

from migrator import engine
from migrator.config import Settings
from migrator.discover import discover

PY = '''"""Order service."""
import json
import os


class Order:
    def __init__(self, items):
        self.items = items

    def total(self):
        return sum(item["price"] * item["qty"] for item in self.items)


def load(path):
    with open(path) as fh:
        return Order(json.load(fh))


if __name__ == "__main__":
    print(load(os.environ.get("ORDERS", "orders.json")).total())
''' * 4
JS = "export function add(a, b) {\n  return a + b; // interactive calculator\n}\n" * 40
YAML = "service:\n  name: orders\n  replicas: 3\n  image: registry.example/orders:1.4.2\n" * 30
JSON = '{"name": "orders", "version": "1.4.2", "dependencies": {"express": "^4.19.0"}}\n'
REQ = "requests==2.32.3\nflask>=3.0\nnumpy==2.1.0 ; python_version >= '3.10'\n"
FILES = {".py": PY, ".js": JS, ".yaml": YAML, ".md": "# Orders\n\nHow to run.\n" * 50}


def _tree(root: Path, count: int) -> None:
    kinds = list(FILES)
    for index in range(count):
        folder = root / f"pkg{index % 50}" / f"mod{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 100 == 0:
            (folder / "package.json").write_text(JSON, encoding="utf-8")
            (folder / "requirements.txt").write_text(REQ, encoding="utf-8")
        suffix = kinds[index % len(kinds)]
        (folder / f"file{index}{suffix}").write_text(FILES[suffix], encoding="utf-8")


def test_check_without_gemini_code_is_fast(tmp_path: Path) -> None:
    _tree(tmp_path, 5000)
    settings = Settings(root=str(tmp_path))
    ctx = engine.make_context(settings, write=False)
    started, cpu = time.perf_counter(), time.process_time()
    files = discover([str(tmp_path)], settings)
    results = engine.run(files, ctx, jobs=1)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(files) >= 5000
    parsed = [r.path for r in results if r.original is not None]
    assert parsed == [], f"{len(parsed)} files passed the prefilter, e.g. {parsed[:3]}"
    assert not any(r.findings for r in results)
    # Design budget: a 5,000-file repository "well under a second" on one core. The bound is
    # on this process's CPU time (other tests share the machine) and loose enough not to
    # flake; the measured figures are printed.
    print(f"\n{len(files)} files checked in {elapsed:.2f} s wall, {cpu:.2f} s CPU, one process")
    assert cpu < 2.0


def test_big_lock_file_is_searched_not_skipped(tmp_path: Path) -> None:
    """A 14 MiB package-lock.json (a large monorepo's) is reported like any lock file: not a
    GM902 "too big" error that would fail every check of that repository."""
    import json

    packages = {
        f"node_modules/pkg{i}": {"version": "1.0.0",
                                 "resolved": f"https://registry.example/pkg{i}-1.0.0.tgz",
                                 "integrity": "sha512-" + "a" * 80}
        for i in range(60000)
    }
    packages["node_modules/@google/generative-ai"] = {"version": "0.21.0"}
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"packages": packages}, indent=2), encoding="utf-8")
    assert lock.stat().st_size > 10 * 2**20
    ctx = engine.make_context(Settings(root=str(tmp_path)), write=False)
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.process_file(str(lock), ctx)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert [(f.line, f.code) for f in result.findings] == [(300003, "GM406")]
    print(f"\n{lock.stat().st_size / 2**20:.1f} MiB lock file checked in {elapsed:.2f} s wall, "
          f"{cpu:.2f} s CPU")
    assert cpu < 2.0
