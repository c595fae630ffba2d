//! The like-with-like baseline of `bench receive`: a bare hook receiver on a second,
//! identically seeded sandbox in the same process. The platform does the same work for it
//! as for the engine (it signs and posts one webhook per invoice and serves the download);
//! the receiver answers each delivery 200 at once (no signature check, no inbox, no cache),
//! then downloads the announced invoice and writes it and its embedded PDF with fsync, as
//! many at a time as the engine. The difference to the engine is what the engine adds on
//! top.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use econnect_api::{Client, Hook, PartyId};
use econnect_sandbox::{ReceivedInvoice, Seed};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::mpsc;

/// A bare receiver with its own sandbox.
pub(crate) struct BareReceiver {
    sandbox: super::bench_receive::Platform,
    client: Client,
    announced: mpsc::Receiver<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Announced document ids waiting for their download (far more than a round needs).
const WAITING: usize = 1 << 16;

impl BareReceiver {
    /// Starts the receiver and registers it as the second sandbox's environment hook;
    /// `delay_ms` slows that sandbox's downloads as the engine's.
    pub(crate) async fn start(delay_ms: u64) -> Result<BareReceiver, String> {
        let sandbox = super::bench_receive::sandbox(Seed::Demo).await?;
        if delay_ms > 0 {
            super::bench_receive::slow_downloads(&sandbox, delay_ms).await?;
        }
        let client = super::bench_receive::client(&sandbox)?;
        let (tx, announced) = mpsc::channel::<String>(WAITING);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = Router::new()
            .route("/bare-hook", post(deliver))
            .with_state(tx);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        client
            .put_hook(&Hook::new(
                "bench: kale ontvanger",
                format!("http://{addr}/bare-hook#kaal-geheim"),
                &["InvoiceReceived"],
            ))
            .await
            .map_err(|e| e.to_string())?;
        Ok(BareReceiver {
            sandbox,
            client,
            announced,
            stop: Some(stop),
        })
    }

    /// Adds `invoices` received invoices (one webhook each) and waits until each is
    /// downloaded and written with fsync into `out`.
    pub(crate) async fn round(
        &mut self,
        invoices: usize,
        pdf_every: usize,
        round: usize,
        out: &Path,
        concurrency: usize,
    ) -> Result<Duration, String> {
        let party = PartyId::new(super::bench_receive::RECEIVING_PARTY);
        let out = super::bench_receive::month_folder(out);
        let start = Instant::now();
        tokio::fs::create_dir_all(&out)
            .await
            .map_err(|e| e.to_string())?;
        for n in 0..invoices {
            self.sandbox.add_received(ReceivedInvoice {
                party_id: super::bench_receive::RECEIVING_PARTY.into(),
                invoice_number: Some(format!("KAAL-{round}-{n:05}")),
                with_pdf: Some(pdf_every > 0 && n % pdf_every == 0),
                ..ReceivedInvoice::default()
            })?;
        }
        // Its downloads run in a task of the runtime, as the engine's worker does.
        let client = self.client.clone();
        let mut announced = std::mem::replace(&mut self.announced, mpsc::channel(1).1);
        let task = tokio::spawn(async move {
            let mut running = FuturesUnordered::new();
            let mut written = Vec::with_capacity(invoices);
            let mut taken = 0;
            loop {
                tokio::select! {
                    Some(id) = announced.recv(), if taken < invoices && running.len() < concurrency.max(1) => {
                        let path = out.join(format!("{taken}.xml"));
                        let (client, party) = (client.clone(), party.clone());
                        running.push(async move {
                            super::bench_receive::download_to(&client, &party, &id, &path).await
                        });
                        taken += 1;
                    }
                    Some(result) = running.next(), if !running.is_empty() => written.push(result),
                    else => break,
                }
            }
            (announced, written)
        });
        let (announced, written) = task.await.map_err(|e| e.to_string())?;
        self.announced = announced;
        let took = start.elapsed();
        let done = written
            .into_iter()
            .collect::<Result<Vec<()>, String>>()?
            .len();
        if done != invoices {
            return Err(format!("kale ontvanger: {done} van {invoices} geschreven"));
        }
        Ok(took)
    }
}

impl Drop for BareReceiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// One delivery: the document id is taken from the body and the platform answered at once.
async fn deliver(State(announced): State<mpsc::Sender<String>>, body: Bytes) -> StatusCode {
    let id = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("documentId")?.as_str().map(str::to_string));
    let Some(id) = id else {
        return StatusCode::BAD_REQUEST;
    };
    match announced.send(id).await {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
