//! Peppol registration for receiving, environment defaults, and reachability look-ups.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Caller, Need, require_admin, require_party};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::party_id;
use crate::state::{AppState, Capability, Inner, PeppolRegistration};
use crate::users::parse_json;

/// The capabilities a registration has.
pub const CAPABILITIES: [&str; 3] = ["invoices", "invoiceResponse", "orders"];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ConfigBody {
    // `null` entries are allowed and mean "leave as is".
    capabilities: BTreeMap<String, Option<CapabilityBody>>,
    business_card: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CapabilityBody {
    state: Option<String>,
    description: Option<String>,
}

/// Resolves a requested state against the environment default: `inherited` follows it.
fn resolve_state(requested: &str, env_default: &str) -> ApiResult<String> {
    let env_on = env_default.ends_with("on");
    match requested.trim() {
        "on" => Ok("on".into()),
        "off" => Ok("off".into()),
        s if s.starts_with("inherited") => Ok(format!(
            "inherited => {}",
            if env_on { "on" } else { "off" }
        )),
        other => Err(ApiError::bad_request(format!(
            "Unknown capability state '{other}': use on, off or inherited"
        ))),
    }
}

fn env_state(inner: &Inner, cap: &str) -> String {
    inner
        .env_peppol
        .get(cap)
        .map(|c| c.state.clone())
        .unwrap_or_else(|| "off".into())
}

/// Whether a party receives invoices right now (registered with `invoices` on).
pub fn receives(inner: &Inner, party: &str) -> bool {
    inner
        .parties
        .get(party)
        .and_then(|p| p.peppol.as_ref())
        .and_then(|r| r.capabilities.get("invoices"))
        .map(|c| c.state.ends_with("on"))
        .unwrap_or(false)
}

/// How a normalised party id can be reached: `econnect` for a party of this platform that
/// receives, `peppol` for a participant in the (sandbox) Peppol directory.
pub fn reach(inner: &Inner, party: &str) -> Option<(&'static str, String)> {
    if receives(inner, party) {
        let name = inner
            .parties
            .get(party)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        return Some((
            "econnect",
            format!("{name} ontvangt via eConnect / receives via eConnect"),
        ));
    }
    inner.directory.get(party).map(|name| {
        (
            "peppol",
            format!("{name} ontvangt via Peppol / receives via Peppol"),
        )
    })
}

fn registration_json(party: &str, name: &str, reg: &PeppolRegistration) -> Value {
    json!({
        "id": party_id::display(party),
        "name": name,
        "capabilities": reg.capabilities,
        "businessCard": reg.business_card,
        "createdOn": rfc3339(reg.created_on),
        "changedOn": rfc3339(reg.changed_on),
    })
}

/// `GET /api/v1/peppol/config/party/{partyId}` — 404 when not registered.
pub async fn get_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Value>> {
    let inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Access)?;
    let p = inner
        .parties
        .get(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    let reg = p.peppol.as_ref().ok_or_else(|| {
        ApiError::not_found(format!(
            "{} is not registered for receiving",
            party_id::display(&party)
        ))
    })?;
    Ok(Json(registration_json(&party, &p.name, reg)))
}

/// `PUT /api/v1/peppol/config/party/{partyId}` — registers or updates (needs canReceiveDocument).
pub async fn put_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: ConfigBody = if body.iter().all(u8::is_ascii_whitespace) {
        ConfigBody::default()
    } else {
        parse_json(&body)?
    };
    let now = st.clock.now();
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Receive)?;
    let defaults: BTreeMap<String, String> = CAPABILITIES
        .iter()
        .map(|c| (c.to_string(), env_state(&inner, c)))
        .collect();
    let env_card = inner.env_business_card.clone();
    let p = inner
        .parties
        .get_mut(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    let mut reg = p.peppol.clone().unwrap_or_else(|| PeppolRegistration {
        capabilities: defaults
            .iter()
            .map(|(k, env)| {
                let state = format!(
                    "inherited => {}",
                    if env.ends_with("on") { "on" } else { "off" }
                );
                (
                    k.clone(),
                    Capability {
                        state,
                        description: String::new(),
                    },
                )
            })
            .collect(),
        business_card: json!({ "name": p.name, "countryCode": "NL" }),
        created_on: now,
        changed_on: now,
    });
    for (name, cap) in req.capabilities {
        if !CAPABILITIES.contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "Unknown capability '{name}'"
            )));
        }
        let Some(cap) = cap else { continue };
        let env = defaults.get(&name).cloned().unwrap_or_else(|| "off".into());
        let entry = reg.capabilities.entry(name).or_insert_with(|| Capability {
            state: "off".into(),
            description: String::new(),
        });
        if let Some(s) = cap.state {
            entry.state = resolve_state(&s, &env)?;
        }
        if let Some(d) = cap.description {
            entry.description = d;
        }
    }
    if let Some(card) = req.business_card {
        merge(&mut reg.business_card, card);
    } else if reg.business_card.is_null() {
        reg.business_card = env_card;
    }
    reg.changed_on = now;
    p.peppol = Some(reg.clone());
    Ok(Json(registration_json(&party, &p.name, &reg)))
}

/// `DELETE /api/v1/peppol/config/party/{partyId}` — deregisters.
pub async fn delete_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Receive)?;
    let p = inner
        .parties
        .get_mut(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    p.peppol.take().map(|_| ()).ok_or_else(|| {
        ApiError::not_found(format!(
            "{} is not registered for receiving",
            party_id::display(&party)
        ))
    })
}

fn env_json(inner: &Inner) -> Value {
    json!({ "capabilities": inner.env_peppol, "businessCard": inner.env_business_card })
}

/// `GET /api/v1/peppol/config` — the environment's defaults.
pub async fn get_env(State(st): State<Arc<AppState>>, _caller: Caller) -> Json<Value> {
    Json(env_json(&st.lock()))
}

/// `PUT /api/v1/peppol/config` — administrators change the environment's defaults.
pub async fn put_env(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: ConfigBody = parse_json(&body)?;
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    // Changes apply to a copy first so a bad entry leaves the defaults untouched.
    let mut caps = inner.env_peppol.clone();
    for (name, cap) in req.capabilities {
        if !CAPABILITIES.contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "Unknown capability '{name}'"
            )));
        }
        let Some(cap) = cap else { continue };
        let entry = caps.entry(name).or_insert_with(|| Capability {
            state: "off".into(),
            description: String::new(),
        });
        if let Some(s) = cap.state {
            entry.state = match s.trim() {
                "on" | "off" => s.trim().to_string(),
                // An echoed "inherited => …" has nothing to inherit from here: keep the value.
                t if t.starts_with("inherited") => entry.state.clone(),
                other => {
                    return Err(ApiError::bad_request(format!(
                        "Environment state must be on or off, not '{other}'"
                    )));
                }
            };
        }
        if let Some(d) = cap.description {
            entry.description = d;
        }
    }
    inner.env_peppol = caps;
    if let Some(card) = req.business_card {
        merge(&mut inner.env_business_card, card);
    }
    Ok(Json(env_json(&inner)))
}

/// The document types a party that receives accepts: (document type URN, is credit note).
const DOCUMENT_TYPES: [(&str, bool); 4] = [
    (
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1",
        false,
    ),
    (
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1",
        true,
    ),
    (
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1",
        false,
    ),
    (
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1",
        true,
    ),
];

/// The Peppol billing process of every option.
const BILLING_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// A stand-in access-point certificate (base64 text, not a real certificate).
const SANDBOX_CERTIFICATE: &str = "U2FuZGJveCBhY2Nlc3MgcG9pbnQgY2VydGlmaWNhdGU=";

/// `GET /api/v1/peppol/deliveryOption?partyIds=A&partyIds=B[&documentTypeIds=…&documentFamily=Invoice&isCredit=false]`
/// — public (no token). One `{"partyId","documentTypeId","processId","protocol","url","certificate"}`
/// per party and accepted document type; nothing for a party that cannot receive.
pub async fn delivery_option(
    State(st): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Vec<Value>>> {
    let q = q.unwrap_or_default();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let values = |key: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let ids = values("partyIds");
    if ids.is_empty() {
        return Err(ApiError::bad_request("partyIds is required"));
    }
    let wanted_types = values("documentTypeIds");
    let family = values("documentFamily")
        .first()
        .map(|f| f.to_ascii_lowercase());
    if family.as_deref().is_some_and(|f| f != "invoice") {
        // The sandbox's parties receive invoices and credit notes only.
        return Ok(Json(Vec::new()));
    }
    let is_credit = match values("isCredit").first().map(|v| v.to_ascii_lowercase()) {
        None => None,
        Some(v) if v == "true" => Some(true),
        Some(v) if v == "false" => Some(false),
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "isCredit: '{v}' is not true or false"
            )));
        }
    };
    let inner = st.lock();
    let mut options = Vec::new();
    for raw in ids {
        let Some(party) = party_id::normalise(raw) else {
            continue;
        };
        let Some((channel, _)) = reach(&inner, &party) else {
            continue;
        };
        let url = if channel == "econnect" {
            "https://accp-ap.econnect.eu/as4/v1"
        } else {
            "https://ap.peppol-directory.invalid/as4"
        };
        for (document_type, credit) in DOCUMENT_TYPES {
            if is_credit.is_some_and(|c| c != credit)
                || (!wanted_types.is_empty() && !wanted_types.contains(&document_type))
            {
                continue;
            }
            options.push(json!({
                "partyId": party_id::display(&party),
                "documentTypeId": document_type,
                "processId": BILLING_PROCESS,
                "protocol": "As4",
                "url": url,
                "certificate": SANDBOX_CERTIFICATE,
            }));
        }
    }
    Ok(Json(options))
}

/// Shallow merge of JSON objects (`patch` wins).
fn merge(base: &mut Value, patch: Value) {
    match (base.as_object_mut(), patch) {
        (Some(b), Value::Object(p)) => {
            for (k, v) in p {
                b.insert(k, v);
            }
        }
        (_, p) => *base = p,
    }
}
