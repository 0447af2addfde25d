"""A browser's User-Agent header in words a person recognises ("Chrome", "Android", "iPhone"), for the
lists of a citizen's sessions and push devices. Parsed by ua-parser (the maintained port of
Browserscope's rules, matched with RE2), never by hand; only its family names are tidied, so that
"Chrome Mobile" on a phone reads as the "Chrome" its owner knows."""

from __future__ import annotations

import functools

import msgspec
from ua_parser import parse

# ua-parser names a browser's mobile or embedded build apart; a person knows the browser's own name.
_BROWSER_NAMES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "HeadlessChrome": "Chrome",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Samsung Internet": "Samsung Internet",
    "Other": "",
}
_OS_NAMES = {"Mac OS X": "macOS", "Other": ""}
# Device names that are ua-parser's placeholders, not a phone's model ("K": the model Chrome's reduced
# User-Agent puts in place of the real one).
_NO_DEVICE = frozenset({"", "Other", "Generic Smartphone", "Generic Tablet", "Mac", "K"})


class DeviceWords(msgspec.Struct, frozen=True, kw_only=True):
    """What a User-Agent header says, each part empty when it does not say."""

    browser: str
    """``Chrome``, ``Safari``, ``Samsung Internet``..."""
    os: str
    """``Android``, ``iOS``, ``Windows``, ``macOS``, ``Linux``..."""
    device: str
    """A phone's or tablet's name when the header gives one (``iPhone``, ``Samsung SM-A515F``)."""


@functools.lru_cache(maxsize=1024)
def describe(user_agent: str) -> DeviceWords:
    """The browser, system and device a User-Agent header names (cached: a person's few headers recur)."""
    found = parse(user_agent[:500])  # the rules are linear-time, but a huge header is nobody's browser
    browser = found.user_agent.family if found.user_agent else ""
    os = found.os.family if found.os else ""
    device = found.device.family if found.device else ""
    return DeviceWords(
        browser=_BROWSER_NAMES.get(browser, browser),
        os=_OS_NAMES.get(os, os),
        device="" if device in _NO_DEVICE or device == os else device,
    )
