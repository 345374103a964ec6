"""Clinic Desktop: treatment step plans, photo imports and patient notifications."""


def __getattr__(name: str) -> str:
    # The version is looked up when asked for: importlib.metadata costs ~70 ms at every
    # start of every command, and most never show it.
    if name != "__version__":
        raise AttributeError(f"module 'clinic_desktop' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clinic-desktop")
    except PackageNotFoundError:  # running from a source checkout that was never installed
        return "0.0.0+source"
