//! Seed data: the demo accountant environment, the empty one, and bulk seeding for benchmarks.

use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::clock::date;
use crate::party_id;
use crate::state::{
    Capability, Direction, Document, Inner, InvoiceMeta, Memberships, Party, PeppolRegistration,
    Permissions, User, delivered_timeline, failed_timeline, received_timeline, rejected_timeline,
};
use crate::{DEMO_PASSWORD, DEMO_USER, Seed};

/// The non-administrator of the demo environment.
pub const STAFF_USER: &str = "medewerker@voorbeeld.nl";
/// The locked user of the demo environment.
pub const LOCKED_USER: &str = "geblokkeerd@voorbeeld.nl";

/// The twelve client organisations of the demo accountant (name, KvK number).
pub const ORGANISATIONS: [(&str, &str); 12] = [
    ("Bakkerij De Gouden Korenaar B.V.", "30187412"),
    ("Van der Meer Installatietechniek B.V.", "24356718"),
    ("Hoveniersbedrijf Groenrijk", "56012934"),
    ("Jansen & de Vries Advocaten", "34298851"),
    ("Autobedrijf Smit Zwolle B.V.", "05167723"),
    ("Fietsenmakerij Het Wiel", "61844390"),
    ("Bouwbedrijf Hendriks & Zonen B.V.", "17093265"),
    ("Tandartspraktijk Bakker", "72451086"),
    ("Café-Restaurant De Waag", "37720459"),
    ("Dijkstra Transport B.V.", "01093847"),
    ("Bloemenhandel Visser", "68230571"),
    ("Kinderopvang 't Klavertje", "81456302"),
];

/// Suppliers that send the demo organisations invoices (and are reachable via Peppol).
const SUPPLIERS: [(&str, &str); 6] = [
    ("Kantoorartikelen Mulder B.V.", "27312152"),
    ("Energiebedrijf Noordstroom B.V.", "58104427"),
    ("Schoonmaakbedrijf Glans", "63829104"),
    ("ICT-Diensten De Boer", "41025576"),
    ("Groothandel Peters B.V.", "09126638"),
    ("Drukkerij Brouwer", "52730019"),
];

const CHANNELS: [&str; 4] = ["idr", "email", "econnect", "peppol"];

fn user(name: &str, admin: bool, locked: bool) -> User {
    User {
        name: name.into(),
        password: DEMO_PASSWORD.into(),
        admin,
        locked,
        parties: Memberships::default(),
    }
}

fn party(id: &str, name: &str) -> Party {
    Party {
        id: id.into(),
        name: name.into(),
        peppol: None,
        hooks: Vec::new(),
    }
}

fn registration(name: &str, now: OffsetDateTime) -> PeppolRegistration {
    let cap = |state: &str| Capability {
        state: state.into(),
        description: String::new(),
    };
    PeppolRegistration {
        capabilities: [
            ("invoices".to_string(), cap("on")),
            ("invoiceResponse".to_string(), cap("inherited => off")),
            ("orders".to_string(), cap("inherited => off")),
        ]
        .into_iter()
        .collect(),
        business_card: json!({ "name": name, "countryCode": "NL" }),
        created_on: now - Duration::days(200),
        changed_on: now - Duration::days(30),
    }
}

fn base() -> Inner {
    let mut inner = Inner::default();
    let cap = |state: &str, d: &str| Capability {
        state: state.into(),
        description: d.into(),
    };
    inner.env_peppol.insert(
        "invoices".into(),
        cap("on", "Facturen ontvangen / receive invoices"),
    );
    inner.env_peppol.insert(
        "invoiceResponse".into(),
        cap("off", "Factuurreacties / invoice responses"),
    );
    inner
        .env_peppol
        .insert("orders".into(), cap("off", "Orders"));
    inner.env_business_card = json!({ "countryCode": "NL" });
    for (name, kvk) in SUPPLIERS {
        inner
            .directory
            .insert(format!("0106:{kvk}"), name.to_string());
    }
    inner
}

/// Builds the state for a seed.
pub fn build(seed: Seed, now: OffsetDateTime) -> Inner {
    let mut inner = base();
    match seed {
        Seed::Empty => {
            let mut demo = user(DEMO_USER, true, false);
            let (name, kvk) = ORGANISATIONS[0];
            let id = format!("0106:{kvk}");
            inner.parties.insert(id.clone(), party(&id, name));
            demo.parties.insert(id, Permissions::ALL);
            inner.users.insert(DEMO_USER.to_lowercase(), demo);
        }
        Seed::Demo => demo(&mut inner, now),
    }
    inner
}

fn demo(inner: &mut Inner, now: OffsetDateTime) {
    let mut demo = user(DEMO_USER, true, false);
    let mut staff = user(STAFF_USER, false, false);
    let mut locked = user(LOCKED_USER, false, true);
    for (i, (name, kvk)) in ORGANISATIONS.iter().enumerate() {
        let id = format!("0106:{kvk}");
        let mut p = party(&id, name);
        // Five of the twelve receive via Peppol; the rest are not registered (the default).
        if [0, 1, 3, 6, 9].contains(&i) {
            p.peppol = Some(registration(name, now));
        }
        inner.parties.insert(id.clone(), p);
        demo.parties.insert(id.clone(), Permissions::ALL);
        seed_documents(inner, &id, i, now);
    }
    let kvk = |i: usize| format!("0106:{}", ORGANISATIONS[i].1);
    // The employee works for three organisations with different rights.
    staff.parties.insert(
        kvk(0),
        Permissions {
            can_remove_document: false,
            ..Permissions::ALL
        },
    );
    staff.parties.insert(
        kvk(1),
        Permissions {
            can_receive_document: true,
            ..Permissions::default()
        },
    );
    staff.parties.insert(
        kvk(2),
        Permissions {
            can_send_document: true,
            ..Permissions::default()
        },
    );
    locked.parties.insert(kvk(0), Permissions::ALL);
    for u in [demo, staff, locked] {
        inner.users.insert(u.name.to_lowercase(), u);
    }
}

/// Sent documents in every status and channel, and received invoices waiting.
fn seed_documents(inner: &mut Inner, party: &str, i: usize, now: OffsetDateTime) {
    let kvk = party.trim_start_matches("0106:");
    let plan: [(&str, i64); 6] = [
        ("Delivered", 3 * 86_400),
        ("Routed", 60),
        ("Validated", 10),
        ("Pending", 0),
        ("Rejected", 2 * 86_400),
        ("Failed", 86_400),
    ];
    for (n, (status, age)) in plan.iter().enumerate() {
        let t = now - Duration::seconds(*age);
        let channel = CHANNELS[(i + n) % 4];
        let stages = match *status {
            "Rejected" => rejected_timeline(
                t,
                "Geen factuur herkend (bijv. herinnering, order of pakbon) / Not an invoice (e.g. a reminder, order or packing slip)",
            ),
            "Failed" => failed_timeline(t, "Ontvanger niet bereikbaar / Recipient not reachable"),
            _ => delivered_timeline(t),
        };
        inner.insert_document(Document {
            id: format!("demo-{kvk}-s{}", n + 1),
            party: party.to_string(),
            direction: Direction::Sales,
            channel: channel.to_string(),
            created_on: t,
            stages,
            meta: None,
            receiver: None,
            downloaded_on: None,
            deleted: false,
        });
    }
    // Received invoices: three for each organisation, in different channels, some with a PDF.
    for n in 0..3usize {
        let (sname, skvk) = SUPPLIERS[(i + n) % SUPPLIERS.len()];
        let t = now - Duration::days(i64::try_from(n * 4 + i % 3 + 1).unwrap_or(1));
        let amount = i64::try_from(4_250 + (i * 7 + n * 13) * 1_931).unwrap_or(10_000);
        let meta = InvoiceMeta {
            sender_id: format!("NL:KVK:{skvk}"),
            sender_name: sname.to_string(),
            invoice_number: format!("{}-{:04}", 2026, 100 + i * 10 + n),
            issue_date: date(t - Duration::days(1)),
            amount_cents: amount,
            currency: "EUR".into(),
            with_pdf: n == 0,
            file_name: if n == 0 {
                format!("factuur-{}.pdf", 100 + i * 10 + n)
            } else {
                String::new()
            },
            pdf_bytes: None,
            raw_xml: None,
        };
        inner.insert_document(received_document(
            format!("demo-{kvk}-r{}", n + 1),
            party,
            ["peppol", "econnect", "email"][n],
            t,
            meta,
        ));
    }
}

/// A received purchase invoice (already delivered).
pub fn received_document(
    id: String,
    party: &str,
    channel: &str,
    t: OffsetDateTime,
    meta: InvoiceMeta,
) -> Document {
    Document {
        id,
        party: party.to_string(),
        direction: Direction::Purchase,
        channel: channel.to_string(),
        created_on: t,
        stages: received_timeline(t),
        meta: Some(meta),
        receiver: None,
        downloaded_on: None,
        deleted: false,
    }
}

/// Adds `parties` organisations (all accessible to the demo user); returns the new party ids.
/// They carry no documents: with no list call on the platform nothing could find them.
pub fn bulk(inner: &mut Inner, parties: usize) -> Vec<String> {
    let start = inner.parties.len();
    let mut ids = Vec::with_capacity(parties);
    for k in 0..parties {
        // 9xxxxxxx numbers keep bulk parties apart from the demo ones.
        let mut n = 90_000_000 + start + k;
        while inner.parties.contains_key(&format!("0106:{n}")) {
            n += 1;
        }
        let id = format!("0106:{n}");
        let name = format!("Benchmark Organisatie {:05} B.V.", start + k);
        inner.parties.insert(id.clone(), party(&id, &name));
        if let Some(u) = inner.users.get_mut(&DEMO_USER.to_lowercase()) {
            u.parties.insert(id.clone(), Permissions::ALL);
        }
        ids.push(party_id::display(&id));
    }
    ids
}

/// A document of the demo seed, as the demo installation knows it: the sales invoices it
/// "sent" earlier and the purchase invoices that "arrived" for it. Not a platform call (the
/// platform has no list): the embedded sandbox tells its own app what its history is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededDocument {
    /// The document id (`demo-<kvk>-s<n>` sent, `demo-<kvk>-r<n>` received).
    pub id: String,
    /// The organisation (normalised party id).
    pub party_id: String,
    /// A sales invoice the demo installation sent (else a purchase invoice it received).
    pub sent: bool,
    /// `idr`, `email`, `econnect` or `peppol`.
    pub channel: String,
    /// When it was created or received (RFC 3339).
    pub created_on: String,
    /// The file name it was sent from (sales invoices; empty for received ones).
    pub file_name: String,
    /// What that sent file said (sales invoices only): the demo installation's own file
    /// is imaginary, so the seed tells its customer, number and amount.
    pub sent_facts: Option<SentFileFacts>,
}

/// The customer, number and amount of a demo sales invoice's (imaginary) file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFileFacts {
    /// Customer name.
    pub customer: String,
    /// Customer party id (`0106:` KvK).
    pub customer_id: String,
    /// Invoice number.
    pub invoice_number: String,
    /// Issue date `YYYY-MM-DD`.
    pub issue_date: String,
    /// Amount including VAT as decimal text.
    pub amount: String,
}

/// Deterministic facts for demo sales invoice `id` created at `t`.
fn sent_file_facts(id: &str, t: OffsetDateTime) -> SentFileFacts {
    let n = id
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let (name, kvk) = SUPPLIERS[(n % SUPPLIERS.len() as u64) as usize];
    let cents = 12_500 + (n % 400_000);
    SentFileFacts {
        customer: name.to_string(),
        customer_id: format!("0106:{kvk}"),
        invoice_number: format!("V{}-{:04}", t.year(), n % 10_000),
        issue_date: date(t),
        amount: format!("{}.{:02}", cents / 100, cents % 100),
    }
}

/// The documents the demo seed made (ids starting with `demo-`), oldest first.
pub fn seeded_documents(inner: &Inner) -> Vec<SeededDocument> {
    let mut docs: Vec<SeededDocument> = inner
        .documents
        .values()
        .filter(|d| d.id.starts_with("demo-") && !d.deleted)
        .map(|d| {
            let sent = d.direction == Direction::Sales;
            let extension = if d.channel == "idr" { "pdf" } else { "xml" };
            SeededDocument {
                id: d.id.clone(),
                party_id: d.party.clone(),
                sent,
                channel: d.channel.clone(),
                created_on: crate::clock::rfc3339(d.created_on),
                file_name: if sent {
                    format!(
                        "verkoopfactuur {}.{extension}",
                        d.id.trim_start_matches("demo-")
                    )
                } else {
                    String::new()
                },
                sent_facts: sent.then(|| sent_file_facts(&d.id, d.created_on)),
            }
        })
        .collect();
    docs.sort_by(|a, b| (&a.created_on, &a.id).cmp(&(&b.created_on, &b.id)));
    docs
}
