"""The 1,500-character rule counted as the office counts: Chinese characters, letters, digits and
punctuation each count one; spaces, tabs and line breaks do not."""

REPORT_MAX_CHARS = 1500


def office_char_count(*texts: str) -> int:
    """Characters of the given texts as the office counts them (whitespace excluded)."""
    return sum(1 for text in texts if text for char in text if not char.isspace())
