"""Text rules: tag identity and whole-word full-text matching.

**Tags** (DM2) compare by a key: Unicode NFKC normalisation, case-folding and
whitespace collapsed to single spaces, trimmed at both ends. The label a person
typed is kept for display::

    >>> tag_key(" Praha ") == tag_key("PRAHA") == tag_key("praha")
    True

Invisible characters never make two labels different tags: every format
character (Unicode category Cf: zero width space and joiners, soft hyphen,
byte-order mark, direction marks…) and the other default-ignorable characters
that render as nothing (Hangul fillers, the combining grapheme joiner, variation
selectors) are dropped before the key is made, so a label made only of them has
an empty key and is blank::

    >>> tag_key("Pra\u00adha") == tag_key("Pra\u200bha") == tag_key("Praha")
    True
    >>> tag_key("\u200b\u3164\ufeff")
    ''

**Full text** (AP4) matches whole words, ignoring case and accents. Both the
candidate's searchable text and the keywords are cut into words the same way:

1. Unicode NFKD decomposition, then every combining mark is dropped
   (``"Žilina"`` becomes ``"Zilina"``), the result is case-folded
   (``"Straße"`` becomes ``"strasse"``) and the stroked letters that have no
   decomposition are written plain (``ł ø đ ħ ŧ ı`` as ``l o d h t i``, so
   ``"Łódź"`` becomes ``"lodz"``);
2. a word is a run of letters and digits, with any ``+`` or ``#`` that directly
   follows it kept (so ``C++`` and ``C#`` are words of their own); everything else
   separates words.

A keyword query matches when *every* one of its words is one of the text's
words. A query with no words at all is refused when the criterion is built::

    >>> words("Prodavač/ka, Žilina; C++")
    ('prodavac', 'ka', 'zilina', 'c++')
    >>> matches_keywords(words("Prodavačka v Žilině"), ("ziline",))
    True
    >>> matches_keywords(words("Prodavačka v Žilině"), ("zilin",))
    False
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable

__all__ = ["drop_invisible", "fold", "matches_keywords", "nfkc", "tag_key", "words"]

_WORD = re.compile(r"[^\W_]+[+#]*")


# Default-ignorable characters outside category Cf: Hangul fillers, the combining
# grapheme joiner, Khmer inherent vowels, Mongolian free variation selectors and the
# variation selectors. (NFKC and case-folding turn no visible character into one.)
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)


def drop_invisible(text: str) -> str:
    """Return *text* without its invisible characters (format characters, fillers)."""
    text = _IGNORABLE.sub("", text)
    if text.isprintable():  # format characters (Cf) are never printable
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def nfkc(text: str) -> str:
    """Return the NFKC form of *text*, computed as NFC of its NFKD form.

    That is NFKC's definition, and the canonical composition step, much the
    slower one, is skipped when the decomposed text has nothing to compose: a
    character such as U+FDFA, which NFKC writes as eighteen, then costs a tenth.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    if unicodedata.is_normalized("NFC", decomposed):
        return decomposed
    return unicodedata.normalize("NFC", decomposed)


def tag_key(label: str) -> str:
    """Return the identity key of a tag label.

    Invisible characters dropped, NFKC, case-folded, whitespace collapsed.
    """
    normal = nfkc(drop_invisible(label)).casefold()
    return " ".join(normal.split())  # str.split() splits on exactly what \s matches


# Letters whose stroke or slash is not a combining mark, so NFKD leaves them whole;
# a person typing without accents writes the plain letter ("Lodz" for "Łódź").
_STROKED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i"})


# The combining marks of the block Latin accents decompose into, dropped in one pass;
# any other combining character (none is below U+0300) by the pattern of them all.
_LATIN_MARKS = re.compile(
    "[" + "".join(chr(cp) for cp in range(0x300, 0x370) if unicodedata.combining(chr(cp))) + "]+"
)

_FIRST_MARK = "\u0300"
_ASTRAL = 0x10000
_STROKES = re.compile("[" + "".join(chr(cp) for cp in _STROKED) + "]")


@functools.cache
def _marks(limit: int) -> re.Pattern[str]:
    """Every combining character (a nonzero combining class) below *limit*, as ranges.

    Made on first need. Below :data:`_ASTRAL` the pattern tests a character in one
    step; past it, in many, so text without astral characters uses the smaller one.
    """
    ranges: list[str] = []
    start = -1
    for cp in range(ord(_FIRST_MARK), limit + 1):
        mark = cp < limit and unicodedata.combining(chr(cp)) != 0
        if mark and start < 0:
            start = cp
        elif not mark and start >= 0:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(cp - 1))}")
            start = -1
    return re.compile("[" + "".join(ranges) + "]+")


def fold(text: str) -> str:
    """Return *text* without accents and case-folded, the form full-text compares.

    Each step is skipped when what it changes is absent: most text is ASCII, or
    Latin with accents alone (PF4's index build folds every candidate's text).
    """
    if text.isascii():
        return text.lower()  # what the steps below give ASCII, in one step
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if not stripped.isascii():
        top = max(stripped)
        if top >= _FIRST_MARK:
            limit = _ASTRAL if ord(top) < _ASTRAL else sys.maxunicode + 1
            stripped = _marks(limit).sub("", stripped)
    folded = stripped.casefold()
    if folded.isascii():
        return folded
    if _STROKES.search(folded):
        folded = folded.translate(_STROKED)
    return folded if folded.isascii() else unicodedata.normalize("NFKC", folded)


# ASCII text without "+" or "#": every character but a letter or digit parts words
_PARTS = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def words(text: str) -> tuple[str, ...]:
    """Return the words of *text*, folded, in order (duplicates kept)."""
    folded = fold(text)
    if folded.isascii() and "+" not in folded and "#" not in folded:
        # what the pattern finds in such text, by one translation and a split (PF4)
        return tuple(folded.encode().translate(_PARTS).decode().split())
    return tuple(_WORD.findall(folded))


def matches_keywords(text_words: Collection[str] | Iterable[str], keywords: Iterable[str]) -> bool:
    """Return whether every keyword is among *text_words* (both already folded)."""
    pool = text_words if isinstance(text_words, set | frozenset) else frozenset(text_words)
    return all(word in pool for word in keywords)
