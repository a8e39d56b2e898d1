"""Reading the model files shipped in ``prysmai/security/data``."""

from __future__ import annotations

from importlib import resources


def read_shipped(name: str) -> str | None:
    """Return the text of the data file ``name``, or None when the package ships without it."""
    resource = resources.files("prysmai.security").joinpath("data", name)
    if not resource.is_file():
        return None
    return resource.read_text(encoding="utf-8")
