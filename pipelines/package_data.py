"""Where the installed project's data folders are: `sql/` and `data/reference/`.

Both stay at the top of the repository and ship in the install as data-only packages
(pyproject.toml maps `budget_etl_sql` to sql/ and `budget_etl_reference` to data/reference/),
so an editable checkout reads the repository's files and a wheel install reads its own copy.
"""

import importlib.util
from pathlib import Path


def data_folder(package: str) -> Path:
    """The folder of a data-only package of this install."""
    spec = importlib.util.find_spec(package)
    locations = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    for location in locations:
        if location.is_dir():
            return location
    raise RuntimeError(f"{package}: not installed with budget-etl; reinstall the project")


SQL_ROOT = data_folder("budget_etl_sql")
REFERENCE_ROOT = data_folder("budget_etl_reference")
