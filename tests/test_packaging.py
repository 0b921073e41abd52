"""The install ships every Python package of the tree and the two data folders, and
declares every library the code imports, and none it does not.

pyproject.toml lists its packages by hand (the data packages `budget_etl_sql` and
`budget_etl_reference` map top-level folders, which `packages.find` cannot), so a new
package folder must be added there; this test says so before a wheel install breaks
(.ci/wheel_install proves the install itself). A library reached only through another's
dependencies (pypdfium2 came only with camelot's unbounded `pypdfium2>=4`) breaks the day
that library drops or bumps it; one declared and never imported is weight on every install.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.inputs import REPO

# Declared though no module imports it, and why.
USED_WITHOUT_IMPORT = {
    "tabulate": "pandas' DataFrame.to_markdown needs it: the asset metadata previews",
}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _setuptools() -> dict:
    return _pyproject()["tool"]["setuptools"]


def _declared() -> set[str]:
    """The dependencies and the `ocr` extra, which the OCR modules import (lazily, for a
    scan only: pipelines/extraction/ocr.py)."""
    project = _pyproject()["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["ocr"]
    return {_name(r) for r in requirements}


def _name(requirement: str) -> str:
    """The canonical distribution name of a requirement (`camelot-py==2.0.0` -> camelot-py)."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> the files under pipelines/ and assets/ importing it: every import
    statement, those inside functions too (a lazy import is still a dependency)."""
    ours = {"pipelines", "assets", "budget_etl_sql", "budget_etl_reference"}
    found: dict[str, set[str]] = {}
    for top in ("pipelines", "assets"):
        for path in sorted((REPO / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    root = module.split(".")[0]
                    if root not in sys.stdlib_module_names and root not in ours:
                        found.setdefault(root, set()).add(str(path.relative_to(REPO)))
    return found


def _distributions(module: str) -> set[str]:
    return {_name(d) for d in packages_distributions().get(module, [])}


def test_every_python_package_of_the_tree_is_listed():
    in_tree = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("pipelines", "assets")
        for init in (REPO / top).rglob("__init__.py")
    }
    listed = set(_setuptools()["packages"])
    assert in_tree <= listed, (
        f"add to pyproject.toml [tool.setuptools] packages: {in_tree - listed}"
    )


def test_the_data_packages_map_the_sql_and_reference_folders():
    config = _setuptools()
    assert config["package-dir"] == {
        "budget_etl_sql": "sql",
        "budget_etl_reference": "data/reference",
    }
    assert {"budget_etl_sql", "budget_etl_reference"} <= set(config["packages"])


def test_every_library_imported_is_declared():
    declared = _declared()
    undeclared = {
        module: (sorted(_distributions(module)), sorted(files))
        for module, files in third_party_imports().items()
        if not _distributions(module) & declared
    }
    assert undeclared == {}, "declare these in pyproject.toml [project] dependencies"


def test_every_declared_library_is_imported_or_says_why():
    declared = _declared()
    imported = {d for module in third_party_imports() for d in _distributions(module)}
    assert declared - imported == set(USED_WITHOUT_IMPORT)
    assert imported >= {"pypdfium2", "pydantic", "camelot-py"}  # once reached only indirectly


def test_the_ui_is_an_extra_the_tests_install():
    """`dagster dev` needs dagster-webserver; loading and the batch runs do not."""
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    dagster = next(r for r in project["dependencies"] if _name(r) == "dagster")
    assert extras["ui"] == [dagster.replace("dagster", "dagster-webserver")]  # one release
    assert "budget-etl[ui]" in extras["dev"]  # tests/test_webserver.py, test_ui_browser.py
    assert "dagster-webserver" not in {_name(r) for r in project["dependencies"]}


def test_ocr_is_an_extra_the_tests_install():
    """Reading scans needs rapidocr and OpenCV; a text PDF never imports them."""
    project = _pyproject()["project"]
    assert "budget-etl[ocr]" in project["optional-dependencies"]["dev"]
    assert "rapidocr-onnxruntime" not in {_name(r) for r in project["dependencies"]}
