"""provenance: audit news articles for text copied from wire agencies and other outlets.

The pipeline, one module per stage: ingest -> extract -> segment -> index -> align
-> attribution -> classify -> aggregate -> report.  ``pipeline`` wires them; ``cli``
is a thin click layer over the library.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
