//! A tiny HTTP/1.1 client and a server launcher for the `detente serve` tests (included by
//! serve.rs and serve_load.rs with `#[path]`; as a test target of its own it has no tests).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `detente serve`.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Start `detente serve --db DB --addr 127.0.0.1:0 EXTRA…` and wait for its address.
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
            .arg("serve")
            .arg("--db")
            .arg(db)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start detente serve");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = String::new();
        let addr = loop {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(rest) = l.strip_prefix("listening on http://") {
                        let a = rest.split('/').next().unwrap();
                        break a.parse().unwrap();
                    }
                    seen.push_str(&l);
                    seen.push('\n');
                }
                _ => panic!("server did not start:\n{seen}"),
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> std::io::Result<(u16, serde_json::Value)> {
        request(self.addr, method, path, body)
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, serde_json::Value)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.set_nodelay(true)?;
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no HTTP header"))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad status line"))?;
    let json = serde_json::from_str(rest).unwrap_or(serde_json::Value::Null);
    Ok((status, json))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The small valid test scenario as an upload bundle.
pub fn minimal_bundle(title: &str) -> String {
    let dir = repo().join("tests/data/valid");
    let text = std::fs::read_to_string(dir.join("minimal.toml")).unwrap();
    let text = text.replace(
        "title = \"Valley dispute\"",
        &format!("title = \"{title}\""),
    );
    let article = std::fs::read_to_string(dir.join("article.txt")).unwrap();
    serde_json::json!({"scenario": text, "file_name": "minimal.toml", "sources": {"article.txt": article}}).to_string()
}
