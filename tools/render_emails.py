"""Render every email kind (English and German) with the sample data, as it would be sent.

For each language and kind this writes, into docs/emails/ (or --out):

- <lang>-<kind>.eml  the real MIME message (build_message with the bundled logo), and
- <lang>-<kind>.png  a screenshot of its HTML part, taken with headless Chromium, with the
                     inline logo (cid:logo) resolved from the message itself.

Run from the repository root:  python tools/render_emails.py [--out DIR] [--no-screenshots]
Chromium is the Debian package `chromium` (apt-get install --no-install-recommends chromium).
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from clinic_desktop.notify import render
from clinic_desktop.notify.message import LOGO_CID, Sender, build_message, load_logo

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "de")
SENT_AT = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
WINDOW = "700,1100"
DOCTOR_KINDS = (render.DOCTOR_PROGRESS, render.DOCTOR_DIGEST)


def sample_sender() -> Sender:
    logo, subtype = load_logo("")
    return Sender(address="reception@clinic.example.org", display_name="Sample Clinic",
                  reply_to="info@clinic.example.org", logo=logo, logo_subtype=subtype)


def recipient_for(kind: str) -> tuple[str, str]:
    if kind in DOCTOR_KINDS:
        return "ben.okafor@clinic.example.org", "Dr. Ben Okafor"
    if kind == render.TEST_EMAIL:
        return "reception@clinic.example.org", "Sample Clinic"
    return "anna.weber@example.com", "Anna Weber"


def sample_message(kind: str, language: str, context: dict | None = None,
                   sender: Sender | None = None) -> EmailMessage:
    """One email of this kind, in this language, as build_message makes it for sending."""
    context = context if context is not None else render.sample_contexts(kind)[0]
    email = render.TemplateSet().render(kind, language, context)
    sender = sender or sample_sender()
    address, name = recipient_for(kind)
    return build_message(sender=sender, recipient=address, recipient_name=name,
                         subject=email.subject, text=email.text, html=email.html,
                         message_id=f"<sample-{language}-{kind.replace('_', '-')}@"
                                    f"{sender.domain}>",
                         date=SENT_AT)


def html_with_inline_images(message: EmailMessage) -> str:
    """The HTML part with every cid: reference replaced by a data: URI of the related part."""
    html_part = message.get_body(preferencelist=("html",))
    if html_part is None:
        raise SystemExit("The message has no HTML part.")
    html = html_part.get_content()
    for part in message.walk():
        content_id = (part.get("Content-ID") or "").strip("<> ")
        if not content_id or part.get_content_maintype() != "image":
            continue
        data = base64.b64encode(part.get_payload(decode=True)).decode("ascii")
        html = html.replace(f"cid:{content_id}",
                            f"data:{part.get_content_type()};base64,{data}")
    if f"cid:{LOGO_CID}" in html:
        raise SystemExit("cid:logo is referenced but the message carries no logo part.")
    return html


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Chromium is not installed: apt-get install -y --no-install-recommends "
                     "chromium (or pass --no-screenshots).")


def screenshot(chromium: str, html_file: Path, png: Path) -> None:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    command = [chromium, "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
               f"--window-size={WINDOW}", f"--screenshot={png}", html_file.as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        png.unlink(missing_ok=True)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                check=False)
        if result.returncode != 0 or not png.is_file():
            raise SystemExit(f"Chromium could not screenshot {html_file} (exit "
                             f"{result.returncode}):\n{result.stderr[-2000:]}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "emails",
                        help="folder for the .eml and .png files (default: docs/emails)")
    parser.add_argument("--no-screenshots", action="store_true",
                        help="write only the .eml files")
    parser.add_argument("--language", action="append", choices=LANGUAGES,
                        help="only this language (repeatable; default: all)")
    parser.add_argument("--kind", action="append", choices=render.KINDS,
                        help="only this kind (repeatable; default: all)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    chromium = None if args.no_screenshots else find_chromium()
    sender = sample_sender()
    with tempfile.TemporaryDirectory(prefix="clinic-emails-") as temp:
        for language in args.language or LANGUAGES:
            for kind in args.kind or render.KINDS:
                message = sample_message(kind, language, sender=sender)
                stem = f"{language}-{kind}"
                (out / f"{stem}.eml").write_bytes(message.as_bytes())
                line = f"{stem}: {message['Subject']}"
                if chromium:
                    html_file = Path(temp) / f"{stem}.html"
                    html_file.write_text(html_with_inline_images(message), encoding="utf-8")
                    screenshot(chromium, html_file, out / f"{stem}.png")
                    line += f"  -> {stem}.png"
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
