; eConnect Desktop for Windows: a per-user installer (no administrator rights), built on
; Linux with Debian's makensis by scripts/package-windows.sh. Installs into
; %LOCALAPPDATA%\Programs, adds a Start-menu entry, offers the app under "Openen met" for
; .pdf and .xml (without taking over the default viewer), optionally starts it at login,
; and registers an uninstaller under Apps. WebView2 ships with Windows 10 and 11; where it
; is missing, Microsoft's bootstrapper is downloaded at install time, not bundled here.
;
; makensis -DAPP_EXE=<econnect-desktop.exe> -DLOADER=<WebView2Loader.dll> -DVERSION=<x.y.z> -DOUT=<setup.exe> -DICON=<icon.ico> installer.nsi

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
Target amd64-unicode
; FAST: CI's check of the installer packs the debug build, where lzma would take minutes.
!ifdef FAST
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif

!ifndef APP_EXE
  !error "define APP_EXE, VERSION, OUT and ICON (see scripts/package-windows.sh)"
!endif
!ifndef LOADER
  !error "define LOADER (WebView2Loader.dll, which the mingw build needs beside the app)"
!endif
!ifndef VERSION
  !error "define VERSION"
!endif
!ifndef OUT
  !error "define OUT"
!endif
!ifndef ICON
  !error "define ICON"
!endif

!define PRODUCT "eConnect Desktop"
!define EXE "econnect-desktop.exe"
!define IDENT "eu.econnect.desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENT}"
; The value tauri-plugin-autostart (auto-launch) reads and writes: the app's own switch
; in Instellingen and this installer agree on it.
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "Software\${IDENT}" "InstallDir"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Dutch"
!insertmacro MUI_LANGUAGE "English"

LangString SEC_APP ${LANG_DUTCH} "eConnect Desktop"
LangString SEC_APP ${LANG_ENGLISH} "eConnect Desktop"
LangString SEC_AUTOSTART ${LANG_DUTCH} "Starten bij aanmelden (in het systeemvak)"
LangString SEC_AUTOSTART ${LANG_ENGLISH} "Start at sign-in (in the notification area)"
LangString WEBVIEW2_FAILED ${LANG_DUTCH} "Microsoft Edge WebView2 kon niet worden geïnstalleerd. Installeer het via https://go.microsoft.com/fwlink/p/?LinkId=2124703 en start eConnect Desktop daarna opnieuw."
LangString WEBVIEW2_FAILED ${LANG_ENGLISH} "Microsoft Edge WebView2 could not be installed. Install it from https://go.microsoft.com/fwlink/p/?LinkId=2124703, then start eConnect Desktop again."
LangString STILL_RUNNING ${LANG_DUTCH} "eConnect Desktop draait nog. Sluit de app (systeemvak, Afsluiten) en kies Opnieuw."
LangString STILL_RUNNING ${LANG_ENGLISH} "eConnect Desktop is still running. Quit it (notification area, Quit) and choose Retry."

Function .onInit
  ; The user's language when it is Dutch, else English.
  System::Call 'kernel32::GetUserDefaultUILanguage() h .r0'
  IntOp $0 $0 & 0x3FF
  ${If} $0 == 0x13
    StrCpy $LANGUAGE ${LANG_DUTCH}
  ${Else}
    StrCpy $LANGUAGE ${LANG_ENGLISH}
  ${EndIf}
FunctionEnd

; The files of a running app cannot be replaced: ask to quit it rather than fail halfway.
!macro CHECK_NOT_RUNNING
  retry:
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(STILL_RUNNING)" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Section "$(SEC_APP)" SecApp
  SectionIn RO
  SetShellVarContext current
  !insertmacro CHECK_NOT_RUNNING
  SetOutPath "$INSTDIR"
  File "/oname=${EXE}" "${APP_EXE}"
  File "/oname=WebView2Loader.dll" "${LOADER}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\${IDENT}" "InstallDir" "$INSTDIR"

  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  ; "Openen met" for .pdf and .xml: offered, never made the default.
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}" "FriendlyAppName" "${PRODUCT}"
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\SupportedTypes" ".pdf" ""
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\SupportedTypes" ".xml" ""
  WriteRegStr HKCU "Software\Classes\${IDENT}.invoice" "" "Factuur voor eConnect"
  WriteRegStr HKCU "Software\Classes\${IDENT}.invoice\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${IDENT}.invoice\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "Software\Classes\.pdf\OpenWithProgids" "${IDENT}.invoice" ""
  WriteRegStr HKCU "Software\Classes\.xml\OpenWithProgids" "${IDENT}.invoice" ""
  ; Explorer reads file associations at start-up unless told.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "eConnect"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  Call EnsureWebView2
SectionEnd

Section "$(SEC_AUTOSTART)" SecAutostart
  WriteRegStr HKCU "${RUN_KEY}" "${PRODUCT}" '"$INSTDIR\${EXE}" --hidden'
SectionEnd

; WebView2's Evergreen runtime is there on Windows 10 and 11; on an older or stripped
; machine its bootstrapper is fetched from Microsoft now (curl.exe ships with Windows 10
; 1803 and later, PowerShell before that) and run for this user.
Function EnsureWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    Return
  ${EndIf}
  StrCpy $1 "$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe"
  InitPluginsDir
  nsExec::ExecToLog '"$SYSDIR\curl.exe" --fail --location --silent --output "$1" "${WEBVIEW2_URL}"'
  Pop $0
  ${IfNot} ${FileExists} "$1"
    nsExec::ExecToLog 'powershell -NoProfile -ExecutionPolicy Bypass -Command "Invoke-WebRequest -UseBasicParsing -Uri ''${WEBVIEW2_URL}'' -OutFile ''$1''"'
    Pop $0
  ${EndIf}
  ${If} ${FileExists} "$1"
    ExecWait '"$1" /silent /install' $0
    ${If} $0 == 0
      Return
    ${EndIf}
  ${EndIf}
  MessageBox MB_OK|MB_ICONEXCLAMATION "$(WEBVIEW2_FAILED)" /SD IDOK
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro CHECK_NOT_RUNNING
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKCU "Software\Classes\Applications\${EXE}"
  DeleteRegKey HKCU "Software\Classes\${IDENT}.invoice"
  DeleteRegValue HKCU "Software\Classes\.pdf\OpenWithProgids" "${IDENT}.invoice"
  DeleteRegValue HKCU "Software\Classes\.xml\OpenWithProgids" "${IDENT}.invoice"
  DeleteRegValue HKCU "${RUN_KEY}" "${PRODUCT}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${IDENT}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  ; The user's data (invoices, database, logs) stays: it is theirs, not the program's.
SectionEnd
