"""Real servers and files for tests: an SMTP server (aiosmtpd: plain, STARTTLS or TLS, with AUTH
and faults), a file keyring, camera photos, table dumps. tests/conftest.py loads it for every
folder."""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "clinic@example.org"
SMTP_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Envelope:
    """What the client said in MAIL FROM and RCPT TO, as the server heard it."""

    mail_from: str
    rcpt_tos: list[str]
    mail_options: list[str]


@dataclass
class SmtpServer:
    """What the server received, and faults to play: DATA answers or dropped connections."""

    host: str
    port: int
    security: str
    ca_file: Path | None
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)  # one per message received
    # "451 ...", "550 ...", "drop" (before answering), "drop-after-250" (keeps the message)
    data_faults: list[str] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)
    login_refusal: str = ""  # e.g. Microsoft 365's "535 5.7.139 ...": every login gets it
    before_250: Callable[[], None] | None = None  # runs just before a message is answered 250
    arrivals: list[float] = field(default_factory=list)  # time.monotonic() of each message
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp_server: Any, session: Any, envelope: Any) -> str:
        with self.server.lock:
            fault = self.server.data_faults.pop(0) if self.server.data_faults else None
        if fault == "drop":
            smtp_server.transport.close()  # the line dies before the server says 250
            return "451 dropped"
        if fault == "drop-after-250":
            # The line dies just after the server said 250: the answer is written before the
            # loop runs this (aiosmtpd pushes it without yielding), and close() flushes it.
            asyncio.get_running_loop().call_soon(smtp_server.transport.close)
        elif fault:
            return fault
        if envelope.smtp_utf8:  # headers in UTF-8 (RFC 6532), which the bytes parser garbles
            message = email.message_from_string(envelope.original_content.decode("utf-8"),
                                                _class=EmailMessage, policy=email.policy.default)
        else:
            message = email.message_from_bytes(envelope.original_content, _class=EmailMessage,
                                               policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos),
                                                  list(envelope.mail_options)))
            self.server.arrivals.append(time.monotonic())
        if self.server.before_250 is not None:
            self.server.before_250()
        return "250 2.0.0 Ok: queued"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "clinic-ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return path


def start_smtp_server(security: str = "none", *, auth: bool = False,
                      tls_ca: trustme.CA | None = None, ca_file: Path | None = None,
                      port: int | None = None, smtputf8: bool = True) -> SmtpServer:
    """security: none | starttls | tls. With auth, AUTH PLAIN/LOGIN is required. Without
    smtputf8 the server does not offer SMTPUTF8 (aiosmtpd's Controller offers it by default)."""
    server = SmtpServer("127.0.0.1", port or _free_port(), security, ca_file)
    context = None
    if security != "none":
        assert tls_ca is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)

    def authenticate(_server: Any, _session: Any, _envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == SMTP_USER and \
            data.password.decode() == SMTP_PASSWORD
        server.logins.append((mechanism, ok))
        if server.login_refusal:
            return AuthResult(success=False, handled=False, message=server.login_refusal)
        # handled=False: aiosmtpd then answers a wrong password with 535 itself.
        return AuthResult(success=ok, handled=False)

    kwargs: dict[str, Any] = {}
    if auth:
        kwargs.update(authenticator=authenticate, auth_required=True,
                      # aiosmtpd counts only STARTTLS as encrypted; TLS is encrypted from the
                      # first byte, so AUTH must not wait for STARTTLS there.
                      auth_require_tls=security == "starttls")
    if security == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port,
                            ssl_context=context if security == "tls" else None,
                            server_hostname="localhost", ready_timeout=10,
                            enable_SMTPUTF8=smtputf8, **kwargs)
    controller.start()
    server.controller = controller
    return server


@pytest.fixture
def smtp_server_factory(tls_ca: trustme.CA, ca_file: Path) -> Iterator[Any]:
    started: list[SmtpServer] = []

    def _start(security: str = "none", auth: bool = False, port: int | None = None,
               smtputf8: bool = True) -> SmtpServer:
        server = start_smtp_server(security, auth=auth, tls_ca=tls_ca, ca_file=ca_file,
                                   port=port, smtputf8=smtputf8)
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


def configure_smtp(session: Any, server: SmtpServer, *, username: str = "",
                   rate_per_minute: int = 6000) -> None:
    """Point the clinic's settings at a test server."""
    from clinic_desktop import settings

    values = {"smtp.host": "localhost" if server.security != "none" else "127.0.0.1",
              "smtp.port": str(server.port), "smtp.security": server.security,
              "smtp.username": username, "smtp.from": "reception@clinic.example.org",
              "smtp.reply_to": "reply@clinic.example.org", "clinic.name": "Test Clinic",
              "smtp.ca_file": str(server.ca_file) if server.ca_file else "",
              "smtp.rate_per_minute": str(rate_per_minute), "smtp.timeout": "10"}
    for key, value in values.items():
        settings.set_value(session, key, value)


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Any]:
    """A real keyring backend (keyrings.alt's file store) in a temp folder."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# What switches each check of the photo quality gate (photos/quality.py) off: the default in
# every test process (tests/conftest.py), and a setting where a new process imports.
QUALITY_GATE_OFF = {"photos.min_sharpness": "0", "photos.min_brightness": "0",
                    "photos.max_brightness": "100", "photos.max_clipped": "100",
                    "photos.min_long_side": "0"}


# --- photo files: real images made with Pillow (test_photo_import.py, test_folder_watch.py) ----


class PhotoFiles:
    """Makes real image files under `root`; every picture differs unless asked otherwise.

    The upright picture of `marked()` has a red block top-left and a green block top-right,
    so any rotation or mirroring shows in where the blocks end up.
    """

    RED = (230, 20, 20)
    GREEN = (20, 200, 20)
    BLOCK = 0.25  # the blocks' edge, as a share of the picture's height

    def __init__(self, root: Path):
        self.root = root
        self.count = 0

    def target(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def picture(self, size: tuple[int, int] = (240, 160), mode: str = "RGB") -> Any:
        """A plain picture whose background colour is new on every call (so a new SHA-256)."""
        from PIL import Image

        self.count += 1
        n = self.count
        colour = (40 + n * 37 % 160, 60 + n * 53 % 160, 80 + n * 71 % 160)
        return Image.new(mode, size, colour)

    def marked(self, size: tuple[int, int] = (240, 160)) -> Any:
        from PIL import ImageDraw

        image = self.picture(size)
        width, height = size
        block = int(height * self.BLOCK)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, block - 1, block - 1), fill=self.RED)
        draw.rectangle((width - block, 0, width - 1, block - 1), fill=self.GREEN)
        return image

    def save(self, image: Any, name: str, format: str, **params: Any) -> Path:
        path = self.target(name)
        image.save(path, format=format, **params)
        return path

    def jpeg(self, name: str, *, size: tuple[int, int] = (240, 160), orientation: int | None = None,
             taken: str | None = None, offset: str | None = None, **params: Any) -> Path:
        """A JPEG, optionally with EXIF Orientation and DateTimeOriginal ("YYYY:MM:DD HH:MM:SS")."""
        from PIL import Image

        exif = Image.Exif()
        if orientation is not None:
            exif[0x0112] = orientation
        if taken is not None:
            exif.get_ifd(0x8769)[0x9003] = taken
        if offset is not None:
            exif.get_ifd(0x8769)[0x9011] = offset
        if orientation is not None or taken is not None or offset is not None:
            params["exif"] = exif.tobytes()
        image = params.pop("image", None)
        return self.save(self.marked(size) if image is None else image, name, "JPEG", **params)

    def write(self, name: str, data: bytes) -> Path:
        path = self.target(name)
        path.write_bytes(data)
        return path

    def huge_png(self, name: str, width: int, height: int) -> Path:
        """A valid 1-bit PNG declaring width × height pixels: tens of kB on disk, hundreds of
        megapixels once decoded (a decompression bomb)."""
        import struct
        import zlib

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + \
                struct.pack(">I", zlib.crc32(kind + data))

        rows = (b"\0" + b"\0" * ((width + 7) // 8)) * 1000
        packer = zlib.compressobj(6)
        body = b"".join(packer.compress(rows) for _ in range(height // 1000)) + \
            packer.compress(rows[:len(rows) // 1000 * (height % 1000)]) + packer.flush()
        return self.write(name, b"\x89PNG\r\n\x1a\n"
                          + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                          + chunk(b"IDAT", body) + chunk(b"IEND", b""))


CAMERA_SIZE = (4000, 3000)  # 12 megapixels, as a phone takes it


def camera_scene(seed: int = 7) -> Any:
    """A camera-like photo of a smile at 12 MP: gums and lips in soft gradients, two rows of
    teeth with crisp outlines, an aligner wire with brackets (fine detail), sensor noise."""
    import random

    from PIL import Image, ImageChops, ImageDraw

    rng = random.Random(seed)
    width, height = CAMERA_SIZE
    ramp = Image.linear_gradient("L").rotate(30).resize((width // 8, height // 8))
    scene = Image.merge("RGB", [ramp.point(lambda v: 120 + v // 3),
                                ramp.point(lambda v: 50 + v // 5),
                                ramp.point(lambda v: 60 + v // 5)]).resize(
        CAMERA_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(scene)
    draw.ellipse((width * 0.05, height * 0.2, width * 0.95, height * 0.85), fill=(150, 60, 70))
    draw.ellipse((width * 0.12, height * 0.3, width * 0.88, height * 0.75), fill=(40, 20, 25))
    for top, bottom in ((0.32, 0.52), (0.53, 0.72)):
        x = width * 0.15
        while x < width * 0.83:
            tooth = width * rng.uniform(0.05, 0.08)
            shade = rng.randint(200, 235)
            draw.rounded_rectangle((x, height * top, x + tooth - 8, height * bottom),
                                   radius=int(tooth / 4), fill=(shade, shade - 8, shade - 25),
                                   outline=(120, 100, 90), width=6)
            x += tooth
    draw.line((width * 0.15, height * 0.45, width * 0.85, height * 0.45), fill=(170, 170, 180),
              width=5)
    for i in range(14):
        left = width * 0.18 + i * width * 0.048
        draw.rectangle((left, height * 0.43, left + 40, height * 0.47), fill=(190, 190, 200),
                       outline=(80, 80, 90), width=3)
    noise = Image.effect_noise(CAMERA_SIZE, 12).convert("RGB")
    return ImageChops.add(scene, noise, scale=1.0, offset=-128)  # noise around 0


@functools.cache
def camera_jpeg(version: str) -> bytes:
    """The same scene as a phone may deliver it, as a quality-92 JPEG (as phones write them),
    made once per test process: "sharp", "soft" (slightly, still fine), "blurred" (out of
    focus), "dark" (underexposed), "overexposed" (flash), "preview" (a messenger's 640 px)."""
    import io

    from PIL import ImageEnhance, ImageFilter

    sharp = _camera_sharp()
    image = {"sharp": lambda: sharp,
             "soft": lambda: sharp.filter(ImageFilter.GaussianBlur(2)),
             "blurred": lambda: sharp.filter(ImageFilter.GaussianBlur(8)),
             "dark": lambda: ImageEnhance.Brightness(sharp).enhance(0.25),
             "overexposed": lambda: ImageEnhance.Brightness(sharp).enhance(2.2),
             "preview": lambda: sharp.resize((640, 480))}[version]()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@functools.cache
def _camera_sharp() -> Any:
    return camera_scene()


@pytest.fixture
def photo_files(tmp_path: Path) -> PhotoFiles:
    return PhotoFiles(tmp_path / "incoming")


def dump_engine(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for 'the database did not change' checks."""
    from sqlalchemy import select

    from clinic_desktop.db.models import Base

    with engine.connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for table in Base.metadata.sorted_tables}


def dump(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """`dump_engine` of the database at this URL."""
    from sqlalchemy import create_engine

    from clinic_desktop.db.engine import normalise_url

    engine = create_engine(normalise_url(db_url))
    try:
        return dump_engine(engine)
    finally:
        engine.dispose()


@pytest.fixture
def dump_tables() -> Any:
    return dump_engine


def wait_for(what: str, condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll `condition` until it gives something true (returned), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def started() -> Iterator[Callable[[Any], Any]]:
    """Start a real ClinicScheduler; it is shut down after the test whatever happens."""
    running: list[Any] = []

    def _start(scheduler: Any) -> Any:
        scheduler.start()
        running.append(scheduler)
        return scheduler

    yield _start
    for scheduler in running:
        scheduler.shutdown()


@pytest.fixture
def run(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`clinic-desktop ARGS` in-process on this test's database; returns (exit code, out, err)."""
    from clinic_desktop.cli import main

    def _run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--data-dir", str(tmp_path / "data"), "--db", db_url, *args])
        except SystemExit as exit_info:  # argparse refusing an argument
            code = int(exit_info.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


# Two processes log at once, like the window and the tray notifier: a writer to run in each
# (argv: log folder, its name, lines). Windows refuses to rename a file another process has
# open; tests/unit/test_logs.py runs it here and tests/windows/ under Wine.
LOG_WRITER = (
    "import logging, sys\n"
    "from pathlib import Path\n"
    "from clinic_desktop.logs import SharedRotatingFileHandler\n"
    "handler = SharedRotatingFileHandler(Path(sys.argv[1]) / 'clinic-desktop.log',\n"
    "                                    max_bytes=20_000, backups=40)\n"
    "handler.setFormatter(logging.Formatter('%(process)d %(message)s'))\n"
    "log = logging.getLogger('writer')\n"
    "log.addHandler(handler)\n"
    "log.setLevel(logging.INFO)\n"
    "for number in range(int(sys.argv[3])):\n"
    "    log.info('%s line %04d %s', sys.argv[2], number, 'x' * 100)\n"
    "logging.shutdown()\n")
