//! E-mail addresses: the format check, the environment's domain rule, intake addresses and
//! the initial password of a new user.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Where a user completes adding an extra e-mail address: the web platform, because the
/// API has no call for it (it mails a verification link) [I for the exact page].
pub const PLATFORM_PROFILE_URL: &str = "https://platform.econnect.eu";

/// Domain of the scan & recognise intake mailbox for purchase invoices.
pub const PURCHASE_INTAKE_DOMAIN: &str = "inkoopfacturen.econnect.eu";
/// Domain of the scan & recognise intake mailbox for sales invoices.
pub const SALES_INTAKE_DOMAIN: &str = "verkoopfacturen.econnect.eu";

/// What the app can tell about an e-mail address before the platform sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AddressCheck {
    /// The address, trimmed and lower-cased.
    pub address: String,
    /// Looks like `name@domain.tld`.
    pub valid: bool,
    /// The domain of the environment (the signed-in user's own domain), when known.
    pub environment_domain: Option<String>,
    /// The address's domain differs from the environment's: the platform joins users to an
    /// environment by domain, so another domain needs the environment made "shared" by support.
    pub other_domain: bool,
}

/// The domain of an address (after the last `@`), lower-cased.
pub fn domain_of(address: &str) -> Option<String> {
    address
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.to_lowercase())
        .filter(|d| !d.is_empty())
}

/// A plain, strict-enough format check: one `@`, a local part, a dotted domain of letters,
/// digits and hyphens, no spaces. The platform checks again; this catches typing errors.
pub fn is_valid_address(address: &str) -> bool {
    let address = address.trim();
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = address.len() <= 254
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// Checks an address against the format and the environment's domain (`own` = the
/// signed-in user's name).
pub fn check(address: &str, own: &str) -> AddressCheck {
    let address = address.trim().to_lowercase();
    let valid = is_valid_address(&address);
    let environment_domain = domain_of(own);
    let other_domain = valid
        && environment_domain
            .as_deref()
            .is_some_and(|env| domain_of(&address).as_deref() != Some(env));
    AddressCheck {
        address,
        valid,
        environment_domain,
        other_domain,
    }
}

/// The two scan & recognise intake addresses of an organisation with a KvK number.
pub fn intake_addresses(kvk: &str) -> (String, String) {
    (
        format!("{kvk}@{PURCHASE_INTAKE_DOMAIN}"),
        format!("{kvk}@{SALES_INTAKE_DOMAIN}"),
    )
}

/// A new user's initial password: 16 characters, letters and digits without look-alikes
/// (no 0/O, 1/l/I) plus one sign, at least one of each kind, from the OS's random source. Shown once.
pub fn initial_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"-_.!";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| char::from(set[rng.random_range(0..set.len())]);
    let mut chars: Vec<char> = vec![pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
    let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
    while chars.len() < 16 {
        chars.push(pick(&all));
    }
    // Move the guaranteed kinds away from the front.
    for i in (1..chars.len()).rev() {
        let j = rng.random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked() {
        for good in [
            "a@b.nl",
            "jan.de-vries+boek@kantoor.example.com",
            "o'neil@x.co",
        ] {
            assert!(is_valid_address(good), "{good}");
        }
        for bad in [
            "", "a", "a@", "@b.nl", "a@b", "a b@c.nl", "a@b..nl", "a@-b.nl", "a@b.n1", ".a@b.nl",
        ] {
            assert!(!is_valid_address(bad), "{bad}");
        }
    }

    #[test]
    fn another_domain_than_the_environment_is_flagged() {
        let same = check(" Nieuw@Voorbeeld.nl ", "demo@voorbeeld.nl");
        assert!(same.valid && !same.other_domain);
        assert_eq!(same.address, "nieuw@voorbeeld.nl");
        let other = check("iemand@gmail.com", "demo@voorbeeld.nl");
        assert!(other.valid && other.other_domain);
        assert_eq!(other.environment_domain.as_deref(), Some("voorbeeld.nl"));
        assert!(!check("fout", "demo@voorbeeld.nl").other_domain);
    }

    #[test]
    fn intake_addresses_follow_the_kvk_number() {
        let (purchase, sales) = intake_addresses("30187412");
        assert_eq!(purchase, "30187412@inkoopfacturen.econnect.eu");
        assert_eq!(sales, "30187412@verkoopfacturen.econnect.eu");
    }

    #[test]
    fn initial_passwords_are_long_mixed_and_differ() {
        let a = initial_password();
        assert_eq!(a.chars().count(), 16);
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(a, initial_password());
    }
}
