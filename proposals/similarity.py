"""Chinese text similarity without a segmenter: character bigrams.

Each proposal stores a tsvector of its title bigrams (weight A) and its most frequent body bigrams
(weight D) in `search_vector`, GIN-indexed on PostgreSQL (migration 0002). Lexemes are written as a
tsvector literal, so no text-search configuration or locale touches the Chinese characters. On other
databases (the embedded SQLite demo) the same scoring runs in Python over a bounded candidate set.
"""

import re
from collections import Counter
from collections.abc import Iterable

from django.db import connection

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[0-9a-z]{2,}")
# Function characters: a bigram containing one says little about the topic.
STOP_CHARS = frozenset("的了是在和与及等对为也都而或把被将其之并从向于以就这那有我你他她它们个上下中")
# Words every proposal uses (关于……的建议, 进一步加强……工作).
STOP_BIGRAMS = frozenset({
    "关于", "建议", "提案", "进一", "一步", "加强", "推进", "工作", "我区", "中原", "原区", "问题", "相关",
    "部门", "政府", "目前", "存在", "一些", "进行", "开展", "提高", "提升", "完善", "加快", "情况", "分析",
    "方面", "以及", "通过", "需要", "发展", "建设", "措施", "落实", "力度", "全区", "有效", "不断",
    "实施", "促进", "推动", "健全", "机制", "体系", "积极", "充分", "切实",
})
BODY_TOKENS = 120
TITLE_TOKENS = 40
PAIR_TOKENS = 6


def bigrams(text: str) -> list[str]:
    """Topic bigrams of `text` in order of first appearance, with repetitions."""
    tokens: list[str] = []
    for run in CJK_RUN.findall(text or ""):
        for i in range(len(run) - 1):
            pair = run[i:i + 2]
            if pair in STOP_BIGRAMS or pair[0] in STOP_CHARS or pair[1] in STOP_CHARS:
                continue
            tokens.append(pair)
    tokens.extend(LATIN_WORD.findall((text or "").lower()))
    return tokens


def title_tokens(title: str) -> list[str]:
    return list(dict.fromkeys(bigrams(title)))[:TITLE_TOKENS]


def body_tokens(body: str, limit: int = BODY_TOKENS) -> list[str]:
    """The `limit` most frequent bigrams of the body (ties: first appearance)."""
    counts = Counter(bigrams(body))
    return [token for token, _count in counts.most_common(limit)]


def vector_literal(title: str, body: str) -> str:
    """A tsvector literal: title bigrams at weight A, frequent body bigrams at the default weight D."""
    parts, position = [], 0
    for token in title_tokens(title):
        position += 1
        parts.append(f"'{token}':{position}A")
    for token in body_tokens(body):
        position += 1
        parts.append(f"'{token}':{position}")
    return " ".join(parts)


def title_vector_literal(title: str) -> str:
    return " ".join(f"'{token}':{i}A" for i, token in enumerate(title_tokens(title), start=1))


def _or(terms: Iterable[str]) -> str:
    return " | ".join(terms)


def query_literals(title: str, body: str) -> tuple[str, str, str] | None:
    """(candidate query, title ranking query, full ranking query) as tsquery literals, or None when the
    text has no topic words.

    Candidates are searched in the other proposals' TITLE vectors only (short, so the GIN index stays
    selective however common a word is in bodies): titles sharing two of our title's "words" — the
    non-overlapping bigram cover of the title (社区养老助餐 → 社区, 养老, 助餐), which mostly falls on
    two-character words and keeps the boolean query small (at most PAIR_TOKENS terms) — or one word
    when the title has only one. Without a usable title the body's most frequent bigrams stand in.
    Ranking uses every bigram (title first, then title and body).
    """
    title_terms = title_tokens(title)
    body_terms = body_tokens(body, limit=40)
    rank_terms = list(dict.fromkeys(title_terms + body_terms))
    if not rank_terms:
        return None
    seeds = [t for t in search_terms(title) if t in title_terms][:PAIR_TOKENS] or body_terms[:PAIR_TOKENS - 1]
    if len(seeds) >= 2:
        candidate = _or(f"('{a}' & '{b}')" for i, a in enumerate(seeds) for b in seeds[i + 1:])
    else:
        candidate = f"'{seeds[0]}'"
    return candidate, _or(f"'{t}'" for t in (title_terms or seeds)), _or(f"'{t}'" for t in rank_terms)


def search_terms(text: str) -> list[str]:
    """The bigrams a search box entry requires: a non-overlapping cover of each run of characters
    ("医院停车场" → 医院, 停车, 车场), so "医院停车" also finds "医院周边停车难"."""
    terms: list[str] = []
    for run in CJK_RUN.findall(text or ""):
        if len(run) == 1:
            continue
        starts = list(range(0, len(run) - 1, 2))
        if len(run) % 2:
            starts.append(len(run) - 2)
        terms.extend(run[i:i + 2] for i in starts)
    terms.extend(LATIN_WORD.findall((text or "").lower()))
    kept = [t for t in terms if t not in STOP_BIGRAMS and not (t[0] in STOP_CHARS or t[1] in STOP_CHARS)]
    return list(dict.fromkeys(kept or terms))[:TITLE_TOKENS]


def search_query_literal(text: str) -> str | None:
    """A tsquery requiring every search term (archive search)."""
    terms = search_terms(text)
    return " & ".join(f"'{t}'" for t in terms) if terms else None


def python_score(title: str, body: str, other_title: str, other_body: str) -> float:
    """Portable fallback: weighted overlap of bigram sets (title counts ten times as much)."""
    t1, t2 = set(title_tokens(title)), set(title_tokens(other_title))
    b1, b2 = set(body_tokens(body)), set(body_tokens(other_body))
    all1, all2 = t1 | b1, t2 | b2
    if not all1 or not all2:
        return 0.0
    return 10 * len(t1 & (t2 | b2)) / (len(t1) or 1) + len(all1 & all2) / len(all1 | all2)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(proposal_ids: Iterable[int]) -> int:
    """Recompute search_vector for these proposals (services call it on every text change; bulk loaders
    such as demo data and the benchmark call it after bulk_create). No-op outside PostgreSQL."""
    from .models import Proposal

    ids = list(proposal_ids)
    if not ids or not is_postgresql():
        return 0
    table = Proposal._meta.db_table
    done = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        rows = Proposal.objects.filter(pk__in=chunk).values_list("pk", "title", "situation", "analysis",
                                                                 "suggestions")
        values = [(pk, title_vector_literal(title), vector_literal(title, "\n".join((s, a, g))))
                  for pk, title, s, a, g in rows]
        if not values:
            continue
        placeholders = ", ".join(["(%s, %s, %s)"] * len(values))
        params = [item for row in values for item in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS p SET title_vector = v.tv::tsvector, search_vector = v.sv::tsvector "  # noqa: S608
                f"FROM (VALUES {placeholders}) AS v(id, tv, sv) WHERE p.id = v.id::bigint",
                params,
            )
            done += cursor.rowcount
    return done
