"""`db check` finds photo rows whose file is gone from the library, and (`--deep`) files whose
content changed since import; an unreachable library is named, not reported photo by photo."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from clinic_desktop.app import open_app
from clinic_desktop.db.models import Photo


def import_two(run, photo_files) -> list[Path]:  # type: ignore[no-untyped-def]
    assert run("demo", "--patients", "3")[0] == 0
    files = [photo_files.jpeg("P00001_front.jpg"), photo_files.jpeg("P00001_left.jpg")]
    code, out, err = run("import-photos", *map(str, files))
    assert code == 0, out + err
    return files


def library_files(tmp_path: Path, db_url: str) -> list[tuple[int, Path]]:
    app = open_app(tmp_path / "data", db_url, log_to_file=False)
    try:
        from clinic_desktop.photos.importer import library_for

        library = library_for(app.sessions, app.paths.data_dir)
        with app.sessions() as session:
            return [(p.id, library.resolve(p.library_path))
                    for p in session.scalars(select(Photo).order_by(Photo.id))]
    finally:
        app.close()


def test_db_check_names_a_photo_whose_file_vanished_and_deep_finds_a_changed_one(
        run, db_url: str, tmp_path: Path, photo_files) -> None:  # type: ignore[no-untyped-def]
    import_two(run, photo_files)
    assert run("db", "check")[0] == 0
    (first_id, first), (second_id, second) = library_files(tmp_path, db_url)
    first.unlink()
    second.write_bytes(second.read_bytes()[:-10] + b"0123456789")

    code, out, _ = run("db", "check")
    assert code == 1
    assert f"photo {first_id} (P00001_front.jpg) has no file in the photo library" in out
    assert f"photo {second_id}" not in out  # only --deep reads the files
    code, out, _ = run("db", "check", "--deep")
    assert code == 1
    assert f"photo {second_id} (P00001_left.jpg) in the photo library has changed" in out


def test_an_unreachable_library_is_one_sentence(run, db_url: str, tmp_path: Path,
                                                photo_files) -> None:  # type: ignore[no-untyped-def]
    import_two(run, photo_files)
    assert run("settings", "set", "photos.library_dir", str(tmp_path / "offline-share"))[0] == 0
    code, out, _ = run("db", "check")
    assert code == 1
    assert "cannot be reached, so its photo files were not checked" in out
    assert out.count("has no file") == 0
