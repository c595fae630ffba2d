//! Redirects are never followed: a 307/308 from the identity server would re-POST the
//! password form to wherever it points, and a redirect from the API would carry the
//! bearer token and subscription key to another host.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use econnect_api::{Client, Config, Credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// A server that answers every request with `status` and `Location: location`, and counts
/// the connections it got.
async fn server(status: &'static str, location: Option<String>) -> (Url, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let extra = location
                .as_deref()
                .map(|l| format!("location: {l}\r\n"))
                .unwrap_or_default();
            let response = format!(
                "HTTP/1.1 {status}\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n"
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (Url::parse(&format!("http://{addr}")).unwrap(), hits)
}

fn password_config(identity: Url, api: Url) -> Config {
    Config::new(
        api,
        identity,
        Credentials::Password {
            username: "a@b.nl".into(),
            password: "geheim".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
        },
    )
}

#[tokio::test]
async fn a_redirecting_identity_server_never_gets_the_password_form_sent_elsewhere() {
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let (elsewhere, elsewhere_hits) = server("200 OK", None).await;
        let target = format!("{elsewhere}connect/token");
        let (identity, identity_hits) = server(status, Some(target)).await;
        let client = Client::new(password_config(identity.clone(), identity)).unwrap();
        assert!(
            client.me().await.is_err(),
            "{status}: a redirect is not a token"
        );
        assert_eq!(identity_hits.load(Ordering::SeqCst), 1, "{status}");
        assert_eq!(
            elsewhere_hits.load(Ordering::SeqCst),
            0,
            "{status}: the form went elsewhere"
        );
    }
}

#[tokio::test]
async fn a_redirecting_api_never_gets_the_token_sent_to_another_host() {
    let env = crate::common::Env::demo().await;
    let (elsewhere, elsewhere_hits) = server("200 OK", None).await;
    let (api, api_hits) = server(
        "307 Temporary Redirect",
        Some(format!("{elsewhere}api/v1/me")),
    )
    .await;
    let mut config = env.config_for("demo@voorbeeld.nl", "demo");
    config.api_base = api;
    let client = Client::new(config).unwrap();
    assert!(client.me().await.is_err());
    assert_eq!(api_hits.load(Ordering::SeqCst), 1);
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the token went to another host"
    );
}
