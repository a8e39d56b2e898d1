"""prysmai's own errors.

::

    PrysmError                     root of everything prysmai raises itself
    └── ConfigurationError         bad argument, setting, key or file (also a ValueError)

A call that prysmai blocks (a security verdict) or refuses (a usage limit) does not raise
these: it reaches the caller as the provider SDK's own exception (403 / 429) with a JSON body
that says why, so the application's existing ``except`` clauses keep working.
"""

from __future__ import annotations


class PrysmError(Exception):
    """Root of the errors prysmai raises itself."""


class ConfigurationError(PrysmError, ValueError):
    """A setting, argument, key or file prysmai was given cannot be used as it is."""
