"""Where prysmai keeps its files on this machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs

DATA_DIR_ENV: Final = "PRYSM_DATA_DIR"
"""Overrides the folder for the embedded store and the local secrets (default: the user data
directory, e.g. ``~/.local/share/prysmai`` on Linux)."""


def data_dir() -> Path:
    """Return the folder for prysmai's local files, creating it (mode 0700) if needed."""
    override = os.environ.get(DATA_DIR_ENV)
    folder = (
        Path(override).expanduser() if override else Path(platformdirs.user_data_dir("prysmai"))
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
