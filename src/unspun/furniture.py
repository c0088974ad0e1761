"""A news page's furniture: bylines, timestamps, photo credits, pointers to other stories, wire
credit lines. They credit the article's makers or point elsewhere and state nothing: the check-worthy
claims step never scores such a sentence (:func:`is_credit`), and the HTML reader leaves teasers and
wire credit lines out of a page's text (:data:`TEASER`, :data:`WIRE_CREDIT`, which
:func:`is_credit` reads too).
"""

from __future__ import annotations

import re

# A teaser for another story ("Read more: Minister resigns over ferry scandal", "READ ALSO | ..."):
# the pointer and a separator ("See also the council's figures, which ..." is a sentence).
TEASER = re.compile(
    r"(?:(?:read|see)\s+(?:more|also)|also\s+read)\b\s*[:|\-\u2013\u2014\u00bb\u203a>]", re.IGNORECASE
)
# A wire story's credit line, names in any case and places ("Reporting by Ann Lee in Paris and Bo
# Ng in Berlin; Editing by Tom Hart"): a credit with at least one more after a semicolon, so that
# "Reporting by the BBC showed ..." is a sentence.
WIRE_CREDIT = re.compile(
    r"(?:additional\s+)?reporting\s+by\s[^;\n]{1,80};\s*(?:(?:additional\s+reporting|writing|editing)\s+by\s[^;\n]{1,80};?\s*)+\.?",
    re.IGNORECASE,
)


# A news page's furniture, which a plain-text article keeps: lines that credit the article's makers
# or point to another story and state nothing. Whole lines only, names capitalised: "By 2030 the plan
# cuts emissions by half." and "Reporting by the Times showed ..." are sentences.
_NAME = r"[A-Z][\w'’.-]*(?: (?:[A-Z][\w'’.-]*|de|da|di|van|von|bin|al|la|le)){0,4}"
_NAMES = rf"(?:the )?{_NAME}(?:(?:,| and| &) {_NAME})*"
_JOB = r"(?:reporter|correspondent|editor|writer|columnist|journalist|contributor|staff|producer|chief)s?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_MONTHS = r"January|February|March|April|June|July|August|September|October|November|December"
_DAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# A word of a timestamp: a figure ("3", "14:05", "03/12/2026", "3rd"), a month, a day, a time zone.
_WHEN = re.compile(
    rf"\d[\d:./-]*(?:am|pm|st|nd|rd|th|h)?|{_MONTHS}|{_MONTH}|{_DAY}|[A-Z]{{2,4}}|[ap]\.?m\.?|AM|PM"
    r"|at|on|of|ago|mins?|minutes?|hours?|hrs?|days?|today|yesterday|local|time|[-–—]"
)
_CREDIT_LINES = [
    re.compile(rf"(?:By|BY) {_NAMES}(?:(?:,| -| —| –) (?:[\w'’-]+ ){{0,4}}{_JOB}| (?:for|in|at) {_NAME})?"),
    re.compile(rf"{_NAMES}, (?:[\w'’-]+ ){{0,4}}{_JOB}"),
    re.compile(r"(?:Photo(?:graph)?s?|Pictures?|Images?)(?: credit)?: ?\S.*"),
    re.compile(rf"(?:Photo(?:graph)?s?|Pictures?) by {_NAMES}(?:/{_NAME})?"),
    re.compile(r"\(?[A-Z][\w.]*(?: [A-Z][\w.]*)* Photo ?/[^)\n]*\)?"),
    re.compile(rf"{TEASER.pattern}.*|(?:read more|read also|also read|see also)", re.IGNORECASE),
    re.compile(
        rf"(?:(?i:(?:additional )?(?:reporting|writing|editing|edited|written|compiled) by) {_NAMES}"
        rf"(?: in {_NAME})?[;.]? ?)+"
    ),
    WIRE_CREDIT,
]
_STAMP = re.compile(
    r"(?:(?:last|first) )?(?:updated|published|posted|modified)(?: on| at)?:? ", re.IGNORECASE
)


def _is_credit_line(line: str) -> bool:
    stamp = _STAMP.match(line)
    if stamp is not None:
        words = [w for w in re.split(r"[\s,|]+", line[stamp.end() :]) if w]
        return any(w[0].isdigit() for w in words) and all(_WHEN.fullmatch(w) for w in words)
    return any(pattern.fullmatch(line) for pattern in _CREDIT_LINES)


def is_credit(text: str) -> bool:
    """Whether a sentence's every line (or part between `` | ``) is a byline ("By Sam Lee", "By Sam
    Lee and Ana Ruiz, City Hall reporters", "Sam Lee, City Hall reporter"), a timestamp ("Updated 3
    December 2026, 14:05"), a photo credit ("Photo: Jane Roe/Reuters", "(AP Photo/Evan Vucci)"), a
    pointer to another story ("Read more: ...") or a wire's credits ("Reporting by Sam Lee; Editing
    by Ana Ruiz"): the article's furniture, which states nothing to check. Of the CheckThat! 2024
    English sentences it reads none at all (train 22,501, dev 1,032, dev-test 318 sentences), so
    none labelled Yes. Read by the claims component and ``unspun predict checkworthy`` alike before
    scoring (:func:`unspun.pipeline.claims.sentence_probabilities`)."""
    lines = [part.strip() for part in re.split(r"\n| [|·•] ", text) if part.strip()]
    return bool(lines) and all(_is_credit_line(line) for line in lines)
