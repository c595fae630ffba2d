//! Every answer body the client reads is capped: a server cannot make the app hold an
//! unbounded JSON answer in memory.

use econnect_api::{Client, Config, Credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// A server that hands out tokens and answers every API call with `size` bytes of JSON
/// whitespace followed by `{}`, with or without a Content-Length.
async fn flooding_server(size: usize, with_length: bool) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                if head.contains("/connect/token") {
                    let json = r#"{"access_token":"t","expires_in":3600,"token_type":"Bearer"}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
                        json.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    return;
                }
                let length = if with_length {
                    format!("content-length: {}\r\n", size + 2)
                } else {
                    String::new()
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < size {
                    let take = block.len().min(size - sent);
                    if socket.write_all(&block[..take]).await.is_err() {
                        return; // the client gave up: what we want
                    }
                    sent += take;
                }
                let _ = socket.write_all(b"{}").await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Url::parse(&format!("http://{addr}")).unwrap()
}

fn client(base: Url) -> Client {
    let credentials = Credentials::ClientCredentials {
        client_id: "c".into(),
        client_secret: "s".into(),
    };
    Client::new(Config::new(base.clone(), base, credentials)).unwrap()
}

#[tokio::test]
async fn an_oversized_json_answer_is_refused_with_or_without_a_length() {
    for with_length in [true, false] {
        let base = flooding_server(40 * 1024 * 1024, with_length).await;
        let err = client(base).users().await.unwrap_err();
        assert!(
            matches!(err, econnect_api::Error::TooLarge { limit } if limit == 16 * 1024 * 1024),
            "{with_length}: {err:?}"
        );
        assert!(err.to_string().contains("larger than"), "{err}");
    }
}

#[tokio::test]
async fn a_json_answer_within_the_cap_is_read() {
    let base = flooding_server(1024 * 1024, false).await;
    let err = client(base).users().await.unwrap_err();
    // `{}` is not a list of users: the body was read whole and decoded.
    assert!(matches!(err, econnect_api::Error::Decode(_)), "{err:?}");
}
