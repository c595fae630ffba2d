//! Peppol configuration: environment defaults, party registration for receiving, and the
//! public delivery-option look-up.

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Call, Client};
use crate::error::Error;
use crate::party_id::PartyId;

/// Whether a capability is on, off, or inherited from the environment's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityState {
    /// `on`.
    On,
    /// `off`.
    Off,
    /// `inherited => on`.
    InheritedOn,
    /// `inherited => off`.
    InheritedOff,
    /// Any other value, kept as sent.
    Other(String),
}

impl CapabilityState {
    /// The contract's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            CapabilityState::On => "on",
            CapabilityState::Off => "off",
            CapabilityState::InheritedOn => "inherited => on",
            CapabilityState::InheritedOff => "inherited => off",
            CapabilityState::Other(s) => s,
        }
    }

    /// True when the capability is in effect (`on` or `inherited => on`).
    pub fn is_on(&self) -> bool {
        matches!(self, CapabilityState::On | CapabilityState::InheritedOn)
    }
}

impl Serialize for CapabilityState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CapabilityState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(match raw.as_str() {
            "on" => CapabilityState::On,
            "off" => CapabilityState::Off,
            "inherited => on" => CapabilityState::InheritedOn,
            "inherited => off" => CapabilityState::InheritedOff,
            _ => CapabilityState::Other(raw),
        })
    }
}

/// One capability: `{"state","description"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capability {
    /// On, off or inherited.
    pub state: CapabilityState,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Capability {
    /// A capability in the given state without description.
    pub fn new(state: CapabilityState) -> Self {
        Capability {
            state,
            description: None,
        }
    }
}

/// The capabilities of a party or environment: invoices, invoice responses, orders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Receiving invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Capability>,
    /// Receiving invoice responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_response: Option<Capability>,
    /// Receiving orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<Capability>,
    /// Fields this client does not know, kept so a PUT does not drop them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Peppol configuration of the environment or of one party.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeppolConfig {
    /// The party id (for a party's configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the party can receive.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// The Peppol directory business card, as the platform sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_card: Option<serde_json::Value>,
    /// When it was created (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// When it last changed (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_on: Option<String>,
    /// Fields this client does not know, kept so a PUT does not drop them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PeppolConfig {
    /// True when receiving invoices is in effect.
    pub fn receives_invoices(&self) -> bool {
        self.capabilities
            .invoices
            .as_ref()
            .is_some_and(|c| c.state.is_on())
    }
}

fn party_config_path(party: &PartyId) -> String {
    format!("/api/v1/peppol/config/party/{}", party.to_path_segment())
}

impl Client {
    /// `GET /api/v1/peppol/config`: the environment's defaults.
    pub async fn peppol_config(&self) -> Result<PeppolConfig, Error> {
        self.send_json(Call::new(
            Method::GET,
            self.api_url("/api/v1/peppol/config")?,
        ))
        .await
    }

    /// `PUT /api/v1/peppol/config`: sets the environment's defaults.
    pub async fn put_peppol_config(&self, config: &PeppolConfig) -> Result<PeppolConfig, Error> {
        let call = Call::new(Method::PUT, self.api_url("/api/v1/peppol/config")?).json(config)?;
        self.send_json(call).await
    }

    /// `GET /api/v1/peppol/config/party/{partyId}`; `None` when the party is not registered (404).
    pub async fn peppol_party_config(
        &self,
        party: &PartyId,
    ) -> Result<Option<PeppolConfig>, Error> {
        let call = Call::new(Method::GET, self.api_url(&party_config_path(party))?);
        match self.send_json(call).await {
            Ok(config) => Ok(Some(config)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT /api/v1/peppol/config/party/{partyId}`: registers (or updates) the party for receiving.
    ///
    /// Receiving is a paid service: ask the user before switching it on.
    pub async fn put_peppol_party_config(
        &self,
        party: &PartyId,
        config: &PeppolConfig,
    ) -> Result<PeppolConfig, Error> {
        let call = Call::new(Method::PUT, self.api_url(&party_config_path(party))?).json(config)?;
        self.send_json(call).await
    }

    /// `DELETE /api/v1/peppol/config/party/{partyId}`: deregisters the party.
    pub async fn delete_peppol_party_config(&self, party: &PartyId) -> Result<(), Error> {
        self.send_empty(Call::new(
            Method::DELETE,
            self.api_url(&party_config_path(party))?,
        ))
        .await
    }

    /// `GET /api/v1/peppol/deliveryOption?partyIds=…` (public, no token): how each party can
    /// be reached. One entry per party and document type it accepts; none for a party that
    /// cannot receive.
    pub async fn delivery_options(
        &self,
        query: &DeliveryOptionQuery,
    ) -> Result<Vec<DeliveryOption>, Error> {
        let url = delivery_option_url(self, query)?;
        self.send_json(Call::new(Method::GET, url).anonymous())
            .await
    }

    /// Whether `party` can receive an invoice over Peppol: the delivery-option look-up for
    /// the invoice family (no credit notes) has an entry for it.
    pub async fn receives_invoices_over_peppol(&self, party: &PartyId) -> Result<bool, Error> {
        let options = self
            .delivery_options(&DeliveryOptionQuery::invoices(std::slice::from_ref(party)))
            .await?;
        Ok(can_receive_invoices(&options, party))
    }
}

/// The invoice document family, as `documentFamily` names it.
pub const DOCUMENT_FAMILY_INVOICE: &str = "Invoice";

/// What to look up in `GET /api/v1/peppol/deliveryOption`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryOptionQuery {
    /// The parties (`partyIds`, repeated once per party).
    pub party_ids: Vec<PartyId>,
    /// Only these document types (`documentTypeIds`, repeated), full URNs.
    pub document_type_ids: Vec<String>,
    /// Only this family, e.g. [`DOCUMENT_FAMILY_INVOICE`].
    pub document_family: Option<String>,
    /// `Some(false)`: invoices only; `Some(true)`: credit notes only.
    pub is_credit: Option<bool>,
}

impl DeliveryOptionQuery {
    /// Every option of these parties.
    pub fn parties(parties: &[PartyId]) -> Self {
        DeliveryOptionQuery {
            party_ids: parties.to_vec(),
            ..Self::default()
        }
    }

    /// The invoice options (no credit notes) of these parties.
    pub fn invoices(parties: &[PartyId]) -> Self {
        DeliveryOptionQuery {
            party_ids: parties.to_vec(),
            document_family: Some(DOCUMENT_FAMILY_INVOICE.into()),
            is_credit: Some(false),
            ..Self::default()
        }
    }
}

/// The Peppol process of a delivery option: a plain id in the documented answer, an object
/// (e.g. `{"scheme","value"}`) in newer answers. Either is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProcessId {
    /// `"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"`.
    Text(String),
    /// An object, as sent.
    Object(serde_json::Map<String, serde_json::Value>),
}

impl ProcessId {
    /// The process id's text: the string itself, or the object's `value` (or `id`) field.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ProcessId::Text(s) => Some(s),
            ProcessId::Object(m) => ["value", "id"]
                .iter()
                .find_map(|k| m.get(*k).and_then(|v| v.as_str())),
        }
    }
}

/// One way a party can be reached:
/// `{"partyId","documentTypeId","processId","protocol","url","certificate"}`, plus the
/// newer `family` and `accessPoint`, and anything else the platform adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOption {
    /// The party, as the platform writes it (e.g. `NL:KVK:12345678`).
    pub party_id: PartyId,
    /// The full document-type URN the party accepts.
    #[serde(default)]
    pub document_type_id: String,
    /// The Peppol process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<ProcessId>,
    /// `As4` or `As2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The receiving access point's endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The access point's certificate (base64), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The document family (newer answers), e.g. `Invoice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The receiving access point (newer answers), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_point: Option<serde_json::Value>,
    /// Fields this client does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl DeliveryOption {
    /// True for an invoice document type (UBL `Invoice-2` or CII; not a credit note).
    pub fn is_invoice(&self) -> bool {
        if self
            .family
            .as_deref()
            .is_some_and(|f| !f.eq_ignore_ascii_case(DOCUMENT_FAMILY_INVOICE))
        {
            return false;
        }
        let id = self.document_type_id.as_str();
        id.contains("::Invoice##") || id.contains("CrossIndustryInvoice")
    }
}

/// Whether the look-up says `party` can receive an invoice: a non-empty list of invoice
/// options for it. An empty list means it cannot receive over Peppol.
pub fn can_receive_invoices(options: &[DeliveryOption], party: &PartyId) -> bool {
    options
        .iter()
        .any(|o| o.party_id == *party && o.is_invoice())
}

/// The look-up's URL, with `partyIds` and `documentTypeIds` repeated once per value (as
/// eConnect's .NET SDK sends them).
fn delivery_option_url(client: &Client, query: &DeliveryOptionQuery) -> Result<url::Url, Error> {
    let mut url = client.api_url("/api/v1/peppol/deliveryOption")?;
    {
        let mut pairs = url.query_pairs_mut();
        for party in &query.party_ids {
            pairs.append_pair("partyIds", party.as_str());
        }
        for id in &query.document_type_ids {
            pairs.append_pair("documentTypeIds", id);
        }
        if let Some(family) = &query.document_family {
            pairs.append_pair("documentFamily", family);
        }
        if let Some(credit) = query.is_credit {
            pairs.append_pair("isCredit", if credit { "true" } else { "false" });
        }
    }
    crate::endpoints::sales::strip_empty_query(&mut url);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";

    #[test]
    fn delivery_option_reads_the_documented_shape() {
        let text = format!(
            r#"[{{"partyId":"NL:KVK:54441587","documentTypeId":"{BIS}","processId":"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0","protocol":"As4","url":"https://ap.example/as4","certificate":"MIIB"}}]"#
        );
        let options: Vec<DeliveryOption> = serde_json::from_str(&text).unwrap();
        assert_eq!(options[0].party_id, PartyId::new("0106:54441587"));
        assert_eq!(
            options[0].process_id.as_ref().and_then(ProcessId::as_text),
            Some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
        );
        assert!(can_receive_invoices(
            &options,
            &PartyId::new("NL:KVK:54441587")
        ));
        assert!(!can_receive_invoices(
            &options,
            &PartyId::new("NL:KVK:11111111")
        ));
        assert!(!can_receive_invoices(&[], &PartyId::new("NL:KVK:54441587")));
    }

    #[test]
    fn delivery_option_reads_newer_answers_and_keeps_unknown_fields() {
        let text = format!(
            r#"{{"partyId":"0106:54441587","documentTypeId":"{BIS}","processId":{{"scheme":"cenbii-procid-ubl","value":"urn:p"}},"protocol":"As4","url":"u","certificate":"c","family":"Invoice","accessPoint":{{"name":"AP"}},"priority":2}}"#
        );
        let option: DeliveryOption = serde_json::from_str(&text).unwrap();
        assert_eq!(
            option.process_id.as_ref().and_then(ProcessId::as_text),
            Some("urn:p")
        );
        assert_eq!(option.access_point.as_ref().unwrap()["name"], "AP");
        assert_eq!(option.extra["priority"], 2);
        assert!(option.is_invoice());
        let back = serde_json::to_value(&option).unwrap();
        assert_eq!(back["processId"]["scheme"], "cenbii-procid-ubl");
        assert_eq!(back["priority"], 2);
    }

    #[test]
    fn a_credit_note_option_is_not_an_invoice_option() {
        let option: DeliveryOption = serde_json::from_str(
            r#"{"partyId":"0106:54441587","documentTypeId":"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##x::2.1"}"#,
        )
        .unwrap();
        assert!(!option.is_invoice());
    }
}
