"""Errors a user can meet, each carrying a sentence a receptionist can act on."""


class ClinicError(Exception):
    """Base class: str(error) is the message shown to the user, as is."""

    exit_code = 1


class ConfigError(ClinicError):
    """A setting, path or database URL is wrong; the fix is in the configuration."""

    exit_code = 2


class ValidationError(ClinicError):
    """Input the user typed or imported is not acceptable."""

    exit_code = 2


class NotFoundError(ClinicError):
    """A patient, step, template or other record named by the user does not exist."""

    exit_code = 2


class RuleError(ClinicError):
    """The action would break a treatment rule (e.g. two active steps)."""

    exit_code = 1


class DatabaseError(ClinicError):
    """The database cannot be opened, upgraded, backed up or is damaged."""

    exit_code = 2
