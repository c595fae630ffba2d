//! What Instellingen asks of the engine beyond the desktop settings file: the
//! environment's Peppol defaults (Omgeving), the connection and its subscription key
//! (Koppeling), and the cache's size, emptying and CSV export (Gegevens).

pub mod connection;
pub mod data;
pub mod peppol;

pub use connection::ConnectionInfo;
pub use data::{CacheInfo, CsvExport};
pub use peppol::PeppolDefaults;
