"""Whatever a repository holds, the lint handlers report it or skip it; they never crash
(a crash would surface as GM903, "internal error in the ... handler")."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator import engine
from migrator.config import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = sorted(
    p for p in FIXTURES.glob("*/*/*")
    if p.is_file() and p.name != "expect.toml" and not p.name.endswith(".py")
)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_truncated_and_mangled_files_never_crash(sample: Path, tmp_path: Path) -> None:
    data = sample.read_bytes()
    name = sample.name.removesuffix(".fixture")
    variants = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 25))]
    variants += [data.replace(b'"', b""), data.replace(b"\n", b"\r\n"), b"\xef\xbb\xbf" + data,
                 data.replace(b"=", b"=\xff"), data + b"\0"]
    ctx = engine.make_context(Settings(root=str(tmp_path)), write=True)
    for index, variant in enumerate(variants):
        folder = tmp_path / str(index)
        folder.mkdir()
        path = folder / name
        path.write_bytes(variant)
        result = engine.process_file(str(path), ctx)
        assert not any(f.code == "GM903" for f in result.findings), (index, result.findings)
        if result.written:
            # A rewrite keeps a BOM and CRLF line endings where the file had them.
            new = path.read_bytes()
            assert new.startswith(b"\xef\xbb\xbf") == variant.startswith(b"\xef\xbb\xbf")
            assert (b"\r\n" in new) == (b"\r\n" in variant)
