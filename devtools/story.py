"""The demo story as data: two networks, their people, organisations and meetings.

Fictional people only; clients by pseudonym. `manage.py demo` plays it through the services
(devtools.builder). Noord (split placemat: eigen kracht | eigen netwerk | informeel | formeel)
met last month on two clients; their chosen tips have actions, client decisions and partly
outcomes, and two still await follow-up. Today, in a few hours, Noord meets again on two new
cases whose presentations are ready. Zuid works with the method's three columns.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from networks.models import Role
from sessions.models import Decision, Result

# Tip keys are derived from this namespace, so a tip is never stored twice.
DEMO_NAMESPACE = uuid.UUID("6f1d4c1e-5b0a-4f43-9a55-0d3c2a7e8b10")


@dataclass
class Person:
    local: str  # before the @
    name: str
    role: Role
    organisation: str = ""


@dataclass
class Org:
    name: str
    kind: str
    column: str  # key of the placemat column it usually serves
    contact: str = ""


@dataclass
class Outcome:
    result: Result | str  # "" = not tried
    why: str
    days_after: int = 14


@dataclass
class TipSpec:
    domain: str
    column: str
    text: str
    given_by: str  # the person's local part
    organisation: str = ""
    chosen: bool = False
    who: str = ""
    what: str = ""
    when: str = ""
    decision: Decision | str = ""
    outcome: Outcome | None = None


@dataclass
class CaseSpec:
    pseudonym: str
    age: int
    case_bringer: str  # local part
    presentation: dict[str, str]
    goals: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)
    tips: list[TipSpec] = field(default_factory=list)
    rating: int | None = None
    remark: str = ""


@dataclass
class MeetingSpec:
    when: str  # "last-month", "today", "next-month", "in-a-week"
    place: str
    facilitator: str
    attendees: list[str] = field(default_factory=list)
    guests: str = ""
    cases: list[CaseSpec] = field(default_factory=list)


@dataclass
class NetworkSpec:
    name: str
    district: str
    preset: str
    domain: str
    people: list[Person]
    organisations: list[Org]
    meetings: list[MeetingSpec]


NOORD = NetworkSpec(
    name="Noord",
    district="Amsterdam-Noord",
    preset="akad-split",
    domain="noord.example",
    people=[
        Person("coordinator", "Marloes de Wit", Role.COORDINATOR),
        Person("facilitator", "Youssef El Amrani", Role.FACILITATOR, "Huis van de Wijk Het Baken"),
        Person("facilitator2", "Anneke Visser", Role.FACILITATOR, "Buurtcentrum De Kolk"),
        Person("begeleider", "Jeroen Smit", Role.MEMBER, "Ambulante begeleiding De Brug"),
        Person("casusinbrenger", "Priya Ramdin", Role.MEMBER, "MEE cliëntondersteuning Noord"),
        Person("wijkverpleging", "Sanne Mulder", Role.MEMBER, "Wijkverpleging team Noord-Oost"),
        Person("vrijwilliger", "Fatima Ouali", Role.MEMBER, "Buurtcentrum De Kolk"),
        Person("formulieren", "Kees Dijkstra", Role.MEMBER, "Formulierenbrigade Noord"),
        Person("mantelzorg", "Hanneke Vos", Role.MEMBER, "Mantelzorgsteunpunt Noord"),
    ],
    organisations=[
        Org(
            "Huis van de Wijk Het Baken",
            "welzijn en ontmoeting",
            "informeel",
            "receptie ma–vr 9–17 uur, het-baken@noord.example",
        ),
        Org(
            "Buurtcentrum De Kolk",
            "buurtcentrum",
            "informeel",
            "koffieochtend do 10–12 uur, koffie@de-kolk.example",
        ),
        Org(
            "Formulierenbrigade Noord",
            "formulierenhulp door vrijwilligers",
            "informeel",
            "spreekuur di 13–15 uur in Het Baken",
        ),
        Org(
            "Mantelzorgsteunpunt Noord",
            "mantelzorgondersteuning",
            "informeel",
            "mantelzorg@noord.example",
        ),
        Org(
            "Maatjesproject Samen Op Stap",
            "vrijwillige maatjes",
            "informeel",
            "samenopstap@noord.example",
        ),
        Org(
            "Wijkverpleging team Noord-Oost",
            "wijkverpleging",
            "formeel",
            "teamleider via de huisartsenpraktijk",
        ),
        Org("MEE cliëntondersteuning Noord", "MEE", "formeel", "mee@noord.example"),
        Org(
            "Ambulante begeleiding De Brug",
            "ambulante begeleiding",
            "formeel",
            "aanmelden via het wijkteam",
        ),
        Org("GGZ-team Noord", "GGZ", "formeel", "aanmelden via de huisarts"),
        Org(
            "Budgetcoaching Noord",
            "schuldhulp en budgetcoaching",
            "formeel",
            "budget@noord.example",
        ),
    ],
    meetings=[
        MeetingSpec(
            when="last-month",
            place="Huis van de Wijk Het Baken, zaal 2",
            facilitator="facilitator2",
            attendees=[
                "coordinator",
                "facilitator",
                "facilitator2",
                "begeleider",
                "casusinbrenger",
                "wijkverpleging",
                "vrijwilliger",
                "formulieren",
                "mantelzorg",
            ],
            guests="Wil, bewonersinitiatief Groen Dichtbij\nTim, stagiair social work",
            cases=[
                CaseSpec(
                    pseudonym="Zonnebloem",
                    age=44,
                    case_bringer="begeleider",
                    presentation={
                        "situation": (
                            "Vrouw van midden veertig met een lichte verstandelijke beperking. "
                            "Woont alleen in een flat, krijgt een uitkering. Er liggen stapels "
                            "ongeopende post en er zijn betalingsachterstanden."
                        ),
                        "social_network": (
                            "Een broer die soms boodschappen doet. De buurvrouw groet haar "
                            "altijd en heeft een hond. Verder weinig contacten."
                        ),
                        "strengths": (
                            "Vriendelijk, houdt van dieren en van tekenen. Komt afspraken na "
                            "als ze op papier staan."
                        ),
                        "desired_situation": (
                            "Minder alleen zijn en rust over het geld: geen brieven meer waar "
                            "ze bang van wordt."
                        ),
                        "question": (
                            "Hoe krijgt zij meer mensen om zich heen en grip op haar post, "
                            "zonder dat er meteen meer hulpverlening bij komt?"
                        ),
                    },
                    goals=[
                        ("financien", "Rondkomen zonder nieuwe schulden; de post bijhouden", 2, 3),
                        ("sociaal-netwerk", "Een paar vaste contacten in de buurt", 2, 3),
                        ("tijdsbesteding", "Een vaste bezigheid overdag", 2, 4),
                    ],
                    tips=[
                        TipSpec(
                            "financien",
                            "eigen-kracht",
                            "Eén vast moment per week om de post te openen, met een lijstje",
                            "begeleider",
                            "Ambulante begeleiding De Brug",
                        ),
                        TipSpec(
                            "financien",
                            "netwerk",
                            "Haar broer vragen één keer per maand mee te kijken naar de rekeningen",
                            "mantelzorg",
                            "Mantelzorgsteunpunt Noord",
                        ),
                        TipSpec(
                            "financien",
                            "informeel",
                            "De formulierenbrigade helpt met de brieven en de toeslagen",
                            "formulieren",
                            "Formulierenbrigade Noord",
                            chosen=True,
                            who="Kees en Zonnebloem",
                            what="Eerste keer naar het spreekuur, met de stapel post",
                            when="dinsdag na de bijeenkomst",
                            decision=Decision.ACCEPTED,
                            outcome=Outcome(
                                Result.WORKED,
                                "Ze gaat om de week naar het spreekuur; de "
                                "toeslag is aangevraagd en er ligt geen "
                                "ongeopende post meer.",
                                18,
                            ),
                        ),
                        TipSpec(
                            "financien",
                            "formeel",
                            "Budgetcoaching via Budgetcoaching Noord",
                            "casusinbrenger",
                            "MEE cliëntondersteuning Noord",
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "eigen-kracht",
                            "Ze is dol op dieren: daar het gesprek met buren mee beginnen",
                            "vrijwilliger",
                            "Buurtcentrum De Kolk",
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "netwerk",
                            "Dagelijks een wandeling met de hond van de buurvrouw",
                            "vrijwilliger",
                            "Buurtcentrum De Kolk",
                            chosen=True,
                            who="Zonnebloem en de buurvrouw",
                            what="Samen een vaste wandeltijd afspreken",
                            when="vanaf de week erna",
                            decision=Decision.ACCEPTED,
                            outcome=Outcome(
                                Result.DID_NOT_WORK,
                                "De wandeling was te vroeg op de dag (half acht); "
                                "ze kwam er niet toe. Later op de middag opnieuw "
                                "proberen.",
                                12,
                            ),
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "informeel",
                            "Wekelijkse koffieochtend in Buurtcentrum De Kolk",
                            "facilitator2",
                            "Buurtcentrum De Kolk",
                            chosen=True,
                            who="Jeroen gaat de eerste keer mee",
                            what="Samen naar de koffieochtend op donderdag",
                            when="binnen twee weken",
                            decision=Decision.ACCEPTED,
                            outcome=Outcome(
                                Result.WORKED,
                                "Ze gaat elke donderdag en kent drie vaste bezoekers bij naam.",
                                16,
                            ),
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "formeel",
                            "Een uur extra ambulante begeleiding voor sociale contacten",
                            "wijkverpleging",
                            "Wijkverpleging team Noord-Oost",
                        ),
                        TipSpec(
                            "tijdsbesteding",
                            "eigen-kracht",
                            "Tekeningen maken voor de buurtkrant",
                            "facilitator",
                            "Huis van de Wijk Het Baken",
                        ),
                        TipSpec(
                            "tijdsbesteding",
                            "informeel",
                            "Twee ochtenden per week vrijwilligerswerk bij de kringloopwinkel",
                            "facilitator2",
                            "Buurtcentrum De Kolk",
                        ),
                    ],
                    rating=4,
                    remark="Veel tips uit de buurt; we bleven goed van links naar rechts werken.",
                ),
                CaseSpec(
                    pseudonym="Reiger",
                    age=69,
                    case_bringer="casusinbrenger",
                    presentation={
                        "situation": (
                            "Man van bijna zeventig, sinds een half jaar weduwnaar. Zijn vrouw "
                            "deed het huishouden en de boodschappen. Zijn knieën maken lopen "
                            "lastig."
                        ),
                        "social_network": (
                            "Een zoon in Purmerend die elke week belt. Oud-collega's van de "
                            "werf ziet hij niet meer."
                        ),
                        "strengths": (
                            "Handig, goed met getallen, kookte vroeger op zondag voor de familie. "
                            "Staat open voor nieuwe dingen als iemand hem op weg helpt."
                        ),
                        "desired_situation": (
                            "Zelf zijn huishouden kunnen draaien en weer onder de mensen komen."
                        ),
                        "question": (
                            "Wat kan hij met zijn zoon en de buurt regelen voordat er zorg bij "
                            "moet komen?"
                        ),
                    },
                    goals=[
                        ("instrumentele-adl", "Zelf boodschappen en eten regelen", 2, 3),
                        (
                            "sociaal-netwerk",
                            "Na het overlijden van zijn vrouw weer mensen zien",
                            2,
                            3,
                        ),
                        ("lichamelijke-gezondheid", "Weer naar de markt durven lopen", 3, 4),
                    ],
                    tips=[
                        TipSpec(
                            "instrumentele-adl",
                            "eigen-kracht",
                            "Een paar vaste, makkelijke recepten kiezen die hij al kent",
                            "mantelzorg",
                            "Mantelzorgsteunpunt Noord",
                        ),
                        TipSpec(
                            "instrumentele-adl",
                            "netwerk",
                            "Zijn zoon helpt één keer met het instellen van online boodschappen",
                            "casusinbrenger",
                            "MEE cliëntondersteuning Noord",
                            chosen=True,
                            who="Reiger en zijn zoon",
                            what="Samen de boodschappen-app instellen en een vaste lijst maken",
                            when="het weekend erna",
                            decision=Decision.ACCEPTED,
                        ),
                        TipSpec(
                            "instrumentele-adl",
                            "informeel",
                            "Samen eten in Huis van de Wijk Het Baken op donderdag",
                            "facilitator",
                            "Huis van de Wijk Het Baken",
                            chosen=True,
                            who="Youssef haalt hem de eerste keer op",
                            what="Aanschuiven bij de maaltijd in Het Baken",
                            when="eerste donderdag van de maand",
                            decision=Decision.ACCEPTED,
                            outcome=Outcome(
                                Result.PARTLY,
                                "Hij ging twee keer; de grote groep vond hij "
                                "onrustig. Liever aan een kleine tafel.",
                                20,
                            ),
                        ),
                        TipSpec(
                            "instrumentele-adl",
                            "formeel",
                            "Huishoudelijke hulp aanvragen via de Wmo",
                            "wijkverpleging",
                            "Wijkverpleging team Noord-Oost",
                            chosen=True,
                            who="Priya (MEE)",
                            what="Wmo-melding doen en een keukentafelgesprek plannen",
                            when="binnen twee weken",
                            decision=Decision.ACCEPTED,
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "netwerk",
                            "Oud-collega's van de werf: is er een reünieclub?",
                            "formulieren",
                            "Formulierenbrigade Noord",
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "informeel",
                            "Gespreksgroep voor weduwen en weduwnaars van het mantelzorgsteunpunt",
                            "mantelzorg",
                            "Mantelzorgsteunpunt Noord",
                            chosen=True,
                            who="Priya",
                            what="De folder meegeven",
                            when="volgende huisbezoek",
                            decision=Decision.DECLINED,
                        ),
                        TipSpec(
                            "lichamelijke-gezondheid",
                            "informeel",
                            "Wandelgroep in rustig tempo vanuit Buurtcentrum De Kolk",
                            "vrijwilliger",
                            "Buurtcentrum De Kolk",
                        ),
                        TipSpec(
                            "lichamelijke-gezondheid",
                            "formeel",
                            "Fysiotherapie voor de knieën via de huisarts",
                            "wijkverpleging",
                            "Wijkverpleging team Noord-Oost",
                        ),
                    ],
                    rating=5,
                    remark="Mooie mix; de zoon kwam pas in beeld door de vraag naar het netwerk.",
                ),
            ],
        ),
        MeetingSpec(
            when="today",
            place="Huis van de Wijk Het Baken, zaal 2",
            facilitator="facilitator",
            attendees=[
                "coordinator",
                "facilitator",
                "begeleider",
                "casusinbrenger",
                "wijkverpleging",
                "vrijwilliger",
                "formulieren",
            ],
            cases=[
                CaseSpec(
                    pseudonym="Kievit",
                    age=81,
                    case_bringer="wijkverpleging",
                    presentation={
                        "situation": (
                            "Mevrouw woont al dertig jaar alleen in een benedenwoning. Ze vergeet "
                            "de laatste tijd afspraken en eet onregelmatig. De wijkverpleging "
                            "komt twee keer per week voor de medicijnen."
                        ),
                        "social_network": (
                            "Een dochter in Groningen belt elke zondag. Een buurman brengt soms "
                            "de krant. Ze kent veel mensen van de markt op het plein."
                        ),
                        "strengths": (
                            "Opgewekt en nieuwsgierig, met veel humor. Vertelt prachtig over de "
                            "wijk van vroeger en zingt graag."
                        ),
                        "desired_situation": (
                            "Zo lang mogelijk thuis blijven wonen en zelf naar de markt "
                            "blijven gaan."
                        ),
                        "question": (
                            "Hoe kan mevrouw langer zelfstandig thuis wonen zonder dat alles op "
                            "haar dochter neerkomt?"
                        ),
                    },
                ),
                CaseSpec(
                    pseudonym="Klaproos",
                    age=23,
                    case_bringer="casusinbrenger",
                    presentation={
                        "situation": (
                            "Jonge man met autisme. Hij haalde zijn mbo-diploma dierverzorging, "
                            "maar zit al een jaar thuis bij zijn moeder. Hij gamet 's nachts en "
                            "slaapt overdag."
                        ),
                        "social_network": (
                            "Zijn moeder en een jongere zus; twee vrienden online. Weinig "
                            "contact met leeftijdsgenoten in de buurt."
                        ),
                        "strengths": (
                            "Precies en betrouwbaar, weet veel van vogels en reptielen, heel "
                            "rustig met dieren."
                        ),
                        "desired_situation": "Werken met dieren en later op zichzelf wonen.",
                        "question": (
                            "Welke eerste stap naar werk of dagbesteding met dieren past bij hem, "
                            "met zo min mogelijk formele zorg?"
                        ),
                    },
                ),
            ],
        ),
        MeetingSpec(
            when="next-month",
            place="Huis van de Wijk Het Baken, zaal 2",
            facilitator="facilitator2",
        ),
    ],
)

ZUID = NetworkSpec(
    name="Zuid",
    district="Amsterdam-Zuid",
    preset="akad",
    domain="zuid.example",
    people=[
        Person("coordinator", "Esther Groen", Role.COORDINATOR),
        Person("facilitator", "Bram Jansen", Role.FACILITATOR, "Huis van de Wijk De Boeg"),
        Person("casusinbrenger", "Latifa Haddou", Role.MEMBER, "MEE cliëntondersteuning Zuid"),
        Person("wijkverpleging", "Joost Hendriks", Role.MEMBER, "Wijkverpleging team Zuid"),
        Person("vrijwilliger", "Ria Kok", Role.MEMBER, "Buurtcentrum Het Anker"),
    ],
    organisations=[
        Org(
            "Huis van de Wijk De Boeg", "welzijn en ontmoeting", "informeel", "de-boeg@zuid.example"
        ),
        Org("Buurtcentrum Het Anker", "buurtcentrum", "informeel", "het-anker@zuid.example"),
        Org(
            "Formulierenbrigade Zuid",
            "formulierenhulp door vrijwilligers",
            "informeel",
            "spreekuur wo 10–12 uur in De Boeg",
        ),
        Org(
            "Mantelzorgsteunpunt Zuid",
            "mantelzorgondersteuning",
            "informeel",
            "mantelzorg@zuid.example",
        ),
        Org("Wijkverpleging team Zuid", "wijkverpleging", "formeel", "via de huisarts"),
        Org("MEE cliëntondersteuning Zuid", "MEE", "formeel", "mee@zuid.example"),
        Org(
            "Ambulante begeleiding Op Koers",
            "ambulante begeleiding",
            "formeel",
            "aanmelden via het wijkteam",
        ),
        Org("GGZ-team Zuid", "GGZ", "formeel", "aanmelden via de huisarts"),
    ],
    meetings=[
        MeetingSpec(
            when="last-month",
            place="Huis van de Wijk De Boeg",
            facilitator="facilitator",
            attendees=[
                "coordinator",
                "facilitator",
                "casusinbrenger",
                "wijkverpleging",
                "vrijwilliger",
            ],
            cases=[
                CaseSpec(
                    pseudonym="Pimpernel",
                    age=35,
                    case_bringer="casusinbrenger",
                    presentation={
                        "situation": (
                            "Alleenstaande moeder van twee kinderen op de basisschool, vorig jaar "
                            "verhuisd naar de wijk. Ze is moe en slaapt slecht."
                        ),
                        "social_network": (
                            "Haar moeder woont in Diemen; in de buurt kent ze nog niemand."
                        ),
                        "strengths": "Zorgzaam, georganiseerd, goed in naaien.",
                        "desired_situation": (
                            "Meer rust, en iemand in de buurt om op terug te vallen."
                        ),
                        "question": "Waar vindt zij in de buurt steun, naast haar moeder?",
                    },
                    goals=[
                        ("geestelijke-gezondheid", "Meer rust in haar hoofd", 2, 3),
                        ("sociaal-netwerk", "Iemand in de buurt om op terug te vallen", 2, 3),
                    ],
                    tips=[
                        TipSpec(
                            "sociaal-netwerk",
                            "client-en-netwerk",
                            "Haar moeder vragen één middag per week op de kinderen te passen",
                            "casusinbrenger",
                            "MEE cliëntondersteuning Zuid",
                            chosen=True,
                            who="Pimpernel",
                            what="Het haar moeder vragen",
                            when="dit weekend",
                            decision=Decision.ACCEPTED,
                            outcome=Outcome(
                                Result.WORKED, "Oma komt elke woensdagmiddag; dat geeft lucht.", 10
                            ),
                        ),
                        TipSpec(
                            "sociaal-netwerk",
                            "informeel",
                            "Moedergroep in Buurtcentrum Het Anker, met kinderopvang",
                            "vrijwilliger",
                            "Buurtcentrum Het Anker",
                            chosen=True,
                            who="Ria neemt haar mee",
                            what="Kennismaken bij de moedergroep",
                            when="vrijdagochtend",
                            decision=Decision.ACCEPTED,
                        ),
                        TipSpec(
                            "geestelijke-gezondheid",
                            "client-en-netwerk",
                            "Vaste rustmomenten als de kinderen op school zijn",
                            "facilitator",
                            "Huis van de Wijk De Boeg",
                        ),
                        TipSpec(
                            "geestelijke-gezondheid",
                            "informeel",
                            "Naaicafé in De Boeg: iets voor zichzelf doen",
                            "facilitator",
                            "Huis van de Wijk De Boeg",
                        ),
                        TipSpec(
                            "geestelijke-gezondheid",
                            "formeel",
                            "Praktijkondersteuner GGZ bij de huisarts",
                            "wijkverpleging",
                            "Wijkverpleging team Zuid",
                        ),
                    ],
                    rating=4,
                ),
            ],
        ),
        MeetingSpec(
            when="in-a-week",
            place="Huis van de Wijk De Boeg",
            facilitator="facilitator",
            cases=[
                CaseSpec(
                    pseudonym="Hazelaar",
                    age=58,
                    case_bringer="casusinbrenger",
                    presentation={
                        "question": (
                            "Hoe vindt hij na zijn vervroegde pensioen weer een zinvolle "
                            "dagbesteding in de buurt?"
                        ),
                    },
                ),
            ],
        ),
    ],
)

NETWORKS = [NOORD, ZUID]
ADMIN_EMAIL = "beheer@akad.example"


def _later_today(now: datetime) -> datetime:
    """Two to two and a half hours from now on a half hour, but still today."""
    start = now + timedelta(hours=2, minutes=30)
    start = start.replace(minute=(start.minute // 30) * 30, second=0, microsecond=0)
    if start.date() != now.date():
        start = max(now + timedelta(minutes=5), now.replace(hour=23, minute=45))
    return start


def meeting_time(when: str, now: datetime) -> datetime:
    """`now` is local time; every meeting except today's is at 14:00 (local)."""
    if when == "today":
        return _later_today(now)
    days = {"last-month": -28, "next-month": 28, "in-a-week": 7}[when]
    day = now.date() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(14, 0)))
