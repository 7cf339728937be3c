"""The layout's rules, read from the source: who may import whom, and where roles are compared.

Apps stack: `akad` (the project package) < `matrices` < `networks` < `sessions` < `reports`,
with `devtools` on top, installed only in development. A module imports only apps below or
beside it, so each app can be understood (and tested) without the ones above it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["akad", "matrices", "networks", "sessions", "reports", "devtools"]
# What each app may import of the others (besides itself).
ALLOWED = {
    "akad": set(),
    "matrices": {"akad"},
    "networks": {"akad", "matrices"},
    "sessions": {"akad", "matrices", "networks"},
    "reports": {"akad", "matrices", "networks", "sessions"},
    "devtools": {"akad", "matrices", "networks", "sessions", "reports"},
}


def modules(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def imported_apps(path: Path) -> set[str]:
    """The project's apps a module imports (at any depth: lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(APPS)
    return found


def test_the_apps_are_the_ones_the_layout_names():
    on_disk = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"akad"}
    assert on_disk == set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app] - {app})
        for path in modules(app)
    }
    assert {module: apps for module, apps in wrong.items() if apps} == {}


def test_production_settings_do_not_install_the_development_app():
    from akad import settings as production

    assert "devtools" not in production.INSTALLED_APPS
    assert "devtools" in settings.INSTALLED_APPS  # the tests run with devtools.settings


def names_a_role(node: ast.AST) -> bool:
    """`role`, `x.role`, `viewer_role`, `Role.COORDINATOR`, `LEAD_ROLES` and the like."""
    if isinstance(node, ast.Name):
        return "role" in node.id.lower()
    if isinstance(node, ast.Attribute):
        return "role" in node.attr.lower() or names_a_role(node.value)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(names_a_role(element) for element in node.elts)
    return False


def role_comparisons(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(names_a_role(operand) for operand in [node.left, *node.comparators])
    ]


def test_no_code_outside_the_access_module_compares_role_names():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in APPS
        for path in modules(app)
        if path != ROOT / "networks" / "access.py"
        for line in role_comparisons(path)
    ]
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{%\s*(if|elif)\b[^%]*\brole", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_the_role_check_finds_a_comparison(tmp_path):
    """The check above would see the kind of line it forbids."""
    module = tmp_path / "example.py"
    module.write_text("def f(m):\n    return m.role == Role.COORDINATOR or m.role in LEAD_ROLES\n")
    assert role_comparisons(module) == [2, 2]
