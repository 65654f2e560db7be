//! Reading articles: plain-text UTF-8 only, with clear errors for everything else.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest article accepted, in bytes. News articles are a few kilobytes; anything this big is
/// almost certainly not an article (a dump, a binary, a concatenated corpus).
pub const MAX_ARTICLE_BYTES: u64 = 8 * 1024 * 1024;

/// Why an article could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The file could not be opened or read.
    Io { path: PathBuf, message: String },
    /// The file is larger than [`MAX_ARTICLE_BYTES`].
    TooLarge { path: PathBuf, bytes: u64 },
    /// The file contains a NUL byte: it is binary, not text.
    Binary { path: PathBuf, offset: usize },
    /// The file is not valid UTF-8.
    InvalidUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
        column: usize,
        byte: u8,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, message } => {
                write!(f, "{}: cannot read the article: {message}", path.display())
            }
            InputError::TooLarge { path, bytes } => write!(
                f,
                "{}: {bytes} bytes is more than the {} MiB limit for one article (hint: extract reads \
                 one news article per file; split the file into articles)",
                path.display(),
                MAX_ARTICLE_BYTES / (1024 * 1024)
            ),
            InputError::Binary { path, offset } => write!(
                f,
                "{}: looks like a binary file (NUL byte at byte offset {offset}); extract reads \
                 plain-text UTF-8 articles (hint: convert PDFs or Word files to text first)",
                path.display()
            ),
            InputError::InvalidUtf8 { path, offset, line, column, byte } => write!(
                f,
                "{}:{line}:{column}: invalid UTF-8 (byte 0x{byte:02x} at byte offset {offset}) \
                 (hint: convert the article to UTF-8, e.g. `iconv -f windows-1252 -t utf-8`)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Read one article, refusing binary files, invalid UTF-8 and files over
/// [`MAX_ARTICLE_BYTES`] with an [`InputError`] that names the file. An empty file is fine
/// (it yields an empty result).
pub fn read_article(path: &Path) -> Result<String, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    // Folders, FIFOs and devices are refused by type, before anything is read.
    let (file, len) =
        detente_scenario::safe_io::open_regular(path).map_err(|e| InputError::Io {
            path: path.to_path_buf(),
            message: e.message,
        })?;
    if len > MAX_ARTICLE_BYTES {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            bytes: len,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read at most one byte over the limit, in case the file grew (or is a pipe).
    file.take(MAX_ARTICLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            bytes: bytes.len() as u64,
        });
    }
    decode(path, bytes)
}

/// Check that `bytes` is a text article (no NUL, valid UTF-8) and turn it into a `String`.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, InputError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(InputError::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            // Column in characters (the prefix is valid UTF-8).
            let column = std::str::from_utf8(&before[line_start..])
                .map(|s| s.chars().count())
                .unwrap_or(0)
                + 1;
            Err(InputError::InvalidUtf8 {
                path: path.to_path_buf(),
                offset,
                line,
                column,
                byte: bytes[offset],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let e = decode(Path::new("a.txt"), b"ok\nab\xffc".to_vec()).unwrap_err();
        assert_eq!(
            e,
            InputError::InvalidUtf8 {
                path: "a.txt".into(),
                offset: 5,
                line: 2,
                column: 3,
                byte: 0xff
            }
        );
        assert!(e.to_string().starts_with("a.txt:2:3: invalid UTF-8"));
    }

    #[test]
    fn nul_is_binary() {
        let e = decode(Path::new("b.bin"), b"\x7fELF\x02\x01\x00\x00".to_vec()).unwrap_err();
        assert!(matches!(e, InputError::Binary { offset: 6, .. }));
    }

    #[test]
    fn empty_is_fine() {
        assert_eq!(decode(Path::new("e.txt"), Vec::new()).unwrap(), "");
    }
}
