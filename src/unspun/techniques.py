"""The technique taxonomies unspun uses, with definitions written for readers.

``PTC14``: the 14 labels of the Propaganda Techniques Corpus (SemEval-2020 Task 11),
spelled exactly as in the official label list. The SemEval-2023 Task 3 inventory
(23 techniques) lives beside it in ``SEMEVAL23`` once added.
"""

from __future__ import annotations

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
        "Urges agreement because everyone else agrees, or rejects an idea because a "
        "hated group supports it.",
        "'Millions have already joined us.'",
        "#8c564b",
    ),
    Technique(
        "Black-and-White_Fallacy",
        "Black-and-white fallacy",
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
        "Attaches a label to a person or group that the reader is meant to fear, hate "
        "or admire.",
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
        "A short, striking phrase that works as a rallying cry, often with labels or "
        "stereotypes.",
        "'Take back control!'",
        "#ffbb78",
    ),
    Technique(
        "Thought-terminating_Cliches",
        "Thought-terminating cliché",
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
