//! The command-line grammar (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `econnect`: the eConnect Desktop command line (no window needed).
#[derive(Debug, Parser)]
#[command(name = "econnect", version, about)]
pub struct Cli {
    /// Base URL of the platform API [default: production].
    #[arg(long, env = "ECONNECT_API_BASE", global = true)]
    pub api_base: Option<String>,
    /// Base URL of the identity server [default: the API base when that is set, else production].
    #[arg(long, env = "ECONNECT_IDENTITY_BASE", global = true)]
    pub identity_base: Option<String>,
    /// Data folder of eConnect Desktop.
    #[arg(long, env = "ECONNECT_HOME", global = true)]
    pub home: Option<PathBuf>,
    /// Legacy Subscription-Key header.
    #[arg(
        long,
        env = "ECONNECT_SUBSCRIPTION_KEY",
        global = true,
        hide_env_values = true
    )]
    pub subscription_key: Option<String>,
    /// X-EConnect-DomainId header (environment selection).
    #[arg(long, env = "ECONNECT_DOMAIN_ID", global = true)]
    pub domain_id: Option<String>,
    /// Timeout of one platform call, in seconds.
    #[arg(long, env = "ECONNECT_TIMEOUT", global = true, default_value_t = 30)]
    pub timeout: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the local platform sandbox until interrupted.
    Sandbox(SandboxArgs),
    /// Shows who is signed in.
    Whoami,
    /// Lists the organisations the user may act for.
    Orgs {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Uploads files for scan & recognise; prints one line per file.
    Recognize {
        /// The organisation (party id, e.g. NL:KVK:12345678).
        #[arg(long)]
        org: String,
        /// Recognise as sales invoices (default: purchase invoices).
        #[arg(long)]
        sales: bool,
        /// Retries per file after a temporary failure (the same document id is reused).
        #[arg(long, default_value_t = 3)]
        retries: u32,
        /// Send a file again although the same content was already sent ("toch verzenden").
        #[arg(long)]
        force: bool,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Shows a document's status history.
    DocumentStatus {
        /// The organisation (party id).
        #[arg(long)]
        org: String,
        /// A sales document (default: purchase).
        #[arg(long)]
        sales: bool,
        /// The document id.
        id: String,
    },
    /// Signs in (asks for user name and password) and remembers the password in the OS keyring.
    Login {
        /// The environment (ignored when --api-base is given: then that server).
        #[arg(long = "env", value_enum, default_value_t = EnvArg::Production)]
        environment: EnvArg,
        /// The user name (asked when absent).
        #[arg(long)]
        user: Option<String>,
    },
    /// Signs out: deletes the remembered password from the OS keyring.
    Logout,
    /// Brings the organisation data up to date, then the statuses of open documents sent
    /// from here.
    Sync {
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Lists the documents of this computer (sent from here, received), each with its file
    /// name and status (also offline).
    Documents {
        /// Only this organisation (party id, e.g. NL:KVK:12345678).
        #[arg(long)]
        org: Option<String>,
        /// Only this status (Pending, Validated, Routed, Delivered, Rejected, Failed).
        #[arg(long)]
        status: Option<String>,
        /// Words in invoice number, counterparty or file name.
        #[arg(long)]
        search: Option<String>,
        /// At most this many rows.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Downloads new received invoices once (UBL and embedded PDF) into the receive folder.
    Receive {
        /// Only this organisation (party id).
        #[arg(long)]
        org: Option<String>,
        /// Into this folder (`<DIR>/Ontvangen/<organisatie>/YYYY-MM/`) instead of the chosen one.
        #[arg(long = "to")]
        to: Option<PathBuf>,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Watches folders and sends every invoice put there exactly once, until SIGINT/SIGTERM.
    Watch(crate::commands::intake::WatchArgs),
    /// Receiving by hook: the platform's webhook events.
    #[command(subcommand)]
    Hooks(HooksCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// The environments `econnect login` can sign in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvArg {
    /// psb.econnect.eu.
    Production,
    /// accp-psb.econnect.eu (no real Peppol traffic).
    Acceptance,
    /// A sandbox inside this process with demo data (gone when the command ends).
    Sandbox,
}

/// Options of `econnect sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Seed data.
    #[arg(long, value_enum, default_value_t = SeedArg::Demo)]
    pub seed: SeedArg,
}

/// Which seed data the sandbox starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedArg {
    /// The demo accountant environment.
    Demo,
    /// Nothing but the demo users.
    Empty,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Uploads through the client vs raw multipart posts, against an in-process sandbox.
    Upload(BenchUploadArgs),
    /// The intake engine: watched-folder throughput vs a bare upload loop, pickup latency, memory.
    Intake(crate::commands::bench_intake::BenchIntakeArgs),
    /// Syncs 50 organisations, writes 50 × 2,000 local documents vs a raw bulk insert; then searches.
    Sync(BenchSyncArgs),
    /// Brings 10,000 open documents' statuses up to date (one status call each): calls and time.
    Status(crate::commands::bench_status::BenchStatusArgs),
    /// Downloads 1,000 announced received invoices vs a bare download loop over the same ids.
    Receive(crate::commands::bench_receive::BenchReceiveArgs),
}

/// Options of `econnect bench sync`.
#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    /// Organisations.
    #[arg(long, default_value_t = 50)]
    pub parties: usize,
    /// Local documents per organisation (half sent, half received).
    #[arg(long, default_value_t = 2000)]
    pub documents: usize,
    /// Search queries to time.
    #[arg(long, default_value_t = 1000)]
    pub queries: usize,
    /// Rounds of sync vs bulk insert (alternating which goes first); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

/// Options of `econnect bench upload`.
#[derive(Debug, Args)]
pub struct BenchUploadArgs {
    /// Number of files.
    #[arg(long, default_value_t = 1000)]
    pub files: usize,
    /// Size of each file in KiB.
    #[arg(long, default_value_t = 100)]
    pub size_kb: usize,
    /// Uploads in flight.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Rounds; each side uploads every file once per round, alternating which goes first.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Which side to run (one side alone shows that side's peak memory).
    #[arg(long, value_enum, default_value_t = BenchSide::Both)]
    pub side: BenchSide,
}

/// The sides of the upload benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSide {
    /// The client and the raw baseline, interleaved.
    Both,
    /// Only uploads through the client.
    Client,
    /// Only raw multipart posts.
    Raw,
}

impl Command {
    /// Whether the process keeps one allocator heap (`memory::one_heap`): everything that
    /// runs all day, like the app. Not the office receiver, where a burst of deliveries
    /// matters more than a few MB: with one heap its threads queue for the allocator's one
    /// lock (`bench receive`: engine CPU per invoice 384–399 vs 312–339 µs with glibc's
    /// heaps, like-with-like ratio 0.84× vs 0.95×), nor its benchmark unless asked.
    pub fn keeps_one_heap(&self) -> bool {
        match self {
            Command::Hooks(HooksCommand::Serve(_)) => false,
            Command::Bench(BenchCommand::Receive(args)) => args.one_heap,
            _ => true,
        }
    }
}

/// `econnect hooks …`.
#[derive(Debug, Subcommand)]
pub enum HooksCommand {
    /// Serves the webhook receiver until SIGINT/SIGTERM: registers this installation's hook
    /// and writes every invoice it announces once to the receive folder.
    Serve(HooksServeArgs),
}

/// Options of `econnect hooks serve`.
#[derive(Debug, Args)]
pub struct HooksServeArgs {
    /// Address to listen on (e.g. 127.0.0.1:8080 behind a reverse proxy; port 0 picks one).
    #[arg(long)]
    pub listen: SocketAddr,
    /// The address the platform posts to: https, or http on 127.0.0.1, ::1 or localhost.
    #[arg(long)]
    pub public_url: String,
    /// Into this folder (`<DIR>/Ontvangen/<organisatie>/YYYY-MM/`) instead of the chosen one.
    #[arg(long = "to")]
    pub to: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keeps_one_heap(args: &[&str]) -> bool {
        match Cli::try_parse_from(std::iter::once("econnect").chain(args.iter().copied())) {
            Ok(cli) => cli.command.keeps_one_heap(),
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

    #[test]
    fn only_the_office_receiver_and_its_benchmark_keep_glibcs_heaps() {
        let serve = ["hooks", "serve", "--listen", "127.0.0.1:0", "--public-url"];
        assert!(!keeps_one_heap(
            &[&serve[..], &["http://127.0.0.1/h"]].concat()
        ));
        assert!(!keeps_one_heap(&["bench", "receive"]));
        assert!(keeps_one_heap(&["bench", "receive", "--one-heap"]));
        assert!(keeps_one_heap(&["watch"]));
        assert!(keeps_one_heap(&["bench", "intake"]));
    }
}
