"""The author's original beside the office's edited text, differences marked (核稿 view).

Character-level diff (Chinese has no word boundaries); every segment is escaped before it is wrapped."""

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def diff_sides(original: str, edited: str) -> tuple[SafeString, SafeString]:
    """(original with deletions in <del>, edited with insertions in <ins>), both safe HTML."""
    left, right = [], []
    matcher = SequenceMatcher(None, original, edited, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old, new = escape(original[a1:a2]), escape(edited[b1:b2])
        if op == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f'<del class="diff-del">{old}</del>')
        if new:
            right.append(f'<ins class="diff-ins">{new}</ins>')
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece escaped above
