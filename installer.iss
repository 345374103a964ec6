; Inno Setup script for Clinic Desktop (Inno Setup 6.3 or newer; UTF-8 without BOM).
;
; It packs the PyInstaller one-folder build, so build that first, then compile this, both from
; the source folder (docs/install-windows.md has the whole procedure):
;
;   python -m clinic_desktop.build
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer.iss
;
; -> dist\ClinicDesktopSetup-0.1.0.exe. Without /DAppVersion the default below is used; a test
; (tests/unit/test_installer_script.py) checks that it equals pyproject.toml's version, that
; every file named here exists and that the sections are well-formed, because the compiler does
; not run on Linux CI.
;
; Installs per user without admin rights (%LOCALAPPDATA%\Programs\ClinicDesktop); the setup's
; first page offers "install for all users" to an administrator. The clinic's data is never in
; {app}: it lives in %LOCALAPPDATA%\ClinicDesktop\ClinicDesktop (or on a shared PostgreSQL), so
; an upgrade replaces the program only, and the program migrates the database on its first
; start, after an automatic backup.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
; The PyInstaller output folder, relative to this script (packaging/clinic-desktop.spec names it).
#ifndef DistDir
  #define DistDir "dist\clinic-desktop"
#endif
#define AppName "Clinic Desktop"
#define AppExeName "clinic-desktop.exe"
; As clinic_desktop/autostart.py writes them when the notifier is switched on in the app.
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
#define NotifierValueName "Clinic Desktop Notifier"
; platformdirs' user data folder for ClinicDesktop/ClinicDesktop (clinic_desktop/config.py).
#define DataDir "{localappdata}\ClinicDesktop\ClinicDesktop"

[Setup]
; Never change AppId: upgrades find the installed copy by it.
AppId={{0AB0FD06-E8EF-47D5-8B0F-F8908EC44009}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\ClinicDesktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; HKCU Run value for the notifier even in an all-users install: it starts per user, as the
; app's own switch (autostart.py) does.
UsedUserAreasWarning=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=dist
OutputBaseFilename=ClinicDesktopSetup-{#AppVersion}
SetupIconFile=packaging\clinic-desktop.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; An upgrade while the program or the notifier runs: Setup offers to close them first.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
ShowLanguageDialog=auto
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
english.AutostartGroup=Notifier:
english.AutostartTask=Start the notifier when I log in to Windows (checks due steps and sends the emails)
english.RemoveDataQuestion=Also delete the clinic data stored on this PC?%n%n%1%n%nThis folder holds the database, patient photos, backups and logs. Choose No to keep them: you can install Clinic Desktop again later and find everything as it was.%n%nA shared PostgreSQL database and photo folders on a network share are never deleted here.
english.RemoveDataFailed=Some files in %1 could not be deleted (is Clinic Desktop still open?). Delete the folder by hand.
german.AutostartGroup=Benachrichtigung:
german.AutostartTask=Die Benachrichtigung bei der Windows-Anmeldung starten (prüft fällige Schritte und sendet die E-Mails)
german.RemoveDataQuestion=Auch die Praxisdaten auf diesem PC löschen?%n%n%1%n%nDieser Ordner enthält die Datenbank, Patientenfotos, Sicherungen und Protokolle. Wählen Sie Nein, um sie zu behalten: Nach einer erneuten Installation von Clinic Desktop ist alles wieder da.%n%nEine gemeinsame PostgreSQL-Datenbank und Fotoordner auf einer Netzwerkfreigabe werden hier nie gelöscht.
german.RemoveDataFailed=Einige Dateien in %1 konnten nicht gelöscht werden (ist Clinic Desktop noch geöffnet?). Bitte löschen Sie den Ordner von Hand.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "autostart"; Description: "{cm:AutostartTask}"; GroupDescription: "{cm:AutostartGroup}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle, so no file of the old version lingers beside the new one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#NotifierValueName}"; ValueData: """{app}\{#AppExeName}"" tray"; Flags: uninsdeletevalue; Tasks: autostart

[Run]
; The notifier starts right away too (an upgrade closed the old one), not only at the next login.
Filename: "{app}\{#AppExeName}"; Parameters: "tray"; Flags: nowait runasoriginaluser; Tasks: autostart
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[UninstallRun]
; The notifier may be running; its files cannot be removed while it does.
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#AppExeName}"; Flags: runhidden; RunOnceId: "StopClinicDesktop"

[Code]
const
  RunKey = '{#RunKey}';
  NotifierValueName = '{#NotifierValueName}';

function PatientDataDir: String;
begin
  Result := ExpandConstant('{#DataDir}');
end;

{ The notifier can also be switched on inside the app (Settings, or clinic-desktop autostart on);
  remove that Run value too, but only when it starts this installation's program. }
procedure RemoveNotifierAutostart;
var
  Command: String;
begin
  if RegQueryStringValue(HKEY_CURRENT_USER, RunKey, NotifierValueName, Command) then
  begin
    if Pos(LowerCase(ExpandConstant('{app}')), LowerCase(Command)) > 0 then
      RegDeleteValue(HKEY_CURRENT_USER, RunKey, NotifierValueName);
  end;
end;

{ Patient data stays unless the user says otherwise; a silent uninstall always keeps it. }
procedure AskToRemovePatientData;
var
  Dir: String;
begin
  Dir := PatientDataDir;
  if not DirExists(Dir) then
    Exit;
  if UninstallSilent then
  begin
    Log('Silent uninstall: the clinic data in ' + Dir + ' is kept.');
    Exit;
  end;
  if MsgBox(FmtMessage(CustomMessage('RemoveDataQuestion'), [Dir]), mbConfirmation,
    MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if DelTree(Dir, True, True, True) then
    begin
      Log('Deleted the clinic data in ' + Dir);
      RemoveDir(ExtractFileDir(Dir));
    end
    else
      MsgBox(FmtMessage(CustomMessage('RemoveDataFailed'), [Dir]), mbError, MB_OK);
  end
  else
    Log('The clinic data in ' + Dir + ' is kept.');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  case CurUninstallStep of
    usUninstall:
      RemoveNotifierAutostart;
    usPostUninstall:
      AskToRemovePatientData;
  end;
end;
