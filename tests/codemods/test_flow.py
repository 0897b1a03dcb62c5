"""Flow facts (migrator/codemods/facts/flow.py): reaching definitions and the call graph."""

from __future__ import annotations

import textwrap
import time

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.codemods.facts.flow import Flow


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
