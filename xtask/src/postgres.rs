//! A throwaway PostgreSQL cluster for the test suites: `initdb` in a temp
//! dir (as the `postgres` user when we are root, since initdb refuses root),
//! a free loopback port, durability off for speed, stopped and removed on drop
//! (also when a suite fails).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{cmd, tools, Cmd};

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
    /// The server settings of `pg_ctl start -o` (a restart uses them again).
    options: String,
}

fn find_bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn is_root() -> bool {
    cmd("id", &["-u"])
        .output()
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}

impl Cluster {
    pub fn start() -> Result<Cluster> {
        Cluster::start_with("")
    }

    /// Started with more `-c name=value` server settings.
    pub fn start_with(settings: &str) -> Result<Cluster> {
        let cluster = Cluster::prepare(settings)?;
        cluster
            .pg_cmd(
                "initdb",
                &[
                    "-D",
                    &cluster.data_dir(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
            )
            .run()?;
        cluster.launch()?;
        Ok(cluster)
    }

    /// A hot standby of `primary`, streaming from it (`pg_basebackup -R`:
    /// the copy carries the connection back to the primary and the
    /// `standby.signal` that keeps it read-only).
    pub fn standby_of(primary: &Cluster) -> Result<Cluster> {
        let cluster = Cluster::prepare("-c hot_standby=on")?;
        let port = primary.port.to_string();
        cluster
            .pg_cmd(
                "pg_basebackup",
                &[
                    "-D",
                    &cluster.data_dir(),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                    "--no-sync",
                ],
            )
            .run()
            .context("pg_basebackup of the primary")?;
        cluster.launch()?;
        Ok(cluster)
    }

    /// A fresh directory and port for a cluster, nothing started yet.
    fn prepare(settings: &str) -> Result<Cluster> {
        let bin = match find_bin_dir() {
            Some(bin) => bin,
            None => {
                tools::apt_install(&["postgresql"])?;
                find_bin_dir().context("PostgreSQL installed but initdb not found")?
            }
        };
        let as_postgres_user = is_root();
        // Unique per cluster: a run may start several at once.
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nth = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("chapar-pg-{}-{nth}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        if as_postgres_user {
            cmd(
                "chown",
                &["-R", "postgres:postgres", &dir.to_string_lossy()],
            )
            .run()?;
        }
        let port = tools::free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off {settings}",
            dir.display()
        );
        Ok(Cluster {
            dir,
            bin,
            port,
            as_postgres_user,
            options,
        })
    }

    /// Starts the server of the prepared data directory.
    fn launch(&self) -> Result<()> {
        let log = self.dir.join("postgres.log");
        self.pg_cmd(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &self.options,
                "-w",
                "start",
            ],
        )
        .run()
        .with_context(|| format!("PostgreSQL did not start; see {}", log.display()))?;
        println!("PostgreSQL {} on port {}", self.bin.display(), self.port);
        Ok(())
    }

    fn data_dir(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    fn pg_cmd(&self, tool: &str, args: &[&str]) -> Cmd {
        let program = self.bin.join(tool);
        if self.as_postgres_user {
            let program = program.to_string_lossy().into_owned();
            let mut full = vec!["-u", "postgres", "--", program.as_str()];
            full.extend_from_slice(args);
            cmd("runuser", &full).dir(Path::new("/"))
        } else {
            cmd(program, args)
        }
    }

    /// Admin URL; tests create one database each from it.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Writes a script that stops (`stop`: fast shutdown, sessions
    /// terminated as in a real outage) or starts (`start`) this cluster
    /// again, for the tests of database outages; answers its path.
    pub fn control_script(&self) -> Result<PathBuf> {
        let pg_ctl = self.bin.join("pg_ctl");
        let run = if self.as_postgres_user {
            format!("runuser -u postgres -- {}", pg_ctl.display())
        } else {
            pg_ctl.display().to_string()
        };
        let data = self.data_dir();
        let log = self.dir.join("postgres.log");
        let script = format!(
            "#!/bin/sh\ncd /\ncase \"$1\" in\n  stop) exec {run} -D {data} -m fast -w stop ;;\n  \
             start) exec {run} -D {data} -l {} -o '{}' -w start ;;\n  *) echo \"usage: $0 stop|start\" >&2; exit 2 ;;\nesac\n",
            log.display(),
            self.options
        );
        let path = self.dir.join("control.sh");
        std::fs::write(&path, script)?;
        Ok(path)
    }

    fn stop(&self) -> Result<()> {
        let data = self.data_dir();
        self.pg_cmd("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            .output()
            .map(drop)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(err) = self.stop() {
            eprintln!("xtask: stopping PostgreSQL failed: {err:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
