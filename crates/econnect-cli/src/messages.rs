//! Every message the command line shows to people, in Dutch, in one place.

use std::time::Duration;

use econnect_api::{AuthErrorKind, Error};
use time::UtcOffset;

/// Credentials are missing from the environment; `id_var`/`secret_var` name the client
/// pair this address needs (the platform's or the one for custom addresses).
pub fn no_credentials(id_var: &str, secret_var: &str) -> String {
    format!(
        "Geen inloggegevens: zet ECONNECT_USERNAME, ECONNECT_PASSWORD, {id_var} en {secret_var} \
         (of alleen {id_var} en {secret_var})"
    )
}

/// A base URL option could not be parsed.
pub fn bad_url(what: &str, value: &str) -> String {
    format!("Ongeldig adres voor {what}: {value}")
}

/// A base URL that would carry credentials in clear text to another machine.
pub fn unsafe_url(what: &str, value: &str) -> String {
    format!(
        "Onveilig adres voor {what}: {value} (gebruik https; http alleen naar 127.0.0.1, ::1 of localhost)"
    )
}

/// The sandbox could not start.
pub fn sandbox_failed(err: &std::io::Error) -> String {
    format!("De sandbox kon niet starten: {err}")
}

/// Writing the benchmark's files failed.
pub fn bench_io(err: &std::io::Error) -> String {
    format!("Benchmarkbestanden konden niet worden geschreven: {err}")
}

/// The one-line, user-facing Dutch description of a platform error.
///
/// `local_offset` is the user's UTC offset, used to say until when maintenance lasts.
pub fn describe(err: &Error, local_offset: UtcOffset) -> String {
    match err {
        Error::Auth(auth) => match auth.kind {
            AuthErrorKind::WrongCredentials => "Onjuist wachtwoord of gebruikersnaam".into(),
            AuthErrorKind::Locked => {
                "Dit account is geblokkeerd; neem contact op met de beheerder van uw omgeving"
                    .into()
            }
            AuthErrorKind::InvalidClient => "De client-id of het client-secret is onjuist".into(),
            AuthErrorKind::Other(ref code) => format!("Inloggen geweigerd ({code})"),
        },
        Error::RateLimited { retry_after } => match retry_after {
            Some(wait) => format!(
                "Te veel verzoeken; probeer het over {} opnieuw",
                seconds(*wait)
            ),
            None => "Te veel verzoeken; probeer het zo dadelijk opnieuw".into(),
        },
        Error::Maintenance { retry_after } => match retry_after {
            Some(wait) => format!(
                "Het platform is in onderhoud; probeer het na {} opnieuw",
                clock_after(*wait, local_offset)
            ),
            None => "Het platform is in onderhoud; probeer het later opnieuw".into(),
        },
        Error::Timeout => "Het platform reageert niet op tijd; probeer het later opnieuw".into(),
        Error::Connect(_) => {
            "Het platform is niet bereikbaar; controleer de internetverbinding en het adres".into()
        }
        Error::Reset(_) | Error::Transport(_) => {
            "De verbinding met het platform werd onderbroken; probeer het opnieuw".into()
        }
        Error::Io(e) => format!("Het bestand kan niet worden gelezen: {}", io_reason(e)),
        Error::Decode(_) => "Onverwacht antwoord van het platform".into(),
        Error::TooLarge { limit } => format!(
            "Het antwoord van het platform is groter dan {} KiB en is geweigerd",
            limit / 1024
        ),
        Error::InvalidInput(what) => format!("Ongeldige invoer: {what}"),
        Error::Api {
            status,
            code,
            message,
            ..
        } => by_status(*status)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Het platform weigerde het verzoek ({code}): {message}")),
        Error::Http { status, .. } => by_status(*status)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Onverwacht antwoord van het platform (HTTP {status})")),
    }
}

/// The Dutch description of an engine error (sign-in, sync, cache).
pub fn describe_engine(err: &econnect_engine::EngineError) -> String {
    use econnect_engine::ErrorCode as C;
    match err.code {
        C::WrongPassword => "Onjuist wachtwoord of gebruikersnaam".into(),
        C::AccountLocked => {
            "Dit account is geblokkeerd; neem contact op met de beheerder van uw omgeving".into()
        }
        C::Unreachable => {
            "Het platform is niet bereikbaar; controleer de internetverbinding en het adres".into()
        }
        C::Maintenance => "Het platform is in onderhoud; probeer het later opnieuw".into(),
        C::RateLimited => "Te veel verzoeken; probeer het zo dadelijk opnieuw".into(),
        C::ClientNotConfigured => "Geen client-id/-secret voor dit adres: zet ECONNECT_CLIENT_ID \
             en ECONNECT_CLIENT_SECRET (het platform van eConnect) of ECONNECT_CUSTOM_CLIENT_ID en \
             ECONNECT_CUSTOM_CLIENT_SECRET (een ander adres), of dezelfde sleutels in config.json \
             in de gegevensmap"
            .into(),
        C::InvalidClient => "De client-id of het client-secret is onjuist".into(),
        C::NoAccess => "Geen toegang tot deze organisatie".into(),
        C::NotFound => format!("Niet gevonden: {}", err.message),
        C::NotSignedIn => "Niet ingelogd: gebruik eerst `econnect login`".into(),
        C::Offline => "Offline: deze actie heeft het platform nodig".into(),
        C::Storage => format!("De lokale cache gaf een fout: {}", err.message),
        C::Keyring => format!(
            "De sleutelhanger van het systeem gaf een fout: {}",
            err.message
        ),
        C::InvalidConfig => format!("Ongeldige instelling: {}", err.message),
        C::InvalidInput => format!("Ongeldige invoer: {}", err.message),
        C::NoDataFolder => "Het systeem geeft geen gegevensmap; zet ECONNECT_HOME".into(),
        C::Platform => format!("Het platform gaf een fout: {}", err.message),
        // Codes of other features (intake, …) describe themselves in their message.
        _ => err.message.clone(),
    }
}

/// Said after `econnect login` when no OS keyring could store the password.
pub const NO_KEYRING: &str = "Ingelogd, maar er is geen sleutelhanger (Secret Service) beschikbaar: \
     het wachtwoord is niet bewaard. Volgende commando's vragen ECONNECT_USERNAME en ECONNECT_PASSWORD.";

fn by_status(status: u16) -> Option<&'static str> {
    match status {
        401 => Some("Niet (meer) ingelogd; controleer de inloggegevens"),
        403 => Some("Geen toegang tot deze organisatie"),
        404 => Some("Niet gevonden: controleer de organisatie en het document-id"),
        413 => Some("Het bestand is te groot (maximaal 10 MB)"),
        _ => None,
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "bestand niet gevonden".into(),
        std::io::ErrorKind::PermissionDenied => "geen leesrechten".into(),
        _ => e.to_string(),
    }
}

fn seconds(wait: Duration) -> String {
    match wait.as_secs() {
        1 => "1 seconde".into(),
        n => format!("{n} seconden"),
    }
}

/// The local clock time (HH:MM) `wait` from now.
fn clock_after(wait: Duration, offset: UtcOffset) -> String {
    let wait = time::Duration::try_from(wait).unwrap_or(time::Duration::ZERO);
    let when = (time::OffsetDateTime::now_utc() + wait).to_offset(offset);
    format!("{:02}:{:02}", when.hour(), when.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use econnect_api::AuthError;

    #[test]
    fn dutch_messages() {
        let utc = UtcOffset::UTC;
        let wrong = Error::Auth(AuthError {
            kind: AuthErrorKind::WrongCredentials,
            description: None,
        });
        assert_eq!(
            describe(&wrong, utc),
            "Onjuist wachtwoord of gebruikersnaam"
        );
        let forbidden = Error::Api {
            status: 403,
            code: "API403".into(),
            message: "x".into(),
            request_id: None,
        };
        assert_eq!(
            describe(&forbidden, utc),
            "Geen toegang tot deze organisatie"
        );
        let other = Error::Api {
            status: 400,
            code: "API400".into(),
            message: "Document protected".into(),
            request_id: None,
        };
        assert!(describe(&other, utc).contains("Document protected"));
        let maint = Error::Maintenance {
            retry_after: Some(Duration::from_secs(3600)),
        };
        let text = describe(&maint, utc);
        let expected = clock_after(Duration::from_secs(3600), utc);
        assert_eq!(
            text,
            format!("Het platform is in onderhoud; probeer het na {expected} opnieuw")
        );
        assert_eq!(expected.len(), 5);
    }
}
