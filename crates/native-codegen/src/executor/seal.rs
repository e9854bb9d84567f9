//! The seal at the end of a library Cairn writes: a magic string and the SHA-256 of every byte
//! before it. The dynamic loader ignores bytes past the ELF contents, and checking the seal
//! before `dlopen` means no changed byte — a truncated copy, code spliced beside another
//! program, an edited embedded program — reaches the loader or runs.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Marks a sealed library; the number is the seal's format.
const MAGIC: &[u8; 16] = b"cairn-lib-seal-1";
/// The magic and the digest.
const SEAL_LEN: usize = MAGIC.len() + 32;

/// Appends the seal to the library at `path`.
pub(crate) fn seal(path: &Path) -> std::io::Result<()> {
    let digest = Sha256::digest(std::fs::read(path)?);
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(MAGIC)?;
    file.write_all(&digest)?;
    file.sync_all()
}

/// Checks that `bytes` end with a seal over the bytes before it.
pub(crate) fn verify(bytes: &[u8]) -> Result<(), &'static str> {
    let Some(sealed_len) = bytes.len().checked_sub(SEAL_LEN) else {
        return Err("not a library written by Cairn (no seal at its end)");
    };
    let (sealed, seal) = bytes.split_at(sealed_len);
    let (magic, digest) = seal.split_at(MAGIC.len());
    if magic != MAGIC {
        return Err(
            "not a library written by Cairn (no seal at its end), or one stripped or \
                    written by an older Cairn: recompile it",
        );
    }
    if Sha256::digest(sealed).as_slice() != digest {
        return Err(
            "its bytes changed after Cairn wrote it (a damaged or edited copy): \
                    recompile it",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_accepts_its_bytes_and_nothing_else() {
        let file = tempfile::NamedTempFile::new().expect("file");
        std::fs::write(file.path(), b"\x7fELF and the rest of a library").expect("write");
        seal(file.path()).expect("sealed");
        let sealed = std::fs::read(file.path()).expect("read");
        assert_eq!(verify(&sealed), Ok(()));

        for at in [0, 5, sealed.len() - SEAL_LEN - 1, sealed.len() - 1] {
            let mut changed = sealed.clone();
            changed[at] ^= 1;
            assert!(verify(&changed).is_err(), "a change at byte {at} passed");
        }
        assert!(verify(&sealed[..sealed.len() - 1]).is_err());
        assert!(verify(b"short").is_err());
        let mut appended = sealed.clone();
        appended.push(0);
        assert!(verify(&appended).is_err());
    }
}
