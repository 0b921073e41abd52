"""Read the repository's `sql/` files: one statement per file, addressed as `folder/name`.

A line may include another file by name, `{{ schema/columns/provenance }}` (as dbt's
macros do): the column groups every fact table shares are written once in
`sql/schema/columns/` and each table's DDL names the groups it has.
"""

import re
from functools import cache

from pipelines.package_data import SQL_ROOT

_INCLUDE = re.compile(r"\{\{\s*([\w/]+)\s*\}\}")


def _included(name: str, into: str) -> str:
    """The text `{{ name }}` stands for: the file's lines but its comment lines (they say
    what the group is, in the file that defines it)."""
    if not (SQL_ROOT / f"{name}.sql").is_file():
        raise FileNotFoundError(
            f"sql/{into}.sql: includes {{{{ {name} }}}}, but sql/{name}.sql does not exist"
        )
    lines = read_sql(name).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()


@cache
def read_sql(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `read_sql("load/insert_fact_three_public")`, each
    `{{ folder/name }}` in it replaced by that file's text."""
    path = SQL_ROOT / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda found: _included(found.group(1), name), text)


def sql_names(folder: str) -> list[str]:
    """Every `folder/name` under `sql/<folder>/`, in file-name order (the order to run them)."""
    return [f"{folder}/{p.stem}" for p in sorted((SQL_ROOT / folder).glob("*.sql"))]
