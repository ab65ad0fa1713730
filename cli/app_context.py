"""The application context for commands that act on ventures: database + definitions."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from cli.output import fail

if TYPE_CHECKING:
    from services.commands import Cyd


def cyd_context() -> Cyd:
    """The database (which must exist: `cyd init`), the valid checklist definitions (from
    the cache while they are unchanged), and how a recorded action advances its venture
    (`CYD_ORCHESTRATION`, see flows.trigger: directly by default, by a Prefect event
    when a Prefect server is configured)."""
    import settings
    from checklists.library import DefinitionError
    from checklists.validcache import load_library
    from cli.context import engine
    from flows.trigger import FLOWS, advancer, api_url, mode
    from governance import catalogue
    from services import programme_import
    from services.commands import Cyd

    # The catalogue of texts and the programme in force, kept checked and parsed
    # between commands (each costs a short-lived command about 50-100 ms otherwise).
    catalogue.use_cache_dir(settings.current().cache_dir)
    programme_import.use_cache_dir(settings.current().cache_dir)
    try:
        library = load_library(cache_dir=settings.current().cache_dir)
    except DefinitionError as exc:
        first = exc.problems[0]
        fail(f"the checklist definitions have {len(exc.problems)} problem(s), first: {first}")
    try:
        advance = advancer()
        chosen = mode()
    except ValueError as exc:
        fail(str(exc))
    if chosen == FLOWS and api_url() is None:
        # Each command would start (and stop) a temporary Prefect server of its own for
        # the flow it runs: about 8 s a decision instead of under 1 s. Said, not refused:
        # it still works, and the demo relies on the same mode in one long process.
        print(
            "note: CYD_ORCHESTRATION=flows with no Prefect server configured: a command"
            " that advances a venture starts a temporary one (several seconds)."
            " Set PREFECT_API_URL (`cyd serve` prints it), or use CYD_ORCHESTRATION=direct.",
            file=sys.stderr,
        )
    return Cyd(engine(), library, advancer=advance)
