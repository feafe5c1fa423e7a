//! Runs one config from the command line without Node: `cargo run --release --example run -- '<json>'`.
use std::sync::atomic::AtomicBool;

fn main() {
    let json = std::env::args().nth(1).unwrap_or_else(|| "{}".into());
    let config = giantstep_core::Config::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    let cancel = AtomicBool::new(false);
    match giantstep_core::run(config, u64::MAX, &|_, _| {}, &cancel) {
        Ok(r) => println!("{}", serde_json::to_string(&r).unwrap()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    }
}
