"""What a user reads on a page, and the English words hiding in it (issue 15: "no code names").

Used over every page of the URL walker (tests/foundation/test_url_walker.py checks each page it opens for each
role), the admin pages (test_page_language.py) and the demo's pages (test_e2e_demo_pages.py).
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


def data_words() -> set[str]:
    """ASCII words that are data, not interface: account names, members' pinyin, a browser's own name."""
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.auth import get_user_model

    from members.models import Member

    words = set()
    for value in [*get_user_model().objects.values_list("username", flat=True),
                  *Member.objects.values_list("name_pinyin", flat=True),
                  *(v for model in (AccessAttempt, AccessLog)
                    for v in model.objects.values_list("user_agent", "path_info").distinct()
                    for v in v if v)]:
        words |= {value, *WORD.findall(value)}
    return words


def assert_reads_in_chinese(response, role: str, url: str) -> bool:
    """Assert the page reads in Chinese; False when the answer is not an HTML page (nothing to read).

    A failure names the page, the role and each English word with the text around it: translate the msgid
    (`.venv/bin/python scripts/messages.py check`), give the model field a verbose_name, show a label instead
    of a code, or — for data a user typed — wrap it in an element with `data-allow-latin`."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return False
    found = english_words(response.content.decode(), data_words())
    report = "\n".join(f"  {word!r} in “…{context}…”" for word, context in found)
    assert not found, f"{role} reads English on {url}:\n{report}"
    return True
