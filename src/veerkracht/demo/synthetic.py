"""Synthetic data: a small demo (through the services, so the access log is real) and a
national-scale data set for benchmarks (bulk inserts, one summary audit event).

Every name, address and date here is made up (Faker nl_NL, seeded). Nothing runs when
``settings.DEMO_MODE`` is off.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients import services
from veerkracht.clients.models import (
    Authority,
    CareType,
    Destination,
    Household,
    ParentChild,
    Person,
    PersonKind,
    Relationship,
    Stay,
    StayReason,
)
from veerkracht.organisations.models import Location, LocationKind, Membership, Organisation, Region, Team
from veerkracht.pathway.models import Methodology

from . import generate_records as records

DEMO_PASSWORD = "Veerkracht-demo-2026"  # demo only: never used outside DEMO_MODE  # noqa: S105
DEFAULT_SEED = 2026

# --- distributions (docs: /work/shared/domain.md section 4; numbers not given there are estimates) ---
REASONS = [StayReason.DOMESTIC_VIOLENCE, StayReason.HOMELESSNESS, StayReason.OTHER]
REASON_WEIGHTS = [80, 15, 5]
DESTINATIONS = [
    Destination.OWN_HOME,
    Destination.BACK_HOME,
    Destination.FAMILY,
    Destination.OTHER_SHELTER,
    Destination.SUPPORTED_HOUSING,
    Destination.YOUTH_CARE,
    Destination.UNKNOWN,
    Destination.OTHER,
]
DESTINATION_WEIGHTS = [30, 12, 15, 10, 15, 3, 10, 5]
CHILDREN_PER_HOUSEHOLD = [1, 2, 3, 4, 5]
CHILDREN_WEIGHTS = [50, 30, 12, 5, 3]  # mean 1.81
# Younger children are more common in shelters than teenagers.
AGE_CUM_WEIGHTS = list(__import__("itertools").accumulate(18 - 0.6 * age for age in range(18)))
MOTHER_AUTHORITY = ([Authority.YES, Authority.NO, Authority.UNKNOWN], [85, 5, 10])
CAREGIVER_AUTHORITY = ([Authority.YES, Authority.NO, Authority.UNKNOWN], [20, 50, 30])
FATHER_AUTHORITY = ([Authority.YES, Authority.NO, Authority.UNKNOWN], [40, 35, 25])


def ensure_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise CommandError(
            "Demo mode is off (production or VEERKRACHT_DEMO=false): synthetic data and demo accounts are refused here."
        )


def _birth_date(rng: random.Random, on: datetime.date, age: int) -> datetime.date:
    """A birth date such that the person is exactly ``age`` on ``on`` (0 <= age)."""
    return on - datetime.timedelta(days=age * 365 + age // 4 + rng.randint(0, 364))


def _child_age(rng: random.Random) -> int:
    return rng.choices(range(18), cum_weights=AGE_CUM_WEIGHTS)[0]


# =====================================================================================
# seed_demo: the small demo
# =====================================================================================
DEMO_REGIONS = [("UTR", "Regio Utrecht"), ("GLZ", "Regio Gelderland-Zuid")]
# (short code, name, region code, [(location name, kind)], [team names], households)
DEMO_ORGANISATIONS = [
    (
        "RGB",
        "Stichting De Regenboog",
        "UTR",
        [
            ("De Linde", "shelter"),
            ("Het Zonnehuis", "shelter"),
            ("De Haven", "shelter"),
            ("Ambulant team Utrecht", "ambulant"),
        ],
        ["Team Kind & Gezin", "Team Ambulant"],
        24,
    ),
    (
        "WLK",
        "Vrouwenopvang Waalkant",
        "GLZ",
        [("De Eik", "shelter"), ("Het Anker", "shelter"), ("Ambulant team Nijmegen", "ambulant")],
        ["Team Nijmegen"],
        10,
    ),
    (
        "BKN",
        "Stichting Het Baken",
        "UTR",
        [("De Vuurtoren", "shelter"), ("Ambulant team Amersfoort", "ambulant")],
        ["Team Baken"],
        6,
    ),
]
# (username, role, organisation short code or None, region code or None, first name, last name)
DEMO_ACCOUNTS = [
    ("kinderwerker", Role.KINDERWERKER, "RGB", None, "Kim", "Kinderwerker"),
    ("mentor", Role.MENTOR, "RGB", None, "Meryem", "Mentor"),
    ("gedragswetenschapper", Role.GEDRAGSWETENSCHAPPER, "RGB", None, "Gerda", "Gedragswetenschapper"),
    ("teamleider", Role.TEAMLEIDER, "RGB", None, "Tessa", "Teamleider"),
    ("beheerder", Role.FUNCTIONEEL_BEHEERDER, "RGB", None, "Bart", "Beheerder"),
    ("logbeheerder", Role.LOGBEHEERDER, "RGB", None, "Lotte", "Logbeheerder"),
    ("kinderwerker2", Role.KINDERWERKER, "WLK", None, "Kees", "Kinderwerker"),
    ("kinderwerker3", Role.KINDERWERKER, "BKN", None, "Karin", "Kinderwerker"),
    ("gemeente", Role.GEMEENTE, None, "UTR", "Gijs", "Gemeente"),
    ("gemeente2", Role.GEMEENTE, None, "GLZ", "Gonny", "Gemeente"),
]
# Who registers the households of each demo organisation (and is their mentor / child worker).
DEMO_REGISTRAR = {"RGB": "mentor", "WLK": "kinderwerker2", "BKN": "kinderwerker3"}
DEMO_CHILD_WORKER = {"RGB": "kinderwerker", "WLK": "kinderwerker2", "BKN": "kinderwerker3"}


@dataclass
class PlannedPerson:
    first_name: str
    last_name: str
    birth_date: datetime.date
    gender: str
    authority: str = Authority.UNKNOWN  # child: authority of the staying parent
    kind: str = PersonKind.CHILD
    relationship: str = Relationship.BIOLOGICAL


@dataclass
class PlannedFather:
    first_name: str
    last_name: str
    birth_date: datetime.date
    children: list[tuple[int, str]]  # (index of the child, authority)


@dataclass
class PlannedHousehold:
    org_code: str
    location_index: int
    care_type: str
    admission_date: datetime.date
    reason: str
    parent: PlannedPerson
    children: list[PlannedPerson]
    fathers: list[PlannedFather] = field(default_factory=list)
    state: str = "in_care"  # in_care | discharged | transferred | transferred_discharged
    transfer_date: datetime.date | None = None
    discharge_date: datetime.date | None = None
    destination: str = ""
    with_child_worker: list[bool] = field(default_factory=list)


def plan_demo(seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> list[PlannedHousehold]:
    """The demo households as data: the same seed gives the same names, ages and states."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    plan: list[PlannedHousehold] = []
    used: set[tuple[str, str, datetime.date]] = set()

    def unique(first: Callable[[], str], last: str, birth: datetime.date) -> str:
        name = first()
        while (name, last, birth) in used:
            name = first()
        used.add((name, last, birth))
        return name

    for code, _name, _region, locations, _teams, count in DEMO_ORGANISATIONS:
        for _ in range(count):
            state = rng.choices(
                ["in_care", "discharged", "transferred", "transferred_discharged"], [50, 32, 12, 6]
            )[0]
            if state == "in_care":
                admission = today - datetime.timedelta(days=rng.randint(1, 120))
            elif state == "transferred":
                admission = today - datetime.timedelta(days=rng.randint(40, 200))
            else:
                admission = today - datetime.timedelta(days=rng.randint(60, 700))
            loc_index = rng.randrange(len(locations))
            care_type = CareType.AMBULANT if locations[loc_index][1] == "ambulant" else CareType.RESIDENTIAL
            n_children = rng.choices(CHILDREN_PER_HOUSEHOLD, CHILDREN_WEIGHTS)[0]
            ages = sorted((_child_age(rng) for _ in range(n_children)), reverse=True)
            caregiver = rng.random() < 0.1
            mother_last = fake.last_name()
            parent_age = (
                min(ages[0] + rng.randint(18, 30), 55) if not caregiver else ages[0] + rng.randint(35, 50)
            )
            parent_birth = _birth_date(rng, admission, parent_age)
            if caregiver:
                gender = "f" if rng.random() < 0.7 else "m"
                first = fake.first_name_female if gender == "f" else fake.first_name_male
                parent = PlannedPerson(
                    unique(first, mother_last, parent_birth),
                    mother_last,
                    parent_birth,
                    gender,
                    kind=PersonKind.CAREGIVER,
                    relationship=Relationship.OTHER,
                )
                authority_choices = CAREGIVER_AUTHORITY
            else:
                parent = PlannedPerson(
                    unique(fake.first_name_female, mother_last, parent_birth),
                    mother_last,
                    parent_birth,
                    "f",
                    kind=PersonKind.MOTHER,
                )
                authority_choices = MOTHER_AUTHORITY
            # Fathers: none registered, one, or two (children of different fathers).
            n_fathers = 0 if caregiver else rng.choices([0, 1, 2], [15, 65, 20])[0]
            if n_children < 2:
                n_fathers = min(n_fathers, 1)
            father_names = [fake.last_name() for _ in range(n_fathers)]
            split = rng.randint(1, n_children - 1) if n_fathers == 2 else n_children
            children: list[PlannedPerson] = []
            for i, age in enumerate(ages):
                if n_fathers and rng.random() < 0.7:
                    last = father_names[0 if i < split else 1]
                else:
                    last = mother_last
                gender = rng.choices(["f", "m", "u"], [48, 48, 4])[0]
                first_fn = {"f": fake.first_name_female, "m": fake.first_name_male}.get(
                    gender, fake.first_name
                )
                birth = _birth_date(rng, admission, age)
                children.append(
                    PlannedPerson(
                        unique(first_fn, last, birth),
                        last,
                        birth,
                        gender,
                        authority=rng.choices(*authority_choices)[0],
                        relationship=Relationship.OTHER if caregiver else Relationship.BIOLOGICAL,
                    )
                )
            fathers = []
            for f in range(n_fathers):
                indexes = (
                    [i for i in range(n_children) if (i < split) == (f == 0)]
                    if n_fathers == 2
                    else list(range(n_children))
                )
                father_birth = _birth_date(rng, admission, parent_age + rng.randint(-2, 8))
                fathers.append(
                    PlannedFather(
                        unique(fake.first_name_male, father_names[f], father_birth),
                        father_names[f],
                        father_birth,
                        [(i, rng.choices(*FATHER_AUTHORITY)[0]) for i in indexes],
                    )
                )
            hh = PlannedHousehold(
                code,
                loc_index,
                care_type,
                admission,
                rng.choices(REASONS, REASON_WEIGHTS)[0],
                parent,
                children,
                fathers,
                state,
                with_child_worker=[rng.random() < 0.7 for _ in children],
            )
            if state.startswith("transferred") and len(locations) > 1:
                hh.transfer_date = admission + datetime.timedelta(days=rng.randint(5, 30))
            else:
                hh.state = (
                    "discharged"
                    if state == "transferred_discharged"
                    else ("in_care" if state == "transferred" else state)
                )
            if hh.state in ("discharged", "transferred_discharged"):
                start = hh.transfer_date or admission
                hh.discharge_date = min(
                    start + datetime.timedelta(days=rng.randint(14, 200)), today - datetime.timedelta(days=1)
                )
                hh.destination = rng.choices(DESTINATIONS, DESTINATION_WEIGHTS)[0]
            plan.append(hh)
    # A few families have been in care for most of a year (no housing found yet): the first five in care at
    # the first organisation with a child of 7 to 11, so that its oldest group course (about nine months ago)
    # has children measured six months after it (T2). Done after the draws, so the rest stays as it was.
    long_ago = datetime.timedelta(days=300)
    long_stays = [
        hh for hh in plan
        if hh.org_code == DEMO_ORGANISATIONS[0][0] and hh.state == "in_care" and hh.transfer_date is None
        and all(c.birth_date < hh.admission_date - long_ago for c in hh.children)
        and any(7 <= (today - c.birth_date).days // 365 <= 11 for c in hh.children)
    ][:5]
    for hh in long_stays:
        hh.admission_date -= long_ago
    return plan


@dataclass
class DemoAccount:
    username: str
    role: str
    organisation: str
    created: bool


def _ensure_structure(
    fake: Faker,
) -> tuple[dict[str, Region], dict[str, Organisation], dict[str, list[Location]], dict[str, list[Team]]]:
    regions = {}
    for code, name in DEMO_REGIONS:
        # by code or by name: `generate` may already have made a region with this name
        region = Region.objects.filter(code=code).first() or Region.objects.filter(name=name).first()
        if region is None:
            region = Region.objects.create(code=code, name=name)
        regions[code] = region
    orgs, locations, teams = {}, {}, {}
    for code, name, region_code, locs, team_names, _count in DEMO_ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(short_code=code, defaults={"name": name})
        org.regions.add(regions[region_code])
        orgs[code] = org
        locations[code] = []
        for loc_name, kind in locs:
            address = fake.address().replace(
                "\n", ", "
            )  # drawn every run, so the sequence stays deterministic
            loc, _ = Location.objects.get_or_create(
                organisation=org,
                name=loc_name,
                defaults={"kind": kind, "region": regions[region_code], "address": address},
            )
            locations[code].append(loc)
        teams[code] = []
        for i, team_name in enumerate(team_names):
            team, _ = Team.objects.get_or_create(organisation=org, name=team_name)
            # The first team holds the shelters, a team named "Ambulant" holds the ambulant teams.
            ambulant_team = "Ambulant" in team_name
            team_locs = [
                loc for loc in locations[code] if (loc.kind == LocationKind.AMBULANT) == ambulant_team
            ]
            if i == 0 and len(team_names) == 1:
                team_locs = locations[code]
            team.locations.set(team_locs)
            teams[code].append(team)
    return regions, orgs, locations, teams


def _ensure_accounts(
    regions: dict[str, Region], orgs: dict[str, Organisation], teams: dict[str, list[Team]]
) -> tuple[dict[str, User], list[DemoAccount]]:
    users: dict[str, User] = {}
    report: list[DemoAccount] = []
    encoded: str | None = None  # hashed once (PBKDF2 takes seconds) and shared: demo accounts only
    for username, role, org_code, region_code, first, last in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if user is not None and not user.is_demo:
            raise CommandError(
                f"A real (non-demo) account named {username!r} exists; refusing to turn it into a demo account."
            )
        if user is None:
            encoded = encoded or make_password(DEMO_PASSWORD)
            user = User(username=username, first_name=first, last_name=last, is_demo=True, password=encoded)
            user.save()
        membership, _ = Membership.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "organisation": orgs[org_code] if org_code else None,
                "region": regions[region_code] if region_code else None,
            },
        )
        if org_code and role in (Role.KINDERWERKER, Role.MENTOR, Role.TEAMLEIDER):
            membership.teams.set(teams[org_code][:1] if role != Role.TEAMLEIDER else teams[org_code])
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        user.__dict__.pop("_membership_cache", None)
        users[username] = user
        report.append(
            DemoAccount(
                username, str(role), orgs[org_code].name if org_code else regions[region_code].name, created
            )
        )
    return users, report


def _register(
    hh: PlannedHousehold,
    *,
    locations: list[Location],
    team: Team,
    actor: User,
    child_worker: User,
    mentor: User | None,
    seed: int = DEFAULT_SEED,
) -> int:
    parent = services.ParentData(
        hh.parent.first_name,
        hh.parent.last_name,
        hh.parent.birth_date,
        kind=hh.parent.kind,
        gender=hh.parent.gender,
    )
    children = [
        services.ChildData(
            c.first_name,
            c.last_name,
            c.birth_date,
            gender=c.gender,
            authority=c.authority,
            relationship=c.relationship,
            child_worker=child_worker if worker else None,
        )
        for c, worker in zip(hh.children, hh.with_child_worker, strict=True)
    ]
    location = locations[hh.location_index]
    household = services.do_register_household(
        services.Registration(
            location=location,
            care_type=hh.care_type,
            admission_date=hh.admission_date,
            reason=hh.reason,
            parent=parent,
            children=children,
            team=team,
            mentor=mentor,
        ),
        actor=actor,
    )
    child_persons = list(household.members.filter(kind=PersonKind.CHILD).order_by("id"))
    for father in hh.fathers:
        services.do_add_father(
            household,
            first_name=father.first_name,
            last_name=father.last_name,
            birth_date=father.birth_date,
            children=[(child_persons[i], authority) for i, authority in father.children],
            actor=actor,
        )
    if hh.transfer_date or hh.discharge_date:
        stays = Stay.objects.filter(person__household=household).select_related("person")
        for stay in stays:
            if hh.transfer_date:
                others = [
                    loc for loc in locations if loc.pk != stay.location_id and loc.kind == location.kind
                ] or [loc for loc in locations if loc.pk != stay.location_id]
                services.do_transfer(
                    stay,
                    to_location=others[0],
                    date=hh.transfer_date,
                    expected_version=stay.version,
                    actor=actor,
                )
            if hh.discharge_date and stay.person.kind == PersonKind.CHILD and hasattr(stay, "pathway"):
                from veerkracht.demo.pathways import close_discharged_pathway

                stay.refresh_from_db()
                close_discharged_pathway(
                    stay, discharge_date=hh.discharge_date, destination=hh.destination, actor=actor, seed=seed
                )
            elif hh.discharge_date:
                services.do_discharge(
                    stay,
                    discharge_date=hh.discharge_date,
                    destination=hh.destination,
                    expected_version=stay.version,
                    actor=actor,
                )
    return len(hh.children)


def seed_demo(seed: int = DEFAULT_SEED, *, stdout: Any = None) -> dict[str, Any]:
    """Create (or complete) the demo. Running it again changes nothing that exists."""
    ensure_demo_mode()
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 1)
    with transaction.atomic():
        regions, orgs, locations, teams = _ensure_structure(fake)
        users, accounts = _ensure_accounts(regions, orgs, teams)
    plan = plan_demo(seed)
    households = children = 0
    for code, *_rest in DEMO_ORGANISATIONS:
        org = orgs[code]
        if Household.objects.filter(organisation=org).exists():
            continue  # this organisation already has its demo households
        actor = users[DEMO_REGISTRAR[code]]
        mentor = users["mentor"] if code == "RGB" else None
        for hh in (h for h in plan if h.org_code == code):
            children += _register(
                hh,
                locations=locations[code],
                team=teams[code][0],
                actor=actor,
                child_worker=users[DEMO_CHILD_WORKER[code]],
                mentor=mentor,
                seed=seed,
            )
            households += 1
        from veerkracht.demo.pathways import seed_pathways

        seed_pathways(org, actor=actor, seed=seed)
    record(
        actor=None,
        action=Action.CREATE,
        object_type="demo.seed_demo",
        detail=f"seed={seed} households={households} children={children}",
    )
    return {"accounts": accounts, "households": households, "children": children}


def remove_demo_accounts() -> int:
    """Delete every demo account (its membership and devices go with it).

    Records that name their author for accountability protect a real account from deletion.
    What a demo account recorded is synthetic: its consent decisions and refusal-procedure
    steps are removed with it, and an exception to a contact ban it granted loses its grantor
    (the audit trail keeps the row that records the removal).
    """
    from veerkracht.consent.models import ConsentRecord, ProcedureStep
    from veerkracht.fathers.models import FatherContact

    with transaction.atomic():
        users = User.objects.filter(is_demo=True)
        names = sorted(users.values_list("username", flat=True))
        count = len(names)
        ProcedureStep.objects.filter(by__in=users).delete()
        ConsentRecord.objects.filter(recorded_by__in=users).delete()
        FatherContact.objects.filter(override_granted_by__in=users).update(override_granted_by=None)
        users.delete()
        if count:
            record(
                actor=None,
                action=Action.DELETE,
                object_type="accounts.user",
                detail=f"demo accounts removed: {count}",
            )
    return count


def current_code(username: str) -> tuple[str, int]:
    """The current TOTP code of a demo user's confirmed device and the seconds it stays valid."""
    ensure_demo_mode()
    from django_otp.oath import TOTP

    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    if not user.is_demo:
        raise CommandError(f"{username!r} is not a demo account; codes are shown for demo accounts only.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        raise CommandError(f"{username!r} has no confirmed authenticator device.")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    import time

    now = time.time()
    totp.time = now
    remaining = int(device.step - ((now - device.t0) % device.step))
    return f"{totp.token():0{device.digits}d}", remaining


# =====================================================================================
# generate: national scale, bulk inserts
# =====================================================================================
CENTRUMGEMEENTEN = [
    "Groningen",
    "Leeuwarden",
    "Assen",
    "Zwolle",
    "Enschede",
    "Deventer",
    "Apeldoorn",
    "Arnhem",
    "Nijmegen",
    "Ede",
    "Amersfoort",
    "Utrecht",
    "Hilversum",
    "Haarlem",
    "Alkmaar",
    "Den Helder",
    "Zaanstad",
    "Amsterdam",
    "Leiden",
    "Den Haag",
    "Delft",
    "Gouda",
    "Rotterdam",
    "Dordrecht",
    "Middelburg",
    "Bergen op Zoom",
    "Breda",
    "Tilburg",
    "'s-Hertogenbosch",
    "Eindhoven",
    "Helmond",
    "Venlo",
    "Roermond",
    "Heerlen",
    "Maastricht",
]
N_ORGANISATIONS = 24


def _ensure_national(fake: Faker, rng: random.Random) -> list[tuple[Organisation, list[Location]]]:
    regions = []
    for i, city in enumerate(CENTRUMGEMEENTEN, start=1):
        region = Region.objects.filter(name=f"Regio {city}").first()
        if region is None:
            region = Region.objects.create(name=f"Regio {city}", code=f"CG{i:02d}")
        regions.append(region)
    result = []
    for i in range(N_ORGANISATIONS):
        own = [regions[i]] + ([regions[N_ORGANISATIONS + i]] if N_ORGANISATIONS + i < len(regions) else [])
        city = CENTRUMGEMEENTEN[i]
        org, created = Organisation.objects.get_or_create(
            short_code=f"S{i + 1:02d}", defaults={"name": f"Vrouwenopvang {city} (synthetisch)"}
        )
        if created:
            org.regions.set(own)
            locs = []
            for j, region in enumerate([own[0], own[0], own[-1]]):
                locs.append(
                    Location(
                        organisation=org,
                        name=f"Opvanghuis {j + 1} {city}",
                        kind=LocationKind.SHELTER,
                        region=region,
                        address=fake.address().replace("\n", ", "),
                    )
                )
            locs.append(
                Location(
                    organisation=org,
                    name=f"Ambulant team {city}",
                    kind=LocationKind.AMBULANT,
                    region=own[0],
                    address=fake.address().replace("\n", ", "),
                )
            )
            Location.objects.bulk_create(locs)
            team = Team.objects.create(organisation=org, name=f"Team {city}")
            team.locations.set(Location.objects.filter(organisation=org))
        result.append((org, list(Location.objects.filter(organisation=org, active=True).order_by("id"))))
    return result


# Names of the record tables in generate's summary.
_COUNT_NAMES = {
    "pathway.pathway": "pathways",
    "pathway.pathwayactivity": "activities",
    "intake.intakerecord": "intakes",
    "fathers.fathercontact": "father_contacts",
    "fathers.contactattempt": "contact_attempts",
    "safety.safetyplan": "safety_plans",
    "safety.safetyplanrevision": "safety_plan_revisions",
    "screening.administration": "screenings",
    "screening.signal": "signals",
    "referrals.referral": "referrals",
    "referrals.referralevent": "referral_events",
    "family.parentingassessment": "parenting",
    "network.networkmember": "network_members",
    "family.parentsupportitem": "parent_support_items",
    "plans.helpplan": "help_plans",
    "plans.goal": "goals",
    "plans.evaluation": "evaluations",
    "plans.goalscore": "goal_scores",
    "meldcode.meldcodetrack": "meldcode_tracks",
    "meldcode.meldcodestep": "meldcode_steps",
    "courses.group": "course_groups",
    "courses.session": "course_sessions",
    "courses.enrolment": "enrolments",
    "courses.attendance": "attendances",
    "courses.measurement": "measurements",
}


def _insert_rows(
    model: type[Any], field_names: list[str], rows: list[tuple[Any, ...]], batch_size: int
) -> None:
    """INSERT prepared rows with executemany (no encrypted or computed fields may be among them)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assert not any(getattr(f, "encrypted", False) for f in fields)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[i : i + batch_size])


def generate(
    children: int,
    years: int,
    seed: int = DEFAULT_SEED,
    *,
    progress: bool = True,
    batch_size: int = 5000,
    today: datetime.date | None = None,
    favour: dict[str, float] | None = None,
    others: float = 1.0,
) -> dict[str, int]:
    """Bulk-generate ``children`` children (with households, parents, fathers, relations and stays)
    admitted evenly over the last ``years`` years. ``favour``: region name -> factor on the share of the
    organisations serving that region, ``others`` the factor for the rest (the demo gives its gemeente's
    region enough children to publish, and a few other regions the rest)."""
    ensure_demo_mode()
    from tqdm import tqdm

    if children < 1 or years < 1:
        raise CommandError("--children and --years must be at least 1.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    female = [fake.first_name_female() for _ in range(600)]
    male = [fake.first_name_male() for _ in range(600)]
    last_names = [fake.last_name() for _ in range(1500)]
    span_days = years * 365
    counts = {"households": 0, "children": 0, "parents": 0, "fathers": 0, "stays": 0, "relations": 0}

    with transaction.atomic():
        orgs = _ensure_national(fake, rng)
        org_weights = [rng.uniform(0.5, 2.0) for _ in orgs]
        if favour:
            served = {org.pk: {r.name for r in org.regions.all()} for org, _locs in orgs}
            org_weights = [w * max([favour.get(name, others) for name in served[org.pk]] or [others])
                           for w, (org, _locs) in zip(org_weights, orgs, strict=True)]
        if not Methodology.objects.exists():
            call_command("load_methodologies", stdout=StringIO())
        context = records.Context([org.pk for org, _ in orgs], today=today, rng=rng)
        writer = records.Writer()
        next_number = {org.pk: org.next_client_number for org, _ in orgs}
        bar = tqdm(total=children, unit="child", disable=not progress, desc="generate")
        remaining = children
        while remaining > 0:
            # One chunk: plan households until about batch_size children, then four bulk inserts.
            planned: list[dict[str, Any]] = []
            chunk_children = 0
            while chunk_children < batch_size and remaining > 0:
                n = min(rng.choices(CHILDREN_PER_HOUSEHOLD, CHILDREN_WEIGHTS)[0], remaining)
                remaining -= n
                chunk_children += n
                org, locs = rng.choices(orgs, org_weights)[0]
                loc = rng.choice(locs)
                admission = today - datetime.timedelta(days=rng.randrange(span_days))
                length = (
                    rng.lognormvariate(5.0, 0.6)
                    if loc.kind == LocationKind.AMBULANT
                    else rng.lognormvariate(4.5, 0.7)
                )
                discharge: datetime.date | None = admission + datetime.timedelta(days=max(1, int(length)))
                destination = rng.choices(DESTINATIONS, DESTINATION_WEIGHTS)[0]
                if discharge >= today:  # type: ignore[operator]
                    discharge, destination = None, ""
                planned.append(
                    {
                        "org": org,
                        "loc": loc,
                        "n": n,
                        "admission": admission,
                        "discharge": discharge,
                        "destination": destination,
                        "reason": rng.choices(REASONS, REASON_WEIGHTS)[0],
                    }
                )
            households = []
            for p in planned:
                number = next_number[p["org"].pk]
                next_number[p["org"].pk] = number + 1
                households.append(
                    Household(organisation_id=p["org"].pk, reference=f"H{p['org'].short_code}-{number:06d}")
                )
            Household.objects.bulk_create(households, batch_size=batch_size)

            persons: list[Person] = []
            roles: list[tuple[int, str, int]] = []  # (planned index, role, child index or father index)
            links_plan: list[
                tuple[int, int, str, str]
            ] = []  # (parent person index, child person index, authority, relationship)
            for h_index, (p, household) in enumerate(zip(planned, households, strict=True)):
                org = p["org"]
                admission = p["admission"]
                ages = sorted((_child_age(rng) for _ in range(p["n"])), reverse=True)
                caregiver = rng.random() < 0.08
                mother_last = rng.choice(last_names)
                parent_age = min(ages[0] + rng.randint(18, 30), 55)

                def client(
                    kind: str,
                    first: str,
                    last: str,
                    birth: datetime.date,
                    gender: str,
                    org: Organisation = org,
                    household: Household = household,
                    persons: list[Person] = persons,
                ) -> int:
                    number = next_number[org.pk]
                    next_number[org.pk] = number + 1
                    persons.append(
                        Person(
                            organisation_id=org.pk,
                            household_id=household.pk,
                            kind=kind,
                            first_name=first,
                            last_name=last,
                            birth_date=birth,
                            gender=gender,
                            client_number=f"{org.short_code}-{number:06d}",
                        )
                    )
                    return len(persons) - 1

                parent_index = client(
                    PersonKind.CAREGIVER if caregiver else PersonKind.MOTHER,
                    rng.choice(female),
                    mother_last,
                    _birth_date(rng, admission, parent_age),
                    "f",
                )
                roles.append((h_index, "parent", parent_index))
                n_fathers = 0 if caregiver else rng.choices([0, 1, 2], [15, 65, 20])[0]
                if p["n"] < 2:
                    n_fathers = min(n_fathers, 1)
                split = rng.randint(1, p["n"] - 1) if n_fathers == 2 else p["n"]
                father_last = [rng.choice(last_names) for _ in range(n_fathers)]
                child_indexes = []
                for i, age in enumerate(ages):
                    last = (
                        father_last[0 if i < split else 1]
                        if n_fathers and rng.random() < 0.7
                        else mother_last
                    )
                    gender = "f" if rng.random() < 0.49 else ("m" if rng.random() < 0.96 else "u")
                    first = rng.choice(female if gender == "f" else male)
                    c = client(PersonKind.CHILD, first, last, _birth_date(rng, admission, age), gender)
                    roles.append((h_index, "child", c))
                    child_indexes.append(c)
                    authority = rng.choices(*(CAREGIVER_AUTHORITY if caregiver else MOTHER_AUTHORITY))[0]
                    links_plan.append(
                        (
                            parent_index,
                            c,
                            authority,
                            Relationship.OTHER if caregiver else Relationship.BIOLOGICAL,
                        )
                    )
                for f in range(n_fathers):
                    persons.append(
                        Person(
                            organisation_id=org.pk,
                            household_id=household.pk,
                            kind=PersonKind.FATHER,
                            first_name=rng.choice(male),
                            last_name=father_last[f],
                            birth_date=_birth_date(rng, admission, parent_age + rng.randint(-2, 8)),
                            gender="m",
                            client_number=None,
                        )
                    )
                    fi = len(persons) - 1
                    counts["fathers"] += 1
                    for i, c in enumerate(child_indexes):
                        if n_fathers == 1 or (i < split) == (f == 0):
                            links_plan.append(
                                (fi, c, rng.choices(*FATHER_AUTHORITY)[0], Relationship.BIOLOGICAL)
                            )
            Person.objects.bulk_create(persons, batch_size=batch_size)

            # Stays and relations need no ids back: plain executemany, without the ORM's per-row work.
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            date = connection.ops.adapt_datefield_value
            stay_rows = []
            for h_index, role, person_index in roles:
                p = planned[h_index]
                stay_rows.append(
                    (
                        persons[person_index].pk,
                        p["loc"].pk,
                        CareType.AMBULANT.value
                        if p["loc"].kind == LocationKind.AMBULANT
                        else CareType.RESIDENTIAL.value,
                        date(p["admission"]),
                        date(p["discharge"]),
                        str(p["reason"]),
                        str(p["destination"]),
                        now,
                        now,
                        1,
                    )
                )
                counts["parents" if role == "parent" else "children"] += 1
            _insert_rows(
                Stay,
                [
                    "person",
                    "location",
                    "care_type",
                    "admission_date",
                    "discharge_date",
                    "reason",
                    "destination",
                    "created_at",
                    "updated_at",
                    "version",
                ],
                stay_rows,
                batch_size,
            )
            _insert_rows(
                ParentChild,
                ["parent", "child", "authority", "relationship", "created_at", "updated_at", "version"],
                [
                    (persons[a].pk, persons[b].pk, str(auth), str(rel), now, now, 1)
                    for a, b, auth, rel in links_plan
                ],
                batch_size,
            )
            # What the application would have recorded for each child stay: pathway, activities, records.
            first, last = persons[0].pk, persons[-1].pk
            stay_ids = dict(
                Stay.objects.filter(person_id__gte=first, person_id__lte=last).values_list("person_id", "id")
            )
            parent_of: dict[int, int] = {}
            fathers_of: dict[int, list[int]] = {}
            for a, b, _auth, _rel in links_plan:
                if persons[a].kind == PersonKind.FATHER:
                    fathers_of.setdefault(b, []).append(persons[a].pk)
                else:
                    parent_of[b] = persons[a].pk
            child_stays = []
            for h_index, role, person_index in roles:
                if role != "child":
                    continue
                p = planned[h_index]
                person = persons[person_index]
                child_stays.append(
                    records.ChildStay(
                        stay_ids[person.pk],
                        person.pk,
                        p["org"].pk,
                        p["admission"],
                        p["discharge"],
                        str(p["destination"]),
                        person.birth_date,
                        parent_of[person_index],
                        tuple(fathers_of.get(person_index, ())),
                    )
                )
            records.write_chunk(child_stays, context, rng, writer)
            stays = stay_rows
            counts["households"] += len(households)
            counts["stays"] += len(stays)
            counts["relations"] += len(links_plan)
            bar.update(chunk_children)
        bar.close()
        for org, _ in orgs:
            Organisation.objects.filter(pk=org.pk).update(next_client_number=next_number[org.pk])
        counts.update({_COUNT_NAMES.get(label, label): n for label, n in sorted(writer.counts.items())})
        record(
            actor=None,
            action=Action.CREATE,
            object_type="demo.generate",
            detail=f"children={children} years={years} seed={seed} households={counts['households']}",
        )
    if not connection.in_atomic_block:
        # fresh planner statistics after a bulk load: without them PostgreSQL plans the monitoring refresh
        # for the table sizes it last saw (at 80,000 children: minutes instead of seconds)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts
