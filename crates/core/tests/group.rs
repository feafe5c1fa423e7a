//! `run_group`: runs that differ only in their target share one random-features baseline pass, and give
//! exactly what separate runs give.
use giantstep_core::progress::Stage;
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
        assert!(grouped.timing.stages.test > 0.0 && grouped.timing.seconds > 0.0);
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
fn group_with_estimated_shifts_and_noise_over_several_chunks_equals_separate_runs() {
    // The notebook's mode estimates each target's shift on its own batches (and on the test labels); the
    // fresh readout batch of 640 rows spans three chunks, so the extra targets' noise rows are offset.
    for preprocess in ["notebook", "hermite"] {
        check_group_equals_separate_runs(&format!(
            r#"{{"d":24,"p":10,"n":500,"steps":2,"readoutBatch":"fresh","alphaReadout":26.67,"nTest":600,
                "chunk":256,"noise":0.3,"preprocess":"{preprocess}","eta":1,"etaRule":"p-d"}}"#
        ));
    }
}

#[test]
fn group_progress_rises_to_one_and_is_done_only_at_the_end() {
    let reports = std::sync::Mutex::new(Vec::<(Stage, f64)>::new());
    let record = |stage: Stage, f: f64| reports.lock().unwrap().push((stage, f));
    let json =
        r#"{"d":30,"p":20,"n":2000,"steps":2,"readoutEveryStep":true,"readoutBatch":"fresh","nTest":3000,"chunk":256}"#;
    let configs: Vec<Config> = TARGETS.iter().map(|t| with_target(json, t)).collect();
    run_group(configs, u64::MAX, &record, &AtomicBool::new(false)).unwrap();
    let reports = reports.into_inner().unwrap();
    let fractions: Vec<f64> = reports.iter().map(|r| r.1).collect();
    assert!(fractions.windows(2).all(|w| w[1] >= w[0] - 1e-12), "not monotone: {fractions:?}");
    assert!((fractions.last().unwrap() - 1.0).abs() < 1e-9, "ends at {:?}", fractions.last());
    let done = reports.iter().position(|r| r.0 == Stage::Done).unwrap();
    assert_eq!(done, reports.len() - 1, "a member said done before the group's baseline");
    // The shared baseline's passes are reported, and only after every member's steps.
    let last_step = reports.iter().rposition(|r| matches!(r.0, Stage::Step { .. })).unwrap();
    let last_test = reports.iter().rposition(|r| matches!(r.0, Stage::Test { .. })).unwrap();
    assert!(last_test > last_step && fractions[last_step] < 0.95, "{:?}", &reports[last_step]);
}

#[test]
fn refuses_configs_that_cannot_share_a_baseline() {
    let no_cancel = AtomicBool::new(false);
    let base = r#"{"d":20,"p":8,"n":300,"steps":1,"nTest":100}"#;
    let refused =
        |configs: Vec<Config>, expected_field: &str| match run_group(configs, u64::MAX, &|_, _| {}, &no_cancel) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, expected_field, "{message}");
                message
            }
            other => panic!("expected a refusal, got {:?}", other.map(|r| r.len())),
        };
    let mut wider = with_target(base, "T-E");
    wider.p = 9;
    let message = refused(vec![with_target(base, "T-D"), wider], "p");
    assert!(message.contains("config 1 of the group has 9 where config 0 has 8"), "{message}");
    let mut no_baseline = with_target(base, "T-D");
    no_baseline.baselines = false;
    assert!(refused(vec![no_baseline], "baselines").contains("needs baselines on"));
    assert!(refused(vec![], "configs").contains("at least one"));
    // A member's own error says which member it is.
    let mut bad = with_target(base, "T-E");
    bad.d = 0;
    let message = refused(vec![with_target(base, "T-D"), bad], "d");
    assert!(message.starts_with("config 1 of the group: "), "{message}");
}

/// The planner's key (`baseline_group`) and `run_group`'s rule are one: runs with one key run as a group,
/// and a run without a key is refused as a group's, naming the field.
#[test]
fn the_planners_key_follows_the_groups_rule() {
    let base = r#"{"d":20,"p":8,"n":300,"steps":1,"nTest":100,"sampler":"full"}"#;
    let key = |cfg: Config| giantstep_core::baseline_group(&cfg.resolve().unwrap());
    let (d, e) = (with_target(base, "T-D"), with_target(base, "T-E"));
    assert!(key(d.clone()).is_some());
    assert_eq!(key(d.clone()), key(e.clone()));
    run_group(vec![d.clone(), e], u64::MAX, &|_, _| {}, &AtomicBool::new(false)).unwrap();
    let mut wider = with_target(base, "T-E");
    wider.p = 10;
    assert_ne!(key(d.clone()), key(wider));
    for (field, change) in [
        ("baselines", r#"{"baselines":false}"#),
        ("steps", r#"{"steps":0}"#),
        ("readoutEveryStep", r#"{"readoutEveryStep":true,"readoutBatch":"same"}"#),
    ] {
        let mut v: serde_json::Value = serde_json::to_value(&d).unwrap();
        for (k, x) in serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(change).unwrap() {
            v[k] = x;
        }
        let cfg: Config = serde_json::from_value(v).unwrap();
        assert_eq!(key(cfg.clone()), None, "{field}");
        match run_group(vec![cfg], u64::MAX, &|_, _| {}, &AtomicBool::new(false)) {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected a refusal, got {:?}", other.map(|r| r.len())),
        }
    }
}
