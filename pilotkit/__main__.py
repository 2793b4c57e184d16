"""`python -m pilotkit` is the `pilotkit` command."""

from pilotkit.cli.main import main

main()
