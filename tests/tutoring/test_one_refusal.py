"""One refusal type and one place that shows it: no view catches a `DomainError` itself."""

import ast
from pathlib import Path

import community.models
import consultations.models
import expertise.models
import monitoring.models
from tutoring.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
APPS = ("community", "consultations", "expertise", "monitoring", "tutoring")


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        found += (ROOT / app).glob("views.py")
        found += (ROOT / app).glob("views/*.py")
        found += (ROOT / app).glob("*/views.py")
    return sorted(found)


def handlers_of_refusals(path: Path) -> list[int]:
    """The lines of `except` clauses that name a DomainError (alone or in a tuple)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if any(ast.unparse(name).endswith("DomainError") for name in names):
                lines.append(node.lineno)
    return lines


def test_there_is_one_domain_error():
    for module in (community.models, consultations.models, expertise.models, monitoring.models):
        assert module.DomainError is DomainError, module.__name__


def test_the_views_are_where_they_were_looked_for():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}
    assert "community/views/orders.py" in names and "tutoring/imports/views.py" in names
    assert len(names) > 25


def test_no_view_catches_a_refusal_itself():
    caught = {
        str(path.relative_to(ROOT)): lines
        for path in view_modules()
        if (lines := handlers_of_refusals(path))
    }
    assert caught == {}, "use tutoring.refusals.attempt"
