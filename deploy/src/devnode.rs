//! A local `substrate-contracts-node --dev` for tests and runs against a real node: found on
//! `$DYNAMIS_NODE` or the `PATH` (`scripts/setup --with-node` installs it into
//! `~/.cargo/bin`), started on free ports with its own base path, killed on drop.

use crate::substrate::NodeClient;
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub const BINARY: &str = "substrate-contracts-node";

/// The node binary, if there is one.
pub fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DYNAMIS_NODE") {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    let home_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin"));
    std::env::split_paths(&path)
        .chain(home_bin)
        .map(|dir| dir.join(BINARY))
        .find(|p| p.is_file())
}

/// Says that `test` is skipped for want of the node, on the terminal itself (the test
/// harness captures `eprintln!` of passing tests; a direct write to stderr gets through).
pub fn announce_skip(test: &str) {
    use std::io::Write;
    // One write, so the line is not interleaved with the harness's own output.
    let line = format!(
        "SKIPPED {test}: no {BINARY} (set DYNAMIS_NODE or build it with `scripts/setup --with-node`, about an hour once)\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub struct DevNode {
    child: Child,
    binary: PathBuf,
    base: PathBuf,
    rpc_port: u16,
    /// `ws://127.0.0.1:<port>`
    pub url: String,
}

impl DevNode {
    /// Starts the node with its chain under `base` (kept across `restart`); waits until its
    /// RPC answers.
    pub async fn start(binary: &Path, base: &Path) -> anyhow::Result<Self> {
        let rpc_port = free_port()?;
        let mut node = Self {
            child: Self::spawn(binary, base, rpc_port)?,
            binary: binary.to_path_buf(),
            base: base.to_path_buf(),
            rpc_port,
            url: format!("ws://127.0.0.1:{rpc_port}"),
        };
        node.ready().await?;
        Ok(node)
    }

    fn spawn(binary: &Path, base: &Path, rpc_port: u16) -> anyhow::Result<Child> {
        std::fs::create_dir_all(base)?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(base.join("node.log"))?;
        Ok(Command::new(binary)
            .arg("--dev")
            .arg("--base-path")
            .arg(base)
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--port", &free_port()?.to_string()])
            .args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?)
    }

    async fn ready(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(_block) = NodeClient::new(&self.url).block().await {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!(
                    "{BINARY} exited ({status}); see {}",
                    self.base.join("node.log").display()
                );
            }
            if Instant::now() > deadline {
                anyhow::bail!("{BINARY} did not answer on {} within 60 s", self.url);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Kills the node (SIGKILL) and starts it again on the same chain and port.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.kill();
        self.child = Self::spawn(&self.binary, &self.base, self.rpc_port)?;
        self.ready().await
    }

    /// Stops the node; the chain stays under the base path.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        self.kill();
    }
}
