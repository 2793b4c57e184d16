"""pilotkit: pilot-program feedback, surveys and rollout-readiness evaluation.

The umbrella package holds what every part shares: the instrument model and loader
(`pilotkit.instruments`), project paths, the base error type, and the command line.
"""

__version__ = "0.1.0"
