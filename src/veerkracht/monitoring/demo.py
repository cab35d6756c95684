"""The monitoring's demo step (issue 8): figures for the demo's gemeente users over several years.

The small demo (``seed_demo``) has a few dozen children, so nearly every protected figure would be
"fewer than 5". This step adds synthetic history with ``demo.synthetic.generate`` (a small national
set: ``children`` children over ``years`` years in the 24 synthetic organisations; the organisation of
Utrecht serves the demo's "Regio Utrecht", which generate finds by its name) and then refreshes the
fact table, so the demo pathways are counted as well. Run again it generates nothing new (the synthetic
organisations exist) and only refreshes the facts. Demo mode only (``generate`` refuses otherwise).
"""

from __future__ import annotations

import time
from typing import Any

from veerkracht.organisations.models import Organisation

from . import facts

CHILDREN = 2000
YEARS = 5
# the history goes to the organisations of six regions only: the demo gemeente's region gets about a third
# of the synthetic children (some 130 a year), enough for most of its figures to be published, and five
# large regions the rest (the national figure); Regio Gelderland-Zuid (gemeente2) keeps only the demo's
# own children and shows what a small region looks like: mostly hidden. Fewer organisations also keep
# the protection of the national publication quick (seconds per year instead of half a minute).
# (organisations that serve one region each: an organisation with a second region would leave a sliver of
# a few children there, which hides much of the national publication around it)
FAVOUR = {"Regio Utrecht": 8.0, "Regio Amsterdam": 3.0, "Regio Rotterdam": 3.0, "Regio Den Haag": 3.0,
          "Regio Haarlem": 3.0, "Regio Leiden": 3.0}
OTHERS = 0.0
# generate's first synthetic organisation: when it exists, the history has been generated before
GENERATED_MARKER = "S01"


def seed(*, children: int = CHILDREN, years: int = YEARS, seed: int | None = None) -> dict[str, Any]:
    """Generate the synthetic history once, then refresh every fact. Returns counts and seconds taken."""
    from veerkracht.demo import synthetic

    started = time.monotonic()
    generated: dict[str, int] = {}
    if not Organisation.objects.filter(short_code=GENERATED_MARKER).exists():
        generated = synthetic.generate(children, years, seed if seed is not None else synthetic.DEFAULT_SEED,
                                       progress=False, favour=FAVOUR, others=OTHERS)
    refreshed = facts.refresh()
    return {"generated": generated, "refreshed": refreshed, "seconds": time.monotonic() - started}
