//! End-to-end properties of `run`: reproducibility across thread counts and chunk sizes, precision,
//! guards, cancellation.
use giantstep_core::{run, Config, Error, RunResult};
use std::process::Command;
use std::sync::atomic::AtomicBool;

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap()
}

fn run_ok(cfg: Config) -> RunResult {
    run(cfg, u64::MAX, &|_, _| {}, &AtomicBool::new(false)).unwrap()
}

/// The result without its timings, as comparable JSON.
fn fingerprint(r: &RunResult) -> String {
    let mut v = serde_json::to_value(r).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v.to_string()
}

const SMALL: &str = r#"{"d":60,"p":50,"n":3000,"steps":2,"target":"T-B","nTest":2000,"chunk":512,
    "preprocess":"train","readoutEveryStep":true,"eta":2,"etaRule":"p-d"}"#;

#[test]
fn same_seed_is_bit_identical_with_one_and_two_threads() {
    // Thread pools are sized once per process, so each thread count runs in a child process
    // (this test binary re-run with the child test selected).
    if let Ok(threads) = std::env::var("GIANTSTEP_CHILD_THREADS") {
        let _ = threads;
        println!("FINGERPRINT {}", fingerprint(&run_ok(config(SMALL))));
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let outputs: Vec<String> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = Command::new(&exe)
                .args(["--exact", "same_seed_is_bit_identical_with_one_and_two_threads", "--nocapture"])
                .env("GIANTSTEP_CHILD_THREADS", t)
                .env("RAYON_NUM_THREADS", t)
                .env("MATMUL_NUM_THREADS", t)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            stdout.lines().find_map(|l| l.strip_prefix("FINGERPRINT ")).expect(&stdout).to_string()
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn chunk_size_changes_only_rounding() {
    let a = run_ok(config(SMALL));
    let mut big = config(SMALL);
    big.chunk = 4096; // one chunk per batch
    let b = run_ok(big);
    let (ea, eb) = (a.test_error.unwrap(), b.test_error.unwrap());
    assert!((ea - eb).abs() < 1e-9 * ea, "{ea} vs {eb}");
    for (x, y) in a.steps[1].overlap.max_abs_cos.iter().zip(&b.steps[1].overlap.max_abs_cos) {
        assert!((x - y).abs() < 1e-10);
    }
}

#[test]
fn f32_tracks_f64_on_the_same_seed() {
    let a = run_ok(config(SMALL));
    let mut c = config(SMALL);
    c.precision = giantstep_core::config::Precision::F32;
    let b = run_ok(c);
    let (ea, eb) = (a.test_error.unwrap(), b.test_error.unwrap());
    assert!((ea - eb).abs() < 1e-3 * ea, "f64 {ea} vs f32 {eb}");
    for (x, y) in a.steps[1].overlap.mean_abs_cos.iter().zip(&b.steps[1].overlap.mean_abs_cos) {
        assert!((x - y).abs() < 1e-4, "{x} vs {y}");
    }
}

#[test]
fn record_shape_and_baselines() {
    let r = run_ok(config(SMALL));
    assert_eq!(r.config.n, Some(3000));
    assert_eq!(r.steps.len(), 2);
    assert_eq!(r.steps[0].step, 1);
    assert!(r.steps[0].test_error.is_some(), "readoutEveryStep fills every step");
    assert_eq!(r.steps[1].test_error, r.test_error);
    assert_eq!(r.steps[0].update_cos.len(), 40);
    assert_eq!(r.steps[0].update_cos[0].len(), 2);
    // readoutBatch "same" with readoutEveryStep: each step count has its own baseline, on its own batch.
    let rf0 = r.steps[0].random_features.as_ref().unwrap().test_error.unwrap();
    assert_ne!(Some(rf0), r.baselines.random_features.as_ref().unwrap().test_error);
    assert_eq!(
        r.steps[1].random_features.as_ref().unwrap().test_error,
        r.baselines.random_features.as_ref().unwrap().test_error
    );
    let mut one = config(SMALL);
    one.steps = 1;
    let r1 = run_ok(one);
    assert_eq!(
        r1.baselines.random_features.as_ref().unwrap().test_error,
        Some(rf0),
        "step 1's baseline is a 1-step run's"
    );
    let rf = r.baselines.random_features.as_ref().unwrap();
    assert!(rf.test_error.unwrap() > 0.0);
    assert!((r.baselines.linear_kernel.test_error - 1.0).abs() < 1e-12, "T-B: Var 1.5 − ‖C1‖² 0.5");
    // Without steps the readout is the random-features model itself.
    let mut c = config(SMALL);
    c.steps = 0;
    let r0 = run_ok(c);
    assert!(r0.steps.is_empty());
    assert_eq!(r0.baselines.random_features.unwrap().test_error, r0.test_error);
}

#[test]
fn dual_readout_when_n_below_p() {
    let r = run_ok(config(r#"{"d":40,"p":300,"n":200,"steps":1,"target":"T-C","nTest":1000,"readoutBatch":"fresh"}"#));
    assert!(r.test_error.unwrap().is_finite() && r.train_error < r.test_error.unwrap());
}

#[test]
fn divergent_step_names_eta() {
    let err = run(
        config(r#"{"d":30,"p":20,"n":500,"eta":1e308,"etaRule":"raw","activation":"tanh","nTest":100}"#),
        u64::MAX,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("eta"), "{err}");
    assert!(err.to_string().contains("lower eta"));
}

#[test]
fn memory_guard_and_cancel() {
    let err = run(config(r#"{"d":20000,"p":20000,"n":100}"#), 1_000_000_000, &|_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert_eq!(err.field(), Some("p"));
    let err = run(config(SMALL), u64::MAX, &|_, _| {}, &AtomicBool::new(true)).unwrap_err();
    assert_eq!(err, Error::Cancelled);
}

#[test]
fn progress_reaches_one() {
    let last = std::sync::Mutex::new(0.0);
    run(config(SMALL), u64::MAX, &|_, f| *last.lock().unwrap() = f, &AtomicBool::new(false)).unwrap();
    let f = *last.lock().unwrap();
    assert!((f - 1.0).abs() < 0.02, "final fraction {f}");
}
