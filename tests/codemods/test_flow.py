"""Flow facts (migrator/codemods/facts/flow.py): reaching definitions and the call graph."""

from __future__ import annotations

import subprocess
import textwrap
import time
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.codemods import transform_source
from migrator.codemods.crossmodule import _consumers
from migrator.codemods.facts.flow import Flow
from migrator.config import Settings
from migrator.engine import make_context


def _flow(source: str) -> tuple[Flow, cst.Module]:
    wrapper = MetadataWrapper(cst.parse_module(textwrap.dedent(source)))
    return Flow(wrapper), wrapper.module


def _reads(module: cst.Module, flow: Flow, name: str) -> list[cst.Name]:
    stack: list[cst.CSTNode] = [module]
    out = []
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name and id(node) in flow.accesses:
            out.append(node)
        stack.extend(node.children)
    return out


def _lines(flow: Flow, wrapper_module: cst.Module, name: str) -> list[list[int]]:
    """For each read of `name` (in source order): the lines of the definitions reaching it."""
    wrapper = MetadataWrapper(wrapper_module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    reads = _reads(wrapper_module, flow, name)
    reads.sort(key=lambda n: (positions[n].start.line, positions[n].start.column))
    out = []
    for read in reads:
        lines = []
        for assignment in flow.reaching(read):
            node = getattr(assignment, "node", None)
            lines.append(positions[node].start.line if node in positions else 0)
        out.append(sorted(lines))
    return out


def _check(source: str, name: str) -> list[list[int]]:
    flow, module = _flow(source)
    return _lines(flow, module, name)


def test_straight_line_reassignment() -> None:
    assert _check("""\
        r = a()
        print(r.text)
        r = b()
        print(r.text)
        """, "r") == [[1], [3]]


def test_if_else_merges_and_return_cuts() -> None:
    assert _check("""\
        def f(x):
            r = a()
            if x:
                r = b()
            print(r)
            if x:
                r = c()
            else:
                return
            print(r)
        """, "r") == [[2, 4], [7]]


def test_loop_head_sees_definitions_from_the_body() -> None:
    assert _check("""\
        r = a()
        for i in range(3):
            print(r)
            r = b()
        print(r)
        while r:
            r = c()
            break
        print(r)
        """, "r") == [[1, 4], [1, 4], [1, 4, 7], [1, 4, 7]]


def test_try_handlers_see_partial_bodies() -> None:
    assert _check("""\
        r = a()
        try:
            r = b()
            r = c()
        except E:
            print(r)
        else:
            print(r)
        finally:
            print(r)
        print(r)
        """, "r") == [[1, 3, 4], [4], [1, 3, 4], [1, 3, 4]]


def test_with_and_suppress() -> None:
    assert _check("""\
        r = a()
        with open(p) as fh:
            r = b()
        print(r)
        with suppress(E):
            r = c()
        print(r)
        """, "r") == [[3], [3, 6]]


def test_comprehension_and_walrus() -> None:
    assert _check("""\
        r = a()
        xs = [r for _ in y]
        if (r := b()):
            pass
        print(r)
        """, "r") == [[1], [1, 3]]


def test_a_read_in_a_loop_sees_a_definition_below_it() -> None:
    # LibCST's Access.referents leave out the definition below the read
    assert _check("""\
        def f(xs):
            for x in xs:
                if x:
                    print(q)
                q = 1
        """, "q") == [[5]]


def test_a_generator_reads_later() -> None:
    assert _check("""\
        m = a()
        gen = (m.go(x) for x in m.items())
        m = b()
        print(list(gen))
        """, "m") == [[1, 3], [1]]


def test_globals_and_closures_keep_every_definition() -> None:
    assert _check("""\
        r = a()
        def reset():
            global r
            r = b()
        def show():
            print(r)
        print(r)
        r = c()
        print(r)
        """, "r") == [[1, 4, 8], [1, 4], [4, 8]]


def test_factory_returns_and_callers() -> None:
    flow, module = _flow("""\
        def get_model(name="x"):
            return make(name)

        def run(m, prompt):
            return m.go(prompt)

        model = get_model()
        run(model, "hi")
        run(m=model, prompt="yo")
        handlers = [run]
        """)
    functions = {f.node.name.value: f for f in flow.functions.values()}
    factory = functions["get_model"]
    assert len(factory.returns) == 1 and not factory.generator
    assert len(factory.calls) == 1 and not factory.escapes
    run = functions["run"]
    assert [call["m"].value for _, call in run.calls] == ["model", "model"]  # type: ignore
    assert run.escapes  # stored in a list


def test_self_attributes() -> None:
    flow, _ = _flow("""\
        class Bot:
            def __init__(self, model):
                self.model = model
                self.count: int = 0

            def reset(me):
                me.model = None

            @staticmethod
            def other(x):
                x.model = 1
        """)
    attrs = flow.self_attributes["Bot"]
    assert [m.name.value for m, _ in attrs["model"]] == ["__init__", "reset"]
    assert set(attrs) == {"model", "count"}


def test_linear_time() -> None:
    def body(n: int) -> str:
        return "".join(f"x{i % 7} = f(x{(i + 1) % 7})\nif x{i % 5}:\n    y = x{i % 3}\n"
                       for i in range(n))

    def timed(n: int) -> float:
        source = body(n)
        start = time.process_time()
        _flow(source)
        return time.process_time() - start

    small, big = timed(300), timed(3000)
    assert big < 25 * max(small, 0.01)


APP = '''import google.generativeai as genai

genai.configure(api_key="k")


def get_model():
    return genai.GenerativeModel("gemini-2.5-flash")


def ask(m, prompt):
    return m.generate_content(prompt).text


model = get_model()
print(ask(model, "x"))
'''


def _migrate_app(tmp_path: Path, worker: str) -> str:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    app = tmp_path / "app.py"
    app.write_text(APP)
    (tmp_path / "worker.py").write_text(worker)
    _consumers.cache_clear()
    ctx = make_context(Settings(), write=False)
    return transform_source(app.read_text(), str(app), ctx)[0]


def test_followed_alone_the_factory_and_parameter_migrate(tmp_path: Path) -> None:
    out = _migrate_app(tmp_path, "print('unrelated')\n")
    assert "TODO" not in out
    assert 'return dict(model="gemini-2.5-flash")' in out


def test_an_imported_factory_keeps_its_model(tmp_path: Path) -> None:
    out = _migrate_app(tmp_path, "from app import get_model\n"
                                 "print(get_model().generate_content('hi').text)\n")
    assert "GM011 'get_model' is imported by worker.py" in out
    assert 'return genai.GenerativeModel("gemini-2.5-flash")' in out


def test_an_imported_alias_keeps_its_model(tmp_path: Path) -> None:
    out = _migrate_app(tmp_path, "from app import model\n"
                                 "print(model.generate_content('hi').text)\n")
    assert "GM011 'model' is imported by worker.py" in out
    assert "interactions" not in out
