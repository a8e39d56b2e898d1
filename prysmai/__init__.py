"""prysmai: in-process observability and security for LLM applications.

Wrap a client once and every call it makes is scanned, measured and exported as
OpenTelemetry spans::

    from openai import OpenAI
    from prysmai import monitor

    client = monitor(OpenAI())
"""

from __future__ import annotations

from prysmai._version import __version__
from prysmai.client import PrysmClient
from prysmai.context import prysm_context
from prysmai.errors import ConfigurationError, PrysmError
from prysmai.instrument import instrument, uninstrument
from prysmai.limits import UsageLimit
from prysmai.managed_security import CollectorSecurity
from prysmai.monitor import is_monitored, monitor
from prysmai.telemetry import flush

__all__ = [
    "CollectorSecurity",
    "ConfigurationError",
    "PrysmClient",
    "PrysmError",
    "UsageLimit",
    "__version__",
    "flush",
    "instrument",
    "is_monitored",
    "monitor",
    "prysm_context",
    "uninstrument",
]
