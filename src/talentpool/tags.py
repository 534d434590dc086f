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

__all__ = ["Tag"]


def _tag_label(value: str) -> str:
    if not isinstance(value, str):
        raise DomainError("tag", value, "must be a string")
    if not tag_key(value):
        raise DomainError("tag", value, "must not be blank")
    return " ".join(value.split())


@attrs.frozen
class Tag:
    """A label on a candidate (DM2); identity is the normalised :attr:`key`.

    Attributes:
        label: What a person typed, whitespace collapsed, kept for display.
        key: NFKC-normalised, case-folded, whitespace-collapsed form; equality and
            hashing use only this.
    """

    label: str = attrs.field(converter=_tag_label, eq=False)
    key: str = attrs.field(init=False)

    @key.default
    def _key(self) -> str:
        return tag_key(self.label)

    def __str__(self) -> str:
        return self.label
