"""The install ships every Python package of the tree and the two data folders.

pyproject.toml lists its packages by hand (the data packages `budget_etl_sql` and
`budget_etl_reference` map top-level folders, which `packages.find` cannot), so a new
package folder must be added there; this test says so before a wheel install breaks
(.ci/wheel_install proves the install itself).
"""

import tomllib

from tests.inputs import REPO


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


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
