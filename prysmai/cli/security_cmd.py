"""``prysmai security show|set``: the collector's security settings (``prysmai serve``).

Apps monitored with ``security="collector"`` (or ``PRYSM_SECURITY=collector``) fetch these
from the collector and poll for changes; each change raises the settings' version.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from prysmai.cli.common import (
    UsageError,
    add_db_argument,
    local_time,
    make_console,
    printable,
    store_path,
)
from prysmai.collector.security_store import (
    MAX_KEYWORDS,
    SecuritySettingsStore,
    StoredSecuritySettings,
    parse_settings,
    summary,
)
from prysmai.config import FALSE_WORDS, TRUE_WORDS
from prysmai.security.config import PiiRedactionMode, SecurityConfig

_SWITCHES = (
    # (option, setting, help)
    ("--injection-detection", "injectionDetection", "run the prompt-injection detectors"),
    ("--pii-detection", "piiDetection", "run the PII detectors"),
    ("--block-high-threats", "blockHighThreats", "refuse requests with a threat score >= 70"),
    ("--scan-responses", "scanResponses", "also scan model answers"),
    ("--content-policy", "contentPolicy", "run the content-policy detectors"),
)
_MODES = ", ".join(mode.value for mode in PiiRedactionMode)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``security`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "security",
        help="show and set the security settings apps fetch from the collector",
        description=(
            "Security settings that 'prysmai serve' hands to apps monitored with "
            'security="collector" (or PRYSM_SECURITY=collector). Apps apply a change from '
            "their next poll (every 30 s by default); apps monitored without it keep their "
            "own settings."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    show = actions.add_parser("show", help="show the settings and their version")
    show.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
    add_db_argument(show, role="of the collector")
    show.set_defaults(func=_show)

    change = actions.add_parser(
        "set",
        help="change some settings (the others stay as they are)",
        description="e.g.: prysmai security set --pii-redaction-mode mask --block-high-threats on",
    )
    for option, setting, text in _SWITCHES:
        change.add_argument(
            option, type=_switch, metavar="on|off", dest=setting, help=f"{text} ({setting})"
        )
    change.add_argument(
        "--pii-redaction-mode",
        dest="piiRedactionMode",
        metavar="MODE",
        help=f"what happens to PII found in a request: {_MODES} (piiRedactionMode)",
    )
    keywords = change.add_mutually_exclusive_group()
    keywords.add_argument(
        "--keyword",
        action="append",
        dest="keywords",
        metavar="WORD",
        help=f"a custom keyword to flag; repeat for several (at most {MAX_KEYWORDS}); replaces "
        "the stored list (customKeywords)",
    )
    keywords.add_argument("--no-keywords", action="store_true", help="remove every custom keyword")
    change.add_argument(
        "--defaults",
        action="store_true",
        help="start from the defaults instead of the stored settings",
    )
    add_db_argument(change, role="of the collector")
    change.set_defaults(func=_set)


def _switch(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise argparse.ArgumentTypeError(f"expected on or off, got {text!r}")


def _given(args: argparse.Namespace) -> dict[str, Any]:
    """The settings named on the command line, by the product's names."""
    given: dict[str, Any] = {}
    for _, setting, _ in _SWITCHES:
        if getattr(args, setting) is not None:
            given[setting] = getattr(args, setting)
    if args.piiRedactionMode is not None:
        given["piiRedactionMode"] = args.piiRedactionMode.strip()
    if args.keywords is not None:
        given["customKeywords"] = args.keywords
    elif args.no_keywords:
        given["customKeywords"] = []
    return given


def _set(args: argparse.Namespace) -> int:
    given = _given(args)
    if not given and not args.defaults:
        raise UsageError("nothing to set: name at least one setting (see 'security set --help')")
    # Checked before the store is opened: a typo must not create a store file.
    parse_settings(given)
    with SecuritySettingsStore(store_path(args.db)) as settings:
        base = SecurityConfig() if args.defaults else settings.get().config
        config = parse_settings({**base.to_mapping(), **given})
        stored, changed = settings.set(config, "cli")
    if not changed:
        print(f"Nothing changed: the settings are still version {stored.version}.")
        return 0
    print(
        f"Saved as version {stored.version}: {printable(summary(stored.config))}. Apps "
        'monitored with security="collector" apply it from their next poll.'
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    location = store_path(args.db)
    if isinstance(location, Path) and not location.exists():
        # Showing the defaults of a store that a mistyped path would create here would look
        # like a collector running on defaults.
        raise UsageError(
            f"no store at {location}: give the collector's --db (a collector creates its store "
            "when it starts), or 'prysmai security set' to create one here"
        )
    with SecuritySettingsStore(location) as settings:
        stored = settings.get()
    if args.as_json:
        print(json.dumps(stored.to_json()))
        return 0
    console = make_console()
    console.print(Text(_heading(stored)))
    console.print(_table(stored))
    return 0


def _heading(stored: StoredSecuritySettings) -> str:
    if stored.version == 0:
        return "Version 0: never changed, the defaults."
    return (
        f"Version {stored.version}, changed {local_time(stored.updated_ns)} by "
        f"{printable(stored.updated_by)}."
    )


def _table(stored: StoredSecuritySettings) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("setting")
    table.add_column("value")
    for name, value in stored.config.to_mapping().items():
        if isinstance(value, bool):
            shown = "on" if value else "off"
        elif isinstance(value, list):
            shown = ", ".join(printable(item) for item in value) or "-"
        else:
            shown = str(value)
        table.add_row(name, Text(shown))
    return table
