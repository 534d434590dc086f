"""Text rules: tag identity and whole-word full-text matching.

**Tags** (DM2) compare by a key: Unicode NFKC normalisation, case-folding and
whitespace collapsed to single spaces, trimmed at both ends. The label a person
typed is kept for display::

    >>> tag_key(" Praha ") == tag_key("PRAHA") == tag_key("praha")
    True

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

import re
import unicodedata
from collections.abc import Collection, Iterable

__all__ = ["fold", "matches_keywords", "tag_key", "words"]

_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+[+#]*")


def tag_key(label: str) -> str:
    """Return the identity key of a tag label (NFKC, case-folded, whitespace collapsed)."""
    normal = unicodedata.normalize("NFKC", label).casefold()
    return _WHITESPACE.sub(" ", normal).strip()


# Letters whose stroke or slash is not a combining mark, so NFKD leaves them whole;
# a person typing without accents writes the plain letter ("Lodz" for "Łódź").
_STROKED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i"})


def fold(text: str) -> str:
    """Return *text* without accents and case-folded, the form full-text compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped.casefold().translate(_STROKED))


def words(text: str) -> tuple[str, ...]:
    """Return the words of *text*, folded, in order (duplicates kept)."""
    return tuple(_WORD.findall(fold(text)))


def matches_keywords(text_words: Collection[str] | Iterable[str], keywords: Iterable[str]) -> bool:
    """Return whether every keyword is among *text_words* (both already folded)."""
    pool = text_words if isinstance(text_words, set | frozenset) else frozenset(text_words)
    return all(word in pool for word in keywords)
