"""Which view of the teeth a photo shows, read from its file name as clinics name files."""

from __future__ import annotations

import pytest

from clinic_desktop.domain.photo_views import view_from_name


@pytest.mark.parametrize(("name", "view"), [
    ("P00123_front.jpg", "front"),
    ("P00123-Frontal.JPG", "front"),
    ("P00123 frontale 2026-03-10.jpeg", "front"),
    ("face_P00123.png", "front"),
    ("P00123front.jpg", "front"),  # glued to the code: a whole word all the same
    ("P00123 links.HEIC", "left"),
    ("P00123_left_2.jpg", "left"),
    ("P00123_L.jpg", "left"),
    ("P00123 rechts.heic", "right"),
    ("P00123-RIGHT-lateral.jpg", "right"),
    ("P00123_r.jpg", "right"),
    ("oben_P00123.jpg", "upper"),
    ("P00123 OK.jpg", "upper"),
    ("P00123 occlusal upper.jpg", "upper"),
    ("P00123_Oberkiefer.tif", "upper"),
    ("P00123_maxilla.jpg", "upper"),
    ("P00123 unten.jpg", "lower"),
    ("P00123_UK.jpg", "lower"),
    ("P00123-mandible.webp", "lower"),
    ("Unterkiefer P00123.jpg", "lower"),
])
def test_a_view_the_file_name_says_is_recognised(name: str, view: str) -> None:
    assert view_from_name(name) == view


@pytest.mark.parametrize("name", [
    "IMG_2041.jpg",
    "DSC00123.JPG",
    "P00123.jpg",
    "IMG_2041L.jpg",  # a letter glued to a number is no side
    "Wolke.jpg",  # "ok" inside a word is not the upper jaw
    "Frontzahn Okklusion.jpg",
    "Felix Ulrich 2026.jpg",
    "P00123_front_left.jpg",  # two views: staff say which
    "P00123 oben unten.jpg",
    "",
])
def test_a_name_that_says_no_view_or_several_gives_none(name: str) -> None:
    assert view_from_name(name) == ""
