"""Which view of the teeth a photo shows (front, left, right, upper or lower jaw), read from the
file name the way clinics name their files, in English or German: "P00123_front.jpg",
"P00123 links.HEIC", "oben_P00123.jpg". A name that says none, or more than one, gives ""
(staff can set the view by hand: photo_sets.set_photo_view).

A word counts when it stands alone, between separators (_ - . space) or digits; the short
ones (l, r, ok, uk) only when they are a whole token between separators, so "IMG_2041L" is
no left side and "Wolke" has no "ok" in it."""

from __future__ import annotations

import re

FRONT, LEFT, RIGHT, UPPER, LOWER = "front", "left", "right", "upper", "lower"
VIEWS = (FRONT, LEFT, RIGHT, UPPER, LOWER)

_WORDS = {
    FRONT: ("front", "frontal", "frontale", "face", "frontansicht", "anterior"),
    LEFT: ("left", "links", "linke"),
    RIGHT: ("right", "rechts", "rechte"),
    UPPER: ("upper", "oben", "maxilla", "maxillary", "oberkiefer"),
    LOWER: ("lower", "unten", "mandible", "mandibular", "unterkiefer"),
}
_SHORT = {"l": LEFT, "r": RIGHT, "ok": UPPER, "uk": LOWER}
_BY_WORD = {word: view for view, words in _WORDS.items() for word in words}


def view_from_name(name: str) -> str:
    """The view a file name says (one of VIEWS), or "" when it says none or several."""
    stem = name.rsplit(".", 1)[0].casefold() if "." in name else name.casefold()
    found: set[str] = set()
    for token in re.split(r"[\s_\-.,;()\[\]+]+", stem):
        if token in _SHORT:
            found.add(_SHORT[token])
            continue
        found.update(_BY_WORD[word] for word in re.findall(r"[^\W\d_]+", token)
                     if word in _BY_WORD)
    return found.pop() if len(found) == 1 else ""
