//! A throwaway S3-compatible server for the attachment tests: moto's server
//! (Python, from PyPI, versions pinned in `xtask/s3-test-server.txt`) in a
//! virtualenv under `target/tools/moto`, on a free loopback port, killed on
//! drop (also when a suite fails). It keeps everything in memory.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::tools;

pub struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    pub fn start(root: &Path) -> Result<S3Server> {
        let server = tools::python_tool(root, "moto", "xtask/s3-test-server.txt", "moto_server")?;
        let port = tools::free_port()?;
        let log = std::fs::File::create(root.join("target/tools/moto.log"))?;
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", server.display()))?;
        let mut running = S3Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = running.child.try_wait()? {
                bail!("the S3 test server exited ({status}); see target/tools/moto.log");
            }
            if Instant::now() > deadline {
                bail!("the S3 test server did not start; see target/tools/moto.log");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        println!("xtask: S3 test server (moto) at {}", running.url());
        Ok(running)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
