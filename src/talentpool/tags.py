"""Tags (DM2): a label on a candidate whose identity is its normalised key.

>>> Tag("Praha") == Tag(" praha ") == Tag("PRAHA")
True
>>> Tag(" praha ").label
'praha'
"""

from __future__ import annotations

import attrs

from talentpool.errors import DomainError
from talentpool.text import tag_key

__all__ = ["MAX_TAG_LENGTH", "Tag"]


MAX_TAG_LENGTH = 200
"""The longest tag label accepted, in characters, counted as typed with its whitespace
collapsed (before any Unicode normalisation)."""


def _tag_label(value: str) -> str:
    if not isinstance(value, str):
        raise DomainError("tag", value, "must be a string")
    collapsed = " ".join(value.split())
    # checked before any normalisation: NFKC can make a character 18 times longer
    if len(collapsed) > MAX_TAG_LENGTH:
        shown = collapsed[:20] + "..."
        raise DomainError("tag", shown, f"must be at most {MAX_TAG_LENGTH} characters")
    return collapsed


@attrs.frozen
class Tag:
    """A label on a candidate (DM2); identity is the normalised :attr:`key`.

    A label is at most :data:`MAX_TAG_LENGTH` (200) characters. A label made only
    of whitespace or invisible characters (zero width space, soft hyphen,
    byte-order mark, Hangul filler, any format character) is blank and refused.

    Attributes:
        label: What a person typed, whitespace collapsed, kept for display. It
            keeps any invisible characters: a zero width joiner or non-joiner
            changes how emoji and some scripts render, so the display stays as
            typed, while identity ignores them.
        key: Invisible characters dropped, then NFKC-normalised, case-folded,
            whitespace-collapsed; equality and hashing use only this.
    """

    label: str = attrs.field(converter=_tag_label, eq=False)
    key: str = attrs.field(init=False)

    @key.default
    def _key(self) -> str:
        # the label is normalised once, here; a blank key is a blank tag
        key = tag_key(self.label)
        if not key:
            raise DomainError("tag", self.label, "must not be blank")
        return key

    def __str__(self) -> str:
        return self.label
