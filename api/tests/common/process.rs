//! The server as a real process (`chapar serve`), for the tests that kill
//! it or run several instances of it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A `chapar serve` process on a loopback port of its own; killed when
/// dropped (also when the test fails).
pub struct Server {
    pub base: String,
    child: Child,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Server {
    /// Starts `chapar serve` on `database_url`, keeping its files in
    /// `data_dir`, on `port`, with the demo data when `demo`, and `env` on top.
    pub fn start(
        database_url: &str,
        data_dir: &Path,
        port: u16,
        demo: bool,
        env: &[(&str, String)],
    ) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chapar"));
        command.arg("serve");
        if demo {
            command.arg("--demo");
        }
        command
            .env("DATABASE_URL", database_url)
            .env("CHAPAR_BIND", format!("127.0.0.1:{port}"))
            .env("CHAPAR_DATA_DIR", data_dir)
            .env("CHAPAR_STATIC_DIR", data_dir.join("no-spa"))
            .env("CHAPAR_WORKERS", "2")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("start chapar serve");
        Server {
            base: format!("http://127.0.0.1:{port}"),
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL, and the process reaped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGKILL without waiting (from inside a request's flight).
    pub fn kill_now(&mut self) {
        self.child.kill().expect("SIGKILL");
    }

    /// Waits until `/readyz` answers 200; answers when.
    pub async fn wait_ready(&self, client: &awc::Client) -> Instant {
        let started = Instant::now();
        loop {
            if let Ok(res) = client.get(self.url("/readyz")).send().await {
                if res.status() == 200 {
                    return Instant::now();
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} did not become ready",
                self.base
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// An access token of the demo account `username`.
    pub async fn login(&self, client: &awc::Client, username: &str) -> String {
        let mut res = client
            .post(self.url("/api/v1/auth/login"))
            .send_json(&json!({"username": username, "password": chapar::demo::DEMO_PASSWORD}))
            .await
            .expect("login sent");
        assert_eq!(res.status(), 200, "login {username}");
        let body: Value = res.json().await.expect("login body");
        body["access_token"].as_str().expect("token").to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
