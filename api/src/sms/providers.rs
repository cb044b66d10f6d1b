//! SMS providers behind one interface: `log` (the embedded default),
//! `kavenegar` (the real Kavenegar REST API) and `webhook` (a signed JSON POST
//! for any other gateway).
//!
//! Each message carries its outbox id as a stable id (Kavenegar's `localid`),
//! so a resend after a lost acknowledgement can be recognised by the gateway.
//! The Kavenegar API key is part of the request URL; it is never written to a
//! log line or an error message (errors are scrubbed of it).

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::SmsArgs;

/// A message to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i32,
    pub letter_id: i32,
    pub event_kind: String,
    pub mobile: String,
    pub text: String,
}

/// The gateway accepted the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub provider_message_id: Option<String>,
    pub provider_status: Option<String>,
}

/// The gateway did not accept it: try again later, or never.
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    pub retryable: bool,
    pub message: String,
}

impl SendError {
    fn retry(message: impl Into<String>) -> Self {
        SendError {
            retryable: true,
            message: message.into(),
        }
    }

    fn permanent(message: impl Into<String>) -> Self {
        SendError {
            retryable: false,
            message: message.into(),
        }
    }
}

/// A delivery report from the gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub provider_message_id: String,
    /// `delivered` or `undelivered`; `None` while the gateway does not know yet.
    pub status: Option<&'static str>,
    pub provider_status: String,
}

#[derive(Clone)]
pub enum Provider {
    Log,
    Kavenegar(Kavenegar),
    Webhook(Webhook),
}

#[derive(Clone)]
pub struct Kavenegar {
    api_key: String,
    sender: Option<String>,
    base_url: String,
}

#[derive(Clone)]
pub struct Webhook {
    url: String,
    secret: String,
}

impl Provider {
    pub fn from_args(args: &SmsArgs) -> anyhow::Result<Provider> {
        match args.sms_provider.as_str() {
            "log" => Ok(Provider::Log),
            "kavenegar" => Ok(Provider::Kavenegar(Kavenegar {
                api_key: args
                    .kavenegar_api_key
                    .clone()
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "CHAPAR_KAVENEGAR_API_KEY is required for the kavenegar provider"
                        )
                    })?,
                sender: args.kavenegar_sender.clone().filter(|s| !s.is_empty()),
                base_url: args.kavenegar_base_url.trim_end_matches('/').to_owned(),
            })),
            "webhook" => Ok(Provider::Webhook(Webhook {
                url: args.sms_webhook_url.clone().ok_or_else(|| {
                    anyhow::anyhow!("CHAPAR_SMS_WEBHOOK_URL is required for the webhook provider")
                })?,
                secret: args.sms_webhook_secret.clone().ok_or_else(|| {
                    anyhow::anyhow!(
                        "CHAPAR_SMS_WEBHOOK_SECRET is required for the webhook provider"
                    )
                })?,
            })),
            other => anyhow::bail!(
                "unknown CHAPAR_SMS_PROVIDER `{other}`: use log, kavenegar or webhook"
            ),
        }
    }

    /// A Kavenegar provider (what `CHAPAR_SMS_PROVIDER=kavenegar` builds).
    pub fn kavenegar(api_key: &str, sender: Option<&str>, base_url: &str) -> Provider {
        Provider::Kavenegar(Kavenegar {
            api_key: api_key.to_owned(),
            sender: sender.map(str::to_owned),
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    /// A webhook provider (what `CHAPAR_SMS_PROVIDER=webhook` builds).
    pub fn webhook(url: &str, secret: &str) -> Provider {
        Provider::Webhook(Webhook {
            url: url.to_owned(),
            secret: secret.to_owned(),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Provider::Log => "log",
            Provider::Kavenegar(_) => "kavenegar",
            Provider::Webhook(_) => "webhook",
        }
    }

    /// Removes secrets from a text before it is stored or logged.
    pub fn scrub(&self, text: &str) -> String {
        match self {
            Provider::Kavenegar(k) => text.replace(&k.api_key, "***"),
            Provider::Webhook(w) => text.replace(&w.secret, "***"),
            Provider::Log => text.to_owned(),
        }
    }

    pub async fn send(&self, client: &awc::Client, msg: &Outgoing) -> Result<Accepted, SendError> {
        let result = match self {
            Provider::Log => {
                tracing::info!(
                    target: "chapar::sms",
                    id = msg.id,
                    mobile = %shared::identifiers::mask_mobile(&msg.mobile),
                    text = %msg.text,
                    "SMS (log provider)"
                );
                Ok(Accepted {
                    provider_message_id: Some(format!("log-{}", msg.id)),
                    provider_status: Some("logged".into()),
                })
            }
            Provider::Kavenegar(k) => k.send(client, msg).await,
            Provider::Webhook(w) => w.send(client, msg).await,
        };
        result.map_err(|e| SendError {
            retryable: e.retryable,
            message: self.scrub(&e.message),
        })
    }

    /// Delivery reports for sent messages (Kavenegar only).
    pub async fn reports(
        &self,
        client: &awc::Client,
        ids: &[String],
    ) -> Result<Vec<Report>, String> {
        match self {
            Provider::Kavenegar(k) => k.status(client, ids).await.map_err(|e| self.scrub(&e)),
            _ => Ok(Vec::new()),
        }
    }
}

/// An HTTP client for the gateways: TLS through rustls (ring) with the
/// compiled-in Mozilla roots.
pub fn http_client(timeout: Duration) -> awc::Client {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let connector = match rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    {
        Ok(builder) => {
            let config = builder.with_root_certificates(roots).with_no_client_auth();
            awc::Connector::new().rustls_0_23(Arc::new(config))
        }
        Err(e) => {
            tracing::error!(error = %e, "TLS setup failed; only plain HTTP gateways will work");
            awc::Connector::new()
        }
    };
    awc::Client::builder()
        .connector(connector.timeout(timeout))
        .timeout(timeout)
        .finish()
}

#[derive(Debug, Deserialize)]
struct KavenegarReturn {
    status: i32,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Deserialize)]
struct KavenegarEntry {
    #[serde(default)]
    messageid: Option<serde_json::Value>,
    #[serde(default)]
    status: Option<i32>,
    #[serde(default)]
    statustext: Option<String>,
}

#[derive(Debug, Deserialize)]
struct KavenegarAnswer {
    #[serde(rename = "return")]
    ret: KavenegarReturn,
    #[serde(default)]
    entries: Option<Vec<KavenegarEntry>>,
}

fn id_text(v: &Option<serde_json::Value>) -> Option<String> {
    match v {
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

impl Kavenegar {
    /// Kavenegar's `return.status`: which failures are worth retrying.
    /// 409: their server cannot answer now; 418: no credit (may be topped up);
    /// 5xx: server errors. Everything else (bad key, bad number, bad text, …)
    /// will fail the same way again.
    fn classify(status: i32, message: &str) -> SendError {
        let text = format!("kavenegar status {status}: {message}");
        match status {
            409 | 418 | 500..=599 => SendError::retry(text),
            _ => SendError::permanent(text),
        }
    }

    async fn post_form(
        &self,
        client: &awc::Client,
        method: &str,
        form: &[(&str, String)],
    ) -> Result<KavenegarAnswer, SendError> {
        let url = format!("{}/v1/{}/sms/{method}.json", self.base_url, self.api_key);
        let mut res = client
            .post(url)
            .send_form(&form)
            .await
            .map_err(|e| SendError::retry(format!("gateway unreachable: {e}")))?;
        let status = res.status();
        let body = res
            .body()
            .limit(1024 * 1024)
            .await
            .map_err(|e| SendError::retry(format!("reading the gateway's answer: {e}")))?;
        match serde_json::from_slice::<KavenegarAnswer>(&body) {
            Ok(answer) => Ok(answer),
            Err(_) if status.is_server_error() => {
                Err(SendError::retry(format!("gateway HTTP {status}")))
            }
            Err(_) => Err(SendError::retry(format!(
                "gateway HTTP {status}: unreadable answer"
            ))),
        }
    }

    async fn send(&self, client: &awc::Client, msg: &Outgoing) -> Result<Accepted, SendError> {
        let mut form = vec![
            ("receptor", msg.mobile.clone()),
            ("message", msg.text.clone()),
            ("localid", msg.id.to_string()),
        ];
        if let Some(sender) = &self.sender {
            form.push(("sender", sender.clone()));
        }
        let answer = self.post_form(client, "send", &form).await?;
        if answer.ret.status != 200 {
            return Err(Self::classify(answer.ret.status, &answer.ret.message));
        }
        let entry = answer.entries.as_ref().and_then(|e| e.first());
        Ok(Accepted {
            provider_message_id: entry.and_then(|e| id_text(&e.messageid)),
            provider_status: entry.and_then(|e| {
                e.statustext
                    .clone()
                    .or_else(|| e.status.map(|s| s.to_string()))
            }),
        })
    }

    /// Kavenegar delivery statuses: 10 delivered; 6 failed, 11 undelivered,
    /// 13 cancelled, 14 blocked (filtered by the operator or the recipient),
    /// 100 unknown id; anything else is still on its way.
    async fn status(&self, client: &awc::Client, ids: &[String]) -> Result<Vec<Report>, String> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let answer = self
            .post_form(client, "status", &[("messageid", ids.join(","))])
            .await
            .map_err(|e| e.message)?;
        if answer.ret.status != 200 {
            return Err(format!(
                "kavenegar status {}: {}",
                answer.ret.status, answer.ret.message
            ));
        }
        Ok(answer
            .entries
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let id = id_text(&e.messageid)?;
                let code = e.status.unwrap_or(0);
                let status = match code {
                    10 => Some("delivered"),
                    6 | 11 | 13 | 14 | 100 => Some("undelivered"),
                    _ => None,
                };
                Some(Report {
                    provider_message_id: id,
                    status,
                    provider_status: e.statustext.unwrap_or_else(|| code.to_string()),
                })
            })
            .collect())
    }
}

impl Webhook {
    async fn send(&self, client: &awc::Client, msg: &Outgoing) -> Result<Accepted, SendError> {
        let body = serde_json::json!({
            "id": msg.id,
            "letter_id": msg.letter_id,
            "event": msg.event_kind,
            "mobile": msg.mobile,
            "text": msg.text,
        })
        .to_string();
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes())
            .map_err(|e| SendError::permanent(format!("webhook secret: {e}")))?;
        mac.update(body.as_bytes());
        let signature: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let res = client
            .post(&self.url)
            .insert_header(("content-type", "application/json"))
            .insert_header(("X-Chapar-Signature", format!("sha256={signature}")))
            .insert_header(("X-Chapar-Message-Id", msg.id.to_string()))
            .send_body(body)
            .await
            .map_err(|e| SendError::retry(format!("webhook unreachable: {e}")))?;
        let status = res.status();
        if status.is_success() {
            Ok(Accepted {
                provider_message_id: Some(format!("webhook-{}", msg.id)),
                provider_status: Some(status.as_u16().to_string()),
            })
        } else if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            Err(SendError::retry(format!("webhook HTTP {status}")))
        } else {
            Err(SendError::permanent(format!("webhook HTTP {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kavenegar_statuses_split_into_retry_and_give_up() {
        for s in [409, 418, 500, 503] {
            assert!(Kavenegar::classify(s, "").retryable, "{s}");
        }
        for s in [400, 401, 403, 406, 411, 412, 413, 414, 422] {
            assert!(!Kavenegar::classify(s, "").retryable, "{s}");
        }
    }

    #[test]
    fn secrets_are_scrubbed() {
        let p = Provider::Kavenegar(Kavenegar {
            api_key: "SECRET-KEY-123".into(),
            sender: None,
            base_url: "http://x".into(),
        });
        assert_eq!(
            p.scrub("GET http://x/v1/SECRET-KEY-123/sms failed"),
            "GET http://x/v1/***/sms failed"
        );
    }
}
