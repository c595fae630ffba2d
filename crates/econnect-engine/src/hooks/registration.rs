//! Registers this installation's own environment hook: found again by the id it stored
//! (or, when the cache was lost, by its name), updated with every field it read kept, and
//! created when there is none. Hooks of others (a bookkeeping package, a second office
//! PC) are never rewritten or deleted.

use econnect_api::webhook::{
    INVOICE_RECEIVED, INVOICE_RECEIVED_ERROR, INVOICE_SENT, INVOICE_SENT_ERROR, INVOICE_SENT_RETRY,
};
use econnect_api::{Client, Hook};
use econnect_store::{OwnHook, Store};
use url::Url;

use crate::error::{EngineError, ErrorCode};

/// The topics the receiver asks for.
pub const HOOK_TOPICS: [&str; 5] = [
    INVOICE_RECEIVED,
    INVOICE_RECEIVED_ERROR,
    INVOICE_SENT,
    INVOICE_SENT_ERROR,
    INVOICE_SENT_RETRY,
];

/// Scope of the environment's hook in the cache's `own_hooks`.
const ENVIRONMENT: &str = "";

/// The name of this installation's hook.
pub fn hook_name(installation: &str) -> String {
    format!("eConnect Desktop – {installation}")
}

/// The hook's action: the public URL with the secret as its fragment.
fn action(public_url: &Url, secret: &str) -> String {
    let mut url = public_url.clone();
    url.set_fragment(Some(secret));
    url.to_string()
}

/// What this installation's hook should say: where events go and which ones.
pub struct OwnAction {
    /// `<url>#<secret>` or `mailto:…`.
    pub action: String,
    /// The action without its secret, kept in the cache.
    pub shown: String,
    /// Topics to ask for.
    pub topics: Vec<String>,
    /// Whether the platform should deliver.
    pub active: bool,
}

/// Creates or updates this installation's environment hook as a webhook to `public_url`;
/// returns it as the platform answered.
pub async fn register(
    client: &Client,
    store: &Store,
    public_url: &Url,
    secret: &str,
    name: &str,
) -> Result<Hook, EngineError> {
    let mut public = public_url.clone();
    public.set_fragment(None);
    let own = OwnAction {
        action: action(public_url, secret),
        shown: public.to_string(),
        topics: HOOK_TOPICS.iter().map(|t| t.to_string()).collect(),
        active: true,
    };
    put_own(client, store, name, own).await
}

/// This installation's hook as the platform has it, if any (by stored id, else by name).
pub async fn find_own(
    client: &Client,
    store: &Store,
    name: &str,
) -> Result<Option<Hook>, EngineError> {
    let hooks = client.hooks().await?;
    let remembered = store.own_hook(ENVIRONMENT).await?;
    let by_id = remembered.as_ref().and_then(|own| {
        hooks
            .iter()
            .find(|h| h.id.as_deref() == Some(own.hook_id.as_str()))
    });
    Ok(by_id
        .or_else(|| hooks.iter().find(|h| h.name == name))
        .cloned())
}

/// Creates or updates this installation's environment hook with `own`; every other field
/// of an existing hook of ours is kept, and hooks of others are never touched.
pub async fn put_own(
    client: &Client,
    store: &Store,
    name: &str,
    own: OwnAction,
) -> Result<Hook, EngineError> {
    let existing = find_own(client, store, name).await?;
    write_own(client, store, name, own, existing).await
}

/// [`put_own`] for a caller that has just read our hook (`existing`): no second look-up.
pub async fn write_own(
    client: &Client,
    store: &Store,
    name: &str,
    own: OwnAction,
    existing: Option<Hook>,
) -> Result<Hook, EngineError> {
    let hook = match existing {
        // Ours: everything read is kept; only what makes it ours is set.
        Some(existing) => Hook {
            name: name.to_string(),
            action: own.action,
            topics: own.topics,
            is_active: own.active,
            ..existing
        },
        // Built from JSON so that fields the model gains later take their defaults.
        None => serde_json::from_value(serde_json::json!({
            "name": name,
            "action": own.action,
            "topics": own.topics,
            "isActive": own.active,
        }))
        .map_err(|e| EngineError::new(ErrorCode::Platform, format!("hook: {e}")))?,
    };
    let saved = client.put_hook(&hook).await?;
    let id = saved.id.clone().or(hook.id.clone()).ok_or_else(|| {
        EngineError::new(
            ErrorCode::Platform,
            "the platform answered the hook without an id",
        )
    })?;
    store
        .set_own_hook(&OwnHook {
            scope: ENVIRONMENT.to_string(),
            hook_id: id,
            name: name.to_string(),
            public_url: own.shown,
        })
        .await?;
    Ok(saved)
}
