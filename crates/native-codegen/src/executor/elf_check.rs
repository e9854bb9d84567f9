//! Checks a shared library's ELF headers against the file before the dynamic loader maps it:
//! the loader trusts them, and a truncated library (a segment ending past the end of the file)
//! dies of SIGBUS inside `dlopen` instead of failing.

/// Why a file is not a loadable library, if it is not.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let field = |offset: usize, size: usize| -> Result<u64, String> {
        let slice = bytes
            .get(offset..offset + size)
            .ok_or_else(|| format!("truncated ELF header ({} bytes)", bytes.len()))?;
        let mut word = [0u8; 8];
        word[..size].copy_from_slice(slice);
        Ok(u64::from_le_bytes(word))
    };
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err("not an ELF file".to_owned());
    }
    // 64-bit, little-endian: the only libraries Cairn writes (x86_64, aarch64).
    if bytes.get(4) != Some(&2) || bytes.get(5) != Some(&1) {
        return Err("not a 64-bit little-endian ELF file".to_owned());
    }
    let length = bytes.len() as u64;
    let table_end = |offset: u64, entry: u64, count: u64| -> Option<u64> {
        offset.checked_add(entry.checked_mul(count)?)
    };
    let program_headers = field(0x20, 8)?;
    let program_entry = field(0x36, 2)?;
    let program_count = field(0x38, 2)?;
    let section_headers = field(0x28, 8)?;
    let section_entry = field(0x3a, 2)?;
    let section_count = field(0x3c, 2)?;
    for (what, end) in [
        (
            "program headers",
            table_end(program_headers, program_entry, program_count),
        ),
        (
            "section headers",
            table_end(section_headers, section_entry, section_count),
        ),
    ] {
        if end.is_none_or(|end| end > length) {
            return Err(format!(
                "its {what} end past the end of the file (truncated?)"
            ));
        }
    }
    for index in 0..program_count {
        let header = usize::try_from(program_headers + index * program_entry)
            .map_err(|_| "program header offset out of range".to_owned())?;
        const PT_LOAD: u64 = 1;
        if field(header, 4)? != PT_LOAD {
            continue;
        }
        let offset = field(header + 0x08, 8)?;
        let file_size = field(header + 0x20, 8)?;
        if offset.checked_add(file_size).is_none_or(|end| end > length) {
            return Err("a loadable segment ends past the end of the file (truncated?)".to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    /// This test binary itself: an ELF file the loader accepts.
    fn own_executable() -> Vec<u8> {
        std::fs::read(std::env::current_exe().expect("test binary")).expect("readable")
    }

    #[test]
    fn accepts_a_whole_elf_file_and_refuses_a_truncated_one() {
        let whole = own_executable();
        assert_eq!(check(&whole), Ok(()));
        for cut in [3, 40, 100, whole.len() / 2, whole.len() - 1] {
            assert!(check(&whole[..cut]).is_err(), "accepted {cut} bytes");
        }
        assert_eq!(check(b"#!/bin/sh\n"), Err("not an ELF file".to_owned()));
    }
}
