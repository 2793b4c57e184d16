"""The `pilotkit` command line: one click group, a module per area."""
