"""installer.iss is right by construction: Inno Setup's compiler does not run on Linux CI.

The script is preprocessed the way ISPP would (only #define, #ifndef/#ifdef/#else/#endif and
{#Name} are allowed, so this small preprocessor is exact), then every section is parsed with
Inno Setup's rules: known directives and parameters (the lists come from Inno Setup's compiler
source), known flags, files that exist, the version from pyproject.toml, the notifier's Run value
as clinic_desktop/autostart.py writes it, and a [Code] section that is balanced and, where Free
Pascal is installed, compiles against stubs of the Inno Setup functions it calls.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path, PureWindowsPath

import pytest

from clinic_desktop import autostart, build, config

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "installer.iss"
SPEC = REPO / "packaging" / "clinic-desktop.spec"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# [Setup] directives of Inno Setup (Shared.SetupSectionDirectives.pas, 7.1; the script itself
# uses only ones that 6.3 has too).
_SETUP_DIRECTIVE_NAMES = """
AllowCancelDuringInstall AllowNetworkDrive AllowNoIcons AllowRootDirectory AllowUNCPath
AlwaysRestart AlwaysShowComponentsList AlwaysShowDirOnReadyPage AlwaysShowGroupOnReadyPage
AlwaysUsePersonalGroup AppCopyright AppendDefaultDirName AppendDefaultGroupName AppComments
AppContact AppId AppModifyPath AppMutex AppName AppPublisher AppPublisherURL AppReadmeFile
AppSupportPhone AppSupportURL AppUpdatesURL AppVerName AppVersion ArchitecturesAllowed
ArchitecturesInstallIn64BitMode ArchiveExtraction ASLRCompatible ChangesAssociations
ChangesEnvironment CloseApplications CloseApplicationsFilter CloseApplicationsFilterExcludes
Compression CompressionThreads CreateAppDir CreateUninstallRegKey DefaultDialogFontName
DefaultDirName DefaultGroupName DefaultUserInfoName DefaultUserInfoOrg DefaultUserInfoSerial
DEPCompatible DirExistsWarning DisableDirPage DisableFinishedPage DisableProgramGroupPage
DisableReadyMemo DisableReadyPage DisableStartupPrompt DisableWelcomePage DiskClusterSize
DiskSliceSize DiskSpanning EnableDirDoesntExistWarning Encryption ExtraDiskSpaceRequired
FlatComponentsList InfoAfterFile InfoBeforeFile InternalCompressLevel LanguageDetectionMethod
LicenseFile LZMAAlgorithm LZMABlockSize LZMADictionarySize LZMAMatchFinder LZMANumBlockThreads
LZMANumFastBytes LZMAUseSeparateProcess MergeDuplicateFiles MinVersion MissingMessagesWarning
MissingRunOnceIdsWarning NotRecognizedMessagesWarning OnlyBelowVersion Output
OutputBaseFilename OutputDir OutputManifestFile Password PrivilegesRequired
PrivilegesRequiredOverridesAllowed ReserveBytes RestartApplications RestartIfNeededByRun
SetupArchitecture SetupIconFile SetupLogging SetupMutex ShowComponentSizes ShowLanguageDialog
ShowTasksTreeLines ShowUndisplayableLanguages SignedUninstaller SignedUninstallerDir SignTool
SignToolMinimumTimeBetween SignToolRetryCount SignToolRetryDelay SignToolRunMinimized
SlicesPerDisk SolidCompression SourceDir TerminalServicesAware TimeStampRounding
TimeStampsInUTC TouchDate TouchTime UpdateUninstallLogAppName Uninstallable
UninstallDisplayIcon UninstallDisplayName UninstallDisplaySize UninstallFilesDir
UninstallLogging UninstallLogMode UninstallRestartComputer UsedUserAreasWarning
UsePreviousAppDir UsePreviousGroup UsePreviousLanguage UsePreviousPrivileges
UsePreviousSetupType UsePreviousTasks UsePreviousUserInfo UseSetupLdr UserInfoPage
VersionInfoCompany VersionInfoCopyright VersionInfoDescription VersionInfoOriginalFileName
VersionInfoProductName VersionInfoProductVersion VersionInfoProductTextVersion
VersionInfoTextVersion VersionInfoVersion WizardImageAlphaFormat WizardImageFile
WizardImageStretch WizardSmallImageFile WizardSizePercent WizardStyle
"""
SETUP_DIRECTIVES = frozenset(_SETUP_DIRECTIVE_NAMES.split())

_COMMON = {"Components", "Tasks", "Languages", "Check", "BeforeInstall", "AfterInstall",
           "MinVersion", "OnlyBelowVersion"}
# Parameters and flags per entry section (Compiler.SetupCompiler.pas).
PARAMETERS: dict[str, set[str]] = {
    "Languages": {"Name", "MessagesFile", "LicenseFile", "InfoBeforeFile", "InfoAfterFile"},
    "Tasks": {"Flags", "Name", "Description", "GroupDescription", "Components", "Languages",
              "Check", "MinVersion", "OnlyBelowVersion"},
    "Dirs": {"Flags", "Name", "Attribs", "Permissions"} | _COMMON,
    "InstallDelete": {"Type", "Name"} | _COMMON,
    "UninstallDelete": {"Type", "Name"} | _COMMON,
    "Files": {"Flags", "Source", "DestDir", "DestName", "CopyMode", "Attribs", "Permissions",
              "FontInstall", "Excludes", "ExternalSize", "StrongAssemblyName"} | _COMMON,
    "Icons": {"Flags", "Name", "Filename", "Parameters", "WorkingDir", "HotKey", "IconFilename",
              "IconIndex", "Comment", "AppUserModelID"} | _COMMON,
    "Registry": {"Flags", "Root", "Subkey", "ValueType", "ValueName", "ValueData",
                 "Permissions"} | _COMMON,
    "Run": {"Flags", "Filename", "Parameters", "WorkingDir", "RunOnceId", "Description",
            "StatusMsg", "Verb"} | _COMMON,
    "UninstallRun": {"Flags", "Filename", "Parameters", "WorkingDir", "RunOnceId", "Verb"}
    | _COMMON,
}
REQUIRED: dict[str, set[str]] = {
    "Languages": {"Name", "MessagesFile"}, "Tasks": {"Name", "Description"},
    "InstallDelete": {"Type", "Name"}, "UninstallDelete": {"Type", "Name"},
    "Files": {"Source", "DestDir"}, "Icons": {"Name", "Filename"},
    "Registry": {"Root", "Subkey"}, "Run": {"Filename"}, "UninstallRun": {"Filename"},
}
FLAGS: dict[str, set[str]] = {
    "Tasks": {"exclusive", "unchecked", "restart", "checkedonce", "dontinheritcheck",
              "checkablealone"},
    "Files": {"confirmoverwrite", "uninsneveruninstall", "isreadme", "regserver", "sharedfile",
              "restartreplace", "deleteafterinstall", "comparetimestamp", "external",
              "skipifsourcedoesntexist", "overwritereadonly", "onlyifdestfileexists",
              "recursesubdirs", "noregerror", "uninsrestartdelete", "onlyifdoesntexist",
              "ignoreversion", "promptifolder", "dontcopy", "uninsremovereadonly",
              "sortfilesbyextension", "touch", "replacesameversion", "noencryption",
              "nocompression", "dontverifychecksum", "uninsnosharedfileprompt",
              "createallsubdirs", "32bit", "64bit", "solidbreak", "sortfilesbyname"},
    "Icons": {"uninsneveruninstall", "runminimized", "createonlyiffileexists", "useapppaths",
              "closeonexit", "dontcloseonexit", "runmaximized", "excludefromshowinnewinstall",
              "preventpinning"},
    "Registry": {"createvalueifdoesntexist", "uninsdeletevalue", "uninsdeletekey",
                 "uninsdeletekeyifempty", "uninsclearvalue", "preservestringtype",
                 "deletekey", "deletevalue", "noerror", "dontcreatekey"},
    "Run": {"nowait", "waituntilidle", "shellexec", "skipifdoesntexist", "runminimized",
            "runmaximized", "showcheckbox", "postinstall", "unchecked", "skipifsilent",
            "skipifnotsilent", "hidewizard", "runhidden", "waituntilterminated", "32bit",
            "64bit", "runasoriginaluser", "runascurrentuser", "dontlogparameters"},
}
FLAGS["UninstallRun"] = FLAGS["Run"] - {"postinstall", "unchecked", "skipifsilent",
                                        "skipifnotsilent", "showcheckbox", "runasoriginaluser"}
DELETE_TYPES = {"files", "filesandordirs", "dirifempty"}
CONSTANTS = {"app", "autopf", "autoprograms", "autodesktop", "localappdata", "sys", "tmp",
             "userappdata", "commonappdata", "win", "src", "username"}
# Custom messages every Inno Setup .isl file defines.
STANDARD_CUSTOM_MESSAGES = {"NameAndVersion", "AdditionalIcons", "CreateDesktopIcon",
                            "ProgramOnTheWeb", "UninstallProgram", "LaunchProgram",
                            "AutoStartProgramGroupDescription", "AutoStartProgram"}
# Event functions the [Code] may define, with the signature Inno Setup calls.
EVENT_SIGNATURES = {
    "initializesetup": "function InitializeSetup(): Boolean;",
    "initializeuninstall": "function InitializeUninstall(): Boolean;",
    "curstepchanged": "procedure CurStepChanged(CurStep: TSetupStep);",
    "curuninstallstepchanged":
        "procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);",
    "deinitializeuninstall": "procedure DeinitializeUninstall();",
}


# --- a preprocessor (ISPP subset) and a parser -------------------------------------------------


def preprocess(text: str, defines: dict[str, str] | None = None) -> str:
    """What ISPP hands the compiler; `defines` plays ISCC's /DName=value."""
    values = dict(defines or {})
    active: list[bool] = []
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            directive, _, rest = stripped[1:].partition(" ")
            rest = rest.strip()
            if directive in ("ifdef", "ifndef"):
                assert re.fullmatch(r"\w+", rest), f"line {number}: {line}"
                active.append((rest in values) == (directive == "ifdef"))
            elif directive == "else":
                assert active, f"line {number}: #else without #if"
                active[-1] = not active[-1]
            elif directive == "endif":
                assert active, f"line {number}: #endif without #if"
                active.pop()
            elif directive == "define":
                match = re.fullmatch(r'(\w+)\s+"([^"]*)"', rest)
                assert match, f"line {number}: only #define Name \"value\" is supported: {line}"
                if all(active):
                    values[match.group(1)] = match.group(2)
            else:
                raise AssertionError(f"line {number}: ISPP directive #{directive} is not "
                                     "supported by this test; keep the script simple")
            out.append("")
            continue
        if not all(active):
            out.append("")
            continue

        def substitute(match: re.Match[str], number: int = number) -> str:
            name = match.group(1)
            assert name in values, f"line {number}: {{#{name}}} is not defined"
            return values[name]

        out.append(re.sub(r"\{#(\w+)\}", substitute, line))
    assert not active, "#if without #endif"
    return "\n".join(out)


def raw_defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE))


def sections(text: str) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.fullmatch(r"\s*\[(\w+)\]\s*", line)
        if header:
            current = header.group(1)
            assert current not in found, f"section [{current}] appears twice"
            found[current] = []
            continue
        if current != "Code" and (not line.strip() or line.lstrip().startswith(";")):
            continue
        assert current is not None or not line.strip(), f"line {number} is outside a section"
        if current is not None:
            found[current].append((number, line))
    return found


def parse_entry(line: str) -> dict[str, str]:
    """`Name: "value"; Other: value` with Inno Setup's quoting ("" inside quotes is a quote)."""
    params: dict[str, str] = {}
    rest = line.strip()
    while rest:
        match = re.match(r"(\w+)\s*:\s*", rest)
        assert match, f"not a parameter: {rest!r}"
        name = match.group(1)
        rest = rest[match.end():]
        if rest.startswith('"'):
            value, i = [], 1
            while True:
                assert i < len(rest), f"unterminated quote in {line!r}"
                if rest[i] == '"':
                    if rest[i + 1:i + 2] == '"':
                        value.append('"')
                        i += 2
                        continue
                    break
                value.append(rest[i])
                i += 1
            text, rest = "".join(value), rest[i + 1:].lstrip()
        else:
            text, _, after = rest.partition(";")
            text, rest = text.strip(), ";" + after if _ else ""
        assert name not in params, f"{name} given twice in {line!r}"
        params[name] = text
        if rest:
            assert rest.startswith(";"), f"missing ; before {rest!r}"
            rest = rest[1:].lstrip()
    return params


def check_constants(value: str, where: str) -> None:
    """Every {constant} is known and braces balance ({{ is a literal brace)."""
    i = 0
    while i < len(value):
        if value.startswith("{{", i):
            i += 2
            continue
        if value[i] == "{":
            depth, j = 1, i + 1
            while depth:
                assert j < len(value), f"{where}: unclosed {{ in {value!r}"
                depth += {"{": 1, "}": -1}.get(value[j], 0)
                j += 1
            inner = value[i + 1:j - 1]
            name = inner.split(":", 1)[0]
            assert name in CONSTANTS or name == "cm", f"{where}: unknown constant {{{inner}}}"
            if name == "cm":
                check_constants(inner[3:], where)
            i = j
            continue
        assert value[i] != "}", f"{where}: stray }} in {value!r}"
        i += 1


@pytest.fixture(scope="module")
def raw() -> str:
    return SCRIPT.read_text(encoding="utf-8")  # UTF-8 (Inno Setup 6.3+ reads it without BOM)


@pytest.fixture(scope="module")
def parsed(raw: str) -> dict[str, list[tuple[int, str]]]:
    return sections(preprocess(raw))


@pytest.fixture(scope="module")
def setup(parsed: dict[str, list[tuple[int, str]]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in parsed["Setup"]:
        key, sep, value = line.partition("=")
        assert sep, f"line {number}: not Directive=value: {line!r}"
        key = key.strip()
        assert key in SETUP_DIRECTIVES, f"line {number}: unknown [Setup] directive {key}"
        assert key not in values, f"line {number}: {key} set twice"
        values[key] = value.strip()
    return values


def entries(parsed: dict[str, list[tuple[int, str]]], section: str) -> list[dict[str, str]]:
    return [parse_entry(line) for _number, line in parsed.get(section, [])]


def custom_messages(parsed: dict[str, list[tuple[int, str]]]) -> dict[str, dict[str, str]]:
    by_language: dict[str, dict[str, str]] = {}
    for number, line in parsed.get("CustomMessages", []):
        key, sep, value = line.partition("=")
        assert sep, f"line {number}: not Name=value"
        language, _, name = key.strip().rpartition(".")
        by_language.setdefault(language, {})[name] = value
    return by_language


def spec_app_name() -> str:
    match = re.search(r'^APP_NAME = "([^"]+)"', SPEC.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, "packaging/clinic-desktop.spec has no APP_NAME"
    return match.group(1)


# --- the tests ---------------------------------------------------------------------------------


def test_default_version_is_pyprojects_and_a_define_overrides_it(raw: str) -> None:
    version = PYPROJECT["project"]["version"]
    assert raw_defines(raw)["AppVersion"] == version
    setup_lines = dict(line.split("=", 1) for _n, line in sections(preprocess(raw))["Setup"])
    assert setup_lines["AppVersion"] == version
    assert setup_lines["OutputBaseFilename"] == f"ClinicDesktopSetup-{version}"
    overridden = sections(preprocess(raw, {"AppVersion": "9.8.7"}))["Setup"]
    assert "AppVersion=9.8.7" in [line for _n, line in overridden]
    assert build.iscc_command(version).endswith(f"/DAppVersion={version} installer.iss")


def test_app_name_and_executable_come_from_pyproject(raw: str, setup: dict[str, str]) -> None:
    project = PYPROJECT["project"]
    assert setup["AppName"] == project["name"].replace("-", " ").title() == "Clinic Desktop"
    [script_name] = project["scripts"]
    defines = raw_defines(raw)
    assert defines["AppExeName"] == f"{script_name}.exe" == f"{build.APP_NAME}.exe"


def test_required_directives_per_user_install(setup: dict[str, str]) -> None:
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}",
                        setup["AppId"]), "AppId must be a fixed GUID written {{GUID}"
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert setup["DefaultDirName"].startswith(("{autopf}\\", "{localappdata}\\"))
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    for key, value in setup.items():
        check_constants(value if key != "AppId" else "", f"[Setup] {key}")


def test_entry_sections_are_well_formed(parsed: dict[str, list[tuple[int, str]]]) -> None:
    known = {"Setup", "Languages", "CustomMessages", "Messages", "Code", *PARAMETERS}
    assert set(parsed) <= known, set(parsed) - known
    for section, allowed in PARAMETERS.items():
        for number, line in parsed.get(section, []):
            params = parse_entry(line)
            where = f"[{section}] line {number}"
            assert set(params) <= allowed, f"{where}: unknown {set(params) - allowed}"
            assert REQUIRED[section] <= set(params), f"{where}: needs {REQUIRED[section]}"
            flags = params.get("Flags", "").split()
            assert set(flags) <= FLAGS.get(section, set()), f"{where}: unknown flag in {flags}"
            if "Type" in params:
                assert params["Type"] in DELETE_TYPES, where
            for name, value in params.items():
                if name not in ("Description", "GroupDescription", "Check", "MessagesFile"):
                    check_constants(value, f"{where} {name}")
            if section == "Run" and "postinstall" in flags:
                assert "Description" in params, f"{where}: a postinstall entry needs a text"
            if section == "UninstallRun":
                assert params.get("RunOnceId"), f"{where}: [UninstallRun] needs a RunOnceId"


def test_tasks_and_messages_referenced_exist(parsed: dict[str, list[tuple[int, str]]],
                                             raw: str) -> None:
    tasks = {e["Name"] for e in entries(parsed, "Tasks")}
    for section in ("Files", "Icons", "Registry", "Run", "InstallDelete"):
        for entry in entries(parsed, section):
            for task in entry.get("Tasks", "").replace(",", " ").split():
                assert task.lstrip("!") in tasks, f"[{section}] uses unknown task {task}"
    languages = {e["Name"] for e in entries(parsed, "Languages")}
    messages = custom_messages(parsed)
    assert set(messages) <= languages | {""}
    used = set(re.findall(r"\{cm:(\w+)", preprocess(raw)))
    used |= set(re.findall(r"CustomMessage\('(\w+)'\)", preprocess(raw)))
    for name in used - STANDARD_CUSTOM_MESSAGES:
        for language in languages:
            assert name in messages.get(language, {}) or name in messages.get("", {}), \
                f"custom message {name} is missing for {language}"


def test_every_referenced_file_exists_and_the_build_folder_matches_the_spec(
        raw: str, parsed: dict[str, list[tuple[int, str]]], setup: dict[str, str]) -> None:
    base = SCRIPT.parent
    dist_dir = raw_defines(raw)["DistDir"]
    assert PureWindowsPath(dist_dir) == PureWindowsPath("dist", spec_app_name())
    assert spec_app_name() == build.APP_NAME
    spec = SPEC.read_text(encoding="utf-8")
    assert spec.count("name=APP_NAME") == 2, "EXE and COLLECT must both be named APP_NAME"
    sources = [e["Source"] for e in entries(parsed, "Files")]
    assert f"{dist_dir}\\*" in sources, "the PyInstaller folder is packed"
    for source in sources:
        path = PureWindowsPath(source)
        if path.is_relative_to(PureWindowsPath(dist_dir)):
            continue  # made by `python -m clinic_desktop.build`
        assert (base / path.as_posix()).exists(), f"[Files] Source {source} is missing"
    for key in ("SetupIconFile", "LicenseFile", "InfoBeforeFile", "InfoAfterFile",
                "WizardImageFile", "WizardSmallImageFile"):
        if key in setup:
            assert (base / PureWindowsPath(setup[key]).as_posix()).is_file(), key
    for entry in entries(parsed, "Languages"):
        file = entry["MessagesFile"]
        if not file.startswith("compiler:"):
            assert (base / PureWindowsPath(file).as_posix()).is_file(), file
    app_exe = f"{{app}}\\{raw_defines(raw)['AppExeName']}"
    for entry in entries(parsed, "Icons") + entries(parsed, "Run"):
        assert entry["Filename"] == app_exe, entry
    assert setup["UninstallDisplayIcon"] == app_exe


def test_notifier_run_value_matches_the_apps_autostart(
        raw: str, parsed: dict[str, list[tuple[int, str]]]) -> None:
    [run_value] = [e for e in entries(parsed, "Registry")
                   if e.get("ValueName") == autostart.VALUE_NAME]
    assert run_value["Root"] == "HKCU"
    assert run_value["Subkey"] == autostart.RUN_KEY
    assert run_value["ValueType"] == "string"
    assert run_value["ValueData"] == '"{app}\\clinic-desktop.exe" tray'
    assert run_value["Tasks"] == "autostart"
    assert "uninsdeletevalue" in run_value["Flags"].split()
    code = "\n".join(line for _n, line in parsed["Code"])
    assert f"RunKey = '{autostart.RUN_KEY}';" in code
    assert f"NotifierValueName = '{autostart.VALUE_NAME}';" in code
    [task] = [e for e in entries(parsed, "Tasks") if e["Name"] == "autostart"]
    assert "unchecked" in task.get("Flags", "")


def test_patient_data_lives_outside_app_and_only_the_user_deletes_it(
        raw: str, parsed: dict[str, list[tuple[int, str]]]) -> None:
    data_dir = raw_defines(raw)["DataDir"]
    # platformdirs on Windows: %LOCALAPPDATA%\<author>\<app>
    assert data_dir == f"{{localappdata}}\\{config.APP_AUTHOR}\\{config.APP_NAME}"
    for section in ("Files", "InstallDelete", "UninstallDelete", "Dirs"):
        for entry in entries(parsed, section):
            target = (entry.get("Name", "") + entry.get("DestDir", "")).lower()
            assert "clinicdesktop" not in target.replace("{app}", ""), (section, entry)
            assert not target.startswith("{localappdata}"), (section, entry)
    [wipe] = entries(parsed, "InstallDelete")
    assert wipe == {"Type": "filesandordirs", "Name": "{app}\\_internal"}
    code = "\n".join(line for _n, line in parsed["Code"])
    assert "UninstallSilent" in code, "a silent uninstall must keep the data"
    assert "MB_DEFBUTTON2" in code, "No must be the default answer"
    assert re.search(r"DelTree\(Dir,", code) and "IDYES" in code


# --- the [Code] section ------------------------------------------------------------------------


def pascal_tokens(code: str) -> list[str]:
    """Words and symbols of the Pascal code, without comments and string contents."""
    tokens: list[str] = []
    i = 0
    while i < len(code):
        c = code[i]
        if code.startswith("//", i):
            i = code.find("\n", i) if "\n" in code[i:] else len(code)
        elif c == "{":
            end = code.find("}", i)
            assert end != -1, "unclosed { comment in [Code]"
            i = end + 1
        elif code.startswith("(*", i):
            end = code.find("*)", i)
            assert end != -1, "unclosed (* comment in [Code]"
            i = end + 2
        elif c == "'":
            j = i + 1
            while True:
                assert j < len(code) and code[j] != "\n", "unterminated string in [Code]"
                if code[j] == "'":
                    if code[j + 1:j + 2] == "'":
                        j += 2
                        continue
                    break
                j += 1
            tokens.append("'string'")
            i = j + 1
        elif c.isalpha() or c == "_":
            j = i
            while j < len(code) and (code[j].isalnum() or code[j] == "_"):
                j += 1
            tokens.append(code[i:j].lower())
            i = j
        elif c.isspace():
            i += 1
        else:
            tokens.append(c)
            i += 1
    return tokens


def code_text(parsed: dict[str, list[tuple[int, str]]]) -> str:
    return "\n".join(line for _n, line in parsed["Code"])


def test_code_section_is_balanced_and_defines_event_functions_correctly(
        parsed: dict[str, list[tuple[int, str]]]) -> None:
    code = code_text(parsed)
    tokens = pascal_tokens(code)
    depth = 0
    for token in tokens:
        if token in ("begin", "case", "try", "record"):
            depth += 1
        elif token == "end":
            depth -= 1
            assert depth >= 0, "an end without its begin in [Code]"
    assert depth == 0, "a begin without its end in [Code]"
    assert tokens.count("(") == tokens.count(")")
    assert tokens.count("[") == tokens.count("]")
    names = [tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t in ("procedure", "function")]
    assert len(names) == len(set(names)), "a routine is defined twice"
    flat = " ".join(code.split())
    for name in names:
        if name in EVENT_SIGNATURES:
            signature = EVENT_SIGNATURES[name]
            assert signature in flat or signature.replace("()", "") in flat, signature
    assert "curuninstallstepchanged" in names


# Prototypes from Inno Setup's documentation (ISHelp/isxfunc.xml), compiled as stubs: a [Code]
# call to anything not declared here fails to compile, so add a prototype only after checking
# that the real function exists in Inno Setup 6.3.
INNO_PROTOTYPES = [
    "function MsgBox(const Text: String; const Typ: TMsgBoxType; "
    "const Buttons: Integer): Integer;",
    "function ExpandConstant(const S: String): String;",
    "function DirExists(const Name: String): Boolean;",
    "function DelTree(const Path: String; const IsDir, DeleteFiles, "
    "DeleteSubdirsAlso: Boolean): Boolean;",
    "function RemoveDir(const Dir: String): Boolean;",
    "function UninstallSilent: Boolean;",
    "function RegQueryStringValue(const RootKey: HKEY; const SubKeyName, ValueName: String; "
    "var ResultStr: String): Boolean;",
    "function RegDeleteValue(const RootKey: HKEY; const SubKeyName, ValueName: String): "
    "Boolean;",
    "function CustomMessage(const MsgName: String): String;",
    "function FmtMessage(const S: String; const Args: array of String): String;",
    "function LowerCase(S: String): String;",
    "function ExtractFileDir(const FileName: String): String;",
    "procedure Log(const S: String);",
    "function WizardIsTaskSelected(const TaskName: String): Boolean;",
]
_STUB_TYPES = """type
  HKEY = LongWord;
  TMsgBoxType = (mbInformation, mbConfirmation, mbError, mbCriticalError);
  TSetupStep = (ssPreInstall, ssInstall, ssPostInstall, ssDone);
  TUninstallStep = (usAppMutexCheck, usUninstall, usPostUninstall, usDone);
const
  HKEY_CURRENT_USER = HKEY($80000001);
  HKCU = HKEY_CURRENT_USER;
  MB_OK = 0; MB_YESNO = 4; MB_DEFBUTTON2 = $100; IDYES = 6; IDNO = 7;
"""


def stub_unit() -> str:
    bodies = []
    for prototype in INNO_PROTOTYPES:
        result = prototype.rsplit(":", 1)[1].strip(" ;")
        body = "begin end;" if prototype.startswith("procedure") else \
            f"begin Result := Default({result}); end;"
        bodies.append(f"{prototype} {body}")
    return ("unit InnoStubs;\n{$mode delphi}{$H+}\ninterface\n" + _STUB_TYPES
            + "\n".join(INNO_PROTOTYPES) + "\nimplementation\n" + "\n".join(bodies)
            + "\nend.\n")


@pytest.mark.skipif(shutil.which("fpc") is None, reason="Free Pascal (fpc) is not installed: "
                    "apt-get install fp-compiler to type-check the [Code] section")
def test_code_section_compiles_with_free_pascal(parsed: dict[str, list[tuple[int, str]]],
                                                tmp_path: Path) -> None:
    (tmp_path / "innostubs.pas").write_text(stub_unit(), encoding="utf-8")
    program = ("program InstallerCode;\n{$mode delphi}{$H+}\nuses InnoStubs;\n"
               + code_text(parsed) + "\nbegin\nend.\n")
    (tmp_path / "installercode.pas").write_text(program, encoding="utf-8")
    result = subprocess.run(["fpc", "-Mdelphi", "-vew", "-Sew", "-o" + str(tmp_path / "out"),
                             str(tmp_path / "installercode.pas")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the build command that feeds the installer ------------------------------------------------


def test_the_build_command_finds_the_spec_and_writes_what_the_installer_packs(
        tmp_path: Path) -> None:
    assert build.find_checkout(REPO / "docs") == REPO
    command = build.pyinstaller_command(REPO / build.SPEC_RELATIVE, tmp_path / "dist",
                                        tmp_path / "work")
    assert command[1:3] == ["-m", "PyInstaller"] and command[-1].endswith("clinic-desktop.spec")
    assert command[command.index("--distpath") + 1] == str(tmp_path / "dist")
    assert build.executable_name("win32") == "clinic-desktop.exe"
    assert build.executable_name("linux") == "clinic-desktop"
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "a.bin").write_bytes(b"x" * 1000)
    assert build.folder_size(tmp_path / "dist") == (1000, 1)


def test_the_windows_guide_shows_the_exact_build_commands(raw: str) -> None:
    guide = (REPO / "docs" / "install-windows.md").read_text(encoding="utf-8")
    assert 'pip install -c packaging\\windows-constraints.txt ".[build,postgres]"' in guide
    assert "python -m clinic_desktop.build" in guide
    assert re.search(r'ISCC\.exe" /DAppVersion=[\d.]+ installer\.iss', guide)
    assert "docs/multi-pc.md" in guide
    assert raw_defines(raw)["DataDir"].replace("{localappdata}", "%LOCALAPPDATA%") in guide
