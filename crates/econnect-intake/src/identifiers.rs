//! Checks of Dutch organisation identifiers: KvK (8 digits), OIN (20 digits), NL VAT.

/// A KvK number is exactly eight digits (no check digit is published for new numbers).
pub fn is_valid_kvk(value: &str) -> bool {
    value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit())
}

/// An OIN is exactly twenty digits.
pub fn is_valid_oin(value: &str) -> bool {
    value.len() == 20 && value.bytes().all(|b| b.is_ascii_digit())
}

/// A Dutch VAT number: `NL` + 9 digits + `B` + 2 digits, passing the 11-proof or mod 97.
///
/// Companies' numbers (the RSIN + B01…) pass the 11-proof; since 2020 sole proprietors get
/// numbers that pass a mod-97 check over the whole string instead. Either is valid.
pub fn is_valid_nl_vat(value: &str) -> bool {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    let v = v.to_ascii_uppercase();
    let b = v.as_bytes();
    if b.len() != 14 || &b[..2] != b"NL" || b[11] != b'B' {
        return false;
    }
    let digits = &b[2..11];
    let suffix = &b[12..14];
    if !digits.iter().chain(suffix).all(u8::is_ascii_digit) {
        return false;
    }
    eleven_proof(digits) || mod97(&v)
}

/// 11-proof over nine digits: weights 9..2 for the first eight, -1 for the last.
pub fn eleven_proof(digits: &[u8]) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let mut sum: i64 = 0;
    for (i, d) in digits.iter().enumerate() {
        let n = i64::from(d - b'0');
        let w = if i == 8 { -1 } else { 9 - i as i64 };
        sum += n * w;
    }
    sum % 11 == 0 && digits.iter().any(|d| *d != b'0')
}

/// The mod-97 check of sole proprietors' VAT numbers: "NL" becomes 2321, the whole as a
/// number, modulo 97, must be 1 (as for an IBAN).
pub fn mod97(vat: &str) -> bool {
    let mut rem: u32 = 0;
    for c in vat.chars() {
        let chunk = match c {
            '0'..='9' => c.to_digit(10).map(|d| (d, 10)),
            'A'..='Z' => Some((c as u32 - 'A' as u32 + 10, 100)),
            _ => None,
        };
        let Some((value, scale)) = chunk else {
            return false;
        };
        rem = (rem * scale + value) % 97;
    }
    rem == 1
}

/// Which identifier a Peppol/ISO 6523 scheme id stands for, checked; `None` for other schemes.
pub fn check_scheme(scheme: &str, value: &str) -> Option<bool> {
    match scheme {
        "0106" => Some(is_valid_kvk(value)),
        "0190" => Some(is_valid_oin(value)),
        "9944" => Some(is_valid_nl_vat(value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        assert!(is_valid_kvk("12345678"));
        assert!(!is_valid_kvk("1234567"));
        assert!(!is_valid_kvk("1234567a"));
        assert!(is_valid_oin("00000001234567890000"));
        assert!(!is_valid_oin("0000000123456789000"));
        // 11-proof: 123456782 (9*1+8*2+…+2*8 - 2 = 242 = 22*11).
        assert!(is_valid_nl_vat("NL123456782B01"));
        assert!(is_valid_nl_vat("nl 1234.56782 b01"));
        assert!(!is_valid_nl_vat("NL123456789B01"));
        assert!(!is_valid_nl_vat("NL123456782X01"));
        assert!(!is_valid_nl_vat("NL123456782B1"));
        // Sole proprietor's number passing mod 97 only (Belastingdienst example).
        assert!(mod97("NL000099998B57"));
        assert!(is_valid_nl_vat("NL000099998B57"));
        assert!(!eleven_proof(b"000099998"));
    }

    /// Builds an 11-proof number from eight digits by solving for the ninth.
    fn with_check_digit(first: &[u8; 8]) -> Option<String> {
        let sum: i64 = first
            .iter()
            .enumerate()
            .map(|(i, d)| i64::from(*d) * (9 - i as i64))
            .sum();
        let check = sum % 11;
        (check <= 9).then(|| {
            first
                .iter()
                .map(|d| char::from(b'0' + d))
                .collect::<String>()
                + &check.to_string()
        })
    }

    proptest! {
        #[test]
        fn kvk_accepts_exactly_eight_digits(s in "[0-9]{0,12}") {
            prop_assert_eq!(is_valid_kvk(&s), s.len() == 8);
        }

        #[test]
        fn oin_accepts_exactly_twenty_digits(s in "[0-9]{15,25}") {
            prop_assert_eq!(is_valid_oin(&s), s.len() == 20);
        }

        #[test]
        fn eleven_proof_numbers_are_valid_vat(first in proptest::array::uniform8(0u8..10), suffix in 0u8..100) {
            if let Some(nine) = with_check_digit(&first)
                && nine.bytes().any(|b| b != b'0') {
                    let vat = format!("NL{nine}B{suffix:02}");
                    prop_assert!(is_valid_nl_vat(&vat), "{}", vat);
                }
        }

        #[test]
        fn changing_one_digit_breaks_the_eleven_proof(first in proptest::array::uniform8(0u8..10), pos in 0usize..9, delta in 1u8..10) {
            if let Some(nine) = with_check_digit(&first) {
                let mut b = nine.into_bytes();
                b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
                prop_assert!(!eleven_proof(&b));
            }
        }

        #[test]
        fn mod97_numbers_are_valid_vat(body in "[0-9]{9}") {
            // Choose the two suffix digits so that the whole is 1 mod 97.
            for suffix in 0..100u32 {
                let vat = format!("NL{body}B{suffix:02}");
                if mod97(&vat) {
                    prop_assert!(is_valid_nl_vat(&vat));
                }
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = is_valid_nl_vat(&s);
            let _ = mod97(&s);
        }
    }
}
