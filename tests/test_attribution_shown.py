"""The quotes the attribution component shows a reader (QA s46): headline quotes, pronouns
linked by gender, sources and contents without the clauses around them, interview answers."""

from __future__ import annotations

import pytest

from unspun.document import Article, Attribution


def _tagged(text: str, title: str | None = None) -> Article:
    """``text`` through the entity and attribution components, as the pipeline runs them."""
    from unspun.pipeline.attribution import AttributionTagger
    from unspun.pipeline.entities import EntityRecognizer

    article = Article(id="t", text=text, title=title, language="en")
    EntityRecognizer()([article])
    AttributionTagger()([article])
    return article


def _rows(article: Article) -> list[tuple[str | None, str | None, str]]:
    text = article.text

    def piece(r: object) -> str | None:
        return None if r is None else text[r.start : r.end]  # type: ignore[attr-defined]

    return [
        (piece(a.source), piece(a.cue), text[a.content.start : a.content.end]) for a in article.attributions
    ]


def _named(article: Article, a: Attribution) -> str | None:
    return {e.id: e.name for e in article.entities}.get(a.source_entity or "")


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Minister: 'We will not back down'", ("Minister", ":", "'We will not back down'")),
        ('Mayor: "The bridge will reopen in May"', ("Mayor", ":", '"The bridge will reopen in May"')),
        ("Fed's Powell: “Rates will stay high”", ("Fed's Powell", ":", "“Rates will stay high”")),
        (
            '"We will not back down," says finance minister',
            ("finance minister", "says", '"We will not back down,"'),
        ),
    ],
)
def test_a_headline_quoting_a_speaker_is_a_quote(headline: str, expected: tuple[str, str, str]) -> None:
    text = f"{headline}\n\nFinance Minister Laura Becker defended the reform in parliament on Monday.\n"
    article = _tagged(text, title=headline)
    assert _rows(article)[:1] == [expected]


@pytest.mark.parametrize(
    ("headline", "body", "name"),
    [
        (
            "Minister: 'We will not back down'",
            "Finance Minister Laura Becker spoke on Monday.",
            "Laura Becker",
        ),
        (
            '"We will not back down," says finance minister',
            "The finance minister, Laura Becker, spoke.",
            "Laura Becker",
        ),
        ('Mayor: "The bridge will reopen"', "Mayor Helen Ortiz met David Lang on Monday.", "Helen Ortiz"),
        ('Mayor: "The bridge will reopen"', "Helen Ortiz met David Lang on Monday.", None),
    ],
)
def test_a_headline_quotes_speaker_is_the_person_the_article_names_with_that_title(
    headline: str, body: str, name: str | None
) -> None:
    article = _tagged(f"{headline}\n\n{body}\n", title=headline)
    assert _named(article, article.attributions[0]) == name


@pytest.mark.parametrize(
    "headline",
    ["City council approves budget", 'Breaking: "Storm hits the coast"', '"Fake news" claims spread online'],
)
def test_a_headline_quoting_no_one_gives_no_quote(headline: str) -> None:
    text = f"{headline}\n\nThe council voted on Monday after a long debate.\n"
    article = _tagged(text, title=headline)
    assert all(a.cue is not None and a.cue.start > len(headline) for a in article.attributions), _rows(
        article
    )


def test_a_pronoun_goes_to_the_person_the_text_calls_by_it_elsewhere() -> None:
    # QA s46 speakers.txt: "she" had two people before it; Lang is "he" later, so she is Ortiz.
    text = (
        "Mayor Helen Ortiz met transport secretary David Lang on Monday to discuss the closed bridge. "
        '"The bridge will reopen in May," she said after the meeting.\n\n'
        'Lang was more cautious. "We cannot promise a date until the engineers finish their survey," he said.\n'
    )
    article = _tagged(text)
    by_pronoun = {
        text[a.source.start : a.source.end]: _named(article, a) for a in article.attributions if a.source
    }
    assert by_pronoun == {"she": "Helen Ortiz", "he": "David Lang"}


@pytest.mark.parametrize(("pronoun", "name"), [("she", "Helen Ortiz"), ("he", "David Lang")])
def test_a_title_tells_which_of_two_people_a_pronoun_is(pronoun: str, name: str) -> None:
    text = (
        "Mrs Helen Ortiz met Mr David Lang on Monday to discuss the closed bridge. "
        f'"The bridge will reopen in May," {pronoun} said after the meeting.\n'
    )
    article = _tagged(text)
    [quote] = article.attributions
    assert _named(article, quote) == name


def test_titled_pronouns_reads_a_title_before_or_at_the_start_of_a_mention() -> None:
    from unspun.document import Entity, TextRange
    from unspun.whosays.gender import titled_pronouns

    text = "Mrs Ortiz met Mr. Lang and Mayor Reyes."

    def person(eid: str, words: str) -> Entity:
        start = text.index(words)
        return Entity(id=eid, name=words, type="PERSON", mentions=[TextRange(start, start + len(words))])

    people = [person("E1", "Ortiz"), person("E2", "Mr. Lang"), person("E3", "Reyes")]
    assert titled_pronouns(text, people) == {"E1": "she", "E2": "he"}


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            '"It\'s a disgrace," said shopkeeper Maria Costa, whose takings have halved. "They treat us like idiots."',
            "shopkeeper Maria Costa",
        ),
        (
            '"I just wanted to know what I was signing," said Mills, who sources confirmed had not blinked in four hours.',
            "Mills",
        ),
        ('"We are ready," said a doctor who works at the clinic.', "a doctor who works at the clinic"),
    ],
)
def test_a_shown_source_leaves_out_a_clause_about_the_speaker_after_a_comma(text: str, source: str) -> None:
    # QA s46 speakers.txt and satire.txt; a clause with no comma before it names the speaker.
    article = _tagged(text)
    assert [s for s, _, _ in _rows(article)] == [source]


def test_source_shown_cuts_only_an_aside_after_a_comma_that_ends_the_source() -> None:
    from unspun.whosays.shown import source_shown

    text = "Chris Cox, who runs the lobbying arm, said no."
    source = (0, text.index(" said"))
    aside = (text.index("who"), text.index(", said"))
    assert text[slice(*source_shown(text, source, [aside]))] == "Chris Cox"
    both = "Chris Cox, who runs the lobbying arm, and Ann Lee said no."
    whole = (0, both.index(" said"))
    inner = (both.index("who"), both.index(", and"))
    assert source_shown(both, whole, [inner]) == whole  # the clause does not end the source


INTERVIEW = (
    "Interview: The mayor on the housing crisis\n\n"
    "Q: Mayor Lindqvist, rents rose 14 per cent last year. Is the city failing renters?\n\n"
    "A: No. We built 3,000 homes last year. The problem is national policy, not the city.\n\n"
    "Q: Your critics say you protect developers.\n\n"
    "A: That is simply untrue. Every project goes through a public hearing.\n"
)


def test_interview_answers_are_the_interviewees_quotes() -> None:
    # QA s46 interview.txt: the answers counted as the author's voice and were no quotes.
    article = _tagged(INTERVIEW, title="Interview: The mayor on the housing crisis")
    answers = [a for a in article.attributions if a.kind == "direct"]
    assert [INTERVIEW[a.content.start : a.content.end] for a in answers] == [
        "No. We built 3,000 homes last year. The problem is national policy, not the city.",
        "That is simply untrue. Every project goes through a public hearing.",
    ]
    assert {_named(article, a) for a in answers} == {"Lindqvist"}


STANDFIRST_INTERVIEW = (
    "Interview: The scientist who counts the bees\n\n"
    "Dr. Helen Marsh has studied bee populations in Yorkshire for twenty years. "
    "We spoke to her about her new report.\n\n"
    "Q: How bad is the decline?\n"
    "A: The number of wild bee colonies fell by about a third. That is a serious drop.\n\n"
    "Q: What should the government do?\n"
    "A: Protect hedgerows and pay farmers to leave wild margins.\n"
)


def test_interview_answers_go_to_the_one_person_the_standfirst_names() -> None:
    # QA s47 interview.txt: the questions name no one, the standfirst names the interviewee.
    article = _tagged(STANDFIRST_INTERVIEW, title="Interview: The scientist who counts the bees")
    answers = [
        a for a in article.attributions if a.cue is not None and STANDFIRST_INTERVIEW[a.cue.start] == ":"
    ]
    assert len(answers) == 2
    assert {_named(article, a) for a in answers} == {"Helen Marsh"}


def test_interviewee_is_nobody_when_the_standfirst_names_two_people() -> None:
    from unspun.document import Entity, TextRange
    from unspun.whosays.interview import interviewee

    text = "Helen Marsh and John Lee run the survey.\n\nQ: How bad is it?\nA: Bad.\n"
    people = [
        Entity(id="E1", name="Helen Marsh", type="PERSON", mentions=[TextRange(0, 11)]),
        Entity(id="E2", name="John Lee", type="PERSON", mentions=[TextRange(16, 24)]),
    ]
    assert interviewee(text, people) is None
    assert interviewee(text, people[:1]) == "E1"


def test_answers_need_questions() -> None:
    from unspun.whosays.interview import answers

    assert answers("Options:\n\nA: keep the plan.\n\nB: drop it.\n") == []
    assert len(answers(INTERVIEW)) == 2


def test_an_explainers_answers_are_the_authors_voice() -> None:
    text = (
        "What the new tax law means for you\n\n"
        "Q: What does the law change?\n\n"
        "A: It raises the standard deduction for most households.\n\n"
        "Q: When does it start?\n\n"
        "A: Next January.\n"
    )
    article = _tagged(text, title="What the new tax law means for you")
    assert article.attributions == []


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        # QA s46 polemic.txt: an act with a phrase for its content is no quote
        ("His reckless budget slashes school funding while his donors pocket millions.", []),
        ("Mr. Clarke hired an investment banker and lawyers to hatch his idea.", []),
        # a verb of saying keeps a phrase for its content, and so does an act whose object is said
        ("Senator Hale accused the governor of lying about the budget.", ["accused"]),
        ("Senator Hale made a comment about the budget on Monday.", ["made a comment about"]),
        ("The budget will slash school funding, the senator said.", ["said"]),
        # QA s47 (Q2): talk about a topic names it, not what was said; a clause says it
        ("The council met again on Tuesday and discussed the harbour budget for next year.", []),
        ("The minister spoke about the floods on Monday.", []),
        ("The minister discussed whether the dam would hold.", ["discussed"]),
    ],
)
def test_an_act_with_a_phrase_for_its_content_is_no_quote(text: str, cues: list[str]) -> None:
    article = _tagged(text)
    assert [c for _, c, _ in _rows(article)] == cues


def test_a_quote_leaves_out_a_byte_order_mark_opening_the_text() -> None:
    # QA s47 bom.txt: a content at offset 0 held the byte order mark.
    text = "\ufeffCafé owners say “the tax is unfair”, the mayor said.\n"
    article = _tagged(text)
    assert _rows(article) == [("the mayor", "said", "Café owners say “the tax is unfair”")]


SPEAKERS = (
    "Team ready for final, coach says\n\n"
    '"We are ready," said coach Mike Dunn on Thursday.\n\n'
    'Team captain Leo Park agreed. "We trained hard all week and nobody is injured."\n\n'
    'The club\'s chairman, Raj Patel, was more cautious: "Finals are never easy."\n\n'
    "Fans have bought all 40,000 tickets, according to the club.\n"
)


def test_a_quotation_after_a_sentence_naming_its_speaker_is_a_quote() -> None:
    # QA s47 speakers.txt: a quotation after "X agreed." and after "X was more cautious:" was
    # nobody's.
    article = _tagged(SPEAKERS, title="Team ready for final, coach says")
    rows = {content: source for source, _, content in _rows(article)}
    named = {SPEAKERS[a.content.start : a.content.end]: _named(article, a) for a in article.attributions}
    assert rows['"We trained hard all week and nobody is injured."'] == "Team captain Leo Park"
    assert rows['"Finals are never easy."'] == "The club's chairman, Raj Patel"
    assert named['"We trained hard all week and nobody is injured."'] == "Leo Park"
    assert named['"Finals are never easy."'] == "Raj Patel"
    assert len(article.attributions) == 4


@pytest.mark.parametrize(
    "text",
    [
        # a quotation with a cue of its own, one after a sentence with a content of its own, one
        # after a colon whose clause names no speaker: none is the sentence's speaker's
        'Mayor Helen Ortiz said the bridge would reopen. "It will be safer," an engineer told us.\n',
        'Mayor Helen Ortiz said the bridge would reopen. "It will be safer."\n',
        'The problem is simple: "Nobody reads the small print."\n',
    ],
)
def test_a_quotation_is_not_given_to_a_speaker_who_did_not_introduce_it(text: str) -> None:
    article = _tagged(text)
    assert all(
        not text[a.content.start : a.content.end].startswith('"It will be safer."')
        for a in article.attributions
    )
    assert all(
        text[a.content.start : a.content.end] != '"Nobody reads the small print."'
        for a in article.attributions
    )


@pytest.mark.parametrize(
    ("text", "source", "parts"),
    [
        # QA s48 said_name.txt: the name after "said" was parsed as the subject of the words
        # describing the speaker ("Kowalski, visibly tired"), which left the quote without a source
        (
            '"The water was already at the door," said Kowalski, visibly tired. "We ran."\n',
            "Kowalski",
            ["The water was already at the door", "We ran."],
        ),
        ('"We will rebuild the school," said Nadia Petrov, clearly moved.\n', "Nadia Petrov", []),
    ],
)
def test_a_name_after_said_is_the_source_of_the_quotation_before(
    text: str, source: str, parts: list[str]
) -> None:
    article = _tagged(text)
    [quote] = article.attributions
    assert _rows(article)[0][:2] == (source, "said")
    assert quote.attrs.get("content_parts", []) == parts
    assert _named(article, quote) == source


def test_a_speaker_named_in_apposition_before_the_cue_is_its_source() -> None:
    # QA s48 called.txt: "Its chair, David Okafor, called ...", parsed with "chair" as the root and
    # "called" as its clause, had no source
    text = 'The residents say rents have doubled. Its chair, Helen Moss, called the landlord\'s offer "an insult".\n'
    article = _tagged(text)
    rows = {cue: source for source, cue, _ in _rows(article)}
    assert rows["called"] == "Its chair, Helen Moss"
    called = next(a for a in article.attributions if text[a.cue.start : a.cue.end] == "called")
    assert _named(article, called) == "Helen Moss"


def test_a_participle_after_a_clause_is_said_by_that_clauses_subject() -> None:
    # QA s48 noting.txt: "noting" hung from the sentence's first verb went to its subject
    text = (
        "Shop owner Ruth Amari said she was pleased, while local teacher Tom Becket questioned "
        "whether the money would last, noting that the last grant ran out within a year.\n"
    )
    article = _tagged(text)
    rows = {cue: source for source, cue, _ in _rows(article)}
    assert rows["said"] == "Shop owner Ruth Amari"
    assert rows["noting"] == "local teacher Tom Becket"


@pytest.mark.parametrize(
    "text",
    [
        # what the first verb reports, or a clause that says nothing, does not take the participle
        "Kelly Ayotte said the report was wrong, noting that the figures were old.\n",
        "Kelly Ayotte said taxes would rise because the budget was short, noting that the city had no reserves.\n",
    ],
)
def test_a_participle_after_a_clause_that_reports_nothing_stays_with_the_speaker(text: str) -> None:
    article = _tagged(text)
    rows = {cue: source for source, cue, _ in _rows(article)}
    assert rows["noting"] == "Kelly Ayotte"


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        # QA s48 nonstatements.txt, oped2.txt: a decision, a welcome, a request for a thing, a
        # question on a topic and an offer of a thing report no words said
        ("Mayor Karen Ellis on Thursday rejected calls from shop owners to scrap the new bus lanes.", []),
        ("The board rejected the union's offer on Monday.", []),
        ("Transport campaigners welcomed the decision.", []),
        ("The nurses are not asking for luxury. They are asking for respect.", []),
        ("We asked her about the new barrier.", []),
        ("Health Secretary Paul Graves has offered her a pay rise that does not cover her bus fare.", []),
        # what is said stays: a claim rejected, an offer of words, a welcome with a statement, a
        # question asked
        ("Ms. Conway rejected the idea that the changes amounted to a shake-up.", ["rejected"]),
        ("Senator Hale offered a blunt assessment of the budget.", ["offered"]),
        ("The senator rejected the allegation.", ["rejected"]),
        ("Campaigners welcomed the decision, saying that it would save lives.", ["saying"]),
        ("The reporter asked whether the dam would hold.", ["asked"]),
    ],
)
def test_an_action_or_a_topic_is_no_quote(text: str, cues: list[str]) -> None:
    article = _tagged(text)
    assert [c for _, c, _ in _rows(article)] == cues


QUOTED_INTERVIEW = (
    '"Nobody asked us": a ferry captain speaks\n\n'
    "Ruth Alvarez has piloted the island ferry for fifteen years. We asked her about the new timetable.\n\n"
    "Q: What will the cuts mean for you?\n"
    'A: "Longer days. The last crossing now leaves at six, and the nurses miss it."\n\n'
    "Q: The operator says demand has fallen.\n"
    'A: "Only because the boats are late. Nobody from head office has ridden with us."\n\n'
    "Tomas Berg, the operator's spokesman, said in a statement that the company "
    '"reviewed every route" last spring.\n'
)


def test_quoted_answers_are_the_introduced_persons_quotes() -> None:
    # QA s49 interview.txt: quoted answers, a headline without "interview", no question naming
    # the interviewee; the answers were nobody's, and the last ran over the author's paragraph.
    article = _tagged(QUOTED_INTERVIEW, title='"Nobody asked us": a ferry captain speaks')
    answers = [a for a in article.attributions if QUOTED_INTERVIEW[a.cue.start] == ":"]  # type: ignore[union-attr]
    assert [QUOTED_INTERVIEW[a.content.start : a.content.end] for a in answers] == [
        '"Longer days. The last crossing now leaves at six, and the nurses miss it."',
        '"Only because the boats are late. Nobody from head office has ridden with us."',
    ]
    assert {_named(article, a) for a in answers} == {"Ruth Alvarez"}


def test_said_in_a_statement_that_is_a_quote() -> None:
    # QA s49 interview.txt: the parser hangs the that-clause from "statement"; the quote was lost.
    text = (
        "Tomas Berg, the operator's spokesman, said in a statement that the company "
        '"reviewed every route" last spring.'
    )
    article = _tagged(text)
    assert [(c, content) for _, c, content in _rows(article)] == [
        ("said in a statement", 'that the company "reviewed every route" last spring')
    ]


def test_quoted_answer_ends_with_its_quoted_paragraphs() -> None:
    from unspun.whosays.interview import quoted_answer

    assert quoted_answer('"Late again."\n\nThe operator said ...') == '"Late again."'
    assert quoted_answer('"Late again.\n\n"And again."\n\nThe operator') == '"Late again.\n\n"And again."'
    assert quoted_answer("Late again.\n\nAnd again.") == "Late again.\n\nAnd again."


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        # QA s49 satire.txt, oped.txt and s48's "call for": a belief, a judgement of an object, a
        # thing promised and a thing called for report no words said
        ("Tom Hale waited at the pier, convinced that the ferry would come.", []),
        ("Harbour officials praised her patience.", []),
        ("The same Berg who promised us cheaper tickets last year is now silent.", []),
        ("The union called for a pay rise on Monday.", []),
        # what is said stays: a judgement with a statement, a promise of an act, a call in words
        ("Harbour officials praised the plan as bold.", ["praised"]),
        ("The mayor promised to cut fares next year.", ["promised"]),
        ('The union called the offer "an insult".', ["called"]),
    ],
)
def test_a_belief_a_judgement_or_a_thing_wanted_is_no_quote(text: str, cues: list[str]) -> None:
    article = _tagged(text)
    assert [c for _, c, _ in _rows(article)] == cues


def test_a_source_opening_with_what_is_the_speaker_after_it() -> None:
    # QA s49 satire.txt: "Displaying what witnesses called ..." had the source "what witnesses".
    text = 'Displaying what passengers called "heroic patience", local woman Ann Roe sat on the pier.'
    article = _tagged(text)
    assert [s for s, _, _ in _rows(article)] == ["passengers"]
