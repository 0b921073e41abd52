"""Start the process that forks the parsing workers before the command's own start-up.

Parsing workers are forked by multiprocessing's forkserver (pipelines.parsing: they never
inherit the parent's threads or its DuckDB connection). Started at the first parse, that
server and each worker pay a fresh interpreter and the parsing imports while the command
waits; started here, first thing, the server imports pipelines.parsing once, alongside
the command importing the writer and migrating the warehouse, and every worker it forks
starts with it imported. Standard library only, so calling this costs nothing.
"""

import multiprocessing
import multiprocessing.forkserver

WORKER_MODULE = "pipelines.parsing"


def start_forkserver() -> None:
    """Start the forkserver now with the parsing module imported in it (a no-op when it
    runs already; a module it cannot import is imported by each worker instead)."""
    multiprocessing.set_forkserver_preload(["__main__", WORKER_MODULE])
    multiprocessing.forkserver.ensure_running()
