//! Reading files safely whatever they are, confining source paths to the scenario's folder,
//! and escaping text for a terminal. See docs/limits.md.

use crate::limits::{self, Limit};
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read: a message and a hint on how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

fn err(message: String, hint: &str) -> ReadError {
    ReadError {
        message,
        hint: (!hint.is_empty()).then(|| hint.to_string()),
    }
}

fn not_regular(path: &Path, ft: std::fs::FileType) -> Option<ReadError> {
    use std::os::unix::fs::FileTypeExt;
    let what = if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_file() {
        return None;
    } else {
        "not a regular file"
    };
    Some(err(
        format!("{} is {what}, not a regular file", path.display()),
        "give the path of a regular file",
    ))
}

/// Open a regular file for reading. Folders, FIFOs, devices and sockets are refused from their
/// type before opening; the file is opened non-blocking and its type checked again, so a FIFO
/// swapped in meanwhile cannot hang the reader.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        err(
            format!("cannot read {}: {e}", path.display()),
            "check the path",
        )
    })?;
    if let Some(e) = not_regular(path, meta.file_type()) {
        return Err(e);
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(0o4000); // O_NONBLOCK
    }
    let file = opts
        .open(path)
        .map_err(|e| err(format!("cannot read {}: {e}", path.display()), ""))?;
    let meta = file
        .metadata()
        .map_err(|e| err(format!("cannot read {}: {e}", path.display()), ""))?;
    if let Some(e) = not_regular(path, meta.file_type()) {
        return Err(e);
    }
    Ok((file, meta.len()))
}

/// Read a regular file of at most `limit` bytes ([`open_regular`]); the size is checked before
/// reading and at most limit + 1 bytes are ever read, so a sparse file, or a file larger than it
/// says (`/proc`, a file still growing), is refused too.
pub fn read_bounded(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let max = limits::get(limit);
    let too_big = |n: String| {
        err(
            limits::exceeded(limit, n, &path.display().to_string()),
            "is this the right file?",
        )
    };
    let (file, len) = open_regular(path)?;
    if len > max {
        return Err(too_big(format!("{len} bytes")));
    }
    let mut buf = Vec::with_capacity(len.min(max) as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| err(format!("cannot read {}: {e}", path.display()), ""))?;
    if buf.len() as u64 > max {
        return Err(too_big(format!("more than {max} bytes")));
    }
    Ok(buf)
}

/// Read a UTF-8 text file of at most `limit` bytes (see [`read_bounded`]).
pub fn read_text_bounded(path: &Path, limit: Limit) -> Result<String, ReadError> {
    let bytes = read_bounded(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        err(
            format!(
                "{} is not UTF-8 (bad byte at {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "save it as UTF-8 text",
        )
    })
}

/// The folder a scenario's sources must stay in: the scenario's folder, or, when that folder is
/// inside a git work tree, the top of the work tree (so a project's scenarios can quote the
/// project's articles, as the flagship `scenarios/ukraine-2025.toml` quotes `data/articles/`).
pub fn sources_root(scenario_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = if scenario_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        scenario_dir
    };
    let dir = std::fs::canonicalize(dir)?;
    Ok(dir
        .ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf())
}

/// Resolve a source path written in a scenario against the scenario's folder, refusing paths
/// that leave [`sources_root`] (`..`, absolute paths, symbolic links pointing out; checked on
/// the canonical path) unless `--allow-outside-sources` was given
/// ([`limits::allow_outside_sources`]). Returns the path to read.
pub fn confine_source(base_dir: &Path, path: &str) -> Result<PathBuf, ReadError> {
    let joined = base_dir.join(path);
    if limits::allow_outside_sources() {
        return Ok(joined);
    }
    let base = sources_root(base_dir).map_err(|e| {
        err(
            format!(
                "cannot resolve the scenario's folder {}: {e}",
                base_dir.display()
            ),
            "",
        )
    })?;
    let real = std::fs::canonicalize(&joined).map_err(|e| {
        err(
            format!("cannot read {}: {e}", joined.display()),
            "`path` is relative to the scenario file's folder",
        )
    })?;
    if !real.starts_with(&base) {
        return Err(err(
            format!(
                "source path `{path}` leads outside the scenario's folder ({}); it was not read",
                base.display()
            ),
            "keep the articles in the scenario's folder (or its git work tree), or pass \
             --allow-outside-sources if you trust this scenario",
        ));
    }
    Ok(real)
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns,
/// bidi overrides…) are shown as `\u{…}`; newlines and tabs are kept.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_fifos_are_refused_without_reading() {
        let e = read_bounded(Path::new("/dev/zero"), Limit::ScenarioBytes).unwrap_err();
        assert!(e.message.contains("a device"), "{e}");
        let e = read_bounded(Path::new("/tmp"), Limit::ScenarioBytes).unwrap_err();
        assert!(e.message.contains("a directory"), "{e}");
    }

    #[test]
    fn sparse_files_are_refused_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sparse.toml");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(1 << 40).unwrap();
        let e = read_bounded(&p, Limit::ScenarioBytes).unwrap_err();
        assert!(e.message.contains("limit `scenario-bytes`"), "{e}");
    }

    #[test]
    fn source_paths_stay_in_the_scenario_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("s");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        assert!(confine_source(&sub, "a.txt").is_ok());
        let e = confine_source(&sub, "../secret.txt").unwrap_err();
        assert!(e.message.contains("outside the scenario's folder"), "{e}");
        assert!(confine_source(&sub, "/etc/passwd").is_err());
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), sub.join("link.txt")).unwrap();
        assert!(confine_source(&sub, "link.txt").is_err());
        // inside a git work tree, the work tree is the root
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(confine_source(&sub, "../secret.txt").is_ok());
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\n");
        assert!(matches!(escape_controls("plain é\t"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("x\u{202E}y"), "x\\u{202e}y");
    }
}
