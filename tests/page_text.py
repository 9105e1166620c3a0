"""What a user reads on a page, and the English words hiding in it (issue 15: "no code names").

Used by tests/foundation/test_page_language.py over every page of the URL walker.
"""

import re
from html.parser import HTMLParser

# Elements whose content a user never reads as text.
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript", "svg", "code", "pre", "kbd", "samp"}
# Attributes a user sees (tooltips, placeholders) or hears (screen readers).
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}

# ASCII words the office itself uses, or that are names users type (compared case-insensitively).
ALLOWED_WORDS = {
    "pdf", "excel", "xlsx", "xls", "csv", "docx", "doc", "jpg", "jpeg", "png", "id", "url", "app",
    "ai", "ocr", "sms", "ip", "email", "e-mail", "wechat", "cppcc", "ok", "tls", "http", "https",
    "www", "js", "javascript", "qr", "pm", "am", "kb", "mb", "gb", "utf", "no", "vs", "to", "dr",
    "gps", "totp", "otp", "api", "html", "word",  # Word: the office's word processor, like Excel
    # key names and the authenticator apps the two-factor page names
    "ctrl", "cmd", "control", "command", "mac", "shift", "alt", "enter", "tab", "esc",
    "microsoft", "google", "authenticator", "freeotp",
}
# An ASCII "word": at least two letters (single letters are list markers, units …).
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]*[A-Za-z]")
# Things that are not words in any language: addresses, e-mail, file names, user names of fixtures.
NOT_WORDS = [
    re.compile(r"https?://\S+"),
    re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b"),
    re.compile(r"\b[\w\-]+\.(pdf|xlsx|xls|csv|docx|doc|jpg|jpeg|png|zip)\b", re.I),
    re.compile(r"/[\w\-./?=&%]*"),  # paths shown as help ("/accounts/login/")
]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    def _hidden(self) -> bool:
        return any(hides for _, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # data-allow-latin marks content that is data, not interface (a user name, a code typed by a user).
        marked = "data-allow-latin" in attrs
        if not self._hidden() and not marked:
            for name in VISIBLE_ATTRIBUTES:
                if attrs.get(name):
                    self.chunks.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, marked or tag in HIDDEN_ELEMENTS))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden():
            self.chunks.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return " ".join(" ".join(reader.chunks).split())


def english_words(html: str, also_allowed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """[(word, the text around it)] for every ASCII word a user would read that is not allowed."""
    text = visible_text(html)
    for pattern in NOT_WORDS:
        text = pattern.sub(" ", text)
    allowed = ALLOWED_WORDS | {w.lower() for w in also_allowed}
    found = []
    for match in WORD.finditer(text):
        word = match.group()
        if word.lower() in allowed:
            continue
        start, end = max(0, match.start() - 25), match.end() + 25
        found.append((word, text[start:end]))
    return found
