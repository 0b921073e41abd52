"""Read the repository's `sql/` files: one statement per file, addressed as `folder/name`."""

from functools import cache

from pipelines.package_data import SQL_ROOT


@cache
def read_sql(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `read_sql("load/insert_fact_three_public")`."""
    path = SQL_ROOT / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def sql_names(folder: str) -> list[str]:
    """Every `folder/name` under `sql/<folder>/`, in file-name order (the order to run them)."""
    return [f"{folder}/{p.stem}" for p in sorted((SQL_ROOT / folder).glob("*.sql"))]
