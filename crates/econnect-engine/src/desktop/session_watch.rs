//! What the tray learns from the engine's status: whether the user must sign in again, and
//! the one notice that says so. A session the user ended himself needs no notice; one the
//! platform stopped accepting (password changed, account locked) does.

use crate::error::ErrorCode;
use crate::status::EngineStatus;

use super::notices::{Notice, NoticeKind};

/// The platform no longer accepts this session's credentials.
fn needs_sign_in(status: &EngineStatus) -> bool {
    status.signed_in
        && status.last_error.as_ref().is_some_and(|err| {
            matches!(
                err.code,
                ErrorCode::WrongPassword | ErrorCode::AccountLocked
            )
        })
}

/// The tray's "signed out" state for this status: no session, or one the platform refuses.
pub fn tray_signed_out(status: &EngineStatus) -> bool {
    !status.signed_in || needs_sign_in(status)
}

/// The notice for a change of status, when the platform ended the session; `subject` is
/// the environment or user the session was for.
pub fn session_notice(
    before: &EngineStatus,
    after: &EngineStatus,
    subject: &str,
) -> Option<Notice> {
    if needs_sign_in(after) && !needs_sign_in(before) {
        let reason = after.last_error.as_ref().map(|err| err.message.clone());
        return Some(Notice {
            kind: NoticeKind::SignedOut,
            subject: subject.to_string(),
            reason,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EngineError;

    fn status(signed_in: bool, error: Option<ErrorCode>) -> EngineStatus {
        EngineStatus {
            signed_in,
            last_error: error.map(|code| EngineError::new(code, "Het wachtwoord klopt niet.")),
            ..EngineStatus::default()
        }
    }

    #[test]
    fn the_platform_refusing_the_session_is_told_once() {
        let fine = status(true, None);
        let refused = status(true, Some(ErrorCode::WrongPassword));
        let notice = session_notice(&fine, &refused, "demo@voorbeeld.nl");
        assert_eq!(notice.as_ref().map(|n| n.kind), Some(NoticeKind::SignedOut));
        assert_eq!(
            notice.and_then(|n| n.reason).as_deref(),
            Some("Het wachtwoord klopt niet.")
        );
        // The next sync failing the same way is not news.
        assert_eq!(
            session_notice(&refused, &refused, "demo@voorbeeld.nl"),
            None
        );
        assert!(tray_signed_out(&refused));
    }

    #[test]
    fn signing_out_yourself_or_going_offline_is_no_notice() {
        let fine = status(true, None);
        assert_eq!(session_notice(&fine, &status(false, None), "x"), None);
        assert_eq!(
            session_notice(&fine, &status(true, Some(ErrorCode::Unreachable)), "x"),
            None
        );
        assert!(tray_signed_out(&status(false, None)));
        assert!(!tray_signed_out(&status(
            true,
            Some(ErrorCode::Unreachable)
        )));
    }
}
