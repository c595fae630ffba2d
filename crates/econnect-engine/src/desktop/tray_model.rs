//! The tray as data: from the app's state to the icon, the tooltip and the menu. The shell
//! only draws what this returns, so every label and rule is tested here.

use serde::Serialize;

use super::language::Language;
use super::notices::Notice;

/// How many recent events the menu lists.
pub const RECENT_EVENTS: usize = 5;

/// What the tray reflects; fed by the engine through [`super::DesktopFeed`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TrayState {
    /// Files waiting to be sent (including the ones being sent).
    pub queued: u32,
    /// Files being sent right now.
    pub uploading: u32,
    /// Files that failed and need the user.
    pub failed: u32,
    /// Whether sending is paused by the user.
    pub paused: bool,
    /// The session ended and the user must sign in again.
    pub signed_out: bool,
    /// The latest events, newest first, at most [`RECENT_EVENTS`].
    pub recent: Vec<RecentEvent>,
}

/// One line of the menu's recent events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RecentEvent {
    /// Local time as the feeder formats it, e.g. "14:05".
    pub time: String,
    /// What happened.
    pub notice: Notice,
}

impl TrayState {
    /// Adds an event at the top and forgets the oldest beyond [`RECENT_EVENTS`].
    pub fn record(&mut self, time: impl Into<String>, notice: Notice) {
        self.recent.insert(
            0,
            RecentEvent {
                time: time.into(),
                notice,
            },
        );
        self.recent.truncate(RECENT_EVENTS);
    }
}

/// Which of the three tray icons shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayIcon {
    /// Nothing to do.
    Idle,
    /// Files are going out.
    Uploading,
    /// Something failed or the user must sign in again.
    Attention,
}

/// What a menu item does when clicked; `id` is the native menu item's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuAction {
    /// Shows (or recreates) the main window.
    Open,
    /// Asks the engine to sync now.
    SyncNow,
    /// Pauses or resumes sending.
    TogglePause,
    /// Ends the app.
    Quit,
}

impl MenuAction {
    /// The native menu item id.
    pub fn id(self) -> &'static str {
        match self {
            MenuAction::Open => "open",
            MenuAction::SyncNow => "sync-now",
            MenuAction::TogglePause => "toggle-pause",
            MenuAction::Quit => "quit",
        }
    }

    /// The action behind a native menu item id.
    pub fn from_id(id: &str) -> Option<MenuAction> {
        [
            MenuAction::Open,
            MenuAction::SyncNow,
            MenuAction::TogglePause,
            MenuAction::Quit,
        ]
        .into_iter()
        .find(|action| action.id() == id)
    }
}

/// One row of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuEntry {
    /// A clickable item.
    Action {
        /// What it does.
        action: MenuAction,
        /// Its text.
        label: String,
    },
    /// A line of information (a recent event, or "no events yet"); not clickable.
    Info(String),
    /// A separator line.
    Separator,
}

/// Everything the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    /// Which icon.
    pub icon: TrayIcon,
    /// The tooltip (and, where the tray shows text, the title).
    pub tooltip: String,
    /// The menu, top to bottom.
    pub entries: Vec<MenuEntry>,
}

/// Which icon a state shows: trouble first, then activity.
pub fn icon_for(state: &TrayState) -> TrayIcon {
    if state.failed > 0 || state.signed_out {
        TrayIcon::Attention
    } else if state.queued > 0 && !state.paused {
        TrayIcon::Uploading
    } else {
        TrayIcon::Idle
    }
}

/// The tooltip: the app's name and, in a few words, what is going on.
pub fn tooltip_for(state: &TrayState, lang: Language) -> String {
    let mut parts: Vec<String> = Vec::new();
    if state.signed_out {
        parts.push(lang.pick("afgemeld", "signed out").to_owned());
    }
    if state.queued > 0 {
        let n = state.queued as usize;
        parts.push(format!("{} {}", n, lang.pick("in de wachtrij", "queued")));
    }
    if state.failed > 0 {
        parts.push(format!(
            "{} {}",
            state.failed,
            lang.pick("mislukt", "failed")
        ));
    }
    if state.paused {
        parts.push(
            lang.pick("verzenden gepauzeerd", "sending paused")
                .to_owned(),
        );
    }
    if parts.is_empty() {
        parts.push(lang.pick("alles verzonden", "all sent").to_owned());
    }
    format!("eConnect Desktop — {}", parts.join(", "))
}

/// The whole tray for a state, in a language.
pub fn menu_for(state: &TrayState, lang: Language) -> TrayMenu {
    let action = |action, label: &str| MenuEntry::Action {
        action,
        label: label.to_owned(),
    };
    let mut entries = vec![
        action(MenuAction::Open, lang.pick("Openen", "Open")),
        action(
            MenuAction::SyncNow,
            lang.pick("Nu synchroniseren", "Sync now"),
        ),
        if state.paused {
            action(
                MenuAction::TogglePause,
                lang.pick("Verzenden hervatten", "Resume sending"),
            )
        } else {
            action(
                MenuAction::TogglePause,
                lang.pick("Verzenden pauzeren", "Pause sending"),
            )
        },
        MenuEntry::Separator,
    ];
    if state.recent.is_empty() {
        entries.push(MenuEntry::Info(
            lang.pick("Nog geen gebeurtenissen", "No events yet")
                .to_owned(),
        ));
    }
    for event in state.recent.iter().take(RECENT_EVENTS) {
        entries.push(MenuEntry::Info(format!(
            "{}  {}",
            event.time,
            event.notice.line(lang)
        )));
    }
    entries.push(MenuEntry::Separator);
    entries.push(action(MenuAction::Quit, lang.pick("Afsluiten", "Quit")));
    TrayMenu {
        icon: icon_for(state),
        tooltip: tooltip_for(state, lang),
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desktop::notices::NoticeKind;

    fn labels(menu: &TrayMenu) -> Vec<String> {
        menu.entries
            .iter()
            .map(|e| match e {
                MenuEntry::Action { label, .. } => label.clone(),
                MenuEntry::Info(text) => format!("({text})"),
                MenuEntry::Separator => "—".to_owned(),
            })
            .collect()
    }

    #[test]
    fn idle_menu_in_dutch() {
        let menu = menu_for(&TrayState::default(), Language::Nl);
        assert_eq!(menu.icon, TrayIcon::Idle);
        assert_eq!(menu.tooltip, "eConnect Desktop — alles verzonden");
        assert_eq!(
            labels(&menu),
            [
                "Openen",
                "Nu synchroniseren",
                "Verzenden pauzeren",
                "—",
                "(Nog geen gebeurtenissen)",
                "—",
                "Afsluiten"
            ]
        );
    }

    #[test]
    fn queued_files_show_the_uploading_icon_and_count() {
        let state = TrayState {
            queued: 3,
            uploading: 1,
            ..Default::default()
        };
        let menu = menu_for(&state, Language::Nl);
        assert_eq!(menu.icon, TrayIcon::Uploading);
        assert_eq!(menu.tooltip, "eConnect Desktop — 3 in de wachtrij");
    }

    #[test]
    fn failures_and_sign_out_need_attention_even_while_uploading() {
        let failed = TrayState {
            queued: 2,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(icon_for(&failed), TrayIcon::Attention);
        assert_eq!(
            tooltip_for(&failed, Language::En),
            "eConnect Desktop — 2 queued, 1 failed"
        );
        let signed_out = TrayState {
            signed_out: true,
            ..Default::default()
        };
        assert_eq!(icon_for(&signed_out), TrayIcon::Attention);
        assert_eq!(
            tooltip_for(&signed_out, Language::Nl),
            "eConnect Desktop — afgemeld"
        );
    }

    #[test]
    fn paused_queue_is_idle_and_offers_resume() {
        let state = TrayState {
            queued: 4,
            paused: true,
            ..Default::default()
        };
        let menu = menu_for(&state, Language::Nl);
        assert_eq!(menu.icon, TrayIcon::Idle);
        assert_eq!(
            menu.tooltip,
            "eConnect Desktop — 4 in de wachtrij, verzenden gepauzeerd"
        );
        assert!(labels(&menu).contains(&"Verzenden hervatten".to_owned()));
        assert!(labels(&menu_for(&state, Language::En)).contains(&"Resume sending".to_owned()));
    }

    #[test]
    fn menu_lists_the_last_five_events_newest_first() {
        let mut state = TrayState::default();
        for i in 1..=7 {
            state.record(
                format!("10:0{i}"),
                Notice::new(NoticeKind::FileSent, format!("f{i}.pdf")),
            );
        }
        assert_eq!(state.recent.len(), RECENT_EVENTS);
        let menu = menu_for(&state, Language::Nl);
        let infos: Vec<String> = labels(&menu)
            .into_iter()
            .filter(|l| l.starts_with('('))
            .collect();
        assert_eq!(infos.len(), 5);
        assert_eq!(infos[0], "(10:07  Verzonden: f7.pdf)");
        assert_eq!(infos[4], "(10:03  Verzonden: f3.pdf)");
    }

    #[test]
    fn menu_ids_round_trip() {
        for action in [
            MenuAction::Open,
            MenuAction::SyncNow,
            MenuAction::TogglePause,
            MenuAction::Quit,
        ] {
            assert_eq!(MenuAction::from_id(action.id()), Some(action));
        }
        assert_eq!(MenuAction::from_id("event-1"), None);
    }
}
