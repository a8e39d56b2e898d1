"""Security settings managed on the Prysm collector: ``monitor(client, security="collector")``.

The collector (``prysmai serve``) keeps one set of security settings for the installation
(``prysmai security set``, or the dashboard's Settings > Security) and serves them at
``GET /v1/settings/security`` to any holder of an active key. A client monitored with
``security="collector"`` (or :class:`CollectorSecurity`, or ``PRYSM_SECURITY=collector`` with
``security`` left unset) applies them:

- ``monitor()`` asks once and waits at most ``first_fetch_timeout_s`` (2 s), so the first call
  already uses the collector's settings when it answers in time;
- a background thread then polls every ``poll_interval_s`` (30 s) with ``If-None-Match``, so an
  unchanged answer is a bodiless 304; a change applies to every call that starts after the poll
  that saw it (a call in flight keeps the settings it started with);
- until the collector has answered once, calls use the local settings (``fallback``, else
  ``PRYSM_SECURITY_CONFIG``'s file, else the defaults), a WARNING says so once, and the thread
  keeps trying (after 1, 2, 4... seconds, up to the poll interval);
- once it has answered, a collector that stops answering (or refuses the key) leaves the last
  settings it gave in force: an outage never relaxes blocking or redaction;
- nothing of this runs on the caller's thread after ``monitor()`` returns: a call reads the
  settings last stored, never waits and never raises because of them.

One poller serves every client monitored with the same collector, key and interval. Spans
record ``prysm.security.settings_source`` (``collector`` or ``local``) and, for the collector's
settings, ``prysm.security.settings_version``.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from prysmai import semconv
from prysmai._version import __version__
from prysmai.deadline_http import Deadlines
from prysmai.errors import ConfigurationError

if TYPE_CHECKING:
    from prysmai.guard import Guard
    from prysmai.security.config import SecurityConfig

logger = logging.getLogger("prysmai")

SECURITY_ENV: Final = "PRYSM_SECURITY"
"""``collector``: clients monitored without a ``security`` argument use the collector's
settings; ``local`` (or unset): their own."""
COLLECTOR: Final = "collector"
SETTINGS_PATH: Final = "/v1/settings/security"
DEFAULT_POLL_INTERVAL_S: Final = 30.0
FIRST_FETCH_TIMEOUT_S: Final = 2.0
"""How long ``monitor()`` waits for the collector's first answer, at most."""
REQUEST_TIMEOUT_S: Final = 5.0
"""Socket timeout of one background request."""
MAX_ANSWER_BYTES: Final = 256 * 1024
_FIRST_RETRY_S: Final = 1.0


@dataclass(frozen=True, slots=True)
class CollectorSecurity:
    """Use the security settings managed on the Prysm collector (``security="collector"``).

    Args:
        poll_interval_s: Seconds between two polls for changes (conditional requests).
        first_fetch_timeout_s: How long ``monitor()`` waits for the first answer (0 to 2 s).
        fallback: Settings used until the collector has answered once (a ``SecurityConfig``
            or a mapping of settings); ``None``: ``PRYSM_SECURITY_CONFIG``'s file, else the
            defaults.

    Raises:
        ConfigurationError: a value out of range.
    """

    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S
    first_fetch_timeout_s: float = FIRST_FETCH_TIMEOUT_S
    fallback: SecurityConfig | Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not _is_number(self.poll_interval_s) or not 0.05 <= self.poll_interval_s <= 86_400:
            raise ConfigurationError(
                f"poll_interval_s must be from 0.05 to 86400 seconds, got {self.poll_interval_s!r}"
            )
        timeout = self.first_fetch_timeout_s
        if not _is_number(timeout) or not 0 <= timeout <= FIRST_FETCH_TIMEOUT_S:
            raise ConfigurationError(
                f"first_fetch_timeout_s must be from 0 to {FIRST_FETCH_TIMEOUT_S:g} seconds, "
                f"got {timeout!r}"
            )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def collector_security_from(security: Any) -> CollectorSecurity | None:
    """The :class:`CollectorSecurity` that ``monitor()``'s ``security`` argument asks for.

    ``"collector"`` or a :class:`CollectorSecurity` ask for it; ``None`` asks for it when
    ``PRYSM_SECURITY=collector``; anything else (settings, ``True``, ``False``) does not.

    Raises:
        ConfigurationError: another string, or ``PRYSM_SECURITY`` holding another value
            than ``collector`` or ``local``.
    """
    if isinstance(security, CollectorSecurity):
        return security
    if isinstance(security, str):
        if security.strip().lower() == COLLECTOR:
            return CollectorSecurity()
        raise ConfigurationError(
            f"security={security!r} is not understood: the only text accepted is "
            f"{COLLECTOR!r} (settings managed on the Prysm collector)"
        )
    if security is not None:
        return None
    raw = os.environ.get(SECURITY_ENV, "").strip().lower()
    if raw == COLLECTOR:
        return CollectorSecurity()
    if raw in ("", "local"):
        return None
    raise ConfigurationError(f"{SECURITY_ENV}={raw!r} must be 'collector' or 'local'")


@dataclass(frozen=True, slots=True)
class _Remote:
    """Settings the collector gave, with the guard applying them (``None``: all off)."""

    config: SecurityConfig
    version: int
    etag: str | None
    guard: Guard | None
    attributes: Mapping[str, Any]


class ManagedSecurity:
    """The settings one monitored client applies: the collector's, else its local ones.

    Made by :func:`start_managed_security`; :meth:`current` is what each call reads.
    """

    def __init__(self, poller: _Poller, local_guard: Guard | None) -> None:
        self._poller = poller
        self._local = (local_guard, {semconv.SECURITY_SETTINGS_SOURCE: "local"})

    def current(self) -> tuple[Guard | None, Mapping[str, Any]]:
        """The guard for a call starting now and the span attributes naming its settings."""
        remote = self._poller.remote  # replaced whole by the poller: no lock needed
        if remote is None:
            return self._local
        return remote.guard, remote.attributes

    @property
    def version(self) -> int | None:
        """The version of the collector's settings in use; ``None`` while local ones are."""
        remote = self._poller.remote
        return None if remote is None else remote.version


def start_managed_security(
    base_url: str, key: str, settings: CollectorSecurity, local_guard: Guard | None
) -> ManagedSecurity:
    """Start (or join) the poller of ``base_url`` and wait for its first answer, briefly.

    Args:
        base_url: The collector's address.
        key: An API key of the collector.
        settings: Intervals and fallback.
        local_guard: Applies the local settings, used until the collector answers.
    """
    poller = _poller_for(base_url, key, settings.poll_interval_s)
    poller.first_attempt.wait(settings.first_fetch_timeout_s)
    if poller.remote is None:
        poller.warn_local(
            _describe_local(settings),
            f"did not answer within {settings.first_fetch_timeout_s:g} s"
            if not poller.first_attempt.is_set()
            else poller.last_problem,
        )
    return ManagedSecurity(poller, local_guard)


def _describe_local(settings: CollectorSecurity) -> str:
    if settings.fallback is not None:
        return "the fallback settings given to monitor()"
    from prysmai.security.config import SECURITY_CONFIG_ENV

    path = os.environ.get(SECURITY_CONFIG_ENV)
    return f"the settings in {SECURITY_CONFIG_ENV} ({path})" if path else "the default settings"


def local_settings(settings: CollectorSecurity) -> SecurityConfig:
    """The settings a client uses until the collector answers.

    Raises:
        ConfigurationError: a fallback or ``PRYSM_SECURITY_CONFIG`` file that is not valid.
    """
    from prysmai.security.config import SecurityConfig

    fallback = settings.fallback
    try:
        if isinstance(fallback, SecurityConfig):
            return fallback
        if isinstance(fallback, Mapping):
            return SecurityConfig.from_mapping(fallback)
        return SecurityConfig.from_env()
    except (ValueError, OSError) as exc:
        raise ConfigurationError(f"local security settings: {exc}") from None


_pollers: dict[tuple[str, str, float], _Poller] = {}
_pollers_lock = threading.Lock()


def _poller_for(base_url: str, key: str, interval_s: float) -> _Poller:
    with _pollers_lock:
        poller = _pollers.get((base_url, key, interval_s))
        if poller is None or poller.is_stopped:
            poller = _Poller(base_url, key, interval_s)
            _pollers[(base_url, key, interval_s)] = poller
            poller.start()
        return poller


def stop_pollers() -> None:
    """Stop every poller (tests; pollers are daemon threads, so none is needed at exit)."""
    with _pollers_lock:
        pollers = list(_pollers.values())
        _pollers.clear()
    for poller in pollers:
        poller.stop()


def _forget_pollers_in_child() -> None:
    # A forked child has none of the parent's threads: its clients start pollers of their own.
    global _pollers_lock
    _pollers_lock = threading.Lock()
    _pollers.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pollers_in_child)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Refuses redirects: a redirect is a failed poll.

    Following one would hand the key to another server and take that server's settings
    (``redirect_request`` returning None makes urllib raise the 3xx as an error).
    """

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Poller:
    """Fetches one collector's settings in the background, forever (a daemon thread)."""

    def __init__(self, base_url: str, key: str, interval_s: float) -> None:
        self._url = base_url.rstrip("/") + SETTINGS_PATH
        self._key = key
        self._interval_s = interval_s
        self.remote: _Remote | None = None
        self.first_attempt = threading.Event()
        """Set once the first request has ended, answered or not."""
        self.last_problem = ""
        self._stop = threading.Event()
        self._failing = False
        self._warned_local = False
        self._warn_lock = threading.Lock()
        self._deadlines = Deadlines(REQUEST_TIMEOUT_S)
        self._opener = urllib.request.build_opener(_RefuseRedirects, *self._deadlines.handlers)
        self._thread = threading.Thread(
            target=self._run, name="prysmai-security-settings", daemon=True
        )

    @property
    def is_stopped(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(REQUEST_TIMEOUT_S + 1)

    def warn_local(self, local: str, problem: str) -> None:
        """Say once that calls use local settings because the collector has not answered."""
        with self._warn_lock:
            if self._warned_local or self.remote is not None:
                return
            self._warned_local = True
        logger.warning(
            "The Prysm collector's security settings could not be fetched from %s (%s): "
            "calls use %s until it answers; retrying in the background",
            self._url,
            problem or "no answer yet",
            local,
        )

    def _run(self) -> None:
        retry_s = min(_FIRST_RETRY_S, self._interval_s)
        while not self._stop.is_set():
            try:
                ok = self._poll()
            except Exception as exc:  # a bug here must not end the polling
                ok = False
                self._failed(f"{type(exc).__name__}: {exc}")
            self.first_attempt.set()
            if ok:
                retry_s = min(_FIRST_RETRY_S, self._interval_s)
                delay = self._interval_s
            else:
                delay = retry_s
                retry_s = min(retry_s * 2, self._interval_s)
            self._stop.wait(delay)

    def _poll(self) -> bool:
        """One request; return whether the collector answered with usable settings."""
        headers = {
            "Authorization": f"Bearer {self._key}",
            "Accept": "application/json",
            "User-Agent": f"prysmai/{__version__}",
        }
        remote = self.remote
        if remote is not None and remote.etag:
            headers["If-None-Match"] = remote.etag
        request = urllib.request.Request(self._url, headers=headers, method="GET")
        try:
            etag, body = self._fetch(request)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304 and remote is not None:
                self._recovered()
                return True
            reason = {
                401: "the collector refused the key (HTTP 401): create one with "
                "'prysmai keys create'",
                404: "the collector has no security settings endpoint (HTTP 404): upgrade it",
            }.get(exc.code, f"HTTP {exc.code}")
            self._failed(reason)
            return False
        except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timed out ...
            cause = getattr(exc, "reason", None) or exc
            self._failed(f"{type(exc).__name__}: {cause}")
            return False
        if len(body) > MAX_ANSWER_BYTES:
            self._failed("the answer is too large")
            return False
        try:
            self._apply(body, etag)
        except (ValueError, TypeError) as exc:
            self._failed(f"the answer is not valid settings: {exc}")
            return False
        self._recovered()
        return True

    def _fetch(self, request: urllib.request.Request) -> tuple[str | None, bytes]:
        """The answer's ETag and body; the whole request gets REQUEST_TIMEOUT_S to answer."""
        too_slow = f"the answer took more than {REQUEST_TIMEOUT_S:g} s"
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT_S) as response:
                etag = response.headers.get("ETag")
                # One byte past the cap tells a too large answer; the deadline bounds the wait.
                body = response.read(MAX_ANSWER_BYTES + 1)
        except (OSError, http.client.HTTPException) as exc:
            if self._deadlines.expired and not isinstance(exc, urllib.error.HTTPError):
                raise TimeoutError(too_slow) from exc
            raise
        finally:
            expired = self._deadlines.expired
            self._deadlines.cancel()
        if expired:  # the deadline cut the body short: it reads as a complete, shorter one
            raise TimeoutError(too_slow)
        return etag, body

    def _apply(self, body: bytes, etag: str | None) -> None:
        from prysmai.guard import make_guard
        from prysmai.security.config import SETTING_NAMES, SecurityConfig

        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
            raise ValueError("expected an object with 'settings'")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValueError(f"expected a version number, got {version!r}")
        # Settings a newer collector knows and this prysmai does not are left out; names are
        # read in either spelling, as everywhere else ("piiRedactionMode", "pii_redaction_mode").
        settings = {
            name: value for name, value in data["settings"].items() if name in SETTING_NAMES
        }
        config = SecurityConfig.from_mapping(settings)
        previous = self.remote
        if previous is not None and previous.config == config:
            guard = previous.guard  # keep its scan cache
        else:
            guard = make_guard(config)
        self.remote = _Remote(
            config,
            version,
            etag or data.get("etag"),
            guard,
            {
                semconv.SECURITY_SETTINGS_SOURCE: "collector",
                semconv.SECURITY_SETTINGS_VERSION: version,
            },
        )
        if previous is None or previous.version != version:
            logger.info(
                "Security settings version %d from the Prysm collector at %s now apply",
                version,
                self._url,
            )

    def _failed(self, problem: str) -> None:
        self.last_problem = problem
        if self._failing:
            logger.debug("Security settings poll of %s failed again: %s", self._url, problem)
            return
        self._failing = True
        remote = self.remote
        if remote is None:
            if self.first_attempt.is_set():
                # monitor() has returned: the client runs on local settings, say so once.
                with self._warn_lock:
                    if self._warned_local:
                        return
                    self._warned_local = True
                logger.warning(
                    "The Prysm collector's security settings could not be fetched from %s "
                    "(%s): calls use local settings until it answers; retrying in the "
                    "background",
                    self._url,
                    problem,
                )
            return
        logger.warning(
            "The Prysm collector's security settings could not be refreshed from %s (%s): "
            "calls keep version %d until it answers again",
            self._url,
            problem,
            remote.version,
        )

    def _recovered(self) -> None:
        if self._failing:
            logger.info("The Prysm collector at %s answers again", self._url)
        self._failing = False
