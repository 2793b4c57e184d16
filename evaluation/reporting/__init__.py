"""Report runs: papermill execution of the notebooks and their code-free HTML."""
