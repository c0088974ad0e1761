"""Pages that stand in front of an article: a paywall, a cookie-consent page, a bot check.

A fetched page is refused when it is one (:func:`unspun.readers.url.check_not_a_wall`), and so is
a saved one (:func:`unspun.readers.html.html_article`): its few words are never the article.
"""

from __future__ import annotations

import re

# Phrases of pages that stand in front of an article. Checked on short extracted texts (a wall
# replaces the article) and, for bot checks of a fetched page, anywhere in the page.
PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:read|continue|keep reading|unlock)|subscribers? only|"
    r"this (?:article|content|story) is (?:for|available to|reserved for) (?:paying )?subscribers|"
    r"already a subscriber|to continue reading|sign in to (?:read|continue)|"
    r"create a free account to (?:read|continue)|you have reached your (?:free )?article limit",
    re.IGNORECASE,
)
CONSENT = re.compile(
    r"we (?:and our partners )?use cookies|cookie (?:settings|preferences|consent)|"
    r"accept (?:all )?cookies|manage (?:your )?consent|your privacy choices|before you continue",
    re.IGNORECASE,
)
BOT_CHECK = re.compile(
    r"checking (?:if the site connection is secure|your browser)|are you a robot|"
    r"verify (?:that )?you are (?:a )?human|enable javascript and cookies to continue|"
    r"cf-browser-verification|cf-challenge|g-recaptcha|h-captcha|captcha-delivery|"
    r"access to this page has been denied|unusual traffic from your computer",
    re.IGNORECASE,
)
# A wall is short; an article that merely mentions cookies or subscriptions is long.
WALL_WORDS = 150


def wall_kind(text: str, page: str | None = None) -> str | None:
    """What stands in front of the article ("a paywall (subscribe to read)", "a cookie-consent
    page", "a bot-protection check"), or None: ``text`` is the extracted text, ``page`` the page's
    markup, searched for bot checks and, when nothing was extracted, for the rest (a fetched page;
    None for a saved one, read by its text alone: a comment form's captcha or a footer's privacy
    link do not make a short story a wall)."""
    if len(text.split()) >= WALL_WORDS:
        return None
    if BOT_CHECK.search(page if page is not None else text):
        return "a bot-protection check"
    if PAYWALL.search(text or page or ""):
        return "a paywall (subscribe to read)"
    if CONSENT.search(text or page or ""):
        return "a cookie-consent page"
    return None
