//! Errors of the cache.

/// Everything a store call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite (through sqlx) failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed (the database is newer than this app, or damaged).
    #[error("database upgrade failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database file or its folder could not be created.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// The row asked for is not in the cache.
    #[error("not found: {0}")]
    NotFound(String),
    /// The caller passed something the store cannot use.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}
