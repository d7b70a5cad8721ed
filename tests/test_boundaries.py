"""Each app reads another app's data only through that app's selectors and services.

Another app's model classes may be foreign-key targets in ``models.py`` and migrations, and type
annotations under ``if TYPE_CHECKING:``. Anywhere else an imported model class is a query that
bypasses its owner (``Term.objects.filter(vocabulary_id=...)`` beside
``registry.selectors.vocabulary_terms``), so importing one fails here. Choices and constants that
live in a models module (``Role``, ``SizeClass``) are values, not queries, and may be imported.

import-linter keeps the direction of the dependencies (``make lint``); this test keeps what crosses
them. It reads the source with ``ast`` rather than an import-linter contract because the rule is
about which names are imported from where, and import-linter sees modules, not names.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

PACKAGE = Path(__file__).resolve().parent.parent / "d4sme"

# (module path relative to d4sme/, imported name) -> why it may cross. Keep it empty if you can.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Crossing:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"d4sme/{self.path}:{self.line}: {self.what}"


def _app_models() -> dict[str, set[str]]:
    """Return {app package name: names of its concrete model classes} for d4sme's apps."""
    return {
        config.name.removeprefix("d4sme."): {model.__name__ for model in config.get_models()}
        for config in apps.get_app_configs()
        if config.name.startswith("d4sme.")
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    """Yield every node except those only seen by type checkers (``if TYPE_CHECKING:`` bodies)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return module or ""
    parts = importer.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def crossings(source: str, path: str, models_of: dict[str, set[str]]) -> list[Crossing]:
    """Return the places where the module at ``path`` (relative to d4sme/) reaches into another
    app's model classes at run time."""
    parts = Path(path).with_suffix("").parts
    own = parts[0]
    is_package = parts[-1] == "__init__"
    importer = ".".join(("d4sme",) + (parts[:-1] if is_package else parts))
    found = []

    def other_app(module: str) -> str | None:
        bits = module.split(".")
        if len(bits) >= 2 and bits[0] == "d4sme" and bits[1] in models_of and bits[1] != own:
            return bits[1]
        return None

    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, importer, is_package)
            app = other_app(module)
            if app is None:
                continue
            if module == f"d4sme.{app}.models":
                names = [a.name for a in node.names if a.name == "*" or a.name in models_of[app]]
            elif module == f"d4sme.{app}":
                names = [a.name for a in node.names if a.name == "models"]
            else:
                names = []
            found += [
                Crossing(path, node.lineno, f"imports {name} from {module}")
                for name in names
                if (path, name) not in ALLOWED
            ]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                app = other_app(alias.name)
                if app and alias.name.startswith(f"d4sme.{app}.models"):
                    found.append(Crossing(path, node.lineno, f"imports {alias.name}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "get_model"
        ):
            found.append(Crossing(path, node.lineno, "looks up a model class by name"))
    return found


def _modules(app: str) -> list[Path]:
    return sorted(
        p
        for p in (PACKAGE / app).rglob("*.py")
        if p.name != "models.py" and "migrations" not in p.relative_to(PACKAGE).parts
    )


DOMAIN_APPS = sorted(p.parent.name for p in PACKAGE.glob("*/apps.py"))


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_app_reads_other_apps_only_through_their_selectors(app):
    models_of = _app_models()
    found = [
        str(crossing)
        for path in _modules(app)
        for crossing in crossings(
            path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)), models_of
        )
    ]
    assert not found, (
        "Read another app's data through its selectors (writes through its services); "
        "import its model classes only for type annotations, under `if TYPE_CHECKING:`.\n"
        + "\n".join(found)
    )


MODELS = {"registry": {"Term", "Organisation"}, "programmes": {"Programme"}}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from d4sme.registry.models import Term", ["imports Term from d4sme.registry.models"]),
        ("from ..registry.models import Term, Role", ["imports Term from d4sme.registry.models"]),
        ("from d4sme.registry import models", ["imports models from d4sme.registry"]),
        ("import d4sme.registry.models", ["imports d4sme.registry.models"]),
        ("def f():\n    from d4sme.registry.models import Organisation", ["imports Organisation"]),
        ("x = apps.get_model('registry', 'Term')", ["looks up a model class by name"]),
        ("from d4sme.registry.models import Role, SizeClass", []),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from d4sme.registry.models import Term",
            [],
        ),
        ("from .models import Programme", []),
        ("from d4sme.registry.selectors import vocabulary_terms", []),
    ],
)
def test_checker_flags_only_run_time_model_imports_of_other_apps(source, expected):
    found = [c.what for c in crossings(source, "programmes/forms.py", MODELS)]
    assert len(found) == len(expected)
    for what, start in zip(found, expected, strict=True):
        assert what.startswith(start)


# A user's memberships are registry rows: other apps ask registry's selectors
# (``membership_exists``, ``membership_organisation_ids``) instead of querying through the user.
MEMBERSHIP_QUERY = re.compile(r"\.memberships\b|\bmemberships__")


@pytest.mark.parametrize("app", [app for app in DOMAIN_APPS if app != "registry"])
def test_app_asks_registry_about_memberships(app):
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _modules(app)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MEMBERSHIP_QUERY.search(line)
    ]
    assert not found, "Ask registry.selectors about memberships:\n" + "\n".join(found)
