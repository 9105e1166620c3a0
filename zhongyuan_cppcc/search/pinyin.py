"""The maintained pinyin column of searchable titles: compact full pinyin and initials.

"关于学位建设的建议" -> "guanyuxueweijianshedejianyi|gyxwjsdjy". Both parts in one column so that one
trigram index answers full pinyin ("xuewei") and initials ("xw"); the '|' keeps a match from spanning
the two parts.
"""

import re

_NON_LETTERS = re.compile(r"[^a-z0-9]")
MAX_LENGTH = 1200


def text_pinyin(text: str) -> str:
    """'full|initials' of a text (lower case, letters and digits only; other characters dropped)."""
    text = (text or "").strip()
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin

    syllables = [_NON_LETTERS.sub("", part.lower()) for part in lazy_pinyin(text, style=Style.NORMAL)]
    syllables = [s for s in syllables if s]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return f"{full[:MAX_LENGTH - 200]}|{initials[:199]}"
