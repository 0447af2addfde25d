"""What groups scam reports and what a warning matches: a link's host name and a sender, each in one
spelling, so that "HTTPS://Win-Prize.example/x?id=1" and "win-prize.example/y" are one group and
"+66 81-234-5678" is "0812345678"."""

from __future__ import annotations

import re
import urllib.parse

# A web address written in a message, with or without its scheme (as scammers write them to dodge filters).
_LINK_IN_TEXT = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/[^\s]*)?", re.IGNORECASE)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,20}$")


def link_in(text: str) -> str:
    """The first web address in the text, or ""."""
    found = _LINK_IN_TEXT.search(text)
    return found.group(0).rstrip(".,;:!?)\"'\u201d\u2019") if found else ""


def host_of(link: str) -> str | None:
    """The link's host name, lower case, IDNA-encoded (so a lookalike in Thai letters is one spelling);
    None when the link has none."""
    link = link.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", link, re.IGNORECASE):
        link = "https://" + link
    try:
        host = urllib.parse.urlsplit(link).hostname
        if not host:
            return None
        host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except (ValueError, UnicodeError):
        return None
    return host if _HOST.match(host) else None


def sender_key(sender: str) -> str | None:
    """A phone number as its digits (a Thai +66 number as 0...), anything else (an SMS sender name, a
    LINE ID) lower case with single spaces; None when empty."""
    sender = " ".join(sender.split())
    if not sender:
        return None
    if _PHONE.match(sender):
        digits = re.sub(r"\D", "", sender)
        thai_international = sender.startswith("+66") or (digits.startswith("66") and len(digits) == 11)
        return "0" + digits[2:] if thai_international else digits
    return sender.lower()[:100]
