"""How a notification's body reads in the inbox, where the whole entry is already the link."""

import re

from django import template

register = template.Library()

URL = re.compile(r"https?://\S+")


@register.filter
def without_links(body: str) -> str:
    """Drop the raw addresses e-mail needs ("查看提案：http://…"): a line that only introduces a link goes,
    an address inside a sentence is removed."""
    lines = []
    for line in body.splitlines():
        if re.search(r"https?://\S+$", line.rstrip()):
            continue  # "Open the proposal: <url>" — the entry itself opens the proposal
        lines.append(URL.sub("", line).rstrip())
    return "\n".join(lines).strip()
