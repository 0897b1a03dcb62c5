"""The baseline gemini-migrate is compared with: a plain LibCST codemod, one file at a time.

It does the least any real migration codemod does: parse, resolve qualified names (so aliases
of `google.generativeai` are found), rewrite the legacy import and the `generate_content`
calls, and write the file back. Run per file (`python baseline_codemod.py FILE`) as a
pre-commit hook would, or through `python -m libcst.tool codemod -x` over a whole tree.
"""

from __future__ import annotations

import sys

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import QualifiedNameProvider


class RenameLegacyCalls(VisitorBasedCodemodCommand):
    DESCRIPTION = "google.generativeai import -> google.genai; generate_content -> create"
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.BaseSmallStatement:
        for alias in updated_node.names:
            if alias.evaluated_name == "google.generativeai":
                return cst.parse_statement("from google import genai").body[0]
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if updated_node.attr.value == "generate_content":
            names = self.get_metadata(QualifiedNameProvider, original_node, set())
            if names or isinstance(updated_node.value, cst.Name):
                return updated_node.with_changes(
                    value=cst.parse_expression("client.interactions"), attr=cst.Name("create")
                )
        return updated_node


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        module = cst.parse_module(source)
        wrapper = cst.MetadataWrapper(module)
        command = RenameLegacyCalls(CodemodContext(filename=path))
        new = command.transform_module(wrapper.module)
        if new.code != source:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(new.code)


if __name__ == "__main__":
    main(sys.argv[1:])
