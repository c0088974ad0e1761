"""Check-worthy claims: the sentences of an article a fact-checker should look at.

Each sentence (:func:`unspun.sentences.split_sentences`) gets the probability that it is
check-worthy, the sentence read alone as the training sentences were (CheckThat! 2024, English
debate sentences), from one of two kinds of model folder: a fine-tuned sentence classifier run
with ONNX Runtime (:mod:`unspun.models.sentence_classifier`, the shipped ``checkworthy-en``), or a
logistic head over the span model's token states of the sentence (mean and max;
:mod:`unspun.whosays.heads`, the frozen-feature recipe). A sentence at
or over the model's threshold becomes a :class:`~unspun.document.Claim` (``score`` = that
probability) in ``article.claims``; a transcript's speaker label ("Q:", "MINISTER:") is no part
of its sentence. Sentences of fewer than ``min_words`` words are skipped, so is
the text's title line (a headline is not a claim sentence:
:func:`unspun.sentences.title_line`, or a first sentence that is the article's ``title``),
and so are articles in another language than English and paragraphs the language detector
named as in another (``Paragraph.language``). A sentence that only evaluates something
("The mayor's latest tax grab is nothing less than highway robbery.", :func:`is_evaluation`)
states nothing a fact-checker could look up and is no claim, whatever its score; nor is a
verdict whose subject carries an aside ("The council's new budget, approved on Monday, is a
timid, costly mistake.", :func:`is_judgement`); nor is a sentence that only
reports silence ("A spokesman declined to comment.", :func:`is_no_comment`), nor a quoted verdict
('"It's a disgrace," said shopkeeper Maria Costa.', :func:`is_quoted_verdict`), nor a line about
anyone who does something ("Anyone who votes against this plan is voting to shut down every shop
on the high street.", :func:`is_sweeping`), nor a byline, a timestamp or another credit line ("By Sam Lee, City Hall reporter", "Updated 3
December 2026, 14:05": :func:`is_credit`, not scored at all). ``unspun predict checkworthy`` reads
each sentence alone with the same rules (:func:`judge_sentences`), the headline rule apart. An
article a genre component that ran before called satire with confidence (:data:`SATIRE_MIN_SCORE`)
holds no claims: its lines are jokes written as news.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from unspun.document import Article, Claim, ModelInfo, TextRange
from unspun.furniture import is_credit
from unspun.models.sentence_classifier import SentenceClassifier, load_classifier_or
from unspun.pipeline.base import Component
from unspun.pipeline.language import ranges_outside
from unspun.registry import register
from unspun.sentences import split_sentences, title_end
from unspun.whosays.attribution_rules import tokens_within
from unspun.whosays.boundary import without_dateline
from unspun.whosays.encoding import (
    TokenStates,
    article_sentences,
    block_rows,
    encode_texts,
)
from unspun.whosays.heads import HeadModel, load_heads
from unspun.whosays.parsing import DEFAULT_SPACY_MODEL, PARSE_KEY, Chunks, load_spacy
from unspun.whosays.speech import ANSWER, REFUSAL

DEFAULT_MODEL = "checkworthy-en"
YES = "Yes"
SATIRE = "satire"
# From this genre probability on, a satire article holds no claims: its lines are jokes written as
# news ("Council officials confirmed they are considering erecting a small bronze statue of
# Pritchard ...": 0.97 from the model, which reads each sentence alone). Only a confident call: the
# genre component's satire at 0.4-0.5 was right less than half the time on whole English articles
# (its model card), and a satire call on a real report would hide every claim it holds.
SATIRE_MIN_SCORE = 0.7
ClaimModel = SentenceClassifier | HeadModel


# A transcript's speaker label opening a sentence: "Q:", "A:", "MINISTER:", "SEN. WARREN:" (CheckThat!
# debate sentences are read without theirs). Capitals only, so "Note: the figures ..." keeps its word;
# "READ MORE: ..." is a pointer to another story (:func:`is_credit`), not a speaker.
_SPEAKER = re.compile(
    r"(?!READ MORE|READ ALSO|ALSO READ|SEE ALSO)(?:[QA]|[A-Z][A-Z.'’ -]{1,30}[A-Z.]):[ \t]+(?=\S)"
)


def without_speaker(text: str, sentence: TextRange) -> TextRange:
    """``sentence`` without the speaker label it opens with ("Q: Minister, prices have doubled."
    is the claim "Minister, prices have doubled."); as it is when it has none."""
    label = _SPEAKER.match(text, sentence.start, sentence.end)
    return TextRange(label.end(), sentence.end) if label else sentence


def claim_extent(text: str, sentence: TextRange) -> TextRange:
    """What of ``sentence`` can be a claim: without a transcript's speaker label
    (:func:`without_speaker`) or the news dateline it opens with ("SPRINGFIELD (Reuters) - The
    council voted ..." is the claim "The council voted ...": a place and an agency are no part of
    what is claimed, and the debate sentences the model learnt from carry none)."""
    sentence = without_speaker(text, sentence)
    rest = without_dateline(text, (sentence.start, sentence.end))
    return TextRange(*rest) if rest else sentence


# Entity types a fact-checker can look up: figures and dates, and what has a name.
CHECKABLE_ENTITIES = frozenset(
    {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "DATE", "TIME", "ORDINAL"}
    | {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
)


def _words_and_roots(tokens: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The spaCy tokens of one sentence without punctuation and spaces, and those of them whose
    head lies outside the sentence or is themselves (its roots)."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    inside = {t.i for t in words}
    return words, [t for t in words if t.head.i == t.i or t.head.i not in inside]


def _is_be(token: Any) -> bool:
    """Whether a token is a form of "be", a contraction with a curly apostrophe too ("It’s a
    disgrace.": spaCy gives "’s" no lemma "be"; the CheckThat! sentences have no curly ones)."""
    return token.lemma_.lower() == "be" or token.lower_ in ("’s", "’re", "’m")


def is_evaluation(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence only say what something is: one main clause (no
    second one joined to it), a copula with a noun or adjective complement ("X is nothing less
    than highway robbery", "Our inner cities are a disaster"), no other verb (no event, no
    reported speech), no figure or date and nothing named. Such a sentence is an opinion, not a claim to check: of the
    CheckThat! 2024 English sentences that read so, 626 of 685 training sentences are labelled No
    (91%, against 76% of all), 32 of 33 in dev and 7 of 8 in dev-test; leaving those the shipped
    model flags out of its claims drops one false and one true Yes on dev, none on dev-test."""
    words, roots = _words_and_roots(tokens)
    if len(roots) != 1 or not _is_be(roots[0]):
        return False
    children = [child.dep_ for child in roots[0].children]
    if not ("attr" in children or "acomp" in children) or "conj" in children:  # "..., but X attends"
        return False
    # the copula itself may be tagged a verb ("It’s a disgrace." with a curly apostrophe, QA s46),
    # unless it says that something exists ("There is a fire in the building.")
    copula = roots[0] if "expl" not in children else None
    return not any(
        (t.pos_ == "VERB" and t is not copula) or t.like_num or t.ent_type_ in CHECKABLE_ENTITIES
        for t in words
    )


def _checkable(token: Any) -> bool:
    """Whether a token is something to look up: a figure, a date or a name."""
    return bool(token.like_num) or token.ent_type_ in CHECKABLE_ENTITIES


# Adjectives that say which or when, not how good: a complement they alone qualify is a
# description ("a new policy that ends free school meals", "the latest bill that cuts ..."), whose
# relative clause states the news, not a verdict.
DESCRIPTIVE_ADJECTIVES = frozenset(
    {"new", "old", "latest", "recent", "current", "former", "previous", "next", "last", "first"}
    | {"second", "third", "final", "other", "same", "only", "main", "major", "further", "additional"}
    | {"local", "national", "federal", "regional", "public", "private", "official", "annual", "proposed"}
)


def _judges(adjective: Any) -> bool:
    """Whether an adjective can pass a verdict (not one of :data:`DESCRIPTIVE_ADJECTIVES`)."""
    return adjective.pos_ == "ADJ" and adjective.lower_ not in DESCRIPTIVE_ADJECTIVES


def is_judgement(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence pass a verdict: one main clause that says what
    its subject is (a copula, no second clause joined to it) with an adjective, or a noun an
    adjective qualifies, that judges (:func:`_judges`: not "new", "latest", ...), where the only
    verbs are in an aside on the subject ("The council's new budget, approved on Monday, is a
    timid, costly mistake.") and no figure, date or name lies outside that aside.
    :func:`is_evaluation` allows no verb at all; the subject's aside adds nothing to check.

    A verb in the verdict's own words may carry the claim: "The vaccine is a dangerous drug that
    causes infertility in women.", "The plan is a reckless scheme that raises taxes on the middle
    class." are claims to check (review, s44: a first version let a relative clause through and
    dropped them). Nor does calling names make a sentence uncheckable ("The idiots in charge
    doubled the deficit."; "The so-called scientists are bought and paid for by big pharma." is
    an allegation a fact-checker may take up): a rule for it was tried and dropped. With the
    relative clause allowed the rule read 101 CheckThat! 2024 English training sentences that
    :func:`is_evaluation` does not (6 labelled Yes, against 24% of all) and none of the shipped
    model's claims in dev or dev-test; this narrower rule reads a subset of those, so dev and
    dev-test F1 stay 0.9287 and 0.9091."""
    root = _main_clause(tokens)
    if root is None or not _is_be(root) or any(c.dep_ == "conj" for c in root.children):
        return False
    complements = [c for c in root.children if c.dep_ in ("attr", "acomp")]
    if len(complements) != 1:
        return False
    complement = complements[0]
    if not _judges(complement) and not any(c.dep_ == "amod" and _judges(c) for c in complement.children):
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    aside = {t.i for s in subjects for c in s.children if c.dep_ in ("acl", "appos") for t in c.subtree}
    predicate = [t for c in root.children if c.dep_ not in ("nsubj", "nsubjpass") for t in c.subtree]
    if any(_checkable(t) or t.pos_ in ("VERB", "AUX") for t in predicate):
        return False
    said = [t for s in subjects for t in s.subtree if t.i not in aside]
    return not any(_checkable(t) or t.pos_ == "VERB" for t in said if not (t.is_punct or t.is_space))


# What someone declines to do when they decline to speak: "declined to comment", "refused to say
# how many had died", "declined to give details".
SILENT_SPEECH = frozenset(
    {"comment", "say", "discuss", "elaborate", "answer", "respond", "speculate", "confirm", "specify"}
    | {"disclose", "reveal", "detail", "identify", "name", "give", "provide"}
)
# What "give" and "provide" must hand over to be speech: "declined to give details".
SPOKEN_OBJECTS = frozenset({"detail", "comment", "information", "statement", "figure", "number", "reason"})


def _main_clause(tokens: Sequence[Any]) -> Any | None:
    """The root of a sentence's tokens if it has one root and no clause joined to it, else None."""
    _, roots = _words_and_roots(tokens)
    if len(roots) != 1 or any(
        child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") for child in roots[0].children
    ):
        return None
    return roots[0]


def is_no_comment(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence only report that someone did not speak: a refusal
    to speak ("A spokesman for the contractor declined to comment.", "Officials declined to say
    how many soldiers had died.", :data:`SILENT_SPEECH`) or silence ("The company did not respond
    to a request for comment.", "Smith could not be reached for comment."), with no clause joined
    to it ("declined to comment, but said the plant was safe" is kept). A refusal to act is a
    claim ("The governor refused to fund the program": CheckThat! 2024 labels such debate
    sentences Yes) and is kept; so is a refusal to speak in the present tense, a stance held
    rather than a request for comment turned down ("He still refuses to even say anything to
    Putin about the bounty ...", labelled Yes in dev-test, the only refusal to speak in the
    CheckThat! sentences), unless what is refused is to comment ("Apple declines to comment on
    the report.", news's present tense of a request turned down). The debates' one report of
    silence ("So far, Mr. Ford has not responded.") is labelled No."""
    root = _main_clause(tokens)
    if root is None:
        return False
    lemma = root.lemma_.lower()
    negated = any(child.dep_ == "neg" for child in root.children)
    if lemma in REFUSAL:
        done = [child for child in root.children if child.dep_ == "xcomp"]
        if len(done) != 1 or done[0].lemma_.lower() not in SILENT_SPEECH:
            return False
        if root.tag_ in ("VBZ", "VBP") and done[0].lemma_.lower() != "comment":
            return False  # "refuses to say": an accusation a fact-checker can check
        if done[0].lemma_.lower() in ("give", "provide"):
            return any(c.dep_ == "dobj" and c.lemma_.lower() in SPOKEN_OBJECTS for c in done[0].children)
        return True
    if lemma == "reach":  # "could not be reached for comment"
        return negated and any(child.dep_ == "auxpass" for child in root.children)
    return lemma in ANSWER and negated


# Verbs that only report words, so that a verdict they report is still only a verdict ("found",
# "showed", "ruled" report a finding, which may be checked).
SAYING_ONLY = frozenset(
    {"say", "add", "tell", "insist", "complain", "argue", "declare", "write", "state", "tweet", "shout"}
)


def is_quoted_verdict(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence only quote a verdict: a verb of saying
    (:data:`SAYING_ONLY`) whose said clause stands in quotation marks and evaluates
    (:func:`is_evaluation`) or judges (:func:`is_judgement`), with nothing else than its speaker
    (and whom it was told), no figure in the speaker but in an aside on them: '"It's a disgrace,"
    said shopkeeper Maria Costa, whose takings have halved.' The speaker and the aside are who
    says it, as the aside on a verdict's subject in :func:`is_judgement`, not what is claimed (QA
    s46: the shipped model gave that sentence 0.85, for the aside's "halved").

    Quoted words only: a verdict reported in the speaker's name is a claim in the CheckThat! 2024
    English debates ("Mr. Perot says it's a bad deal." is labelled Yes; 5 of the 17 training
    sentences that read so without the quotation marks, none of them quoting)."""
    root = _main_clause(tokens)
    if root is None or root.lemma_.lower() not in SAYING_ONLY:
        return False
    allowed = {"nsubj", "ccomp", "punct"} | ({"dobj", "dative"} if root.lemma_.lower() == "tell" else set())
    said = [c for c in root.children if c.dep_ == "ccomp"]
    if len(said) != 1 or any(c.dep_ not in allowed for c in root.children):
        return False
    content = sorted(said[0].subtree, key=lambda t: t.i)
    opening = [t for t in tokens if t.i == content[0].i - 1]  # within the sentence, not the last one's
    if not opening or not opening[0].is_quote:
        return False
    speakers = [c for c in root.children if c.dep_ == "nsubj"]
    aside = {
        t.i for s in speakers for c in s.children if c.dep_ in ("acl", "relcl", "appos") for t in c.subtree
    }
    if any(t.like_num for s in speakers for t in s.subtree if t.i not in aside):
        return False
    return is_evaluation(content) or is_judgement(content)


# Pronouns that make a sentence about everyone who does something ("Anyone who votes against
# this plan ...").
EVERYONE = frozenset({"anyone", "anybody", "everyone", "everybody"})


def is_sweeping(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence say something of everyone who does something,
    with no figure, date or name to look up: one main clause whose subject is "anyone" (or
    "anybody", "everyone", "everybody") with a relative clause ("Anyone who votes against this
    plan is voting to shut down every shop on the high street."). Rhetoric, not a claim: the 8
    CheckThat! 2024 English training sentences it reads are all labelled No ("Everybody who pays
    taxes ought to get some relief."); it reads none in dev or dev-test."""
    root = _main_clause(tokens)
    if root is None:
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) != 1 or subjects[0].lower_ not in EVERYONE:
        return False
    if not any(c.dep_ == "relcl" for c in subjects[0].children):
        return False
    return not any(_checkable(t) for t in tokens)


def states_nothing(tokens: Sequence[Any]) -> bool:
    """Whether the spaCy tokens of one sentence state nothing a fact-checker could look up: it
    only evaluates something (:func:`is_evaluation`), passes a verdict (:func:`is_judgement`),
    reports one (:func:`is_quoted_verdict`), sweeps over everyone who does something
    (:func:`is_sweeping`) or only reports silence (:func:`is_no_comment`)."""
    return (
        is_evaluation(tokens)
        or is_judgement(tokens)
        or is_quoted_verdict(tokens)
        or is_sweeping(tokens)
        or is_no_comment(tokens)
    )


def sentence_tokens(chunks: Chunks, sentence: TextRange) -> list[Any]:
    """The tokens of a parsed text (``(offset, Doc)`` chunks) that lie inside ``sentence``: each
    chunk's tokens within its part of the sentence (:func:`tokens_within`), where every token of
    the text had been scanned for each sentence."""
    tokens: list[Any] = []
    for offset, doc in chunks:
        tokens.extend(tokens_within(doc, sentence.start - offset, sentence.end - offset))
    return tokens


def yes_probabilities(model: HeadModel, states: TokenStates, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """The calibrated probability that each character range of an encoded text is check-worthy."""
    if not ranges:
        return np.zeros(0, dtype=np.float32)
    head = model.head("checkworthy")
    scores = head.scores(block_rows(states, ranges, model.blocks))
    return scores[:, head.labels.index(YES)]


def load_claim_model(model: str | Path | ClaimModel | None = None) -> ClaimModel:
    """The model as given, or loaded (once per process) from a folder or a shipped name (the
    folder's ``config.json`` says which kind). Raises :class:`unspun.errors.ModelError`."""
    if isinstance(model, SentenceClassifier | HeadModel):
        return model
    return load_classifier_or(
        model, DEFAULT_MODEL, lambda name: load_heads(name, DEFAULT_MODEL), labels=("No", YES)
    )


def sentence_probabilities(model: ClaimModel, texts: Sequence[str]) -> np.ndarray:
    """The check-worthiness probability of each stand-alone sentence (0 for a blank one and for
    a byline, timestamp or other credit line, :func:`is_credit`)."""
    blank = np.array([not t.strip() or is_credit(t) for t in texts], dtype=bool)
    if isinstance(model, SentenceClassifier):
        p = model.probabilities(texts)
    else:
        p = np.array(
            [
                yes_probabilities(model, states, [(0, len(text))])[0]
                for text, states in zip(texts, encode_texts(texts), strict=True)
            ],
            dtype=np.float32,
        )
    return np.where(blank, 0.0, p)


def score_sentences(texts: Sequence[str], model: str | Path | ClaimModel | None = None) -> list[float]:
    """The check-worthiness probability of each stand-alone sentence (``unspun predict
    checkworthy``). Raises :class:`unspun.errors.ModelError` if the model cannot be loaded."""
    return [float(p) for p in sentence_probabilities(load_claim_model(model), texts)] if texts else []


def judge_sentences(
    texts: Sequence[str],
    model: str | Path | ClaimModel | None = None,
    *,
    min_words: int = 4,
    spacy_model: str | Path = DEFAULT_SPACY_MODEL,
) -> list[tuple[bool, float]]:
    """Per stand-alone sentence, whether ``unspun analyze`` would take it for a claim and its
    probability (``unspun predict checkworthy``): the sentence without a speaker label or
    dateline (:func:`claim_extent`) is scored (0 for a credit line, :func:`sentence_probabilities`),
    and is a claim at or over the model's threshold if it has ``min_words`` words or more and
    states something to check (not :func:`states_nothing`); the headline rule, which needs the
    article, is not applied. Raises :class:`unspun.errors.ModelError` if the model cannot be loaded."""
    if not texts:
        return []
    detector = ClaimDetector(model=load_claim_model(model), min_words=min_words, spacy_model=spacy_model)
    extents = []
    for text in texts:
        extent = claim_extent(text, TextRange(0, len(text)))
        extents.append(text[extent.start : extent.end])
    probabilities = sentence_probabilities(detector.model, extents)
    over = [
        k
        for k, (text, p) in enumerate(zip(extents, probabilities, strict=True))
        if p >= detector.threshold and detector.may_be_claim(text)
    ]
    nothing = detector.states_nothing_alone([extents[k] for k in over])
    claims = {k for k, no in zip(over, nothing, strict=True) if not no}
    return [(k in claims, float(p)) for k, p in enumerate(probabilities)]


@register("unspun.ClaimDetector.v1")
class ClaimDetector(Component):
    """Writes ``article.claims``: the check-worthy sentences with their probability."""

    name = "claims"
    needs = ("language",)
    writes = ("claims",)

    def __init__(
        self,
        *,
        model: str | Path | ClaimModel | None = None,
        min_words: int = 4,
        threshold: float | None = None,
        skip_title: bool = True,
        skip_evaluations: bool = True,
        spacy_model: str | Path = DEFAULT_SPACY_MODEL,
        languages: tuple[str, ...] = ("en",),
        satire_min_score: float | None = SATIRE_MIN_SCORE,
    ) -> None:
        super().__init__()
        self._model_arg = model
        self._model: ClaimModel | None = model if isinstance(model, SentenceClassifier | HeadModel) else None
        self.min_words = min_words
        self._threshold = threshold
        self.skip_title = skip_title
        self.skip_evaluations = skip_evaluations
        self.spacy_model = spacy_model
        self.languages = languages
        self.satire_min_score = satire_min_score

    @property
    def model(self) -> ClaimModel:
        """The check-worthiness model, loaded on first use (raises :class:`unspun.errors.ModelError`)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = load_claim_model(self._model_arg)
        return self._model

    @property
    def threshold(self) -> float:
        """The probability from which a sentence is a claim (the model's, unless given)."""
        return self.model.threshold if self._threshold is None else self._threshold

    def load(self) -> None:
        self.model  # noqa: B018 - the property loads it

    def model_info(self) -> list[ModelInfo]:
        return [self.model.model_info(self.name)]

    def covers(self, article: Article) -> bool:
        """Whether the model reads the article's language (unknown counts as covered)."""
        return article.language is None or article.language in self.languages

    def is_satire(self, article: Article) -> bool:
        """Whether ``article`` was called satire with at least ``satire_min_score`` by a genre
        component that ran before this one (``article.labels["genre"]``); never when
        ``satire_min_score`` is None or the article has no genre yet."""
        genre = article.labels.get("genre")
        if self.satire_min_score is None or not genre:
            return False
        return genre[0].name == SATIRE and genre[0].score >= self.satire_min_score

    def title_end(self, text: str, title: str | None = None) -> int:
        """Where the text's headline ends (0: none, or titles are not skipped; see
        :func:`unspun.sentences.title_end`)."""
        return title_end(text, title) if self.skip_title else 0

    def candidates(
        self,
        text: str,
        sentences: Sequence[TextRange],
        title: str | None = None,
        *,
        left_out: Sequence[tuple[int, int]] = (),
    ) -> list[int]:
        """The indices of the sentences that may be claims: at least ``min_words`` words, not in
        the title line, no byline or other credit line (:func:`is_credit`), and not within one of
        the ``left_out`` ranges (paragraphs in a language the model does not read,
        :func:`unspun.pipeline.language.ranges_outside`)."""
        headline_end = self.title_end(text, title)
        return [
            k
            for k, s in enumerate(sentences)
            if self.may_be_claim(text[s.start : s.end])
            and s.end > headline_end
            and not any(start <= s.start and s.end <= end for start, end in left_out)
        ]

    def may_be_claim(self, sentence: str) -> bool:
        """Whether a sentence, wherever it stands, may be a claim: ``min_words`` words or more and
        no byline or other credit line (:func:`is_credit`). :meth:`candidates` adds the rules that
        need its article (the headline, paragraphs in another language); ``judge_sentences``
        applies this alone."""
        return len(sentence.split()) >= self.min_words and not is_credit(sentence)

    def claims(
        self, sentences: Sequence[TextRange], probabilities: Sequence[float] | np.ndarray
    ) -> list[Claim]:
        """The ``sentences`` whose probability reaches the threshold, as claims ``c1``, ``c2``, ...
        in text order."""
        out: list[Claim] = []
        for s, p in zip(sentences, probabilities, strict=True):
            if p >= self.threshold:
                out.append(Claim(f"c{len(out) + 1}", s.start, s.end, round(float(p), 4)))
        return out

    def _probabilities(self, articles: Sequence[Article]) -> list[tuple[list[TextRange], np.ndarray]]:
        """Per article, its candidate sentences and their probabilities (one model call for all)."""
        model = self.model
        if isinstance(model, SentenceClassifier):
            split = [[claim_extent(a.text, s) for s in split_sentences(a.text)] for a in articles]
        else:  # the heads read the span model's states of each sentence, kept for portrayal
            made = article_sentences(articles)
            split = [list(m.sentences) for m in made]
        kept = [
            self.candidates(a.text, ss, a.title, left_out=ranges_outside(a, self.languages))
            for a, ss in zip(articles, split, strict=True)
        ]
        if isinstance(model, SentenceClassifier):
            texts = [
                a.text[ss[k].start : ss[k].end]
                for a, ss, ks in zip(articles, split, kept, strict=True)
                for k in ks
            ]
            flat = model.probabilities(texts)
        else:
            flat = np.array(
                [
                    yes_probabilities(model, m.states[k], [(0, m.sentences[k].end - m.sentences[k].start)])[0]
                    for m, ks in zip(made, kept, strict=True)
                    for k in ks
                ],
                dtype=np.float32,
            )
        out, first = [], 0
        for ss, ks in zip(split, kept, strict=True):
            out.append(([ss[k] for k in ks], flat[first : first + len(ks)]))
            first += len(ks)
        return out

    def evaluations(self, article: Article, sentences: Sequence[TextRange]) -> list[bool]:
        """Whether each sentence states nothing to check (:func:`states_nothing`: an evaluation,
        rhetoric or a report of silence), read in the
        parse the entity step kept on the article, else in a parse of the sentences alone."""
        chunks = article.vectors.get(PARSE_KEY)
        if chunks is None:
            return self.states_nothing_alone([article.text[s.start : s.end] for s in sentences])
        return [states_nothing(sentence_tokens(chunks, s)) for s in sentences]

    def states_nothing_alone(self, sentences: Sequence[str]) -> list[bool]:
        """:func:`states_nothing` of each sentence, parsed on its own."""
        return [states_nothing(list(doc)) for doc in load_spacy(self.spacy_model).pipe(sentences)]

    def _claims_of(
        self, article: Article, sentences: list[TextRange], probabilities: np.ndarray
    ) -> list[Claim]:
        """The claims among an article's scored sentences, evaluations left out (if asked)."""
        if self.skip_evaluations:
            over = [k for k, p in enumerate(probabilities) if p >= self.threshold]
            opinion = self.evaluations(article, [sentences[k] for k in over])
            dropped = {k for k, no in zip(over, opinion, strict=True) if no}
            keep = [k for k in range(len(sentences)) if k not in dropped]
            sentences, probabilities = [sentences[k] for k in keep], probabilities[keep]
        return self.claims(sentences, probabilities)

    def predict(self, articles: Sequence[Article]) -> list[list[Claim] | None]:
        """Per article, its claims (``None`` for a language the model does not read, none for an
        article a genre component already called satire, :meth:`is_satire`); changes
        nothing but the cached sentence states (``article.vectors``) of a head model."""
        covered = [a for a in articles if self.covers(a) and a.text.strip()]
        read = [a for a in covered if not self.is_satire(a)]
        scored = dict(zip(map(id, read), self._probabilities(read), strict=True))
        kept = {id(a) for a in covered}
        return [
            self._claims_of(a, *scored[id(a)]) if id(a) in scored else [] if id(a) in kept else None
            for a in articles
        ]

    def set_annotations(self, articles: Sequence[Article], outputs: list[list[Claim] | None]) -> None:
        for article, claims in zip(articles, outputs, strict=True):
            if claims is not None:
                article.claims = claims
