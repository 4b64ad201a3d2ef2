; Gvia's Windows installer (Inno Setup 6). Build it after the PyInstaller bundle:
;
;   python packaging\build.py
;   iscc /DAppVersion=0.1.0 packaging\windows\gvia.iss
;
; which writes dist\Gvia-Setup-<version>-windows-x86_64.exe from dist\Gvia\.
;
; A per-user install: no administrator rights, no UAC prompt. The program goes to
; %LOCALAPPDATA%\Programs\Gvia, the shortcuts to the user's own Start menu and desktop,
; the .gvia file type to HKEY_CURRENT_USER.
;
; The user's data is NOT in the program folder and this installer never touches it:
; the ledger, its backups, the letter archive and the log live in the per-user data
; folder that models/db/connection.py asks platformdirs for,
; user_data_path("Gvia", appauthor=False) = %LOCALAPPDATA%\Gvia (and the window's
; settings in HKCU\Software\Gvia). Nothing below installs into, or deletes from,
; that folder or that key, so uninstalling (or upgrading) keeps every ledger.
; Not MSIX: see packaging\README.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Gvia"
#define AppExe "Gvia.exe"
; The repository: two folders up from this script.
#define Root AddBackslash(SourcePath) + "..\.."
#define Icon Root + "\resources\icons\gvia.ico"

[Setup]
; Never change AppId: it is how an upgrade finds the installed copy.
AppId={{F1E3FBE1-ADF2-49F4-93B6-2F04207BCD6E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Gvia
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\Gvia
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Gvia must be closed to be replaced; the installer asks (Restart Manager).
CloseApplications=yes
RestartApplications=no
ChangesAssociations=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
OutputDir={#Root}\dist
OutputBaseFilename=Gvia-Setup-{#AppVersion}-windows-x86_64
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#if FileExists(Icon)
SetupIconFile={#Icon}
#endif

[Languages]
Name: "he"; MessagesFile: "compiler:Languages\Hebrew.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#Root}\dist\Gvia\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the program's own files only (a module dropped by a newer build
; must not linger); {app} never holds user data.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Double-clicking a .gvia ledger opens it in Gvia (per user: HKCU\Software\Classes).
Root: HKCU; Subkey: "Software\Classes\.gvia"; ValueType: string; ValueName: ""; ValueData: "Gvia.Ledger"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.gvia\OpenWithProgids"; ValueType: string; ValueName: "Gvia.Ledger"; ValueData: ""; Flags: uninsdeletevalue
; A .db file is offered "Open with Gvia" without taking the type over from other programs.
Root: HKCU; Subkey: "Software\Classes\.db\OpenWithProgids"; ValueType: string; ValueName: "Gvia.Ledger"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\Gvia.Ledger"; ValueType: string; ValueName: ""; ValueData: "Gvia ledger"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Gvia.Ledger\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\Gvia.Ledger\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --db ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section: the uninstaller removes what [Files] installed and the
; keys above, and nothing of %LOCALAPPDATA%\Gvia (the data folder).
