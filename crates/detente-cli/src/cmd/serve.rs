//! `detente serve`: the web workbench and HTTP API (see docs/serve.md).
use crate::common::{CliError, CmdResult};
use detente_server::{Config, ServeError};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario files to import into the store before serving (with their source articles,
    /// read from disk here; a new revision is saved only when the file changed)
    pub scenarios: Vec<PathBuf>,
    /// The SQLite database (created on first start)
    #[arg(long, default_value = "detente.db")]
    pub db: PathBuf,
    /// Address to listen on; anything but loopback requires --token
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// Bearer token the API requires (`Authorization: Bearer T`); at least 16 characters
    #[arg(long, env = "DETENTE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// How many analyses run at once (default: the number of CPUs)
    #[arg(long)]
    pub workers: Option<usize>,
}

pub fn run(args: Args) -> CmdResult {
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    if workers == 0 {
        return Err(CliError::bad_input("--workers must be at least 1"));
    }
    let config = Config {
        db: args.db.clone(),
        addr: args.addr,
        token: args.token,
        imports: args.scenarios,
        workers,
    };
    let db = args.db.clone();
    let has_token = config.token.is_some();
    detente_server::serve(config, |addr, imported, interrupted| {
        for i in imported {
            eprintln!(
                "{}: scenario {} revision {}{}",
                i.path.display(),
                i.id,
                i.revision,
                if i.new_revision {
                    " (saved)"
                } else {
                    " (unchanged)"
                }
            );
        }
        if interrupted > 0 {
            eprintln!(
                "{interrupted} run(s) left unfinished by the last server were marked interrupted"
            );
        }
        eprintln!("database: {}", db.display());
        let hint = if has_token {
            " (open it as http://…/#token=T)"
        } else {
            ""
        };
        eprintln!("listening on http://{addr}/{hint}");
        eprintln!("press Ctrl-C to stop");
    })
    .map_err(|e| match e {
        ServeError::BadInput(m) => CliError::bad_input(m),
        ServeError::Failure(m) => CliError::failure(m),
    })
}
