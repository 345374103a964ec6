"""Reading one message without a server: which parts are the patient's photos, and file names
that must not escape the message's folder or trip Windows."""

from __future__ import annotations

import io
from email.message import EmailMessage

from clinic_desktop.mail.reading import SIGNATURE_IMAGE_BYTES, read_mail


def jpeg(side: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((side, side), 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def test_an_iphone_photo_shown_inline_counts_and_a_signature_logo_does_not() -> None:
    message = EmailMessage()
    message["From"] = "P1 <P1@Example.org>"
    message["Subject"] = "Re: photo"
    message.set_content("Here it is")
    message.add_alternative('<p>Here it is</p><img src="cid:photo"><img src="cid:logo">',
                            subtype="html")
    html = message.get_payload()[1]
    logo, photo = jpeg(40), jpeg(600)
    assert len(logo) < SIGNATURE_IMAGE_BYTES < len(photo)
    html.add_related(photo, maintype="image", subtype="jpeg", cid="<photo>",
                     filename="IMG_0042.jpg")
    html.add_related(logo, maintype="image", subtype="jpeg", cid="<logo>")

    mail = read_mail(message.as_bytes())

    assert mail.sender == "p1@example.org"
    assert [(a.filename, a.data) for a in mail.photos] == [("IMG_0042.jpg", photo)]
    assert mail.other_files == [] and not mail.auto_reply


def test_file_names_stay_inside_the_folder_and_are_legal_on_windows() -> None:
    message = EmailMessage()
    message["From"] = "p1@example.org"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Out of office")
    for name in ("../../etc/passwd.jpg", "..\\..\\Windows\\win.ini", "CON.jpg",
                 'a<b>:"|?*.png', " . "):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                               filename=name)
    message.add_attachment(jpeg(50), maintype="image", subtype="jpeg")  # no name at all

    mail = read_mail(message.as_bytes())

    assert [a.filename for a in mail.attachments] == [
        "passwd.jpg", "win.ini", "_CON.jpg", "a_b______.png", "attachment-5.bin",
        "attachment-6.jpg"]
    assert mail.auto_reply
