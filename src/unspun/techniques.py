"""The one set of names: every technique, frame and genre has an id and a display name.

``PTC14``: the 14 labels of the Propaganda Techniques Corpus (SemEval-2020 Task 11) and
``SEMEVAL23``: the 23 techniques of SemEval-2023 Task 3, each keeping its official id in its
official spelling (``Name_Calling,Labeling`` in PTC, ``Name_Calling-Labeling`` in SemEval-2023:
the official file formats need them). ``PTC_TO_SEMEVAL23`` maps one to the other, and a PTC
technique that maps to exactly one SemEval-2023 technique shares its display name with it.
``FRAME_INFO`` (the 14 SemEval-2023 frames) and ``GENRE_INFO`` (opinion, reporting, satire)
give frames and genres a display name the same way. Every output (the text view, ``unspun
techniques``, the JSON's ``technique_name``, the web page) reads its names here:
:func:`display_name`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Technique:
    """One persuasion technique: its official label, a display name, a definition,
    an example of the pattern it covers and a colour for highlighting."""

    label: str
    name: str
    definition: str
    example: str
    colour: str

    @property
    def id(self) -> str:
        """The official id (the same as ``label``)."""
        return self.label


PTC14: tuple[Technique, ...] = (
    Technique(
        "Appeal_to_Authority",
        "Appeal to authority",
        "Claims something is true because an expert, official or famous person says so, "
        "with no other evidence.",
        "'Leading scientists agree that ...'",
        "#1f77b4",
    ),
    Technique(
        "Appeal_to_fear-prejudice",
        "Appeal to fear or prejudice",
        "Builds support for an idea by stirring anxiety or panic about an alternative, "
        "often one tied to a group's preconceptions.",
        "'If we do nothing, our towns will be overrun.'",
        "#d62728",
    ),
    Technique(
        "Bandwagon,Reductio_ad_hitlerum",
        "Bandwagon / Reductio ad Hitlerum",
        "Urges agreement because everyone else agrees, or rejects an idea because a hated group supports it.",
        "'Millions have already joined us.'",
        "#8c564b",
    ),
    Technique(
        "Black-and-White_Fallacy",
        "Black-and-white fallacy / false dilemma",
        "Presents two options as the only ones possible when more exist.",
        "'You are either with us or against us.'",
        "#7f7f7f",
    ),
    Technique(
        "Causal_Oversimplification",
        "Causal oversimplification",
        "Gives a single cause to an outcome that has many.",
        "'Prices went up because of the new mayor.'",
        "#bcbd22",
    ),
    Technique(
        "Doubt",
        "Doubt",
        "Questions the credibility of a person or institution without evidence.",
        "'Can we really trust what the minister says?'",
        "#17becf",
    ),
    Technique(
        "Exaggeration,Minimisation",
        "Exaggeration / minimisation",
        "Makes something look larger, better or worse than it is, or downplays it.",
        "'The worst crisis in human history.'",
        "#ff7f0e",
    ),
    Technique(
        "Flag-Waving",
        "Flag-waving",
        "Plays on patriotism or group identity to justify an idea or an action.",
        "'Every true patriot will stand behind this.'",
        "#2ca02c",
    ),
    Technique(
        "Loaded_Language",
        "Loaded language",
        "Uses words with strong emotional weight to sway the reader.",
        "'a brutal, shameless attack'",
        "#e377c2",
    ),
    Technique(
        "Name_Calling,Labeling",
        "Name calling / labelling",
        "Attaches a label to a person or group that the reader is meant to fear, hate or admire.",
        "'the warmongers in the capital'",
        "#9467bd",
    ),
    Technique(
        "Repetition",
        "Repetition",
        "Repeats the same message or phrase so that the reader comes to accept it.",
        "the same slogan returning paragraph after paragraph",
        "#aec7e8",
    ),
    Technique(
        "Slogans",
        "Slogan",
        "A short, striking phrase that works as a rallying cry, often with labels or stereotypes.",
        "'Take back control!'",
        "#ffbb78",
    ),
    Technique(
        "Thought-terminating_Cliches",
        "Thought-terminating cliché / conversation killer",
        "A stock phrase that discourages further thought or discussion.",
        "'It is what it is.'",
        "#98df8a",
    ),
    Technique(
        "Whataboutism,Straw_Men,Red_Herring",
        "Whataboutism / straw man / red herring",
        "Deflects criticism by pointing at the opponent's hypocrisy, misrepresents the "
        "opponent's position, or changes the subject.",
        "'And what about their own scandals?'",
        "#c5b0d5",
    ),
)

PTC14_LABELS: tuple[str, ...] = tuple(t.label for t in PTC14)
_BY_LABEL: dict[str, Technique] = {t.label: t for t in PTC14}


def technique(label: str) -> Technique:
    """Look up a technique by its official label; raise ``KeyError`` with the valid labels."""
    try:
        return _BY_LABEL[label]
    except KeyError:
        raise KeyError(f"unknown technique {label!r}; known: {', '.join(sorted(_BY_LABEL))}") from None


# --- SemEval-2023 Task 3 (subtask 3: 23 techniques; subtask 2: 14 frames) -------------------------

SEMEVAL23: tuple[Technique, ...] = (
    Technique(
        "Appeal_to_Authority",
        "Appeal to authority",
        "Gives weight to a claim only because an authority, expert or famous person backs it.",
        "'As the professor said, this policy will fail.'",
        "#1f77b4",
    ),
    Technique(
        "Appeal_to_Popularity",
        "Appeal to popularity",
        "Claims something is right or good because most people, or 'everyone', agree with it.",
        "'Nine out of ten voters already support the plan.'",
        "#8c564b",
    ),
    Technique(
        "Appeal_to_Values",
        "Appeal to values",
        "Ties an idea to values the reader holds dear (tradition, freedom, religion, ethics) "
        "instead of arguing for it.",
        "'It is our duty as decent people to oppose this.'",
        "#393b79",
    ),
    Technique(
        "Appeal_to_Fear-Prejudice",
        "Appeal to fear or prejudice",
        "Builds support by stirring anxiety about an alternative, often one tied to preconceptions "
        "about a group.",
        "'If we let them in, our streets will not be safe.'",
        "#d62728",
    ),
    Technique(
        "Flag_Waving",
        "Flag-waving",
        "Justifies an idea by pride in a group (nation, party, religion) or by what is good for it.",
        "'Every true patriot will stand behind this.'",
        "#2ca02c",
    ),
    Technique(
        "Causal_Oversimplification",
        "Causal oversimplification",
        "Gives a single cause to an outcome that has many.",
        "'Prices went up because of the new mayor.'",
        "#bcbd22",
    ),
    Technique(
        "False_Dilemma-No_Choice",
        "Black-and-white fallacy / false dilemma",
        "Presents two options (or one) as the only possible ones when more exist.",
        "'You are either with us or against us.'",
        "#7f7f7f",
    ),
    Technique(
        "Consequential_Oversimplification",
        "Consequential oversimplification (slippery slope)",
        "Claims that a first step will inevitably lead to a chain of (usually bad) consequences.",
        "'Legalise this today and tomorrow everything will be allowed.'",
        "#dbdb8d",
    ),
    Technique(
        "Straw_Man",
        "Straw man",
        "Replaces the opponent's position with a distorted one that is easier to attack.",
        "'They want open borders and no police at all.'",
        "#c5b0d5",
    ),
    Technique(
        "Red_Herring",
        "Red herring",
        "Shifts attention to an irrelevant topic to move the discussion away from the issue.",
        "'Why talk about taxes when crime is rising?'",
        "#c49c94",
    ),
    Technique(
        "Whataboutism",
        "Whataboutism",
        "Answers criticism by pointing at the opponent's supposed hypocrisy instead of the point.",
        "'And what about their own scandals?'",
        "#f7b6d2",
    ),
    Technique(
        "Slogans",
        "Slogan",
        "A short, striking phrase that works as a rallying cry, often with labels or stereotypes.",
        "'Take back control!'",
        "#ffbb78",
    ),
    Technique(
        "Appeal_to_Time",
        "Appeal to time",
        "Argues that the moment to act is now (or never), using urgency instead of reasons.",
        "'The time has come; we cannot wait any longer.'",
        "#637939",
    ),
    Technique(
        "Conversation_Killer",
        "Thought-terminating cliché / conversation killer",
        "A stock phrase that discourages critical thought or closes the discussion.",
        "'It is what it is.'",
        "#98df8a",
    ),
    Technique(
        "Loaded_Language",
        "Loaded language",
        "Uses words with strong emotional weight to sway the reader.",
        "'a brutal, shameless attack'",
        "#e377c2",
    ),
    Technique(
        "Repetition",
        "Repetition",
        "Repeats the same word, phrase or message so that the reader comes to accept it.",
        "the same slogan returning paragraph after paragraph",
        "#aec7e8",
    ),
    Technique(
        "Exaggeration-Minimisation",
        "Exaggeration / minimisation",
        "Makes something look larger, better or worse than it is, or downplays it.",
        "'The worst crisis in human history.'",
        "#ff7f0e",
    ),
    Technique(
        "Obfuscation-Vagueness-Confusion",
        "Obfuscation / vagueness",
        "Uses deliberately unclear words so that the reader can read into them what they like.",
        "'Certain circles have taken certain steps.'",
        "#9edae5",
    ),
    Technique(
        "Name_Calling-Labeling",
        "Name calling / labelling",
        "Attaches a label to a person or group that the reader is meant to fear, hate or admire.",
        "'the warmongers in the capital'",
        "#9467bd",
    ),
    Technique(
        "Doubt",
        "Doubt",
        "Questions the credibility of a person or institution without evidence.",
        "'Can we really trust what the minister says?'",
        "#17becf",
    ),
    Technique(
        "Guilt_by_Association",
        "Guilt by association",
        "Discredits an idea or person by linking them to a group or figure the reader despises.",
        "'That is exactly what the dictators did.'",
        "#843c39",
    ),
    Technique(
        "Appeal_to_Hypocrisy",
        "Appeal to hypocrisy",
        "Attacks the opponent as a hypocrite (tu quoque) rather than answering the argument.",
        "'He preaches thrift but flies a private jet.'",
        "#e7969c",
    ),
    Technique(
        "Questioning_the_Reputation",
        "Questioning the reputation",
        "Attacks the character or record of a person or group instead of their argument.",
        "'A senator known for broken promises now promises reform.'",
        "#7b4173",
    ),
)

SEMEVAL23_LABELS: tuple[str, ...] = tuple(t.label for t in SEMEVAL23)

FRAMES: dict[str, str] = {
    "Economic": "costs, benefits, money and the economy",
    "Capacity_and_resources": "whether the means (people, money, infrastructure) are available",
    "Morality": "right and wrong, religious or ethical duties",
    "Fairness_and_equality": "who gets treated equally or unequally, balance of rights",
    "Legality_Constitutionality_and_jurisprudence": "laws, courts, rights and constitutional limits",
    "Policy_prescription_and_evaluation": "which policy should be adopted and whether it works",
    "Crime_and_punishment": "breaking the law, enforcement and sanctions",
    "Security_and_defense": "threats to the nation or people, military and defence",
    "Health_and_safety": "health care, disease, injury and public safety",
    "Quality_of_life": "effects on people's wealth, comfort, happiness and daily life",
    "Cultural_identity": "traditions, customs and values of a group",
    "Public_opinion": "what the public thinks: polls, protests, popular mood",
    "Political": "parties, elections, politicians and political manoeuvring",
    "External_regulation_and_reputation": "a country's standing abroad, foreign relations and treaties",
}
FRAME_LABELS: tuple[str, ...] = tuple(FRAMES)


@dataclass(frozen=True, slots=True)
class Category:
    """A frame or a genre: its official id, a display name and what it covers."""

    id: str
    name: str
    description: str


_FRAME_NAMES: dict[str, str] = {
    "Economic": "Economic",
    "Capacity_and_resources": "Capacity and resources",
    "Morality": "Morality",
    "Fairness_and_equality": "Fairness and equality",
    "Legality_Constitutionality_and_jurisprudence": "Legality, constitutionality and jurisprudence",
    "Policy_prescription_and_evaluation": "Policy prescription and evaluation",
    "Crime_and_punishment": "Crime and punishment",
    "Security_and_defense": "Security and defence",
    "Health_and_safety": "Health and safety",
    "Quality_of_life": "Quality of life",
    "Cultural_identity": "Cultural identity",
    "Public_opinion": "Public opinion",
    "Political": "Political",
    "External_regulation_and_reputation": "External regulation and reputation",
}
FRAME_INFO: tuple[Category, ...] = tuple(Category(id, _FRAME_NAMES[id], text) for id, text in FRAMES.items())
GENRE_INFO: tuple[Category, ...] = (
    Category("opinion", "Opinion", "argues for a view: editorials, columns, commentary"),
    Category("reporting", "Reporting", "tells what happened: news reports, neutral in intent"),
    Category("satire", "Satire", "mocks its subject through irony, exaggeration or invented news"),
)
_FRAMES_BY_ID: dict[str, Category] = {c.id: c for c in FRAME_INFO}
_GENRES_BY_ID: dict[str, Category] = {c.id: c for c in GENRE_INFO}


def frame(id: str) -> Category:
    """A frame by its SemEval-2023 id; raise ``KeyError`` listing the 14."""
    try:
        return _FRAMES_BY_ID[id]
    except KeyError:
        raise KeyError(f"unknown frame {id!r}; known: {', '.join(FRAME_LABELS)}") from None


def genre(id: str) -> Category:
    """A genre by its id (opinion, reporting, satire); raise ``KeyError`` listing them."""
    try:
        return _GENRES_BY_ID[id]
    except KeyError:
        raise KeyError(f"unknown genre {id!r}; known: {', '.join(_GENRES_BY_ID)}") from None


PTC_TO_SEMEVAL23: dict[str, tuple[str, ...]] = {
    "Appeal_to_Authority": ("Appeal_to_Authority",),
    "Appeal_to_fear-prejudice": ("Appeal_to_Fear-Prejudice",),
    "Bandwagon,Reductio_ad_hitlerum": ("Appeal_to_Popularity", "Guilt_by_Association"),
    "Black-and-White_Fallacy": ("False_Dilemma-No_Choice",),
    "Causal_Oversimplification": ("Causal_Oversimplification",),
    "Doubt": ("Doubt",),
    "Exaggeration,Minimisation": ("Exaggeration-Minimisation",),
    "Flag-Waving": ("Flag_Waving",),
    "Loaded_Language": ("Loaded_Language",),
    "Name_Calling,Labeling": ("Name_Calling-Labeling",),
    "Repetition": ("Repetition",),
    "Slogans": ("Slogans",),
    "Thought-terminating_Cliches": ("Conversation_Killer",),
    "Whataboutism,Straw_Men,Red_Herring": ("Whataboutism", "Straw_Man", "Red_Herring"),
}

_BY_LABEL_23: dict[str, Technique] = {t.label: t for t in SEMEVAL23}
# `technique()` above reads `_BY_LABEL`: adding the 2023 labels makes it work for both taxonomies.
# Labels spelled the same in both (e.g. "Doubt") keep their PTC-14 entry; they mean the same thing.
for _label, _technique in _BY_LABEL_23.items():
    _BY_LABEL.setdefault(_label, _technique)


def semeval23_technique(label: str) -> Technique:
    """Look up a SemEval-2023 technique by its official label; raise ``KeyError`` listing the 23."""
    try:
        return _BY_LABEL_23[label]
    except KeyError:
        raise KeyError(
            f"unknown SemEval-2023 technique {label!r}; known: {', '.join(SEMEVAL23_LABELS)}"
        ) from None


def display_name(id: str, kind: str = "technique") -> str:
    """The display name of a technique (either taxonomy), ``"frame"`` or ``"genre"`` id; an
    unknown id is shown as itself with underscores as spaces (a model may know labels this
    version does not)."""
    lookup: dict[str, Callable[[str], Technique | Category]] = {
        "technique": technique,
        "frame": frame,
        "genre": genre,
    }
    try:
        return lookup[kind](id).name
    except KeyError:
        return id.replace("_", " ")


def category_id(given: str, categories: Sequence[Category]) -> str | None:
    """The id of the frame or genre ``given`` names: its id or its display name, in any case and
    with spaces or underscores alike ("Opinion", "security and defence", "security_and_defense");
    ``None`` when it names none of ``categories`` (:data:`FRAME_INFO`, :data:`GENRE_INFO`)."""

    def key(text: str) -> str:
        return " ".join(text.replace("_", " ").split()).casefold()

    wanted = key(given)
    return next((c.id for c in categories if wanted in (key(c.id), key(c.name))), None)


def technique_id(given: str) -> str | None:
    """The id of the technique ``given`` names: its id (PTC-14 or SemEval-2023) or its display
    name, in any case and with spaces or underscores alike ("loaded language", "LOADED_LANGUAGE",
    "slogan"); an id given exactly is itself. A display name both taxonomies share (a one-to-one
    twin: "Flag-waving") gives the PTC-14 id, which :func:`corresponding` ties to the other.
    ``None`` when it names no technique."""
    if given in _BY_LABEL:
        return given

    def key(text: str) -> str:
        return " ".join(text.replace("_", " ").split()).casefold()

    wanted = key(given)
    return next((t.label for t in (*PTC14, *SEMEVAL23) if wanted in (key(t.label), key(t.name))), None)


def semeval23_for(ptc_id: str) -> tuple[str, ...]:
    """The SemEval-2023 ids that a PTC-14 id corresponds to (none for an unknown id)."""
    return PTC_TO_SEMEVAL23.get(ptc_id, ())


def ptc14_for(semeval23_id: str) -> str | None:
    """The PTC-14 id that a SemEval-2023 id corresponds to, if any."""
    return next((ptc for ptc, ids in PTC_TO_SEMEVAL23.items() if semeval23_id in ids), None)


def corresponding(id: str) -> tuple[str, ...]:
    """``id`` (a technique of either taxonomy) and the ids it corresponds to in the other one: a
    PTC-14 id with every SemEval-2023 id it holds (``Whataboutism,Straw_Men,Red_Herring``: also
    ``Whataboutism``, ``Straw_Man``, ``Red_Herring``), a SemEval-2023 id with the PTC-14 id that
    holds it (``Straw_Man``: also ``Whataboutism,Straw_Men,Red_Herring``, not its siblings). What
    a search for a technique matches, so an English and a French article are found alike."""
    ptc = ptc14_for(id)
    found = [id, *semeval23_for(id), *([ptc] if ptc is not None else [])]
    return tuple(dict.fromkeys(found))


def renamed_ptc14() -> dict[str, str]:
    """Each SemEval-2023 id that is one PTC-14 technique renamed (``Flag_Waving``), to that PTC-14
    id (``Flag-Waving``): the one-to-one twins, counted and searched as one technique."""
    return {ids[0]: ptc for ptc, ids in PTC_TO_SEMEVAL23.items() if len(ids) == 1 and ids[0] != ptc}


def catalogue() -> dict[str, list[dict[str, object]]]:
    """Every name as data (``unspun techniques --format json``, the web page): per taxonomy its
    techniques (``id``, ``label`` = ``id``, ``name``, ``definition``, ``example``, ``colour`` and
    the other taxonomy's ids), then the frames and the genres (``id``, ``name``, ``description``)."""
    ptc: list[dict[str, object]] = [
        {
            "id": t.id,
            "label": t.label,
            "name": t.name,
            "definition": t.definition,
            "example": t.example,
            "colour": t.colour,
            "semeval2023": list(semeval23_for(t.id)),
        }
        for t in PTC14
    ]
    semeval: list[dict[str, object]] = [
        {
            "id": t.id,
            "label": t.label,
            "name": t.name,
            "definition": t.definition,
            "example": t.example,
            "colour": t.colour,
            "ptc14": ptc14_for(t.id),
        }
        for t in SEMEVAL23
    ]

    def categories(items: tuple[Category, ...]) -> list[dict[str, object]]:
        return [{"id": c.id, "name": c.name, "description": c.description} for c in items]

    return {
        "ptc14": ptc,
        "semeval2023": semeval,
        "frames": categories(FRAME_INFO),
        "genres": categories(GENRE_INFO),
    }
