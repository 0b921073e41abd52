"""One module per `budget` sub-command; each returns the process exit status."""
