"""What the application would have recorded for each child stay of ``veerkracht generate``, in bulk.

For every child stay: the ``Pathway`` with the organisation's methodology and one ``PathwayActivity`` per
activity (due dates as ``pathway.services`` computes them, status, completion date; a discharged stay's
pathway closed with the outcome of every activity and the summary the discharge stores), and the records
behind the activities: intake, contact with the father (with attempts), safety plan (with its adopted
revision), screening administrations scored by the screening engine (with signals and the
gedragswetenschapper's decisions), referrals with their event history, parenting assessment, network
members, parent support, help plan with goals, evaluations and scores, Meldcode tracks, and group courses
(groups, sessions, enrolments, attendance, T0/T1/T2 measurements linked to administrations).

Everything is synthetic and seeded. The indicators vary per organisation (a quality offset and a lag per
organisation) and improve over the years (own intake from about 25 % ten years ago to about 85 % now).

Rows go in with ``executemany`` per table and chunk; encrypted columns pass through their field's own
``get_db_prep_save`` (so they are encrypted exactly as the ORM would); ids are read back per chunk with
one query per table. The number of queries per chunk does not depend on the chunk's size.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models

from veerkracht.courses.measurements import FOLLOW_UP_MONTHS, add_months
from veerkracht.courses.models import (
    Attendance,
    CourseTemplate,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    InstrumentReliability,
    Measurement,
    Session,
    SessionKind,
    Timepoint,
)
from veerkracht.family.models import ParentingAssessment, ParentSupportItem, SupportKind
from veerkracht.family.models import ReferralStatus as SupportReferralStatus
from veerkracht.fathers.models import (
    Answer,
    AttemptResult,
    AttemptWay,
    ContactAttempt,
    ContactStatus,
    FatherContact,
    NoContactReason,
    RiskLevel,
)
from veerkracht.intake.models import EXPOSURES, IntakeRecord, form_for_age
from veerkracht.meldcode.models import Decision as MeldcodeDecision
from veerkracht.meldcode.models import MeldcodeStep, MeldcodeTrack, Source
from veerkracht.network.models import MemberType, NetworkMember, Quality, RelationKind
from veerkracht.pathway.models import (
    ADMISSION,
    ActivityDefinition,
    ActivityStatus,
    DeadlineOverride,
    Pathway,
    PathwayActivity,
)
from veerkracht.plans.models import Domain, Evaluation, Goal, GoalScore, HelpPlan, PlanStatus
from veerkracht.referrals.models import ClosingReason, Referral, ReferralEvent, ReferralKind, ReferralStatus
from veerkracht.safety.models import PlanStatus as SafetyStatus
from veerkracht.safety.models import SafetyPlan, SafetyPlanRevision
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus

DAY = datetime.timedelta(days=1)
DECADE_DAYS = 3652

# The aspects of the work, by the activity codes of Veerkracht 2012; Veerkracht 2018 combines some.
ASPECTS_OF = {
    "intake": ("intake",),
    "father_contact": ("father_contact",),
    "safety_plan": ("safety_plan",),
    "safety": ("safety_plan",),
    "screening": ("screening",),
    "parenting": ("parenting",),
    "network": ("network",),
    "action_plan": ("action_plan",),
    "plan_guidance": ("action_plan",),
    "parent_support": ("parent_support",),
    "exploration": ("screening", "father_contact", "parenting", "network"),
}
# (share done ten years ago, gain over ten years, share done within the deadline ten years ago, gain)
RATES = {
    "intake": (0.25, 0.60, 0.40, 0.40),
    "safety_plan": (0.35, 0.50, 0.35, 0.40),
    "father": (0.40, 0.45, 0.40, 0.30),
    "screening": (0.45, 0.40, 0.40, 0.35),
    "parenting": (0.40, 0.40, 0.45, 0.30),
    "network": (0.30, 0.45, 0.45, 0.30),
    "parent_support": (0.40, 0.40, 0.45, 0.30),
    "help_plan": (0.30, 0.50, 0.35, 0.40),
    "evaluation_on_time": (0.40, 0.45, 0, 0),
    "referral_started": (0.55, 0.30, 0, 0),
    "course": (0.20, 0.30, 0, 0),
    "meldcode": (0.06, 0.06, 0, 0),
}
NOMINAL_DEADLINES = {"intake": 7, "father_contact": 14, "safety_plan": 7, "screening": 21, "parenting": 28,
                     "network": 28, "action_plan": 21, "parent_support": 28}
NOT_DONE_REASONS = [
    "Verblijf eindigde voordat de activiteit was afgerond.",
    "Moeder vertrok onverwacht met de kinderen.",
    "Niet aan toegekomen door de korte duur van het verblijf.",
    "Kind was tijdens het verblijf vaak afwezig.",
]
NO_FATHER_REASON = "Geen vader bekend of geregistreerd."
TOO_YOUNG_REASON = "Geen passend screeningsinstrument voor deze leeftijd."
REFERRED_TO = {
    ReferralKind.TRAUMA_TREATMENT: ["Traumacentrum (synthetisch)", "GGZ kind en jeugd (synthetisch)",
                                    "Praktijk voor kinder-EMDR (synthetisch)"],
    ReferralKind.YOUTH_CARE: ["Jeugdteam van de gemeente (synthetisch)", "Jeugdhulp thuis (synthetisch)"],
    ReferralKind.GP: ["Huisartsenpraktijk (synthetisch)"],
    ReferralKind.SCHOOL_SUPPORT: ["Intern begeleider basisschool (synthetisch)", "Zorgcoördinator VO (synthetisch)"],
    ReferralKind.OTHER: ["Sportvereniging (synthetisch)"],
}
GOAL_TEXTS = {
    Domain.SAFETY: "Het kind weet wat het kan doen als het zich onveilig voelt.",
    Domain.WELLBEING: "Het kind slaapt beter en heeft minder nachtmerries.",
    Domain.DEVELOPMENT: "Het kind kan zijn boosheid op een veilige manier uiten.",
    Domain.SCHOOL: "Het kind gaat weer elke dag naar school.",
    Domain.RELATIONSHIPS: "Het kind maakt contact met andere kinderen in de opvang.",
    Domain.PARENTING: "Moeder en kind hebben elke dag een vast moment samen.",
}
RISK_TEXTS = ["Vader kan het kind opwachten bij school.", "Ruzie in de opvang maakt het kind bang.",
              "Het kind vertelt niemand als het zich onveilig voelt."]
NETWORK_NAMES = ["Oma", "Opa", "Tante", "Oom", "Buurvrouw", "Juf", "Meester", "Vriendje", "Vriendinnetje",
                 "Voetbaltrainer", "Huisarts", "Jeugdverpleegkundige"]
NETWORK_RELATION = {"Oma": RelationKind.FAMILY, "Opa": RelationKind.FAMILY, "Tante": RelationKind.FAMILY,
                    "Oom": RelationKind.FAMILY, "Buurvrouw": RelationKind.NEIGHBOUR, "Juf": RelationKind.SCHOOL,
                    "Meester": RelationKind.SCHOOL, "Vriendje": RelationKind.FRIEND,
                    "Vriendinnetje": RelationKind.FRIEND, "Voetbaltrainer": RelationKind.SPORT,
                    "Huisarts": RelationKind.PROFESSIONAL, "Jeugdverpleegkundige": RelationKind.PROFESSIONAL}
COURSE_FOR_AGE = [  # (template code, youngest, oldest)
    ("storm-en-spetters", 4, 7),
    ("en-nu-ik", 8, 12),
    ("jij-hoort-erbij", 6, 12),
]
RELIABILITY = {"cats-self-7-17": "0.880", "cats-caregiver-7-17": "0.870", "cats-caregiver-3-6": "0.860"}
RELIABILITY_SOURCE = "Synthetisch (generate): geen echte bron"
CHILD_INSTRUMENTS = [(3, 6, "cats-caregiver-3-6"), (7, 17, "cats-self-7-17")]
SECOND_RESPONDENT = "cats-caregiver-7-17"


def clamp(value: float, low: float = 0.02, high: float = 0.97) -> float:
    return max(low, min(high, value))


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class ChildStay:
    """A generated child's stay, as `generate` inserted it."""

    stay_id: int
    person_id: int
    org_id: int
    admission: datetime.date
    discharge: datetime.date | None
    destination: str
    birth_date: datetime.date
    parent_id: int
    father_ids: tuple[int, ...]


@dataclass
class Table:
    """Rows for one table in one chunk; ``refs`` are callbacks that fill in ids known only later."""

    model: type[models.Model]
    fields: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def add(self, *values: Any) -> int:
        self.rows.append(list(values))
        return len(self.rows) - 1


class Writer:
    """INSERTs prepared rows with executemany and reads the new ids back (one query per table)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def _converters(self, fields: list[models.Field]) -> list[Callable[[Any], Any] | None]:
        result: list[Callable[[Any], Any] | None] = []
        vendor = connection.vendor
        for f in fields:
            if getattr(f, "encrypted", False):
                result.append(functools.partial(_encrypt, f))
            elif isinstance(f, models.JSONField):
                result.append(functools.partial(_prep, f))
            elif isinstance(f, models.DateField):  # and DateTimeField
                result.append(functools.partial(_adapted, vendor))
            else:
                result.append(None)
        return result

    def insert(self, table: Table, *, ids: bool = False) -> list[int]:
        if not table.rows:
            return []
        model = table.model
        qn = connection.ops.quote_name
        fields = [model._meta.get_field(name) for name in table.fields]
        converters = self._converters(fields)
        active = [(i, c) for i, c in enumerate(converters) if c is not None]
        rows = []
        for row in table.rows:
            for i, convert in active:
                if row[i] is not None:
                    row[i] = convert(row[i])
            rows.append(tuple(row))
        db_table = qn(model._meta.db_table)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
            db_table, ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        with connection.cursor() as cursor:
            before = 0
            if ids:
                cursor.execute(f"SELECT MAX(id) FROM {db_table}")  # noqa: S608  # nosec B608
                before = cursor.fetchone()[0] or 0
            cursor.executemany(sql, rows)  # one statement per table and chunk (the chunk bounds the memory)
            self.counts[model._meta.label_lower] += len(rows)
            if not ids:
                return []
            # Ids of one session's inserts rise in insertion order (SQLite AUTOINCREMENT, a PostgreSQL
            # identity): the new rows are the ones above the maximum before, in id order.
            cursor.execute(f"SELECT id FROM {db_table} WHERE id > %s ORDER BY id", [before])  # noqa: S608  # nosec B608
            new = [r[0] for r in cursor.fetchall()]
        if len(new) != len(rows):
            raise RuntimeError(f"{model._meta.label}: another process inserted rows meanwhile; run generate alone")
        return new

    def update(self, model: type[models.Model], column: str, pairs: list[tuple[Any, int]]) -> None:
        """UPDATE one column by id for many rows."""
        if not pairs:
            return
        qn = connection.ops.quote_name
        sql = f"UPDATE {qn(model._meta.db_table)} SET {qn(column)} = %s WHERE id = %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.executemany(sql, pairs)


def _prep(f: models.Field, value: Any) -> Any:
    return f.get_db_prep_save(value, connection)


def _encrypt(f: models.Field, value: Any) -> Any:
    """Through the encrypted field itself; an empty text stays empty, as the field stores it."""
    return f.get_db_prep_save(value, connection) if value else value


@functools.lru_cache(maxsize=32768)
def _adapted(vendor: str, value: datetime.date) -> Any:
    """A date or time stamp as the database takes it (records share a few thousand days: cached)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


@functools.lru_cache(maxsize=8192)
def _moment(day: datetime.date) -> datetime.datetime:
    """A time stamp on a record's own day (so created_at fits the record's date)."""
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.UTC)


@dataclass
class Methodology:
    pk: int
    # (definition pk, code, order, deadline days for this organisation, counted after)
    definitions: list[tuple[int, str, int, int, str]]
    label: str


class Context:
    """What every chunk needs: methodologies and deadlines per organisation, organisation profiles,
    course templates, instruments; and the course groups made so far (they span chunks)."""

    def __init__(self, org_ids: Sequence[int], *, today: datetime.date, rng: random.Random) -> None:
        from veerkracht.pathway.services import methodology_for
        from veerkracht.screening.engine import definitions

        self.today = today
        self.methodology: dict[int, Methodology] = {}
        overrides: dict[tuple[int, int], int] = {
            (o, d): days for o, d, days in DeadlineOverride.objects.filter(organisation_id__in=org_ids)
            .values_list("organisation_id", "activity_definition_id", "days")
        }
        cache: dict[int, list[ActivityDefinition]] = {}
        for org_id in org_ids:
            m = methodology_for(org_id)
            if m is None:
                raise RuntimeError("No methodology loaded: run `veerkracht load_methodologies` first.")
            if m.pk not in cache:
                cache[m.pk] = list(m.activities.order_by("order"))
            self.methodology[org_id] = Methodology(
                m.pk,
                [(d.pk, d.code, d.order, overrides.get((org_id, d.pk), d.deadline_days), d.deadline_after)
                 for d in cache[m.pk]],
                f"{m.code} {m.version}",
            )
        # Each organisation: a quality offset and a lag in taking up the methodology.
        self.profile = {org_id: (rng.uniform(-0.14, 0.10), rng.uniform(0.0, 0.3)) for org_id in org_ids}
        self.templates = {
            t.code: t for t in CourseTemplate.objects.filter(organisation=None, active=True)
        }
        # The gedragswetenschapper's reliability r per course instrument (needed for the RCI), in most
        # organisations; an existing value is never changed.
        reliabilities = [
            InstrumentReliability(organisation_id=org_id, template=template, instrument_id=instrument_id,
                                  reliability=Decimal(RELIABILITY.get(instrument_id, "0.850")),
                                  source=RELIABILITY_SOURCE)
            for org_id in org_ids if rng.random() < 0.8
            for template in self.templates.values() for instrument_id in template.instruments or []
        ]
        InstrumentReliability.objects.bulk_create(reliabilities, ignore_conflicts=True)
        registry = definitions.registry()
        self.instruments = {
            i: registry[i] for i in ("cats-caregiver-3-6", "cats-self-7-17", "cats-caregiver-7-17")
            if i in registry
        }
        # The courses an organisation offers: Storm en Spetters and one of the two for older children.
        self.courses = {org_id: {"storm-en-spetters", rng.choice(["en-nu-ik", "jij-hoort-erbij"])}
                        for org_id in org_ids}
        # Course groups (they outlive a chunk): key -> [group id, children enrolled, session ids, dates]
        self.groups: dict[tuple[int, str, datetime.date, int], dict[str, Any]] = {}

    def trend(self, org_id: int, day: datetime.date) -> float:
        """0 ten years ago (or earlier), 1 today; an organisation's lag moves it later."""
        x = 1 - (self.today - day).days / DECADE_DAYS
        return max(0.0, min(1.0, x - self.profile[org_id][1] * (1 - x)))

    def chance(self, what: str, org_id: int, day: datetime.date) -> float:
        base, gain, _o, _g = RATES[what]
        return clamp(base + gain * self.trend(org_id, day) + self.profile[org_id][0])

    def on_time(self, what: str, org_id: int, day: datetime.date) -> float:
        _b, _g, base, gain = RATES[what]
        return clamp(base + gain * self.trend(org_id, day) + self.profile[org_id][0] / 2)


class Chunk:
    """The rows of one chunk of child stays, table by table."""

    def __init__(self) -> None:
        self.pathway = Table(Pathway, ["stay", "methodology", "created_at", "closed_on", "summary"])
        self.activity = Table(PathwayActivity, ["pathway", "definition", "status", "reason", "deadline_days",
                                                "due_date", "completed_on", "created_at", "updated_at", "version"])
        self.intake = Table(IntakeRecord, ["pathway", "conversation_date", "form_used", "present",
                                           *[name for name, _label in EXPOSURES], "other_exposure_text",
                                           "how_child_is_doing", "child_own_words", "safety_concerns",
                                           "created_at", "updated_at", "version"])
        self.father = Table(FatherContact, ["pathway", "father", "how_to_reach", "assessed_on",
                                            "suspected_perpetrator", "contact_ban", "restraining_order",
                                            "risk_level", "assessment_notes", "father_view", "agreements",
                                            "status", "status_on", "no_contact_reason", "no_contact_other",
                                            "override_reason", "created_at", "updated_at", "version"])
        self.attempt = Table(ContactAttempt, ["contact", "date", "way", "result", "notes", "created_at",
                                              "updated_at", "version"])
        self.safety = Table(SafetyPlan, ["pathway", "status", "review_date", "language", "created_at",
                                         "updated_at", "version"])
        self.revision = Table(SafetyPlanRevision, ["plan", "number", "status", "risks", "when_unsafe",
                                                   "safe_places", "safe_persons", "code_word", "agreements_parent",
                                                   "agreements_school", "agreements_network", "father_contact",
                                                   "who_knows", "child_words", "drawings", "created_at",
                                                   "adopted_at", "review_date"])
        self.admin = Table(Administration, ["pathway", "subject", "instrument_id", "instrument_version",
                                            "respondent", "entry", "administered_on", "answers", "scale_scores",
                                            "note", "valid", "invalid_reason", "total", "scales", "band",
                                            "scale_bands", "clinical", "missing", "critical_items", "created_at",
                                            "updated_at", "version"])
        self.signal = Table(Signal, ["administration", "status", "opened_on", "decided_on", "decision", "reason",
                                     "referral", "created_at", "updated_at", "version"])
        self.referral = Table(Referral, ["pathway", "kind", "other_kind", "to_whom", "reason", "status", "sent_on",
                                         "status_since", "closed_on", "closing_reason", "created_at", "updated_at",
                                         "version"])
        self.referral_event = Table(ReferralEvent, ["referral", "status", "on", "note", "created_at"])
        self.parenting = Table(ParentingAssessment, ["pathway", "parent", "conversation_date", "parenting_skills",
                                                     "view_of_child", "relationship", "parent_wellbeing", "school",
                                                     "health", "housing", "strengths", "created_at", "updated_at",
                                                     "version"])
        self.network = Table(NetworkMember, ["pathway", "name", "member_type", "relation", "role", "quality",
                                             "contact_allowed", "safe_person", "reach", "notes", "created_at",
                                             "updated_at", "version"])
        self.support = Table(ParentSupportItem, ["pathway", "parent", "kind", "date", "description", "referred_to",
                                                 "referral_status", "participated", "created_at", "updated_at",
                                                 "version"])
        self.plan = Table(HelpPlan, ["pathway", "status", "adopted_on", "child_view", "parent_view",
                                     "next_evaluation_on", "created_at", "updated_at", "version"])
        self.goal = Table(Goal, ["plan", "domain", "description", "start_score", "order", "ended_on",
                                 "created_at"])
        self.evaluation = Table(Evaluation, ["plan", "held_on", "notes", "child_view", "parent_view", "created_at"])
        self.score = Table(GoalScore, ["evaluation", "goal", "score"])
        self.track = Table(MeldcodeTrack, ["person", "started_on", "source", "closed_on", "created_at",
                                           "updated_at", "version"])
        self.step = Table(MeldcodeStep, ["track", "number", "date", "notes", "consulted_veilig_thuis",
                                         "consulted_with", "q1_suspicion", "q2_unsafety", "q3_can_help",
                                         "q4_help_accepted", "q5_help_works", "decision", "report_date",
                                         "report_reference", "created_at", "updated_at", "version"])
        self.group = Table(Group, ["template", "organisation", "name", "region", "meeting_place", "start_date",
                                   "max_children", "status", "created_at", "updated_at", "version"])
        self.session = Table(Session, ["group", "number", "date", "kind", "topic", "notes", "is_makeup",
                                       "created_at", "updated_at", "version"])
        self.enrolment = Table(Enrolment, ["group", "child", "status", "dropout_reason", "dropped_out_on",
                                           "created_at", "updated_at", "version"])
        self.attendance = Table(Attendance, ["session", "enrolment", "person", "present", "recorded_at"])
        self.measurement = Table(Measurement, ["enrolment", "timepoint", "instrument_id", "due_on",
                                               "administration", "created_at", "updated_at", "version"])
        # Links resolved after the ids are known: rows that point at rows of the same chunk by index.
        self.signal_referral: dict[int, int] = {}  # signal row -> referral row
        self.measurement_admin: dict[int, int] = {}  # measurement row -> administration row
        self.enrolment_group: dict[int, Any] = {}  # enrolment row -> group dict (its id may be new)
        self.new_groups: list[dict[str, Any]] = []


class _SessionRef(int):
    """A session row index of this chunk (a new group's session), told apart from a session id."""

    @property
    def row(self) -> int:
        return int(self)


# =====================================================================================
# One child's stay
# =====================================================================================
class Simulation:
    """Plays one child's stay: what was done when, and the rows it leaves."""

    def __init__(self, ctx: Context, chunk: Chunk, rng: random.Random) -> None:
        self.ctx, self.c, self.rng = ctx, chunk, rng

    # -- helpers ---------------------------------------------------------------------------------
    def _when(self, what: str, child: ChildStay, base: datetime.date, deadline: int, end: datetime.date,
              *, done: float | None = None) -> datetime.date | None:
        """The day an aspect was done (None: not done before ``end``)."""
        rng = self.rng
        if rng.random() >= (done if done is not None else self.ctx.chance(what, child.org_id, child.admission)):
            return None
        if rng.random() < self.ctx.on_time(what, child.org_id, child.admission):
            day = base + rng.randint(0, deadline) * DAY
        else:
            day = base + (deadline + 1 + int(rng.lognormvariate(2.5, 0.8))) * DAY
        return day if day <= end else None

    def run(self, child: ChildStay, p: int) -> None:
        """``p``: the index of the child's pathway row in this chunk."""
        ctx, rng, c = self.ctx, self.rng, self.c
        today = ctx.today
        end = min(child.discharge or today, today)
        adm = child.admission
        age = age_on(child.birth_date, adm)
        org = child.org_id
        done: dict[str, datetime.date | None] = {}
        started: set[str] = set()
        not_applicable: dict[str, str] = {}

        # 1 intake
        done["intake"] = self._when("intake", child, adm, NOMINAL_DEADLINES["intake"], end)
        if done["intake"]:
            day = done["intake"]
            exposures = [rng.random() < share for share in (0.7, 0.45, 0.35, 0.15, 0.25, 0.05)]
            c.intake.add(p, day, form_for_age(age_on(child.birth_date, day)), "", *exposures, "", "", "", "",
                         _moment(day), _moment(day), 1)
            if rng.random() < ctx.chance("meldcode", org, adm) * 2:  # a concern at the intake
                self._meldcode(child, day, end, Source.INTAKE)
        elif rng.random() < ctx.chance("meldcode", org, adm) / 2:
            self._meldcode(child, adm + rng.randint(3, 40) * DAY, end, Source.SIGNAL)

        # 2 safety plan
        done["safety_plan"] = self._safety(child, p, adm, end)
        if done["safety_plan"] is None and p in self._draft_safety:
            started.add("safety_plan")

        # 3 father contact
        father_done, father_started = self._fathers(child, p, adm, end)
        done["father_contact"] = father_done
        if father_started:
            started.add("father_contact")
        if not child.father_ids and rng.random() < 0.7:
            not_applicable["father_contact"] = NO_FATHER_REASON

        # 4 screening, signals, referrals
        done["screening"], screened = self._screening(child, p, adm, end, age)
        if screened and done["screening"] is None:
            started.add("screening")
        if age < 3 and not screened and rng.random() < 0.6:
            not_applicable["screening"] = TOO_YOUNG_REASON
        self._other_referrals(child, p, adm, end)

        # 5 parenting, 6 network, 8 parent support
        done["parenting"] = self._when("parenting", child, adm, NOMINAL_DEADLINES["parenting"], end)
        if done["parenting"]:
            day = done["parenting"]
            c.parenting.add(p, child.parent_id, day, "", "", "", "", "", "", "", "", _moment(day), _moment(day), 1)
        done["network"] = self._network(child, p, adm, end)
        if done["network"] is None and p in self._partial_network:
            started.add("network")
        done["parent_support"] = self._support(child, p, adm, end)
        if done["parent_support"] is None and p in self._partial_support:
            started.add("parent_support")

        # 7 help plan (its deadline counts from the screening)
        base = done["screening"] or adm + NOMINAL_DEADLINES["screening"] * DAY
        done["action_plan"] = self._help_plan(child, p, base, end)
        if done["action_plan"] is None and p in self._draft_plans:
            started.add("action_plan")

        # group course
        self._course(child, p, age, end)

        self._activities(child, p, done, started, not_applicable)

    # -- the step plan ------------------------------------------------------------------------------
    def _activities(self, child: ChildStay, p: int, done: dict[str, datetime.date | None], started: set[str],
                    not_applicable: dict[str, str]) -> None:
        ctx, rng, c = self.ctx, self.rng, self.c
        meth = ctx.methodology[child.org_id]
        closed = child.discharge is not None and child.discharge <= ctx.today
        rows: list[dict[str, Any]] = []
        by_code: dict[str, dict[str, Any]] = {}
        for def_pk, code, order, days, after in meth.definitions:
            aspects = ASPECTS_OF.get(code, (code,))
            dates = [done.get(a) for a in aspects]
            applicable_dates = [d for a, d in zip(aspects, dates, strict=True) if a not in not_applicable]
            reason = ""
            if len(aspects) == 1 and aspects[0] in not_applicable and dates[0] is None:
                status, completed, reason = ActivityStatus.NOT_APPLICABLE, None, not_applicable[aspects[0]]
            elif applicable_dates and all(applicable_dates):
                status, completed = ActivityStatus.DONE, max(d for d in applicable_dates if d)
            elif any(a in started for a in aspects) or any(dates):
                status, completed = ActivityStatus.IN_PROGRESS, None
            else:
                status, completed = ActivityStatus.OPEN, None
            if closed and status in (ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS):
                status, reason = ActivityStatus.NOT_DONE, rng.choice(NOT_DONE_REASONS)
            row = {"pk": def_pk, "code": code, "order": order, "days": days, "after": after, "status": status,
                   "completed": completed, "reason": reason}
            rows.append(row)
            by_code[code] = row
        due: dict[str, datetime.date] = {}

        def due_of(row: dict[str, Any]) -> datetime.date:
            if row["code"] in due:
                return due[row["code"]]
            after = row["after"]
            if after == ADMISSION or after not in by_code:
                base = child.admission
            else:
                pre = by_code[after]
                base = pre["completed"] if pre["status"] == ActivityStatus.DONE else due_of(pre)
            due[row["code"]] = base + row["days"] * DAY
            return due[row["code"]]

        for row in rows:
            row["due"] = due_of(row)
            moment = _moment(row["completed"] or child.admission)
            c.activity.add(p, row["pk"], str(row["status"]), row["reason"], row["days"], row["due"],
                           row["completed"], _moment(child.admission), moment, 1)
        if closed:
            assert child.discharge is not None
            summary_rows = [{
                "code": r["code"], "order": r["order"], "status": str(r["status"]), "due_date": r["due"].isoformat(),
                "completed_on": r["completed"].isoformat() if r["completed"] else None,
                "on_time": bool(r["completed"] and r["completed"] <= r["due"]),
            } for r in rows]
            counts = {s: sum(1 for r in summary_rows if r["status"] == s)
                      for s in ("done", "not_applicable", "not_done")}
            summary = {
                "methodology": meth.label,
                "admission_date": child.admission.isoformat(),
                "discharge_date": child.discharge.isoformat(),
                "days": (child.discharge - child.admission).days,
                "destination": child.destination,
                "activities": summary_rows,
                **counts,
                "on_time": sum(1 for r in summary_rows if r["on_time"]),
                "total": len(summary_rows),
            }
            c.pathway.rows[p][3] = child.discharge
            c.pathway.rows[p][4] = summary

    # -- records ------------------------------------------------------------------------------------
    _draft_safety: set[int]
    _partial_network: set[int]
    _partial_support: set[int]
    _draft_plans: set[int]

    def reset(self) -> None:
        self._draft_safety, self._partial_network, self._partial_support, self._draft_plans = set(), set(), set(), set()

    def _safety(self, child: ChildStay, p: int, adm: datetime.date, end: datetime.date) -> datetime.date | None:
        rng, c = self.rng, self.c
        if rng.random() >= clamp(self.ctx.chance("safety_plan", child.org_id, adm) + 0.1):
            return None
        drafted = adm + rng.randint(0, 6) * DAY
        if drafted > end:
            return None
        adopted = self._when("safety_plan", child, drafted, NOMINAL_DEADLINES["safety_plan"], end, done=0.85)
        plan = c.safety.add(p, str(SafetyStatus.ADOPTED if adopted else SafetyStatus.DRAFT),
                            adopted + 91 * DAY if adopted else None, "nl", _moment(drafted),
                            _moment(adopted or drafted), 2 if adopted else 1)
        review = adopted + 91 * DAY if adopted else None
        c.revision.add(plan, 1, str(SafetyStatus.ADOPTED if adopted else SafetyStatus.DRAFT), rng.choice(RISK_TEXTS),
                       "", "", "", "", "", "", "", "", "", "", "", _moment(drafted),
                       _moment(adopted) if adopted else None, review)
        if adopted is None:
            self._draft_safety.add(p)
        return adopted

    def _fathers(self, child: ChildStay, p: int, adm: datetime.date,
                 end: datetime.date) -> tuple[datetime.date | None, bool]:
        ctx, rng, c = self.ctx, self.rng, self.c
        if not child.father_ids:
            return None, False
        resolved_days: list[datetime.date | None] = []
        started = False
        for father in child.father_ids:
            if rng.random() >= ctx.chance("father", child.org_id, adm) + 0.1:
                resolved_days.append(None)
                continue
            assessed = adm + rng.randint(1, 12) * DAY
            if assessed > end:
                resolved_days.append(None)
                continue
            started = True
            perpetrator = rng.choices([Answer.YES, Answer.NO, Answer.UNKNOWN], [70, 15, 15])[0]
            ban = rng.random() < 0.14
            order = rng.random() < 0.08
            risk = rng.choices([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH], [35, 40, 25])[0]
            status, status_on, reason = ContactStatus.NOT_YET, None, ""
            attempts: list[tuple[datetime.date, str, str]] = []
            if ban or order or risk == RiskLevel.HIGH:
                status, status_on = ContactStatus.NO_CONTACT, assessed
                reason = NoContactReason.BAN if ban or order else NoContactReason.UNSAFE
            elif rng.random() < ctx.chance("father", child.org_id, adm) + 0.25:
                day = assessed
                for _ in range(rng.choices([1, 2, 3], [55, 30, 15])[0]):
                    day = day + rng.randint(1, 10) * DAY
                    if day > end:
                        break
                    result = rng.choices([AttemptResult.REACHED, AttemptResult.NOT_REACHED, AttemptResult.REFUSED],
                                         [55, 35, 10])[0]
                    attempts.append((day, rng.choice([AttemptWay.PHONE, AttemptWay.LETTER, AttemptWay.EMAIL,
                                                       AttemptWay.VIA_PROFESSIONAL]), result))
                    if result != AttemptResult.NOT_REACHED:
                        break
                if attempts:
                    last_day, _way, last = attempts[-1]
                    if last == AttemptResult.REACHED:
                        status, status_on = ContactStatus.CONTACTED, last_day
                    elif last == AttemptResult.REFUSED:
                        status, status_on, reason = ContactStatus.NO_CONTACT, last_day, NoContactReason.REFUSES
                    elif len(attempts) >= 2:
                        status, status_on, reason = ContactStatus.NO_CONTACT, last_day, NoContactReason.UNREACHABLE
            contact = c.father.add(p, father, "", assessed, str(perpetrator), ban, order, str(risk), "", "", "",
                                   str(status), status_on, str(reason), "", "", _moment(assessed),
                                   _moment(status_on or assessed), 1 + len(attempts))
            for day, way, result in attempts:
                c.attempt.add(contact, day, str(way), str(result), "", _moment(day), _moment(day), 1)
            resolved_days.append(status_on if status != ContactStatus.NOT_YET else None)
        if resolved_days and all(resolved_days):
            return max(d for d in resolved_days if d), started
        return None, started

    def _screening(self, child: ChildStay, p: int, adm: datetime.date, end: datetime.date,
                   age: int) -> tuple[datetime.date | None, bool]:
        ctx, rng = self.ctx, self.rng
        instrument_id = next((i for low, high, i in CHILD_INSTRUMENTS if low <= age <= high), None)
        if instrument_id is None or instrument_id not in ctx.instruments:
            return None, False
        first = self._when("screening", child, adm, NOMINAL_DEADLINES["screening"], end)
        if first is None:
            return None, False
        severity = rng.betavariate(2, 4.8)  # about 40 % of the screened children above the cut-off
        admins = [self._administration(child, p, instrument_id, first, severity, may_refer=True)]
        second = min(first + rng.randint(0, 5) * DAY, end)  # the caregiver's view of an older child
        if instrument_id == "cats-self-7-17" and SECOND_RESPONDENT in ctx.instruments and rng.random() < 0.3:
            admins.append(self._administration(child, p, SECOND_RESPONDENT, second,
                                               clamp(severity + rng.uniform(-0.1, 0.1), 0, 1), may_refer=True))
        # A second screening some months later, for a share of the longer stays.
        later = first + rng.randint(90, 150) * DAY
        if later <= end and rng.random() < 0.35:
            self._administration(child, p, instrument_id, later, severity * rng.uniform(0.5, 0.95))
        days = [d for d, _row, _clinical in admins]
        marked = max(days) + rng.randint(0, 4) * DAY
        return (marked if marked <= end else None), True

    def _administration(self, child: ChildStay, p: int, instrument_id: str, day: datetime.date,
                        severity: float, *, complete: bool | None = None,
                        may_refer: bool = False) -> tuple[datetime.date, int, bool]:
        """One questionnaire, scored by the engine; a clinical result raises a signal (as the service does)."""
        from veerkracht.screening.engine import scoring

        rng, c = self.rng, self.c
        inst = self.ctx.instruments[instrument_id]
        answers: dict[str, str] = {}
        leave_out = set()
        if complete is None:
            complete = rng.random() >= 0.04
        if not complete:  # too many answers missing: the engine gives an invalid result
            scored = [i.link_id for i in inst.items if i.scored]
            leave_out = set(rng.sample(scored, min(len(scored), inst.missing_rule.max_missing + 2)))
        for item in inst.items:
            if item.link_id in leave_out:
                continue
            options = sorted(item.options, key=lambda o: o.score)
            if item.scored:
                top = len(options) - 1
                index = sum(1 for _ in range(top) if rng.random() < severity)
            else:
                index = rng.randrange(len(options))
            answers[item.link_id] = options[index].code
        result = scoring.score(inst, answers)
        clinical = bool(result.valid and result.clinical)
        row = c.admin.add(
            p, child.person_id, inst.id, inst.version, inst.respondent, "items", day, answers, {}, "",
            bool(result.valid), "" if result.valid else (result.reason or "invalid"), result.total,
            dict(result.scales), result.band.code if result.band is not None else "",
            {code: (band.code if band is not None else "") for code, band in result.scale_bands.items()},
            clinical, list(result.missing), list(result.critical), _moment(day), _moment(day), 1,
        )
        if clinical or result.critical:
            self._signal(child, p, row, day, min(child.discharge or self.ctx.today, self.ctx.today),
                         may_refer=may_refer)
        return day, row, clinical

    def _signal(self, child: ChildStay, p: int, admin_row: int, day: datetime.date, end: datetime.date, *,
                may_refer: bool) -> None:
        """The gedragswetenschapper's decision: a referral for most first clinical results (more so in later
        years); a later result (a second screening, a course measurement) mostly guidance within the plan."""
        ctx, rng, c = self.ctx, self.rng, self.c
        decided = day + rng.randint(0, 12) * DAY
        if decided > min(end, ctx.today):
            c.signal.add(admin_row, str(SignalStatus.OPEN), day, None, "", "", None, _moment(day), _moment(day), 1)
            return
        referred = clamp(ctx.chance("referral_started", child.org_id, child.admission) + 0.15, 0, 0.9) \
            if may_refer else 0.1
        decision = rng.choices(
            [Decision.TRAUMA_REFERRAL, Decision.OTHER_REFERRAL, Decision.GUIDANCE, Decision.OTHER],
            [referred * 85, referred * 15, (1 - referred) * 85, (1 - referred) * 15])[0]
        signal = c.signal.add(admin_row, str(SignalStatus.DECIDED), day, decided, str(decision), "", None,
                              _moment(day), _moment(decided), 2)
        if decision == Decision.TRAUMA_REFERRAL:
            c.signal_referral[signal] = self._referral(child, p, ReferralKind.TRAUMA_TREATMENT, decided)
        elif decision == Decision.OTHER_REFERRAL:
            self._referral(child, p, ReferralKind.YOUTH_CARE, decided)

    def _referral(self, child: ChildStay, p: int, kind: str, sent: datetime.date) -> int:
        ctx, rng, c = self.ctx, self.rng, self.c
        # A closed pathway is read-only: nothing is recorded on the referral after the discharge.
        today = min(child.discharge or ctx.today, ctx.today)
        events = [(ReferralStatus.SENT, sent)]
        day = sent
        started_share = ctx.chance("referral_started", child.org_id, child.admission)
        path: list[str]
        if rng.random() < started_share:
            path = rng.choices([[ReferralStatus.ACCEPTED, ReferralStatus.STARTED],
                                [ReferralStatus.ACCEPTED, ReferralStatus.WAITING, ReferralStatus.STARTED],
                                [ReferralStatus.STARTED]], [45, 40, 15])[0]
        else:
            path = rng.choices([[ReferralStatus.ACCEPTED, ReferralStatus.WAITING], [ReferralStatus.DECLINED],
                                [ReferralStatus.WAITING], []], [40, 25, 20, 15])[0]
        for status in path:
            day = day + (rng.randint(10, 60) if status == ReferralStatus.STARTED else rng.randint(3, 14)) * DAY
            if day > today:
                break
            events.append((status, day))
        closing = ""
        if events[-1][0] in (ReferralStatus.STARTED, ReferralStatus.DECLINED) or rng.random() < 0.3:
            close_day = day + rng.randint(30, 200) * DAY
            if close_day <= today:
                closing = {ReferralStatus.STARTED: ClosingReason.COMPLETED,
                           ReferralStatus.DECLINED: ClosingReason.OTHER_HELP}.get(
                    events[-1][0], rng.choice([ClosingReason.WITHDRAWN, ClosingReason.LEFT, ClosingReason.NOT_NEEDED]))
                events.append((ReferralStatus.CLOSED, close_day))
        status, since = events[-1]
        row = c.referral.add(p, str(kind), "", rng.choice(REFERRED_TO[ReferralKind(kind)]), "", str(status), sent,
                             since, since if closing else None, str(closing), _moment(sent), _moment(since),
                             len(events))
        for ev_status, on in events:
            c.referral_event.add(row, str(ev_status), on, "", _moment(on))
        return row

    def _other_referrals(self, child: ChildStay, p: int, adm: datetime.date, end: datetime.date) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            sent = adm + rng.randint(7, 80) * DAY
            if sent <= end:
                kind = rng.choices([ReferralKind.YOUTH_CARE, ReferralKind.GP, ReferralKind.SCHOOL_SUPPORT],
                                   [50, 20, 30])[0]
                self._referral(child, p, kind, sent)

    def _network(self, child: ChildStay, p: int, adm: datetime.date, end: datetime.date) -> datetime.date | None:
        rng, c = self.rng, self.c
        day = self._when("network", child, adm, NOMINAL_DEADLINES["network"], end)
        partial = day is None and rng.random() < 0.2 and adm + 10 * DAY <= end
        if day is None and not partial:
            return None
        when = day or adm + 10 * DAY
        for name in rng.sample(NETWORK_NAMES, rng.randint(2, 5) if day else 1):
            relation = NETWORK_RELATION[name]
            member_type = MemberType.PERSON
            quality = rng.choices([Quality.SUPPORTIVE, Quality.NEUTRAL, Quality.RISK], [65, 28, 7])[0]
            safe = quality == Quality.SUPPORTIVE and rng.random() < 0.5
            c.network.add(p, name, str(member_type), str(relation), "", str(quality), quality != Quality.RISK, safe,
                          "", "", _moment(when), _moment(when), 1)
        if partial:
            self._partial_network.add(p)
        return day

    def _support(self, child: ChildStay, p: int, adm: datetime.date, end: datetime.date) -> datetime.date | None:
        rng, c = self.rng, self.c
        day = self._when("parent_support", child, adm, NOMINAL_DEADLINES["parent_support"], end)
        partial = day is None and rng.random() < 0.2 and adm + 7 * DAY <= end
        if day is None and not partial:
            return None
        n = rng.randint(1, 3) if day else 1
        for i in range(n):
            when = (day or adm + 7 * DAY) - (n - 1 - i) * 3 * DAY
            when = max(when, adm)
            kind = rng.choice([SupportKind.CONTACT, SupportKind.OFFER, SupportKind.REFERRAL, SupportKind.SESSION])
            status = str(rng.choice(list(SupportReferralStatus))) if kind == SupportKind.REFERRAL else ""
            participated = (rng.random() < 0.75) if kind == SupportKind.SESSION else None
            c.support.add(p, child.parent_id, str(kind), when, "", "", status, participated, _moment(when),
                          _moment(when), 1)
        if partial:
            self._partial_support.add(p)
        return day

    def _help_plan(self, child: ChildStay, p: int, base: datetime.date, end: datetime.date) -> datetime.date | None:
        ctx, rng, c = self.ctx, self.rng, self.c
        if rng.random() >= clamp(ctx.chance("help_plan", child.org_id, child.admission) + 0.1):
            return None
        drafted = child.admission + rng.randint(10, 30) * DAY
        if drafted > end:
            return None
        adopted = self._when("help_plan", child, base, NOMINAL_DEADLINES["action_plan"], end, done=0.85)
        if adopted is not None and adopted < drafted:
            adopted = drafted
        weeks = 6
        evaluations: list[datetime.date] = []
        if adopted:
            on_time = ctx.chance("evaluation_on_time", child.org_id, child.admission)
            day = adopted
            while True:
                planned = day + weeks * 7 * DAY
                day = planned + (rng.randint(-10, 0) if rng.random() < on_time else rng.randint(1, 45)) * DAY
                if day > end:
                    break
                evaluations.append(day)
        last = evaluations[-1] if evaluations else adopted
        plan = c.plan.add(p, str(PlanStatus.ADOPTED if adopted else PlanStatus.DRAFT), adopted, "", "",
                          last + weeks * 7 * DAY if last else None, _moment(drafted), _moment(last or drafted),
                          2 + len(evaluations) if adopted else 1)
        goals = []
        for order, domain in enumerate(rng.sample(list(Domain), rng.randint(1, 3))):
            start = rng.randint(1, 6)
            goals.append((c.goal.add(plan, str(domain), GOAL_TEXTS[domain], start, order, None, _moment(drafted)),
                          start))
        progress = rng.uniform(-0.3, 1.2)
        for n, day in enumerate(evaluations, start=1):
            evaluation = c.evaluation.add(plan, day, "", "", "", _moment(day))
            for goal, start in goals:
                score = max(0, min(10, round(start + progress * n + rng.uniform(-1, 1))))
                c.score.add(evaluation, goal, score)
        if adopted is None:
            self._draft_plans.add(p)
        return adopted

    def _meldcode(self, child: ChildStay, start: datetime.date, end: datetime.date, source: str) -> None:
        rng, c = self.rng, self.c
        if start > end:
            return
        steps = rng.choices([1, 2, 3, 4, 5], [10, 15, 10, 10, 55])[0]
        day = start
        dates = []
        for _ in range(steps):
            dates.append(day)
            day = day + rng.randint(1, 10) * DAY
            if day > end:
                break
        closed = dates[-1] if len(dates) == 5 else (end if child.discharge and end == child.discharge else None)
        track = c.track.add(child.person_id, start, str(source), closed, _moment(start), _moment(dates[-1]), 1)
        for number, on in enumerate(dates, start=1):
            consulted = number == 2 and rng.random() < 0.6
            questions: list[bool | None] = [None] * 5
            decision, report_date = "", None
            if number == 4:
                questions = [True, rng.random() < 0.4, rng.random() < 0.8, rng.random() < 0.7, rng.random() < 0.6]
            if number == 5:
                decision = str(rng.choices(list(MeldcodeDecision), [30, 35, 20, 15])[0])
                if decision in (MeldcodeDecision.REPORT, MeldcodeDecision.REPORT_AND_HELP):
                    report_date = on
            c.step.add(track, number, on, "", consulted, "", *questions, decision, report_date, "",
                       _moment(on), _moment(on), 1)

    def _course(self, child: ChildStay, p: int, age: int, end: datetime.date) -> None:
        ctx, rng, c = self.ctx, self.rng, self.c
        if rng.random() >= ctx.chance("course", child.org_id, child.admission):
            return
        options = [code for code, low, high in COURSE_FOR_AGE
                   if low <= age <= high and code in ctx.templates and code in ctx.courses[child.org_id]]
        if not options:
            return
        template = ctx.templates[rng.choice(options)]
        wanted = child.admission + rng.randint(14, 50) * DAY
        if wanted > end:
            return
        # Each organisation starts a group of each course every twelve weeks (on a Monday); a child joins the
        # next one.
        block = datetime.date(2000, 1, 3) + ((wanted - datetime.date(2000, 1, 3)).days // 84 + 1) * 84 * DAY
        if block > end:
            return
        serial = 0
        while True:
            key = (child.org_id, template.code, block, serial)
            group = ctx.groups.get(key)
            if group is None:
                group = self._new_group(child.org_id, template, block, serial)
                ctx.groups[key] = group
            if group["children"] < template.max_children:
                break
            serial += 1
        group["children"] += 1
        dates = group["child_dates"]
        last_possible = end
        if dates[-1] <= end:
            status = EnrolmentStatus.COMPLETED if rng.random() < 0.85 else EnrolmentStatus.DROPPED_OUT
        else:  # the course goes on after today, or after the child left
            status = EnrolmentStatus.ENROLLED if child.discharge is None else EnrolmentStatus.DROPPED_OUT
        dropped_on, reason = None, ""
        attended_until = len(dates)
        if status == EnrolmentStatus.DROPPED_OUT:
            if child.discharge is not None and child.discharge < dates[-1]:
                attended_until = sum(1 for d in dates if d <= child.discharge)
                dropped_on, reason = child.discharge, DropoutReason.LEFT
            else:
                attended_until = rng.randint(1, len(dates) - 1)
                dropped_on = dates[attended_until - 1]
                reason = rng.choice([DropoutReason.NOT_MOTIVATED, DropoutReason.TOO_HEAVY, DropoutReason.SAFETY,
                                     DropoutReason.OTHER_HELP, DropoutReason.OTHER])
        enrolment = c.enrolment.add(group["id"], child.person_id, str(status), str(reason), dropped_on,
                                    _moment(wanted), _moment(dropped_on or wanted), 1)
        c.enrolment_group[enrolment] = group
        present_share = rng.uniform(0.7, 0.97)
        for number, (session, day) in enumerate(zip(group["child_sessions"], dates, strict=True), start=1):
            if day > ctx.today or number > attended_until:
                break
            c.attendance.add(session, enrolment, child.person_id, rng.random() < present_share, _moment(day))
        # T0/T1/T2 measurements with their administrations while the pathway is open.
        severity = rng.betavariate(2.4, 3.6)
        due = {Timepoint.T0: dates[0], Timepoint.T1: dates[-1],
               Timepoint.T2: add_months(dates[-1], FOLLOW_UP_MONTHS)}
        effect = {Timepoint.T0: 1.0, Timepoint.T1: rng.uniform(0.35, 1.05), Timepoint.T2: rng.uniform(0.3, 1.1)}
        for instrument_id in template.instruments or []:
            inst = ctx.instruments.get(instrument_id)
            if inst is None or not inst.fits_age(age_on(child.birth_date, dates[0])):
                continue
            for timepoint, due_on in due.items():
                administration = None
                taken = due_on + rng.randint(-3, 5) * DAY if timepoint != Timepoint.T0 else due_on - rng.randint(0, 5) * DAY
                measured = (taken <= last_possible and taken >= child.admission
                            and not (status == EnrolmentStatus.DROPPED_OUT and timepoint != Timepoint.T0)
                            and rng.random() < 0.9)
                if measured:
                    _day, administration, _clinical = self._administration(
                        child, p, instrument_id, taken, clamp(severity * effect[timepoint], 0, 1), complete=True)
                m = c.measurement.add(enrolment, str(timepoint), instrument_id, due_on, None, _moment(dates[0]),
                                      _moment(taken if measured else dates[0]), 2 if measured else 1)
                if administration is not None:
                    c.measurement_admin[m] = administration

    def _new_group(self, org_id: int, template: CourseTemplate, start: datetime.date, serial: int) -> dict[str, Any]:
        c = self.c
        child_dates = [start + 7 * n * DAY for n in range(template.sessions)]
        parent_dates = [start + 7 * n * DAY for n in range(template.parent_sessions)]
        today = self.ctx.today
        status = (GroupStatus.COMPLETED if child_dates[-1] < today
                  else GroupStatus.RUNNING if start <= today else GroupStatus.PLANNED)
        name = f"{template.name} {start:%d-%m-%Y}" + (f" ({serial + 1})" if serial else "")
        row = c.group.add(template.pk, org_id, name, None, "", start, template.max_children, str(status),
                          _moment(start - 14 * DAY), _moment(start), 1)
        group = {"row": row, "id": None, "children": 0, "child_dates": child_dates, "child_sessions": [],
                 "session_rows": []}
        topics = template.topics or []
        for n, day in enumerate(child_dates, start=1):
            topic = topics[n - 1] if n <= len(topics) and isinstance(topics[n - 1], str) else ""
            group["session_rows"].append(c.session.add(row, n, day, str(SessionKind.CHILD), topic[:200], "", False,
                                                       _moment(day), _moment(day), 1))
        for n, day in enumerate(parent_dates, start=1):
            c.session.add(row, n, day, str(SessionKind.PARENT), "", "", False, _moment(day), _moment(day), 1)
        group["child_sessions"] = [_SessionRef(r) for r in group["session_rows"]]  # rows until the ids are known
        c.new_groups.append(group)
        return group


# =====================================================================================
# Writing a chunk
# =====================================================================================
def write_chunk(children: Sequence[ChildStay], ctx: Context, rng: random.Random, writer: Writer) -> None:
    """Simulate and insert everything recorded for these child stays (a fixed number of queries)."""
    c = Chunk()
    sim = Simulation(ctx, c, rng)
    sim.reset()
    for child in children:
        p = c.pathway.add(child.stay_id, ctx.methodology[child.org_id].pk, _moment(child.admission), None, {})
        sim.run(child, p)

    ids = writer.insert(c.pathway, ids=True)
    _resolve(c.activity, 0, ids)
    writer.insert(c.activity)
    for table in (c.intake, c.parenting, c.network, c.support):
        _resolve(table, 0, ids)
        writer.insert(table)

    _resolve(c.father, 0, ids)
    _resolve(c.attempt, 0, writer.insert(c.father, ids=True))
    writer.insert(c.attempt)

    _resolve(c.safety, 0, ids)
    plan_ids = writer.insert(c.safety, ids=True)
    _resolve(c.revision, 0, plan_ids)
    revision_ids = writer.insert(c.revision, ids=True)
    # The adopted revision of each plan (after _resolve, a revision row's first column is its plan's id).
    writer.update(SafetyPlan, "adopted_revision_id", [
        (revision_ids[i], row[0]) for i, row in enumerate(c.revision.rows) if row[2] == SafetyStatus.ADOPTED
    ])

    _resolve(c.referral, 0, ids)
    referral_ids = writer.insert(c.referral, ids=True)
    _resolve(c.referral_event, 0, referral_ids)
    writer.insert(c.referral_event)

    # Groups and sessions made in this chunk (later chunks reuse them by id).
    group_ids = writer.insert(c.group, ids=True)
    for group in c.new_groups:
        group["id"] = group_ids[group["row"]]
    _resolve(c.session, 0, group_ids)
    session_ids = writer.insert(c.session, ids=True)
    for group in c.new_groups:
        group["child_sessions"] = [session_ids[r] for r in group["session_rows"]]
    for row_index, row in enumerate(c.enrolment.rows):
        row[0] = c.enrolment_group[row_index]["id"]
    # Attendance rows were made with session rows (new groups) or ids (groups of earlier chunks): fix up.
    for row in c.attendance.rows:
        if isinstance(row[0], _SessionRef):
            row[0] = session_ids[row[0].row]

    _resolve(c.admin, 0, ids)
    admin_ids = writer.insert(c.admin, ids=True)
    for signal_row in c.signal.rows:
        signal_row[0] = admin_ids[signal_row[0]]
    for signal, referral in c.signal_referral.items():
        c.signal.rows[signal][6] = referral_ids[referral]
    writer.insert(c.signal)

    enrolment_ids = writer.insert(c.enrolment, ids=True)
    _resolve(c.attendance, 1, enrolment_ids)
    writer.insert(c.attendance)
    _resolve(c.measurement, 0, enrolment_ids)
    for m, a in c.measurement_admin.items():
        c.measurement.rows[m][4] = admin_ids[a]
    writer.insert(c.measurement)

    _resolve(c.plan, 0, ids)
    help_plan_ids = writer.insert(c.plan, ids=True)
    _resolve(c.goal, 0, help_plan_ids)
    goal_ids = writer.insert(c.goal, ids=True)
    _resolve(c.evaluation, 0, help_plan_ids)
    evaluation_ids = writer.insert(c.evaluation, ids=True)
    _resolve(c.score, 0, evaluation_ids)
    _resolve(c.score, 1, goal_ids)
    writer.insert(c.score)

    track_ids = writer.insert(c.track, ids=True)
    _resolve(c.step, 0, track_ids)
    writer.insert(c.step)


def _resolve(table: Table, column: int, ids: Sequence[int]) -> None:
    """Replace the row indexes in ``column`` by the ids read back."""
    for row in table.rows:
        if row[column] is not None:
            row[column] = ids[row[column]]

