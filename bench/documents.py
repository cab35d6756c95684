"""Benchmark: render the PDFs of one demo child and report how long each takes.

Picks the demo child with the most to show (an adopted safety plan, an adopted and evaluated help
plan, referrals and consent for sharing), renders the safety plan for a young child, for an older
child and for professionals, the help plan and the handover, each a few times, and reports the
first (cold: WeasyPrint imported, fonts loaded) and the best warm time. With --out it also writes
the PDFs and a PNG of each first page (pdftoppm, Debian's poppler-utils) - the example images in
docs/voorbeelden/ were made so. Synthetic demo data only:

    export VEERKRACHT_VAR_DIR=/tmp/documents-bench          # a scratch database, never the real one
    .venv/bin/veerkracht migrate && .venv/bin/veerkracht seed_demo
    .venv/bin/python bench/documents.py --out docs/voorbeelden

Reports numbers; it is not a timed test. The numbers measured on 01-12-2026 are in bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veerkracht.conf.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from veerkracht.handover import queries as handover_queries  # noqa: E402
from veerkracht.handover.services import export_handover  # noqa: E402
from veerkracht.pathway.models import Pathway  # noqa: E402
from veerkracht.plans import documents as plan_documents  # noqa: E402
from veerkracht.plans import queries as plan_queries  # noqa: E402
from veerkracht.safety import documents as safety_documents  # noqa: E402
from veerkracht.safety import queries as safety_queries  # noqa: E402


def pick_pathway() -> Pathway:
    """The open pathway of a demo child with consent for sharing (the handover needs it) that has the
    most to show: an adopted safety plan, an adopted help plan with evaluations, referrals."""
    candidates = (
        Pathway.objects.filter(closed_on=None, safety_plan__isnull=False, help_plan__isnull=False)
        .annotate(n_referrals=Count("referrals", distinct=True),
                  n_evaluations=Count("help_plan__evaluations", distinct=True))
        .select_related("stay__person", "methodology", "safety_plan", "help_plan")
    )
    ranked = sorted(candidates, key=lambda p: (
        -min(p.n_evaluations, 2), -(p.safety_plan.status == "adopted") - (p.help_plan.status == "adopted"),
        -min(p.n_referrals, 3), p.pk))
    for pathway in ranked:
        if handover_queries.sharing_consent_given(pathway):
            return pathway
    raise SystemExit("no demo child with a safety plan, a help plan and consent for sharing: "
                     "run `veerkracht seed_demo` first")


def timed(render: Callable[[], bytes], runs: int) -> tuple[bytes, float, float]:
    started = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        warm.append(time.perf_counter() - started)
    return pdf, cold, min(warm) if warm else cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the PDFs and a PNG of each first page here")
    parser.add_argument("--runs", type=int, default=5, help="warm renders per document (default 5)")
    parser.add_argument("--language", default="nl", help="language of the help plan and handover (default nl)")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    if not settings.DEMO_MODE:
        raise SystemExit("only on a demo database (VEERKRACHT_DEMO on, never in production)")

    pathway = pick_pathway()
    child = pathway.stay.person
    actor = get_user_model().objects.get(username="kinderwerker")
    plan = safety_queries.plan_of(pathway)
    assert plan is not None

    def safety(version: str) -> Callable[[], bytes]:
        return lambda: safety_documents.render(safety_documents.document_for(plan, version=version, child=child))

    def help_plan() -> bytes:
        data = plan_queries.plan_for_document(pathway)
        return plan_documents.render(plan_documents.build_document(data, child=child, language=args.language))

    def handover() -> bytes:
        with translation.override(args.language):
            return export_handover(pathway, handover_queries.handover_data(pathway), actor=actor)

    documents = {
        "veiligheidsplan-jong": safety(safety_documents.YOUNG),
        "veiligheidsplan-ouder": safety(safety_documents.OLDER),
        "veiligheidsplan-professioneel": safety(safety_documents.PROFESSIONAL),
        "hulpverleningsplan": help_plan,
        "overdracht": handover,
    }
    print(f"demo child: pathway {pathway.pk}; safety plan {plan.status} in {plan.language}; help plan "
          f"{pathway.help_plan.status} with {pathway.n_evaluations} evaluations; "  # type: ignore[attr-defined]
          f"{pathway.n_referrals} referrals")  # type: ignore[attr-defined]
    print(f"{'document':32} {'pages':>5} {'KiB':>6} {'cold s':>7} {'warm s':>7}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for name, render in documents.items():
        pdf, cold, warm = timed(render, args.runs)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:32} {pages:>5} {len(pdf) / 1024:>6.0f} {cold:>7.2f} {warm:>7.2f}")
        if args.out:
            target = args.out / f"{name}.pdf"
            target.write_bytes(pdf)
            pdftoppm = shutil.which("pdftoppm")
            if pdftoppm:
                command = [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(target),
                           str(args.out / name)]
                subprocess.run(command, check=True)  # noqa: S603 - our own file names
                target.unlink()  # the example image is what goes into docs/


if __name__ == "__main__":
    main()
