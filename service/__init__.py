"""wirebrief: a news article in, a grounded brief, actor list and commitment table out."""

__version__ = "0.1.0"
