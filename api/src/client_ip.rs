//! The caller's IP, for per-IP rate limits.
//!
//! Behind a load balancer every request comes from the balancer's address, so
//! per-IP limits would lump all applicants together. `X-Forwarded-For` names
//! the real client, but anybody can send that header: it is believed only
//! when the socket peer is one of the configured trusted proxies
//! (`CHAPAR_TRUSTED_PROXIES`), and then read from the right, skipping further
//! trusted hops, so a client cannot put a fake address in front of it.

use std::net::IpAddr;

use actix_web::{web, HttpRequest};
use ipnet::IpNet;

use crate::state::AppState;

/// Addresses and networks whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated addresses or CIDR networks (`10.0.0.0/8, 127.0.0.1`);
    /// empty trusts nobody.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{item}` is not an IP address or CIDR network"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: &IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address, given the socket peer and the request's
    /// `X-Forwarded-For` header(s) joined by commas.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(&peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in header.rsplit(',').map(str::trim) {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusts(&ip) => client = ip,
                Ok(ip) => return ip,
                // Garbage: stop at the last address we could trust.
                Err(_) => break,
            }
        }
        client
    }
}

/// The caller's IP as a string (`unknown` without a socket address).
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.trusted_proxies.as_ref());
    match trusted {
        Some(trusted) => {
            let forwarded: Vec<&str> = req
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .collect();
            let joined = forwarded.join(",");
            let header = (!forwarded.is_empty()).then_some(joined.as_str());
            trusted.client(peer, header).to_string()
        }
        None => peer.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.5"), Some("1.2.3.4")), ip("10.0.0.5"));
    }

    #[test]
    fn behind_a_trusted_balancer_the_forwarded_client_counts() {
        let lb = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7").expect("parse");
        assert_eq!(lb.client(ip("10.0.0.5"), Some("5.6.7.8")), ip("5.6.7.8"));
        // A client's own fake entry sits left of the real one and is skipped.
        assert_eq!(
            lb.client(ip("10.0.0.5"), Some("1.1.1.1, 5.6.7.8")),
            ip("5.6.7.8")
        );
        // Several trusted hops.
        assert_eq!(
            lb.client(ip("10.0.0.5"), Some("5.6.7.8, 192.168.1.7")),
            ip("5.6.7.8")
        );
        // No header: the balancer itself.
        assert_eq!(lb.client(ip("10.0.0.5"), None), ip("10.0.0.5"));
        // Garbage stops the walk.
        assert_eq!(
            lb.client(ip("10.0.0.5"), Some("5.6.7.8, nonsense")),
            ip("10.0.0.5")
        );
        // A peer outside the list is taken as it is.
        assert_eq!(lb.client(ip("8.8.8.8"), Some("5.6.7.8")), ip("8.8.8.8"));
    }

    #[test]
    fn bad_entries_are_named() {
        assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::default()));
        let err = TrustedProxies::parse("10.0.0.1, lb.local").expect_err("bad");
        assert!(err.contains("lb.local"), "{err}");
    }
}
