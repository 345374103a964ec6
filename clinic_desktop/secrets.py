"""Mail passwords (SMTP, IMAP) in the OS keyring: Credential Manager, Keychain, Secret Service."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

from clinic_desktop.errors import ConfigError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, Sentence, sentence

log = logging.getLogger(__name__)

SMTP_SERVICE = "Clinic Desktop SMTP"
IMAP_SERVICE = "Clinic Desktop IMAP"  # reading the mailbox: patients' replies, bounces
# Windows Credential Manager refuses secrets above 2,560 bytes (UTF-16: 1,280 characters).
WINDOWS_SECRET_LIMIT_CHARS = 1280

_NO_BACKEND = sentence(QT_TRANSLATE_NOOP(
    "core", "No password store is available on this PC, so the mail password cannot be kept "
    "safely. On Windows this is Credential Manager and should always be there (if you run a "
    "packaged build, reinstall it). On Linux install and unlock a Secret Service provider "
    "such as GNOME Keyring or KeePassXC."))
_NOT_ENCRYPTED = sentence(QT_TRANSLATE_NOOP(
    "core", "The password store in use ({store}) does not encrypt passwords. Install a proper "
    "keyring (Credential Manager, GNOME Keyring, KeePassXC)."))
_NO_ACCOUNT = sentence(QT_TRANSLATE_NOOP(
    "core", "Set the mail account first: clinic-desktop settings set {setting} ACCOUNT"))
_EMPTY = sentence(QT_TRANSLATE_NOOP("core", "The password is empty; nothing was stored."))
_TOO_LONG = sentence(QT_TRANSLATE_NOOP(
    "core", "The password is {n} characters long; Windows Credential Manager keeps at most "
    "{n_most}. Nothing was stored."))
_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The password store refused the password ({problem}). Nothing was stored."))
_REFUSED_DATABASE = sentence(QT_TRANSLATE_NOOP(
    "core", "The password store refused the password ({problem})."))
_UNAVAILABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "The password store is not available ({problem}). Unlock it and try again."))


def backend() -> KeyringBackend:
    """The keyring in use; a clear ConfigError when the machine has none."""
    chosen = keyring.get_keyring()
    if _is_unusable(chosen):
        raise ConfigError(_NO_BACKEND())
    return chosen


def backend_warning() -> str | None:
    """A sentence for the settings screen when secrets would be stored without encryption."""
    try:
        chosen = backend()
    except ConfigError as exc:
        return str(exc)
    name = type(chosen).__name__
    if "Plaintext" in name or "Uncrypted" in name:
        return _NOT_ENCRYPTED(store=name)
    return None


def _is_unusable(chosen: KeyringBackend) -> bool:

    if isinstance(chosen, fail.Keyring):
        return True
    return isinstance(chosen, chainer.ChainerBackend) and not chosen.backends


@dataclass(frozen=True)
class MailAccount:
    """A mail password's place in the keyring, its setting, and the sentence for when no
    password is stored (it names the command that stores one)."""

    service: str
    setting: str  # the setting holding the account name
    not_stored: Sentence


SMTP = MailAccount(SMTP_SERVICE, "smtp.username", sentence(QT_TRANSLATE_NOOP(
    "core", "No mail password is stored for {account} on this PC. Store it with "
    "`clinic-desktop smtp set-password` (or in Settings).")))
IMAP = MailAccount(IMAP_SERVICE, "imap.username", sentence(QT_TRANSLATE_NOOP(
    "core", "No mail password is stored for {account} on this PC. Store it with "
    "`clinic-desktop imap set-password` (or in Settings).")))


def set_mail_password(account: MailAccount, username: str, password: str) -> None:
    if not username:
        raise ConfigError(_NO_ACCOUNT(setting=account.setting))
    if not password:
        raise ConfigError(_EMPTY())
    # Windows counts UTF-16 units: an emoji takes two.
    units = len(password.encode("utf-16-le")) // 2
    if units > WINDOWS_SECRET_LIMIT_CHARS:
        raise ConfigError(_TOO_LONG(n=units, n_most=WINDOWS_SECRET_LIMIT_CHARS))
    store = backend()
    try:
        store.set_password(account.service, username, password)
    except keyring.errors.PasswordSetError as exc:
        raise ConfigError(_REFUSED(problem=exc)) from None
    except keyring.errors.KeyringError as exc:
        raise ConfigError(_UNAVAILABLE(problem=exc)) from None
    log.info("%s password stored in %s for the mail account", account.service,
             type(store).__name__)


def get_mail_password(account: MailAccount, username: str) -> str:
    store = backend()
    try:
        password = store.get_password(account.service, username)
    except keyring.errors.KeyringError as exc:
        raise ConfigError(_UNAVAILABLE(problem=exc)) from None
    if not password:
        raise ConfigError(account.not_stored(account=repr(username)))
    return password


def delete_mail_password(account: MailAccount, username: str) -> bool:
    store = backend()
    try:
        store.delete_password(account.service, username)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def set_smtp_password(username: str, password: str) -> None:
    set_mail_password(SMTP, username, password)


def get_smtp_password(username: str) -> str:
    return get_mail_password(SMTP, username)


def has_smtp_password(username: str) -> bool:
    try:
        get_smtp_password(username)
    except ConfigError:
        return False
    return True


def delete_smtp_password(username: str) -> bool:
    return delete_mail_password(SMTP, username)


DATABASE_SERVICE = "Clinic Desktop Database"


def database_account(user: str, host: str, database: str) -> str:
    return f"{user}@{host}/{database}"


def set_database_password(user: str, host: str, database: str, password: str) -> None:
    if not password:
        raise ConfigError(_EMPTY())
    try:
        backend().set_password(DATABASE_SERVICE, database_account(user, host, database),
                               password)
    except keyring.errors.KeyringError as exc:
        raise ConfigError(_REFUSED_DATABASE(problem=exc)) from None


def get_database_password(user: str, host: str, database: str) -> str | None:
    """The PostgreSQL password kept for this server, or None (then libpq tries .pgpass)."""
    try:
        return backend().get_password(DATABASE_SERVICE, database_account(user, host, database))
    except (ConfigError, keyring.errors.KeyringError):
        return None
