"""briefing: a rule-of-law report dataset in, a one-page briefing and an annotated report out."""

__version__ = "0.1.0"
