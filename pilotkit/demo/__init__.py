"""Demo pilots: synthetic but believable participants, answers and focus-group notes."""
