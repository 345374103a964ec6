"""Mutation fuzzing of photo imports: real JPEG (with EXIF), PNG, HEIC, WEBP and TIFF files,
cut short, bit-flipped, shuffled and spliced, each imported in a folder beside a good photo.
Whatever the damage, the good photo is imported, nothing escapes, a refusal says why, and a
refused file neither completes a step nor takes much memory."""

from __future__ import annotations

import itertools
import re
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from photo_samples import FORMATS, photo_bytes
from sqlalchemy import select

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Photo, PlanTemplate, TreatmentStep
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template
from clinic_desktop.photos.importer import IMPORTED, REFUSED, PhotoImporter, library_for

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # each patient's first step (7 days) is finished today
MUTANTS_PER_FOLDER = 8  # damaged copies imported beside the good photo in each example
EXAMPLES = {"jpeg": 80, "png": 60, "heic": 60, "webp": 60, "tiff": 60}  # folders
PEAK_BYTES = 64 * 1024 ** 2  # Python memory while importing one folder of 64 × 48 photos

pytestmark = [
    pytest.mark.slow,
    # Pillow warns about odd EXIF and TIFF tags in damaged files; that is what we feed it.
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """One to three damages, each as a copy, a disk or a hostile sender makes them."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 3))):
        size = len(data)
        if size < 2:
            break
        damage = draw(st.sampled_from(["truncate", "flip", "shuffle", "overwrite", "cut",
                                       "repeat"]))
        if damage == "truncate":  # the copy stopped part-way
            del data[draw(st.integers(0, size - 1)):]
        elif damage == "flip":  # bits flipped anywhere, headers included
            for offset, bit in draw(st.lists(st.tuples(st.integers(0, size - 1),
                                                       st.integers(0, 7)),
                                             min_size=1, max_size=16)):
                data[offset] ^= 1 << bit
        elif damage == "shuffle":  # chunks of the file in another order
            cuts = sorted(draw(st.sets(st.integers(1, size - 1), min_size=1, max_size=6)))
            chunks = [data[a:b] for a, b in itertools.pairwise([0, *cuts, size])]
            data = bytearray(b"".join(draw(st.permutations(chunks))))
        elif damage == "overwrite":  # a run of bytes replaced (a bad sector, a bad block)
            start = draw(st.integers(0, size - 1))
            noise = draw(st.binary(min_size=1, max_size=64))
            data[start:start + len(noise)] = noise
        elif damage == "cut":  # a piece missing in the middle
            start = draw(st.integers(0, size - 1))
            del data[start:start + draw(st.integers(1, max(1, size // 4)))]
        else:  # a piece written twice
            start = draw(st.integers(0, size - 1))
            piece = data[start:start + draw(st.integers(1, 256))]
            data[start:start] = piece
    return bytes(data)


class FuzzClinic:
    """One clinic database for all examples of a test; each example gets a new patient
    (so no photo is a duplicate) and a new folder."""

    def __init__(self, app: Any, root: Path):
        self.app = app
        self.root = root
        self.count = 0
        self.importer = PhotoImporter(app.sessions, library_for(app.sessions,
                                                                 app.paths.data_dir), TODAY)
        with write_session(app.sessions) as session:
            self.template_id = create_template(session, "Fuzz plan", [
                StepSpec("Step 1", 7, "Wear aligner 1"),
                StepSpec("Step 2", 14, "Wear aligner 2")]).id

    def enrol(self, code: str) -> int:
        with write_session(self.app.sessions) as session:
            patient = add_patient(session, PatientInput(code, "Fuzz", code, "", "", False))
            template = session.get(PlanTemplate, self.template_id)
            assert template is not None
            apply_plan(session, patient, template, START)
            return patient.id

    def import_folder(self, kind: str, mutants: list[bytes]) -> None:
        self.count += 1
        code = f"F{self.count:05d}"
        patient_id = self.enrol(code)
        folder = self.root / code
        folder.mkdir(parents=True)
        extension = FORMATS[kind][1]
        damaged = []
        for number, data in enumerate(mutants):
            damaged.append(folder / f"{code}_{number:02d}_damaged.{extension}")
            damaged[-1].write_bytes(data)
        # Last, so the damaged files are met first; taken yesterday, before step 1 was
        # finished, so it changes no step (and a step that completes was completed by an
        # undamaged-enough copy, never by a refused one).
        good = folder / f"{code}_99_good.jpg"
        good.write_bytes(photo_bytes("jpeg", seed=self.count, taken="2026:03:09 10:15:00"))

        tracemalloc.start()
        try:
            outcomes = list(self.importer.import_paths([folder], patient_code=code))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert peak < PEAK_BYTES, f"{peak / 1024 ** 2:.0f} MB for {len(mutants) + 1} photos"
        assert [o.path for o in outcomes] == [*damaged, good]
        assert outcomes[-1].status == IMPORTED, outcomes[-1].line()
        for outcome in outcomes[:-1]:
            assert outcome.status in (IMPORTED, REFUSED), outcome.line()
            if outcome.status == REFUSED:
                assert outcome.message.strip() and outcome.message.isprintable(), \
                    outcome.line()
            # --hypothesis-show-statistics shows how the damaged files fared
            event(outcome.status if outcome.status == IMPORTED else
                  "refused: " + re.sub(r"\d+", "N", outcome.message.split(" (")[0]))
        imported = {o.path.name for o in outcomes if o.status == IMPORTED}
        with self.app.sessions() as session:
            photos = session.scalars(select(Photo).where(Photo.patient_id == patient_id)).all()
            steps = session.scalars(select(TreatmentStep).where(
                TreatmentStep.patient_id == patient_id)).all()
            waiting = session.scalars(select(InboxItem)).all()
        # Only imported files became photos, and each completed step was completed by one.
        assert sorted(p.original_name for p in photos) == sorted(imported)
        assert sum(p.completed_step for p in photos) == sum(s.is_completed for s in steps)
        assert sum(s.is_active for s in steps) == 1
        assert waiting == []  # a refused file is not an unmatched photo


@pytest.fixture
def fuzz_clinic(sqlite_app: Any, tmp_path: Path) -> FuzzClinic:
    return FuzzClinic(sqlite_app, tmp_path / "incoming")


def fuzz(kind: str) -> Any:
    original = photo_bytes(kind)

    @settings(max_examples=EXAMPLES[kind], deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutants=st.lists(mutated(original), min_size=MUTANTS_PER_FOLDER,
                            max_size=MUTANTS_PER_FOLDER, unique=True))  # else a duplicate
    def test(fuzz_clinic: FuzzClinic, mutants: list[bytes]) -> None:
        fuzz_clinic.import_folder(kind, mutants)

    test.__name__ = f"test_damaged_{kind}_files_are_refused_or_imported_and_never_stop_the_rest"
    return test


test_damaged_jpeg_files_are_refused_or_imported_and_never_stop_the_rest = fuzz("jpeg")
test_damaged_png_files_are_refused_or_imported_and_never_stop_the_rest = fuzz("png")
test_damaged_heic_files_are_refused_or_imported_and_never_stop_the_rest = fuzz("heic")
test_damaged_webp_files_are_refused_or_imported_and_never_stop_the_rest = fuzz("webp")
test_damaged_tiff_files_are_refused_or_imported_and_never_stop_the_rest = fuzz("tiff")
