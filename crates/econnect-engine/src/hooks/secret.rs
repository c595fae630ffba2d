//! The hook's signing secret: 32 random bytes (hex), made once per profile and kept in the
//! OS keyring; without a keyring, in a file in the profile's folder that only the user can
//! read (0600). Never in the cache, a log or a config file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{EngineError, ErrorCode};
use crate::secrets::{self, SecretError, SecretStore};

/// The file that holds the secret when there is no keyring.
pub const SECRET_FILE: &str = "hook-secret";

/// Where the secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretPlace {
    /// In the OS keyring.
    Keyring,
    /// In this file (mode 0600).
    File(PathBuf),
}

/// The keyring account of a profile's hook secret.
pub fn secret_account(profile: &str) -> String {
    format!("{profile}/hook-secret")
}

/// The profile's hook secret, made (and kept) the first time. A file made earlier (when
/// there was no keyring) stays in use, so the secret does not change under a running hook.
pub async fn hook_secret(
    keyring: &Arc<dyn SecretStore>,
    profile_folder: &Path,
    profile: &str,
) -> Result<(String, SecretPlace), EngineError> {
    let file = profile_folder.join(SECRET_FILE);
    if let Some(secret) = read_file(&file)? {
        return Ok((secret, SecretPlace::File(file)));
    }
    let account = secret_account(profile);
    let read = {
        let account = account.clone();
        secrets::blocking(keyring, move |k| k.get(&account)).await
    };
    match read {
        Ok(Some(secret)) if is_valid(&secret) => return Ok((secret, SecretPlace::Keyring)),
        Ok(_) => {}
        Err(e) => {
            tracing::info!(error = %e, "no keyring for the hook secret; using a file");
            return make_file(&file).map(|s| (s, SecretPlace::File(file)));
        }
    }
    let secret = new_secret();
    let stored = {
        let secret = secret.clone();
        secrets::blocking(keyring, move |k| k.set(&account, &secret)).await
    };
    match stored {
        Ok(()) => Ok((secret, SecretPlace::Keyring)),
        Err(SecretError::Unavailable(e)) | Err(SecretError::Failed(e)) => {
            tracing::info!(error = %e, "hook secret not stored in the keyring; using a file");
            make_file(&file).map(|s| (s, SecretPlace::File(file)))
        }
    }
}

fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn is_valid(secret: &str) -> bool {
    secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())
}

fn file_error(path: &Path, e: std::io::Error) -> EngineError {
    EngineError::new(ErrorCode::Folder, format!("{}: {e}", path.display()))
}

fn read_file(path: &Path) -> Result<Option<String>, EngineError> {
    match std::fs::read_to_string(path) {
        Ok(text) if is_valid(text.trim()) => {
            restrict(path).map_err(|e| file_error(path, e))?;
            Ok(Some(text.trim().to_string()))
        }
        // An empty or damaged file (a crash while writing it) is made again.
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(file_error(path, e)),
    }
}

/// Writes a new secret to a temp file made 0600 from the start, then renames it in place.
fn make_file(path: &Path) -> Result<String, EngineError> {
    let secret = new_secret();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let (mut f, temp) = econnect_api::local_file::create_private_temp(dir, "hook-secret", "tmp")
        .map_err(|e| file_error(dir, e))?;
    let written = f
        .write_all(secret.as_bytes())
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(file_error(path, e));
    }
    Ok(secret)
}

/// Makes the file readable by the user only (a copy restored from a backup may not be).
fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode != 0o600 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryKeyring, NoKeyring};

    #[tokio::test]
    async fn made_once_and_kept_in_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let memory = MemoryKeyring::default();
        let keyring: Arc<dyn SecretStore> = Arc::new(memory.clone());
        let (first, place) = hook_secret(&keyring, dir.path(), "p").await.unwrap();
        assert_eq!(place, SecretPlace::Keyring);
        assert!(is_valid(&first));
        let (again, _) = hook_secret(&keyring, dir.path(), "p").await.unwrap();
        assert_eq!(first, again);
        assert_eq!(memory.len(), 1);
        assert!(!dir.path().join(SECRET_FILE).exists());
    }

    #[tokio::test]
    async fn without_a_keyring_a_file_only_the_user_reads() {
        let dir = tempfile::tempdir().unwrap();
        let keyring: Arc<dyn SecretStore> = Arc::new(NoKeyring);
        let (first, place) = hook_secret(&keyring, dir.path(), "p").await.unwrap();
        let file = dir.path().join(SECRET_FILE);
        assert_eq!(place, SecretPlace::File(file.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let (again, _) = hook_secret(&keyring, dir.path(), "p").await.unwrap();
        assert_eq!(first, again);
        // Once a file exists it stays the source, also when a keyring appears later.
        let memory: Arc<dyn SecretStore> = Arc::new(MemoryKeyring::default());
        assert_eq!(
            hook_secret(&memory, dir.path(), "p").await.unwrap().0,
            first
        );
    }
}
