//! Reads a received UBL invoice from disk as a stream: the facts the documents list shows
//! (supplier, number, date, amount) and the embedded PDF, base64-decoded a chunk at a time
//! straight into a file. Memory stays small whatever the size: a tap below the XML reader
//! diverts the content of every `EmbeddedDocumentBinaryObject` before the reader sees it.
//! A DTD is refused outright (so no entity can expand: no "billion laughs"), as are deep
//! nesting and unknown entity references.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use base64::Engine as _;
use econnect_store::InvoiceFacts;
use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};

/// Deepest element nesting accepted (UBL needs about 8).
const MAX_DEPTH: usize = 64;
/// Longest text kept for one fact.
const MAX_FACT: usize = 512;
/// The start tag of an embedded object is read whole up to this size.
const MAX_TAG: usize = 4096;
const OBJECT: &[u8] = b"EmbeddedDocumentBinaryObject";

/// Why a received document was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UblError {
    /// Not well-formed, or a DTD, entity, or nesting this reader refuses: never retried.
    Refused(String),
    /// Reading or writing a file failed: tried again later.
    Io(String),
}

/// What the reader found.
#[derive(Debug, Default)]
pub struct ParsedUbl {
    /// The invoice's facts.
    pub facts: InvoiceFacts,
    /// The first embedded PDF, when there was one: (size, SHA-256 hex).
    pub pdf: Option<(u64, String)>,
    /// The embedded PDF was larger than allowed and was left out.
    pub pdf_too_large: bool,
    /// The written PDF, still open: the caller syncs it without opening it again.
    pub pdf_file: Option<File>,
}

/// Reads `xml`; writes the first embedded PDF (at most `max_pdf` bytes) to `pdf_out`.
/// The PDF is written, not synced: making files durable is the caller's (with
/// [`ParsedUbl::pdf_file`]).
pub fn read(xml: &Path, pdf_out: &Path, max_pdf: u64) -> Result<ParsedUbl, UblError> {
    let file = File::open(xml).map_err(|e| UblError::Io(e.to_string()))?;
    read_from(BufReader::with_capacity(64 * 1024, file), pdf_out, max_pdf)
}

/// [`read`] over a UBL already in hand (a small download kept in memory).
pub fn read_from<R: Read>(xml: R, pdf_out: &Path, max_pdf: u64) -> Result<ParsedUbl, UblError> {
    let tap = Tap::new(xml, pdf_out, max_pdf);
    let mut reader = Reader::from_reader(BufReader::with_capacity(16 * 1024, tap));
    // Not trimmed per piece: "Mulder &amp; Zn" arrives as three pieces, and trimming each
    // would make it "Mulder&Zn". A fact is trimmed whole when its element ends.
    reader.config_mut().trim_text(false);
    // The open elements' names; entries past `depth` are kept to reuse their allocations
    // (an invoice has hundreds of elements, and this runs for every one received).
    let mut path: Vec<String> = Vec::new();
    let mut depth = 0;
    let mut facts = InvoiceFacts::default();
    // The text of the current element, gathered only where a fact can be.
    let mut text = String::new();
    let mut gathering = false;
    let mut buf = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| tap_error(&reader).unwrap_or_else(|| UblError::Refused(e.to_string())))?;
        match event {
            Event::DocType(_) => {
                return Err(UblError::Refused(
                    "XML met een DTD (mogelijke XML-bom) geweigerd".into(),
                ));
            }
            Event::Start(e) => {
                seen_root = true;
                if depth >= MAX_DEPTH {
                    return Err(UblError::Refused("XML te diep genest".into()));
                }
                let local = e.local_name();
                let name: &str = local.as_ref();
                if is_endpoint(&path[..depth], name)
                    && let Ok(Some(a)) = e.try_get_attribute("schemeID")
                    && let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                {
                    facts.supplier_id = Some(format!("{}:", v.trim()));
                }
                gathering = may_hold_fact(depth + 1, name);
                match path.get_mut(depth) {
                    Some(slot) => {
                        slot.clear();
                        slot.push_str(name);
                    }
                    None => path.push(name.to_string()),
                }
                depth += 1;
                text.clear();
            }
            Event::Empty(_) => seen_root = true,
            Event::Text(t) if gathering => push_capped(&mut text, &t.xml10_content()),
            Event::CData(t) if gathering => push_capped(&mut text, t.as_ref()),
            Event::GeneralRef(r) => {
                // Checked everywhere (an unknown entity is refused), kept only in a fact.
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match r.into_inner().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(UblError::Refused(format!("onbekende entiteit &{other};")));
                        }
                    },
                };
                if gathering {
                    push_capped(&mut text, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(_) => {
                if gathering {
                    take_fact(&path[..depth], &text, &mut facts);
                }
                depth = depth.saturating_sub(1);
                gathering = false;
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_root {
        return Err(UblError::Refused("geen XML-document".into()));
    }
    let mut tap = reader.into_inner().into_inner();
    if let Some(err) = tap.error {
        return Err(err);
    }
    let pdf_file = tap.pdf_file.take();
    Ok(ParsedUbl {
        facts,
        pdf: tap
            .pdf_done
            .then(|| (tap.pdf_size, hex::encode(tap.pdf_hash.finalize()))),
        pdf_too_large: tap.pdf_too_large,
        pdf_file,
    })
}

fn tap_error<R>(reader: &Reader<BufReader<Tap<R>>>) -> Option<UblError> {
    reader.get_ref().get_ref().error.clone()
}

fn push_capped(text: &mut String, more: &str) {
    for c in more.chars() {
        if text.len() + c.len_utf8() > MAX_FACT {
            return;
        }
        text.push(c);
    }
}

fn is_endpoint(path: &[String], name: &str) -> bool {
    name == "EndpointID"
        && matches!(path, [.., parent, party] if parent == "AccountingSupplierParty" && party == "Party")
}

/// Whether an element at `depth` (the root is 1) named `name` is one [`take_fact`] keeps.
fn may_hold_fact(depth: usize, name: &str) -> bool {
    match depth {
        2 => matches!(name, "ID" | "IssueDate" | "DocumentCurrencyCode"),
        3 => name == "PayableAmount",
        4 => name == "EndpointID",
        5 => matches!(name, "Name" | "RegistrationName"),
        _ => false,
    }
}

/// Keeps the facts the list shows, by their place in the tree.
fn take_fact(path: &[String], text: &str, facts: &mut InvoiceFacts) {
    let value = text.trim();
    if value.is_empty() || path.len() > 5 {
        return;
    }
    // The path as `&str`s without allocating (facts sit at most 5 deep).
    let mut names = [""; 5];
    for (slot, name) in names.iter_mut().zip(path) {
        *slot = name;
    }
    let p = &names[..path.len()];
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    };
    match p {
        [_, "ID"] => set(&mut facts.invoice_number),
        [_, "IssueDate"] => set(&mut facts.issue_date),
        [_, "DocumentCurrencyCode"] => set(&mut facts.currency),
        [_, "LegalMonetaryTotal", "PayableAmount"] => set(&mut facts.amount),
        [_, "AccountingSupplierParty", "Party", "PartyName", "Name"]
        | [
            _,
            "AccountingSupplierParty",
            "Party",
            "PartyLegalEntity",
            "RegistrationName",
        ] => set(&mut facts.supplier),
        [_, "AccountingSupplierParty", "Party", "EndpointID"] => {
            let scheme = facts.supplier_id.take().unwrap_or_default();
            if scheme.ends_with(':') || scheme.is_empty() {
                facts.supplier_id = Some(format!("{scheme}{value}"));
            }
        }
        _ => {}
    }
}

/// Where the tap is in the raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TapState {
    /// Passing bytes through, watching for `<…EmbeddedDocumentBinaryObject`.
    Outside,
    /// Inside such a start tag (collecting it, quotes respected), until its `>`.
    InTag { quote: Option<u8> },
    /// Inside its content: base64 goes to the PDF, nothing to the XML reader, until `<`.
    InContent,
}

/// A `Read` between the file and the XML reader that diverts embedded objects.
struct Tap<R> {
    inner: R,
    state: TapState,
    /// The last bytes passed on (at most [`LOOKBACK`] + the name), to recognise the element
    /// name across reads.
    window: Vec<u8>,
    tag: Vec<u8>,
    /// Whether the current object goes to the PDF file.
    writing: bool,
    pdf_path: std::path::PathBuf,
    pdf: Option<std::io::BufWriter<File>>,
    /// The PDF once written (flushed, not synced).
    pdf_file: Option<File>,
    pdf_done: bool,
    pdf_too_large: bool,
    pdf_size: u64,
    pdf_hash: Sha256,
    max_pdf: u64,
    /// Base64 characters not decoded yet (less than a quantum, or held for the padding).
    pending: Vec<u8>,
    /// Decoded bytes of the last chunk (kept to reuse its allocation).
    decoded: Vec<u8>,
    error: Option<UblError>,
}

impl<R: Read> Tap<R> {
    fn new(inner: R, pdf_path: &Path, max_pdf: u64) -> Self {
        Tap {
            inner,
            state: TapState::Outside,
            window: Vec::new(),
            tag: Vec::new(),
            writing: false,
            pdf_path: pdf_path.to_path_buf(),
            pdf: None,
            pdf_file: None,
            pdf_done: false,
            pdf_too_large: false,
            pdf_size: 0,
            pdf_hash: Sha256::new(),
            max_pdf,
            pending: Vec::new(),
            decoded: Vec::new(),
            error: None,
        }
    }

    fn fail(&mut self, err: UblError) -> std::io::Error {
        self.error = Some(err.clone());
        std::io::Error::other(match err {
            UblError::Refused(m) | UblError::Io(m) => m,
        })
    }

    /// Starts an object: the first PDF (by mimeCode or file name) is written, others skipped.
    fn open_object(&mut self) -> std::io::Result<()> {
        let tag = String::from_utf8_lossy(&self.tag).to_ascii_lowercase();
        let is_pdf =
            tag.contains("application/pdf") || tag.contains(".pdf\"") || tag.contains(".pdf'");
        self.writing = is_pdf && !self.pdf_done && !self.pdf_too_large;
        if self.writing {
            let file = econnect_api::local_file::create_exclusive(&self.pdf_path)
                .map_err(|e| self.fail(UblError::Io(e.to_string())))?;
            self.pdf = Some(std::io::BufWriter::new(file));
            self.pdf_size = 0;
            self.pdf_hash = Sha256::new();
            self.pending.clear();
        }
        Ok(())
    }

    /// Decodes the base64 characters in `bytes` (whitespace skipped), 4 at a time.
    fn content(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if !self.writing {
            return Ok(());
        }
        for part in bytes.split(u8::is_ascii_whitespace) {
            self.pending.extend_from_slice(part);
        }
        let whole = self.pending.len() / 4 * 4;
        // Keep the last quantum back: it may carry `=` padding that only the end confirms.
        let ready = whole.saturating_sub(4);
        if ready > 0 {
            self.decode(ready)?;
        }
        Ok(())
    }

    fn decode(&mut self, n: usize) -> std::io::Result<()> {
        self.decoded.clear();
        if let Err(e) = base64::engine::general_purpose::STANDARD
            .decode_vec(&self.pending[..n], &mut self.decoded)
        {
            return Err(self.fail(UblError::Refused(format!(
                "ongeldige base64 in de bijlage: {e}"
            ))));
        }
        self.pending.drain(..n);
        self.pdf_size += self.decoded.len() as u64;
        if self.pdf_size > self.max_pdf {
            self.writing = false;
            self.pdf = None;
            self.pdf_too_large = true;
            let _ = std::fs::remove_file(&self.pdf_path);
            return Ok(());
        }
        self.pdf_hash.update(&self.decoded);
        if let Some(out) = self.pdf.as_mut()
            && let Err(e) = out.write_all(&self.decoded)
        {
            return Err(self.fail(UblError::Io(e.to_string())));
        }
        Ok(())
    }

    fn close_object(&mut self) -> std::io::Result<()> {
        if self.writing {
            let n = self.pending.len();
            if !n.is_multiple_of(4) {
                return Err(self.fail(UblError::Refused("afgebroken base64 in de bijlage".into())));
            }
            self.decode(n)?;
            if let Some(out) = self.pdf.take() {
                // Not synced here: the caller makes the files durable.
                match out.into_inner() {
                    Ok(file) => self.pdf_file = Some(file),
                    Err(e) => return Err(self.fail(UblError::Io(e.error().to_string()))),
                }
                self.pdf_done = true;
            }
        }
        self.writing = false;
        Ok(())
    }
}

impl<R: Read> Read for Tap<R> {
    /// Reads into `out` and removes the diverted bytes in place (what is passed on is a
    /// subsequence of what was read, so the write position never passes the read one).
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                if self.state != TapState::Outside {
                    return Err(self.fail(UblError::Refused(
                        "XML houdt midden in een bijlage op".into(),
                    )));
                }
                return Ok(0);
            }
            let written = self.divert(out, n)?;
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

impl<R: Read> Tap<R> {
    /// Processes the `n` bytes read into `buf`; returns how many are passed on (moved to
    /// its front).
    fn divert(&mut self, buf: &mut [u8], n: usize) -> std::io::Result<usize> {
        let (mut i, mut written) = (0, 0);
        while i < n {
            match self.state {
                TapState::Outside => {
                    // Everything up to the end of the next object's name passes unchanged.
                    let hit = find_object(&self.window, &buf[i..n]);
                    let stop = i + hit.unwrap_or(n - i);
                    remember(&mut self.window, &buf[i..stop]);
                    buf.copy_within(i..stop, written);
                    written += stop - i;
                    i = stop;
                    if hit.is_some() {
                        self.state = TapState::InTag { quote: None };
                        self.tag.clear();
                    }
                }
                TapState::InTag { quote } => {
                    let b = buf[i];
                    buf[written] = b;
                    written += 1;
                    i += 1;
                    if self.tag.len() < MAX_TAG {
                        self.tag.push(b);
                    }
                    match (quote, b) {
                        (None, b'"' | b'\'') => self.state = TapState::InTag { quote: Some(b) },
                        (Some(q), _) if q == b => self.state = TapState::InTag { quote: None },
                        (None, b'>') => {
                            if self.tag.ends_with(b"/>") {
                                self.state = TapState::Outside;
                            } else {
                                self.open_object()?;
                                self.state = TapState::InContent;
                            }
                            self.window.clear();
                        }
                        _ => {}
                    }
                }
                TapState::InContent => {
                    let end = memchr::memchr(b'<', &buf[i..n]).map(|p| i + p);
                    let stop = end.unwrap_or(n);
                    self.content(&buf[i..stop])?;
                    i = stop;
                    if end.is_some() {
                        self.close_object()?;
                        self.state = TapState::Outside;
                    }
                }
            }
        }
        Ok(written)
    }
}

/// Bytes kept before an element name to see its `<` and prefix.
const LOOKBACK: usize = 32;

/// Keeps the last bytes passed on (the window) after `passed`.
fn remember(window: &mut Vec<u8>, passed: &[u8]) {
    let keep = LOOKBACK + OBJECT.len();
    if passed.len() >= keep {
        window.clear();
        window.extend_from_slice(&passed[passed.len() - keep..]);
    } else {
        window.extend_from_slice(passed);
        let extra = window.len().saturating_sub(keep);
        window.drain(..extra);
    }
}

/// Where in `rest` (after the bytes in `window`) the first opening object name ends.
fn find_object(window: &[u8], rest: &[u8]) -> Option<usize> {
    // A name that starts in the window and ends in `rest`: search the small joined part.
    let head = &rest[..rest.len().min(OBJECT.len())];
    let joined = [window, head].concat();
    for start in memchr::memmem::find_iter(&joined, OBJECT) {
        let end = start + OBJECT.len();
        if end > window.len()
            && opens_element(&joined[end.saturating_sub(LOOKBACK + OBJECT.len())..end])
        {
            return Some(end - window.len());
        }
    }
    for start in memchr::memmem::find_iter(rest, OBJECT) {
        let end = start + OBJECT.len();
        if end <= head.len() {
            continue; // seen in the joined part
        }
        let found = if start >= LOOKBACK {
            opens_element(&rest[start - LOOKBACK..end])
        } else {
            let before = &window[window.len().saturating_sub(LOOKBACK - start)..];
            opens_element(&[before, &rest[..end]].concat())
        };
        if found {
            return Some(end);
        }
    }
    None
}

/// The window ends with the element name right after `<` or `<prefix:`.
fn opens_element(window: &[u8]) -> bool {
    let before = &window[..window.len() - OBJECT.len()];
    match before.iter().rposition(|&b| b == b'<') {
        Some(lt) => {
            let prefix = &before[lt + 1..];
            prefix.is_empty()
                || (prefix.ends_with(b":")
                    && prefix[..prefix.len() - 1]
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `size` bytes per call, to split names and base64
    /// across reads at every possible place.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn invoice(pdf: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(pdf);
        let wrapped: Vec<String> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        format!(
            r#"<?xml version="1.0"?><Invoice xmlns:cbc="c" xmlns:cac="a"><cbc:ID>F-7</cbc:ID>
<cbc:Note>mentions EmbeddedDocumentBinaryObject in text</cbc:Note>
<cac:AdditionalDocumentReference><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="a.csv">YWJj</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>
<cac:AdditionalDocumentReference><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="f.pdf">
{}
</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>
<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">12.10</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>"#,
            wrapped.join("\n")
        )
    }

    #[test]
    fn the_pdf_and_facts_come_out_the_same_however_the_bytes_arrive() {
        let pdf: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let xml = invoice(&pdf);
        let dir = tempfile::tempdir().expect("temp dir");
        for size in [1, 2, 3, 5, 13, 29, 64, 1000, 1 << 20] {
            let out = dir.path().join(format!("{size}.pdf"));
            let parsed = read_from(Trickle(xml.as_bytes(), size), &out, 1 << 20).expect("parsed");
            assert_eq!(
                std::fs::read(&out).expect("pdf written"),
                pdf,
                "chunk size {size}"
            );
            // Handed back open, so the caller can sync it without opening it again.
            let file = parsed.pdf_file.as_ref().expect("pdf handed back open");
            assert_eq!(
                file.metadata().expect("metadata").len(),
                pdf.len() as u64,
                "flushed before it is handed back"
            );
            let (len, sha) = parsed.pdf.expect("pdf found");
            assert_eq!(
                (len, sha),
                (pdf.len() as u64, hex::encode(Sha256::digest(&pdf)))
            );
            assert_eq!(
                parsed.facts.invoice_number.as_deref(),
                Some("F-7"),
                "chunk size {size}"
            );
            assert_eq!(
                parsed.facts.amount.as_deref(),
                Some("12.10"),
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn an_attachment_cut_off_or_with_bad_base64_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let xml = invoice(b"%PDF-1.4 hello");
        let cut = &xml[..xml.find("</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>\n<cac:Legal").expect("end tag")];
        let err =
            read_from(cut.as_bytes(), &dir.path().join("a.pdf"), 1 << 20).expect_err("cut off");
        assert!(matches!(err, UblError::Refused(_)), "{err:?}");
        let bad = xml.replacen("JVBER", "JV*ER", 1);
        let err =
            read_from(bad.as_bytes(), &dir.path().join("b.pdf"), 1 << 20).expect_err("bad base64");
        assert!(
            matches!(err, UblError::Refused(ref m) if m.contains("base64")),
            "{err:?}"
        );
    }

    #[test]
    fn facts_come_only_from_their_places_with_entities_resolved_and_unknown_ones_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let xml = r#"<Invoice xmlns:cbc="c" xmlns:cac="a"><cbc:ID>F&#45;9</cbc:ID>
<cac:OrderReference><cbc:ID>not the number</cbc:ID></cac:OrderReference>
<cbc:IssueDate>2026-12-01</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0106">27312152</cbc:EndpointID>
<cac:PartyName><cbc:Name>Mulder &amp; Zn</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cac:PartyName><cbc:Name>the customer</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount>10.00</cbc:LineExtensionAmount><cbc:PayableAmount>12.10</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>"#;
        let parsed = read_from(xml.as_bytes(), &dir.path().join("a.pdf"), 1 << 20).expect("read");
        assert!(parsed.pdf.is_none() && parsed.pdf_file.is_none());
        let f = parsed.facts;
        assert_eq!(f.invoice_number.as_deref(), Some("F-9"));
        assert_eq!(f.issue_date.as_deref(), Some("2026-12-01"));
        assert_eq!(f.currency.as_deref(), Some("EUR"));
        assert_eq!(f.supplier.as_deref(), Some("Mulder & Zn"));
        assert_eq!(f.supplier_id.as_deref(), Some("0106:27312152"));
        assert_eq!(f.amount.as_deref(), Some("12.10"));
        // An unknown entity is refused also where no fact is kept.
        let unknown = xml.replace("the customer", "the &customer;");
        let err = read_from(unknown.as_bytes(), &dir.path().join("b.pdf"), 1 << 20)
            .expect_err("unknown entity");
        assert!(
            matches!(err, UblError::Refused(ref m) if m.contains("entiteit")),
            "{err:?}"
        );
    }
}
