//! A minimal SMTP server for tests: it accepts every message (or refuses
//! every recipient) on a port of 127.0.0.1 and keeps what it received,
//! decoded (RFC 2047 subjects, base64 or quoted-printable bodies), so a
//! test can read the Vietnamese subject and body a user would get. It
//! speaks just enough SMTP for lettre without TLS: EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT.
//!
//! ```ignore
//! let sink = Sink::start().await;
//! // … point the app's Mailer at sink.addr with SmtpSecurity::None …
//! let mail = sink.wait_for(|m| m.to.contains(&"a@b.vn".into())).await;
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    /// The envelope's recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The decoded `Subject:` header.
    pub subject: String,
    /// The decoded body.
    pub body: String,
    /// The message as sent, headers and encoded body.
    pub raw: String,
}

#[derive(Clone)]
pub struct Sink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Sink {
    /// A sink that accepts every message.
    pub async fn start() -> Self {
        Self::listen(true).await
    }

    /// A server that answers every `RCPT TO` with 550: sending fails.
    pub async fn refusing() -> Self {
        Self::listen(false).await
    }

    async fn listen(accept: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let addr = listener.local_addr().unwrap();
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = session(socket, kept, accept).await;
                });
            }
        });
        Self { addr, mails }
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The first message `matches` keeps, waiting up to 10 s for it.
    pub async fn wait_for(&self, matches: impl Fn(&Mail) -> bool) -> Mail {
        for _ in 0..200 {
            if let Some(m) = self.mails().into_iter().find(|m| matches(m)) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no such e-mail reached the sink; got: {:#?}", self.mails());
    }
}

async fn session(socket: tokio::net::TcpStream, kept: Arc<Mutex<Vec<Mail>>>, accept: bool) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP test\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let verb = command.split([' ', ':']).next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                b"250 OK\r\n"
            }
            "MAIL" => {
                from = address(&command);
                b"250 OK\r\n"
            }
            "RCPT" if accept => {
                to.push(address(&command));
                b"250 OK\r\n"
            }
            "RCPT" => b"550 no such mailbox\r\n",
            "DATA" => {
                write.write_all(b"354 end with .\r\n").await?;
                let raw = data(&mut lines).await?;
                let (subject, body) = decode(&raw);
                let mail = Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    subject,
                    body,
                    raw,
                };
                kept.lock().unwrap().push(mail);
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// `MAIL FROM:<a@b> SIZE=…` → `a@b`.
fn address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..].find('>').map_or(command.len(), |i| start + i);
    command[start..end].to_string()
}

/// The message up to the lone `.`, dot-stuffing undone.
async fn data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<String> {
    let mut raw = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(raw);
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text == "." {
            return Ok(raw);
        }
        raw.push_str(
            text.strip_prefix('.')
                .filter(|_| text.starts_with(".."))
                .unwrap_or(text),
        );
        raw.push('\n');
    }
}

/// The decoded subject and body of a raw message.
fn decode(raw: &str) -> (String, String) {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    // Unfold: a line starting with blank continues the header before it.
    let mut headers: Vec<String> = Vec::new();
    for line in head.lines() {
        match (line.starts_with([' ', '\t']), headers.last_mut()) {
            (true, Some(last)) => last.push_str(line),
            _ => headers.push(line.to_string()),
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find_map(|h| {
                let (n, v) = h.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let body = match header("Content-Transfer-Encoding").to_ascii_lowercase().as_str() {
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .unwrap_or_default(),
            )
            .into_owned()
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.to_string(),
    };
    (encoded_words(&header("Subject")), body.replace("\r\n", "\n"))
}

/// RFC 2047: `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words decoded, the blanks
/// between two encoded words dropped.
fn encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, from) = rest.split_at(start);
        if !(after_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let parts: Vec<&str> = from[2..].splitn(3, '?').collect();
        let Some(end) = parts.get(2).and_then(|p| p.find("?=")) else {
            out.push_str(from);
            return out;
        };
        let text = &parts[2][..end];
        let bytes = match parts[1].to_ascii_lowercase().as_str() {
            "b" => base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_or_default(),
            _ => quoted_printable(&text.replace('_', " ")).into_bytes(),
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &parts[2][end + 2..];
        after_word = true;
    }
    out.push_str(rest);
    out
}

fn quoted_printable(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut chars = text.replace("=\r\n", "").replace("=\n", "").into_bytes().into_iter();
    while let Some(b) = chars.next() {
        if b == b'=' {
            let hex: Vec<u8> = chars.by_ref().take(2).collect();
            let value = std::str::from_utf8(&hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match value {
                Some(v) => bytes.push(v),
                None => bytes.extend(std::iter::once(b'=').chain(hex)),
            }
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
