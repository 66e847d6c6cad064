//! E-mail through an SMTP server, when one is configured (`xhht serve
//! --smtp-host …`). Sending happens outside any database transaction: the
//! e-mail is recorded with its notice, sent here, then marked sent or
//! failed (`reminders::deliver`). A failure is returned as text, never a
//! panic: the server goes on.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587), required.
    #[default]
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on this machine or a test sink.
    None,
}

impl SmtpSecurity {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// Where and as whom e-mails are sent.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// "XHHT <xhht@phuong.gov.vn>" or a bare address.
    pub from: String,
    /// User name and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
    pub security: SmtpSecurity,
    /// The site's address as users reach it (`https://xhht.example.vn`),
    /// put before the links in e-mails; without it they are paths.
    pub site_url: Option<String>,
}

/// A configured sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    site_url: Option<String>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// How long one SMTP exchange may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    /// A sender for `settings`; `Err` in Vietnamese when they cannot work
    /// (a sender address that is not one, a host TLS cannot name).
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("địa chỉ gửi “{}” không hợp lệ: {e}", settings.from))?;
        let host = settings.host.as_str();
        let builder = match settings.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
        }
        .map_err(|e| format!("máy chủ SMTP “{host}”: {e}"))?;
        let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            site_url: settings.site_url.as_ref().map(|u| u.trim_end_matches('/').to_string()),
        })
    }

    /// `path` as a link in an e-mail: on the site's address when known.
    pub fn link(&self, path: &str) -> String {
        match &self.site_url {
            Some(base) => format!("{base}{path}"),
            None => path.to_string(),
        }
    }

    /// Sends one plain-text e-mail; the error as text.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("địa chỉ nhận “{to}” không hợp lệ: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Whether `email` looks like an address a mail server accepts (the check
/// on the administrators' form).
pub fn valid_address(email: &str) -> bool {
    email.len() <= 254 && email.parse::<lettre::Address>().is_ok()
}
