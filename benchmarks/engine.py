"""Engine speed targets (issue 10): `--check` CPU time as a ratio to a LibCST baseline.

    .venv/bin/python benchmarks/engine.py                 # every target, 5 runs each
    .venv/bin/python benchmarks/engine.py --runs 3 --only a,d,e --json

The baseline is a whole process doing what any LibCST tool must: start Python, import libcst,
`parse_module` the file, resolve one `ScopeProvider` through a `MetadataWrapper`, render `.code`.
It is timed on the same file in the same run, alternating with the measured command, so a busy
machine moves both; a verdict is the median of the per-pair ratios. CPU time is user + sys of
the finished child process (os.wait4). Inputs are generated under benchmarks/.engine/
(git-ignored) from a fixed seed; nothing generated is committed.

Targets:
  a  1,000-line generated legacy file: --check <= 4x its baseline
  b  10,000-line legacy file: --check CPU <= 12x the 1,000-line --check CPU
  c  20,000-line plain module with one legacy call: --check <= 3x its baseline
  d  80-line legacy file: --check <= 0.300 s CPU
  e  an already-migrated file: --check <= 0.150 s CPU
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".engine"
PYTHON = sys.executable
# GM_CLI: another build's entry point (e.g. the main checkout's) to measure it on the same inputs.
CLI = [os.environ.get("GM_CLI") or str(Path(PYTHON).with_name("gemini-migrate"))]
BASELINE = (
    "import sys, libcst as cst\n"
    "from libcst.metadata import MetadataWrapper, ScopeProvider\n"
    "m = cst.parse_module(open(sys.argv[1], 'rb').read())\n"
    "MetadataWrapper(m).resolve(ScopeProvider)\n"
    "m.code\n"
)

_MODELS = ("gemini-1.5-flash", "gemini-1.5-pro", "gemini-2.0-flash")


def _legacy_function(rnd: random.Random, n: int) -> str:
    """One function as legacy code is written: a model with config, a call, a chat loop,
    a stream."""
    model = rnd.choice(_MODELS)
    return f'''

def task_{n}(prompt: str, turns: list[str]) -> str:
    """Task {n}: answer, chat, stream."""
    config = genai.GenerationConfig(temperature=0.{rnd.randrange(10)},
                                    max_output_tokens={rnd.randrange(64, 2048)})
    model_{n} = genai.GenerativeModel("{model}", generation_config=config,
                                     system_instruction="You are helper {n}.")
    first = model_{n}.generate_content(prompt)
    chat = model_{n}.start_chat(history=[])
    replies = [first.text]
    for turn in turns:
        answer = chat.send_message(turn)
        replies.append(answer.text)
    for chunk in model_{n}.generate_content(prompt + " more", stream=True):
        replies.append(chunk.text)
    return "\\n".join(replies)
'''


def _plain_function(rnd: random.Random, n: int) -> str:
    return f'''

def helper_{n}(values: list[int], scale: float = {rnd.random():.3f}) -> dict[str, float]:
    """Helper {n}: summary statistics of some values."""
    total = 0.0
    for value in values:
        if value % {rnd.randrange(2, 9)} == 0:
            total += value * scale
        else:
            total -= value / (scale + 1)
    return {{"total": total, "count": float(len(values)), "id": {n}.0}}
'''


def _fill(header: str, make: object, lines: int, seed: int) -> str:
    rnd = random.Random(seed)
    parts = [header]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(make(rnd, n))  # type: ignore[operator]
        n += 1
    return "".join(parts)


_LEGACY_HEADER = '"""Generated legacy module."""\n\nimport google.generativeai as genai\n\n' \
    'genai.configure(api_key="YOUR_API_KEY")\n'


def generate() -> dict[str, Path]:
    WORK.mkdir(exist_ok=True)
    (WORK / ".gitignore").write_text("*\n")
    files = {
        "legacy-80": _fill(_LEGACY_HEADER, _legacy_function, 80, 80),
        "legacy-1000": _fill(_LEGACY_HEADER, _legacy_function, 1000, 1000),
        "legacy-10000": _fill(_LEGACY_HEADER, _legacy_function, 10000, 10000),
        "plain-20000-one-call": _fill(
            '"""Generated plain module."""\n\nimport google.generativeai as genai\n\n'
            'model = genai.GenerativeModel("gemini-1.5-flash")\n'
            'print(model.generate_content("hello").text)\n',
            _plain_function, 20000, 20000),
    }
    out = {}
    for name, text in files.items():
        path = WORK / f"{name}.py"
        path.write_text(text)
        out[name] = path
    # An already-migrated file: the 80-line legacy file after the tool rewrote it.
    migrated = WORK / "migrated-80.py"
    migrated.write_text(files["legacy-80"])
    subprocess.run([*CLI, str(migrated)], capture_output=True, cwd=WORK)
    out["migrated-80"] = migrated
    return out


def cpu(cmd: list[str], timeout: float) -> float:
    """user + sys CPU seconds of one whole process."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=WORK)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return float("inf")
    # Popen reaped it; its usage is in RUSAGE_CHILDREN, read as a delta by the caller.
    return 0.0


def timed(cmd: list[str], timeout: float) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu(cmd, timeout) == float("inf"):
        return float("inf")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def check_cmd(path: Path) -> list[str]:
    return [*CLI, "--check", str(path)]


def pair(path: Path, runs: int, timeout: float) -> tuple[float, float, float]:
    """Median check CPU, median baseline CPU, median per-pair ratio."""
    base_cmd = [PYTHON, "-c", BASELINE, str(path)]
    checks, bases, ratios = [], [], []
    timed(check_cmd(path), timeout)  # warm-up (page cache, .pyc)
    for _ in range(runs):
        c = timed(check_cmd(path), timeout)
        b = timed(base_cmd, timeout)
        checks.append(c)
        bases.append(b)
        ratios.append(c / b)
    return statistics.median(checks), statistics.median(bases), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="a,b,c,d,e")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    files = generate()
    rows: list[dict[str, object]] = []
    load = os.getloadavg()[0]
    big_runs = max(1, min(args.runs, 3))
    measured: dict[str, tuple[float, float, float]] = {}

    def get(name: str, runs: int) -> tuple[float, float, float]:
        if name not in measured:
            measured[name] = pair(files[name], runs, args.timeout)
        return measured[name]

    if "a" in only or "b" in only:
        c, b, r = get("legacy-1000", args.runs)
        if "a" in only:
            rows.append({"target": "a", "what": "1,000-line legacy --check / baseline",
                         "cpu": c, "baseline": b, "value": r, "limit": 4.0})
    if "b" in only:
        c10, b10, _ = get("legacy-10000", big_runs)
        c1 = measured["legacy-1000"][0]
        rows.append({"target": "b", "what": "10,000-line --check / 1,000-line --check",
                     "cpu": c10, "baseline": c1, "value": c10 / c1, "limit": 12.0})
    if "c" in only:
        c, b, r = get("plain-20000-one-call", big_runs)
        rows.append({"target": "c", "what": "20,000-line plain, one legacy call / baseline",
                     "cpu": c, "baseline": b, "value": r, "limit": 3.0})
    if "d" in only:
        c, b, r = get("legacy-80", args.runs)
        rows.append({"target": "d", "what": "80-line legacy --check CPU (s)",
                     "cpu": c, "baseline": b, "value": c, "limit": 0.300})
    if "e" in only:
        c, b, r = get("migrated-80", args.runs)
        rows.append({"target": "e", "what": "already-migrated 80-line --check CPU (s)",
                     "cpu": c, "baseline": b, "value": c, "limit": 0.150})
    for row in rows:
        row["pass"] = row["value"] <= row["limit"]  # type: ignore[operator]
    if args.json:
        print(json.dumps({"load1": load, "runs": args.runs, "targets": rows}, indent=2))
    else:
        print(f"load average (1 min) at start: {load:.2f}; median of {args.runs} runs "
              f"({big_runs} for the 10k/20k files)")
        print(f"{'':2} {'target':50} {'cpu s':>9} {'base s':>9} {'value':>8} {'limit':>7}  ")
        for row in rows:
            print(f"{row['target']:2} {row['what']:50} {row['cpu']:9.3f} {row['baseline']:9.3f} "
                  f"{row['value']:8.2f} {row['limit']:7.2f}  {'pass' if row['pass'] else 'FAIL'}")
    return 0 if all(row["pass"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
