"""Pinyin of member names, for sorting and for pinyin / initials search ("zs" finds 张三)."""

import re

# Surnames whose reading differs from the character's most common reading.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "乐": "yue", "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai", "重": "chong", "种": "chong",
    "员": "yun", "秘": "bi", "折": "she", "召": "shao", "句": "gou", "黑": "he", "牟": "mu",
    "繁": "po", "宿": "su", "隗": "wei", "冼": "xian", "洗": "xian", "沈": "shen", "尉": "wei",
    "长": "chang", "华": "hua", "纪": "ji", "任": "ren", "薄": "bo", "卜": "bu", "藏": "zang",
    "阚": "kan", "蕃": "pi", "朝": "chao",
}
COMPOUND_SURNAMES = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "长孙": ["zhang", "sun"], "单于": ["chan", "yu"],
    "欧阳": ["ou", "yang"], "司马": ["si", "ma"], "上官": ["shang", "guan"], "诸葛": ["zhu", "ge"],
}
_NON_LETTERS = re.compile(r"[^a-z]")


def name_syllables(name: str) -> list[str]:
    """Toneless syllables of a name, lower case, with surname readings applied."""
    name = (name or "").strip()
    if not name:
        return []
    for surname, reading in COMPOUND_SURNAMES.items():
        if name.startswith(surname):
            return reading + _syllables(name[len(surname):])
    head = SURNAME_READINGS.get(name[0])
    if head:
        return [head] + _syllables(name[1:])
    return _syllables(name)


def _syllables(text: str) -> list[str]:
    if not text:
        return []
    # Imported on first use: its dictionaries take some 60 MB, which web processes that never save a
    # member should not carry.
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False)
    return [p.lower() for p in parts if p.strip()]


def name_pinyin(name: str) -> tuple[str, str]:
    """('zhang san', 'zs'): syllables separated by spaces (so that 'li ming' sorts before 'lin')
    and the initials."""
    syllables = name_syllables(name)
    spaced = " ".join(syllables)[:120]
    initials = "".join(s[0] for s in syllables if s and s[0].isalpha())[:30]
    return spaced, initials


def search_text(*, name: str, pinyin: str, initials: str, employer: str = "") -> str:
    """What the search box matches: compact pinyin first (so that a prefix search can use an index),
    then initials, name, the pinyin with 'u' for 'v' (people type lü as 'lu') and employer.
    Separated by '|' so that a match never spans two parts."""
    flat = _NON_LETTERS.sub("", pinyin)
    parts = [flat, initials, name]
    if "v" in flat:
        parts.append(flat.replace("v", "u"))
    parts.append(employer)
    return "|".join(p.lower() for p in parts if p)[:400]


def is_short_latin(query: str) -> bool:
    """One or two letters: initials or the start of a pinyin syllable, searched as a prefix."""
    return bool(re.fullmatch(r"[a-z]{1,2}", query))


def normalize_query(query: str) -> str:
    """Lower case; spaces removed when the query is pinyin ('zhang san' -> 'zhangsan')."""
    query = (query or "").strip().lower()
    if re.fullmatch(r"[a-z\s]+", query):
        return re.sub(r"\s+", "", query)
    return query
