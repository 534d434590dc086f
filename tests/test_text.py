"""AP4 full text and DM2 tag keys: the text rules of :mod:`talentpool.text`.

Keywords match whole words, ignoring case and accents ("zilina" finds "Žilina",
"zilin" does not); a word is a run of letters and digits, with a directly
following ``+`` or ``#`` kept (C++, C#).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentpool.criteria import HasTag
from talentpool.errors import CriteriaError, DomainError
from talentpool.tags import MAX_TAG_LENGTH, Tag
from talentpool.text import fold, matches_keywords, nfkc, tag_key, words

# Czech and Slovak letters with their unaccented forms, written out by hand
ACCENTED = "áäčďéěíĺľňóôŕřšťúůýžÁÄČĎÉĚÍĹĽŇÓÔŔŘŠŤÚŮÝŽ"
PLAIN = "aacdeeillnoorrstuuyzAACDEEILLNOORRSTUUYZ"
STRIP = str.maketrans(ACCENTED, PLAIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prodavač/ka, Žilina; C++", ("prodavac", "ka", "zilina", "c++")),
        ("ŽILINA žilina Zilina", ("zilina", "zilina", "zilina")),
        ("Straße", ("strasse",)),
        ("ＣＡＳＨＩＥＲ", ("cashier",)),
        ("ﬁle", ("file",)),
        ("night-shift night_shift", ("night", "shift", "night", "shift")),
        ("C# C++ C", ("c#", "c++", "c")),
        ("24/7 O'Brien", ("24", "7", "o", "brien")),
        ("  \n\t ", ()),
        ("Z\u030cilina", ("zilina",)),
    ],
    ids=[
        "seed-example",
        "case",
        "sharp-s",
        "full-width",
        "ligature",
        "separators",
        "c-family",
        "digits-apostrophe",
        "blank",
        "decomposed",
    ],
)
def test_ap4_words(text: str, expected: tuple[str, ...]) -> None:
    """AP4: text is cut into folded words the documented way."""
    assert words(text) == expected


def test_ap4_zilina_finds_zilina_and_zilin_does_not() -> None:
    """AP4: the seed's example: "zilina" finds "Žilina", and a prefix is not a word."""
    text = words("Prodavačka, prodejna Žilina")
    assert matches_keywords(text, words("zilina"))
    assert matches_keywords(text, words("ŽILINA"))
    assert not matches_keywords(text, words("zilin"))
    assert not matches_keywords(text, words("zilinas"))


def test_ap4_inflected_forms_are_other_words() -> None:
    """AP4: whole words means no stemming: "Žilině" (in Žilina) is not "zilina"."""
    assert not matches_keywords(words("Prodavačka v Žilině"), words("zilina"))
    assert matches_keywords(words("Prodavačka v Žilině"), words("ziline"))


def test_ap4_every_keyword_must_match() -> None:
    """AP4: a query of several words matches only when each is a word of the text."""
    text = words("Forklift driver, night shift")
    assert matches_keywords(text, words("night forklift"))
    assert not matches_keywords(text, words("night barista"))


def test_ap4_c_plus_plus_is_not_c() -> None:
    """AP4: "C" does not match a text that only says "C++" (and the other way round)."""
    assert not matches_keywords(words("Senior C++ developer"), words("C"))
    assert not matches_keywords(words("Senior C developer"), words("C++"))
    assert matches_keywords(words("C, C++ and C#"), words("c# c"))


def test_ap4_matches_keywords_accepts_any_collection() -> None:
    """AP4: the text's words may come as a tuple, list or set."""
    for pool in (("a", "b"), ["a", "b"], {"a", "b"}, frozenset({"a", "b"})):
        assert matches_keywords(pool, ("b",))
        assert not matches_keywords(pool, ("c",))


czech_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz" + ACCENTED[:20], min_size=1, max_size=10)


@given(st.lists(czech_word, min_size=1, max_size=6))
def test_ap4_case_and_accents_never_matter(text_words: list[str]) -> None:
    """AP4: upper-casing and stripping Czech/Slovak accents leaves the words unchanged."""
    text = " ".join(text_words)
    assert words(text.translate(STRIP).upper()) == words(text)
    assert words(text) == tuple(w.translate(STRIP) for w in text_words)


@given(st.lists(czech_word, min_size=1, max_size=6), czech_word)
def test_ap4_a_keyword_matches_exactly_when_it_is_a_whole_word(
    text_words: list[str], keyword: str
) -> None:
    """AP4: a keyword matches when, accents and case aside, it equals one of the text's words."""
    text = words(", ".join(text_words))
    expected = keyword.translate(STRIP) in {w.translate(STRIP) for w in text_words}
    assert matches_keywords(text, words(keyword)) is expected


@given(st.text())
def test_ap4_folding_is_idempotent(text: str) -> None:
    """AP4: folded text folds to itself, so folding the keywords twice changes nothing."""
    assert fold(fold(text)) == fold(text)
    assert words(fold(text)) == words(text)


@given(st.text())
def test_ap4_words_have_no_separators(text: str) -> None:
    """AP4: no word is empty or contains whitespace or punctuation other than a trailing + or #."""
    for word in words(text):
        core = word.rstrip("+#")
        assert core
        assert all(ch.isalnum() for ch in core)


def test_dm2_tag_key() -> None:
    """DM2: the key is NFKC, case-folded, whitespace collapsed and trimmed."""
    assert tag_key("  Prepare \t Contract ") == "prepare contract"
    assert tag_key("ＰＲＡＨＡ") == "praha"
    assert tag_key("Žilina") == "žilina"
    assert tag_key(" \u3000 ") == ""


@pytest.mark.parametrize(
    ("text", "keyword"),
    [("Łódź", "lodz"), ("Øresund", "oresund"), ("Đakovo", "dakovo"), ("Hłasko", "hlasko")],
)
def test_ap4_stroked_letters_match_their_plain_letter(text: str, keyword: str) -> None:
    """AP4: letters with a stroke (no Unicode decomposition) fold like accented ones."""
    assert matches_keywords(words(f"Prodavač, {text}"), (keyword,))


# DM2: invisible and format characters. Each is refused as a whole label and never
# separates two spellings of one tag.
INVISIBLE = [
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\ufeff",  # byte-order mark
    "\u3164",  # Hangul filler
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\uffa0",  # half-width Hangul filler
    "\u180e",  # Mongolian vowel separator
    "\u061c",  # Arabic letter mark
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector 16
    "\U000e0001",  # language tag
    "\U0001d173",  # musical symbol begin beam (format)
]


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_dm2_invisible_label_is_blank(ch: str) -> None:
    """DM2: a label made only of an invisible or format character is blank and refused."""
    assert tag_key(ch) == ""
    assert tag_key(f" {ch}{ch} \t{ch}") == ""
    with pytest.raises(DomainError, match="blank"):
        Tag(ch * 3)
    with pytest.raises(CriteriaError, match=r"^tag\.label: .*blank"):
        HasTag(ch)


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_dm2_invisible_characters_never_make_another_tag(ch: str) -> None:
    """DM2: "Pra<ch>ha" and "Praha" are one tag; the label keeps what was typed."""
    assert tag_key(f"Pra{ch}ha") == tag_key("Praha") == "praha"
    assert tag_key(f"{ch}Praha{ch}") == "praha"
    assert tag_key(f"Prepare {ch} contract") == "prepare contract"
    assert Tag(f"Pra{ch}ha") == Tag("Praha")
    assert hash(Tag(f"Pra{ch}ha")) == hash(Tag("Praha"))
    assert Tag(f"Pra{ch}ha").label == f"Pra{ch}ha"
    assert HasTag(f"Pra{ch}ha") == HasTag("Praha")


def test_dm2_every_format_character_is_invisible() -> None:
    """DM2: every character of category Cf (format) is dropped from the key."""
    fmt = [chr(i) for i in range(0x110000) if unicodedata.category(chr(i)) == "Cf"]
    assert len(fmt) > 100
    assert tag_key("a" + "".join(fmt) + "b") == "ab"


@given(
    st.text(min_size=1, max_size=30).filter(lambda s: bool(tag_key(s))),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(INVISIBLE)), max_size=6),
)
def test_dm2_inserting_invisible_characters_never_changes_the_key(
    label: str, inserts: list[tuple[int, str]]
) -> None:
    """DM2: invisible characters inserted anywhere in a label never change its key."""
    spoofed = label
    for where, ch in inserts:
        at = where % (len(spoofed) + 1)
        spoofed = spoofed[:at] + ch + spoofed[at:]
    assert tag_key(spoofed) == tag_key(label)
    assert Tag(spoofed) == Tag(label)


def test_dm2_tag_label_length_is_bounded() -> None:
    """DM2/EN2: a tag label is at most MAX_TAG_LENGTH characters, checked before normalising."""
    assert Tag("x" * MAX_TAG_LENGTH).key == "x" * MAX_TAG_LENGTH
    with pytest.raises(DomainError, match=f"at most {MAX_TAG_LENGTH} characters"):
        Tag("x" * (MAX_TAG_LENGTH + 1))
    with pytest.raises(CriteriaError, match=r"^tag\.label: must be at most"):
        HasTag("\ufdfa" * 100_000)


def test_dm2_a_tag_label_is_normalised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """EN2: building a Tag or a HasTag normalises its label once."""
    import talentpool.tags

    calls: list[str] = []

    def counting(label: str) -> str:
        calls.append(label)
        return tag_key(label)

    monkeypatch.setattr(talentpool.tags, "tag_key", counting)
    Tag("Praha")
    assert len(calls) == 1
    HasTag("Brno")
    assert len(calls) == 2


@given(st.text(max_size=40))
def test_dm2_nfkc_is_unicode_nfkc(text: str) -> None:
    """DM2: the faster NFKC (NFC of NFKD) is exactly Unicode NFKC."""
    assert nfkc(text) == unicodedata.normalize("NFKC", text)
    assert nfkc(text + "\ufdfa\u0301") == unicodedata.normalize("NFKC", text + "\ufdfa\u0301")


def _fold_char_by_char(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stroked = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i"})
    return unicodedata.normalize("NFKC", stripped.casefold().translate(stroked))


@given(
    st.text()
    | st.sampled_from(
        [
            "Žluťoučký kůň",
            "Straße",
            "Łódź",
            "ﬁ",
            "\u0301a",
            "Å\u034f",
            "Forklift LICENCE",
            "Müßig €\u0301",
            "Олександр Ковальчук",
            "Йосип ї\u0483",
            "Łukasz Ødegård Đorđe",
            "x\U0001d165y \U0001f600",
        ]
    )
)
def test_ap4_folding_fast_path_is_the_rule_char_by_char(text: str) -> None:
    """PF1, PF4: the folding's shortcuts (ASCII, Latin accents, marks by pattern, strokes
    only when present, astral marks) give what the rule says, for any text."""
    assert fold(text) == _fold_char_by_char(text)


@given(
    st.text(st.characters(max_codepoint=127), max_size=40)
    | st.text(st.sampled_from("aZ09_+#-. \n\t\x1c\x85é"), max_size=40)
    | st.text()
)
def test_ap4_words_fast_path_is_the_pattern(text: str) -> None:
    """PF4: ASCII text split by translation gives the words the pattern finds in any text."""
    assert words(text) == tuple(re.findall(r"[^\W_]+[+#]*", fold(text)))


_PIECES = (
    st.text()
    | st.text(st.sampled_from("aé+#\u0301\u0483\u1100\u1161\u11a8ﬁ \n_"), max_size=8)
    | st.sampled_from(["", "C++", "\u0301a", "Łódź", "\u1161", "\u11a8x", "#"])
)


@given(st.lists(_PIECES, max_size=5))
def test_ap4_no_word_runs_across_a_line_break(parts: list[str]) -> None:
    """PF4: the words of texts joined by line breaks are the words of each in turn, so a
    candidate's words can be cut part by part (marks, jamo and ``+`` at the joins)."""
    assert words("\n".join(parts)) == tuple(w for part in parts for w in words(part))
