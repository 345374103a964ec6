; Inno Setup script for Clinic Desktop. A placeholder until the Windows distribution issue:
; it will install the PyInstaller one-folder build per user, with Start-menu entries.
#define AppName "Clinic Desktop"
#define AppVersion "0.1.0"

[Setup]
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={localappdata}\Programs\ClinicDesktop
PrivilegesRequired=lowest
OutputBaseFilename=ClinicDesktopSetup-{#AppVersion}
