//! `run_group`: runs that differ only in their target share one random-features baseline pass, and give
//! exactly what separate runs give.
use giantstep_core::{run, run_group, Config, Error, RunResult};
use std::sync::atomic::AtomicBool;

fn with_target(json: &str, target: &str) -> Config {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["target"] = target.into();
    serde_json::from_value(v).unwrap()
}

/// The result without its timings, as comparable JSON.
fn fingerprint(r: &RunResult) -> String {
    let mut v = serde_json::to_value(r).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v.to_string()
}

const TARGETS: [&str; 4] = ["T-D", "T-E", "T-F", "T-B"];

fn check_group_equals_separate_runs(json: &str) {
    let no_cancel = AtomicBool::new(false);
    let configs: Vec<Config> = TARGETS.iter().map(|t| with_target(json, t)).collect();
    let group = run_group(configs.clone(), u64::MAX, &|_, _| {}, &no_cancel).unwrap();
    assert_eq!(group.len(), TARGETS.len());
    for (cfg, grouped) in configs.into_iter().zip(&group) {
        let alone = run(cfg, u64::MAX, &|_, _| {}, &no_cancel).unwrap();
        assert!(alone.baselines.random_features.is_some());
        assert_eq!(fingerprint(grouped), fingerprint(&alone), "{}", alone.target.name);
        assert!(grouped.timing.stages["test"] > 0.0 && grouped.timing.seconds > 0.0);
    }
    // The labels differ, so the baselines do too: each member got its own target's.
    let rf: Vec<f64> = group.iter().map(|r| r.baselines.random_features.as_ref().unwrap().train_error).collect();
    assert!(rf.windows(2).all(|w| w[0] != w[1]), "{rf:?}");
}

#[test]
fn dual_readout_group_equals_separate_runs() {
    // n_readout = 64 < p = 96: the kernel (dual) form, with label noise and two steps read out each.
    check_group_equals_separate_runs(
        r#"{"d":40,"p":96,"n":200,"steps":2,"readoutEveryStep":true,"readoutBatch":"fresh","alphaReadout":1.6,
            "nTest":700,"chunk":256,"noise":0.1,"eta":2,"etaRule":"p-d","lambda":0.01}"#,
    );
}

#[test]
fn primal_readout_group_equals_separate_runs() {
    // The readout on the last step's batch (n = 900 > p = 24), a data-estimated shift, and f32.
    check_group_equals_separate_runs(
        r#"{"d":30,"p":24,"n":900,"steps":1,"nTest":500,"chunk":256,"preprocess":"train","precision":"f32",
            "eta":1,"etaRule":"p-d"}"#,
    );
}

#[test]
fn refuses_configs_that_cannot_share_a_baseline() {
    let no_cancel = AtomicBool::new(false);
    let base = r#"{"d":20,"p":8,"n":300,"steps":1,"nTest":100}"#;
    let refused = |configs: Vec<Config>| match run_group(configs, u64::MAX, &|_, _| {}, &no_cancel) {
        Err(Error::Invalid { field, message }) => {
            assert_eq!(field, "configs");
            message
        }
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.len())),
    };
    let mut wider = with_target(base, "T-E");
    wider.p = 9;
    assert!(refused(vec![with_target(base, "T-D"), wider]).contains("config 1 differs"));
    let mut no_baseline = with_target(base, "T-D");
    no_baseline.baselines = false;
    assert!(refused(vec![no_baseline]).contains("needs baselines"));
    assert!(refused(vec![]).contains("at least one"));
}
