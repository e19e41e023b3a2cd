"""No view catches a rule's refusal itself: `tutoring.refusals.attempt` shows it."""

import ast
from pathlib import Path

import pytest

from tutoring.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
VIEWS = [
    *sorted((ROOT / "expertise" / "views").glob("*.py")),
    *sorted((ROOT / "monitoring" / "views").glob("*.py")),
    *sorted((ROOT / "tutoring" / "views").glob("*.py")),
    ROOT / "tutoring" / "imports" / "views.py",
]


def caught_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names += [ast.unparse(t).rsplit(".", 1)[-1] for t in types]
    return names


def refusal_classes() -> set[str]:
    found, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_leaves_refusals_to_attempt(path):
    assert not set(caught_names(path)) & refusal_classes()
