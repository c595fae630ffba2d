//! Desktop integration without Tauri: what the tray shows, which notifications go out and
//! how they are grouped, the desktop settings file, and whether this install can update
//! itself. The shell (`src-tauri`) only turns these models into native calls.

pub mod feed;
pub mod install;
pub mod language;
pub mod notices;
pub mod outbox_tally;
pub mod session_watch;
pub mod settings;
pub mod tray_model;
pub mod updates;

pub use feed::{DesktopFeed, TrayRequest};
pub use install::{InstallKind, UpdateSupport};
pub use language::Language;
pub use notices::{Notice, NoticeBatcher, NoticeKind, Notification};
pub use outbox_tally::{OutboxTally, local_clock};
pub use session_watch::{session_notice, tray_signed_out};
pub use settings::{
    DesktopError, DesktopErrorCode, DesktopOverview, DesktopSettings, NoticeToggles, Theme,
};
pub use tray_model::{MenuAction, MenuEntry, TrayIcon, TrayMenu, TrayState};
pub use updates::{UpdateChannel, UpdateStatus};
