//! Property-based fuzzing of everything that parses user input (issue 12): expressions (targets and
//! activations) and run configs. For random and adversarial strings each entry point must return a
//! clear error (one line naming a field, a caret for syntax) or a finite result, in bounded time —
//! never panic or overflow the stack (either would fail or kill this test binary).
//!
//! `GIANTSTEP_FUZZ_CASES` sets the cases per property (default 64, a few seconds in CI); the closing
//! note of issue 12 used 25,000 per property (10⁵ inputs in all).
use giantstep_core::activation::Activation;
use giantstep_core::target::{self, expr, Target};
use giantstep_core::{run, Config, Error};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, RngSeed, TestRunner};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The longest any single input may take (debug-free builds: the dev profile is optimized). The
/// slowest legitimate inputs (a 1,024-node non-polynomial target in 8 directions) take a few seconds.
const MAX_SECONDS: f64 = 60.0;

fn cases() -> u32 {
    std::env::var("GIANTSTEP_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
}

/// A fixed seed by default, so that CI runs the same inputs every time; `GIANTSTEP_FUZZ_SEED=random`
/// (or a number) explores others.
fn proptest_config() -> ProptestConfig {
    let rng_seed = match std::env::var("GIANTSTEP_FUZZ_SEED").as_deref() {
        Ok("random") => RngSeed::Random,
        Ok(s) => RngSeed::Fixed(s.parse().expect("GIANTSTEP_FUZZ_SEED: a number or 'random'")),
        Err(_) => RngSeed::Fixed(12),
    };
    ProptestConfig {
        cases: cases(),
        rng_seed,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

/// A refusal is one line naming a field, except syntax errors, which add the source and a caret.
fn assert_clear(e: &Error, field: &str, input: &str) {
    let text = e.to_string();
    if matches!(e, Error::Cancelled) {
        panic!("not cancelled, yet Cancelled for {input:?}");
    }
    assert_eq!(e.field(), Some(field), "{input:?}: {text}");
    let lines = text.lines().count();
    assert!(lines == 1 || (lines == 3 && text.lines().nth(2).unwrap().trim_end().ends_with('^')), "{input:?}: {text}");
}

fn timed<T>(input: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    if std::env::var_os("GIANTSTEP_FUZZ_SLOW").is_some() && start.elapsed() > Duration::from_millis(200) {
        eprintln!("slow {:?}: {:.80?}", start.elapsed(), input);
    }
    assert!(start.elapsed() < Duration::from_secs_f64(MAX_SECONDS), "{input:?} took {:?}", start.elapsed());
    out
}

/// Pieces of the expression language and things that are not: names, numbers at and past the limits,
/// operators, unbalanced brackets, control and non-ASCII characters.
const TOKENS: &[&str] = &[
    "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u0", "x", "y", "0", "1", "2", "0.5", "3.25", "1e308",
    "1e400", "1e-320", "nan", "inf", "-", "+", "*", "/", "^", "^64", "^65", "(", ")", ",", " ", "He0(", "He3(",
    "He12(", "He13(", "tanh(", "erf(", "relu(", "sign(", "abs(", "sin(", "cos(", "exp(", "log(", "é", "\u{0}", "\n",
    "ℝ", "1/", "u1^2", "He2(u1)", "(u1+u2)",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..48).prop_map(|t| t.concat())
}

/// Well-formed expressions: exercises the analysis (moments, Hermite expansion) rather than the parser.
fn well_formed(var: &'static str) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        // Mostly up to three directions: the analysis in more (a fixed grid of 6^8 nodes at k = 8) costs
        // seconds an input without exercising other code.
        prop_oneof![8 => 1usize..=3, 1 => 4usize..=8].prop_map(move |i| if var == "u" {
            format!("u{i}")
        } else {
            "x".to_string()
        }),
        (-4.0f64..4.0).prop_map(|c| format!("{c:.3}")),
    ];
    leaf.prop_recursive(6, 64, 3, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(&["+", "-", "*", "/"][..]), inner.clone())
                .prop_map(|(a, op, b)| format!("({a}){op}({b})")),
            (inner.clone(), 0i32..=30).prop_map(|(a, e)| format!("({a})^{e}")),
            (
                prop::sample::select(
                    &["tanh", "erf", "relu", "sign", "abs", "sin", "cos", "exp", "He2", "He5", "He12"][..]
                ),
                inner
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
        ]
    })
}

/// The shapes that crashed or hung before the limits, at random sizes on both sides of them.
fn adversarial(var: &'static str) -> impl Strategy<Value = String> {
    let v = move |i: usize| if var == "u" { format!("u{}", i % 8 + 1) } else { "x".to_string() };
    (0usize..9, 1usize..20_000).prop_map(move |(shape, n)| match shape {
        0 => format!("{}{}{}", "(".repeat(n), v(0), ")".repeat(n)),
        1 => (0..n).map(v).collect::<Vec<_>>().join("+"),
        2 => format!("{}{}", "-".repeat(n), v(0)),
        3 => format!("{}{}{}", "tanh(".repeat(n % 2000), v(1), ")".repeat(n % 2000)),
        4 => format!("{}^{}", v(0), n),
        5 => format!("{}{}{}", "He12(".repeat(n % 8), v(2), ")".repeat(n % 8)),
        6 => format!("({})^{}", (0..8).map(v).collect::<Vec<_>>().join("+"), n % 30),
        7 => (0..n % 300).map(|i| format!("tanh({}*{})", v(i % 3), v(i % 3 + 1))).collect::<Vec<_>>().join("+"),
        _ => format!("{}{}", "(".repeat(n), v(0)),
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,80}"]
}

fn target_input() -> impl Strategy<Value = String> {
    prop_oneof![token_soup(), well_formed("u"), adversarial("u"), any_text()]
}

fn activation_input() -> impl Strategy<Value = String> {
    prop_oneof![token_soup().prop_map(|s| s.replace('u', "x")), well_formed("x"), adversarial("x"), any_text()]
}

/// A target parses to finite moments and a finite analysis, or is refused naming `target`. True when valid.
fn check_target(src: &str) -> bool {
    timed(src, || {
        let _ = expr::parse(src);
        match Target::parse(src) {
            Ok(t) => {
                assert!(
                    t.moments.mean.is_finite() && t.moments.variance.is_finite() && t.moments.variance >= 0.0,
                    "{src:?}: {:?}",
                    t.moments
                );
                assert!((1..=8).contains(&t.k), "{src:?}: k = {}", t.k);
                match target::describe(src) {
                    Ok(d) => assert!(serde_json::to_string(&d).is_ok(), "{src:?}"),
                    Err(e) => assert_clear(&e, "target", src),
                }
                true
            }
            Err(e) => {
                assert_clear(&e, "target", src);
                false
            }
        }
    })
}

/// An activation is finite on the line with finite Hermite coefficients, or is refused naming `activation`.
fn check_activation(src: &str) -> bool {
    timed(src, || match Activation::parse(src) {
        Ok(a) => {
            for x in [-3.0, -0.5, 0.0, 0.25, 2.0] {
                assert!(a.value(x).is_finite() && a.derivative(x).is_finite(), "{src:?} at {x}");
            }
            assert!((0..4).all(|k| a.hermite_coefficient(k).is_finite()), "{src:?}");
            true
        }
        Err(e) => {
            assert_clear(&e, "activation", src);
            false
        }
    })
}

/// JSON values that probe each field's type and range checks.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let numbers = prop::sample::select(vec![
        json!(0),
        json!(1),
        json!(-1),
        json!(2),
        json!(3),
        json!(16),
        json!(64),
        json!(0.5),
        json!(-0.0),
        json!(1e-300),
        json!(1e12),
        json!(1e300),
        json!(4503599627370496u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1.5),
        json!(7),
    ]);
    let words = prop::sample::select(vec![
        "T-A",
        "T-D",
        "staircase-6",
        "u1*u2",
        "u1 + 1/u1",
        "relu",
        "tanh",
        "1/x",
        "sqrt-np",
        "p-d",
        "raw",
        "fresh",
        "same",
        "train",
        "hermite",
        "none",
        "f32",
        "f64",
        "projected",
        "full",
        "auto",
        "__proto__",
        "",
        "He12(He12(u1))",
    ]);
    prop_oneof![
        numbers,
        words.prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!([1, 2])),
        Just(json!({ "a": 1 })),
        any::<f64>().prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
    ]
}

const FIELDS: &[&str] = &[
    "d",
    "p",
    "n",
    "kappa",
    "alpha",
    "ell",
    "steps",
    "target",
    "noise",
    "activation",
    "eta",
    "etaRule",
    "learningRate",
    "lambda",
    "nTest",
    "batches",
    "readoutBatch",
    "preprocess",
    "precision",
    "seed",
    "initSeed",
    "initW",
    "initA",
    "symmetric",
    "residual",
    "normalize",
    "trackNeurons",
    "cosThreshold",
    "readoutEveryStep",
    "baselines",
    "chunk",
    "sampler",
    "unknownField",
];

fn config_input() -> impl Strategy<Value = String> {
    let object = prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..5).prop_map(|pairs| {
        // Small sizes by default, so that configs that pass can also run.
        let mut map = serde_json::Map::new();
        for (k, v) in [("d", 8), ("p", 4), ("n", 64), ("nTest", 64)] {
            map.insert(k.into(), v.into());
        }
        for (k, v) in pairs {
            map.insert(k.into(), v);
        }
        serde_json::Value::Object(map).to_string()
    });
    prop_oneof![4 => object, 1 => any_text(), 1 => token_soup().prop_map(|s| format!("{{\"d\": {s}}}"))]
}

/// A config is refused naming a field, or resolves, sizes itself without wrapping and, when small,
/// runs to finite numbers or a clear error. True when it resolves.
fn check_config(json: &str) -> bool {
    timed(json, || {
        let refused = |e: Error| assert!(e.field().is_some() && !e.to_string().contains('\n'), "{json}: {e}");
        // As a user's config reaches the engine (the facade checks it with the same reader).
        let cfg = match Config::from_given_json(json) {
            Ok(c) => c,
            Err(e) => {
                refused(e);
                return false;
            }
        };
        let resolved = match cfg.clone().resolve() {
            Ok(r) => r,
            Err(e) => {
                refused(e);
                return false;
            }
        };
        let fits = resolved.check_memory(256 << 20);
        let n = resolved.n.unwrap_or(u64::MAX as usize) as u128;
        let work = n
            .saturating_add(resolved.n_test as u128)
            .saturating_mul(resolved.d as u128 * resolved.p as u128)
            .saturating_mul(resolved.steps as u128 + 1);
        if fits.is_ok() && work <= 50_000_000 {
            match run(cfg, 256 << 20, &|_, _| {}, &AtomicBool::new(false)) {
                Ok(r) => assert!(serde_json::to_value(&r).is_ok(), "{json}"),
                Err(e) => assert!(e.field().is_some(), "{json}: {e}"),
            }
        }
        true
    })
}

/// Runs `check` on the strategy's inputs and reports how many there were, valid and refused.
fn fuzz<S: Strategy<Value = String>>(name: &str, strategy: S, check: fn(&str) -> bool) {
    let (total, valid) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let start = Instant::now();
    let result = TestRunner::new(proptest_config()).run(&strategy, |input| {
        total.fetch_add(1, Ordering::Relaxed);
        if check(&input) {
            valid.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    let (total, valid) = (total.into_inner(), valid.into_inner());
    eprintln!(
        "fuzz {name}: {total} inputs ({valid} valid, {} refused) in {:.1} s",
        total - valid,
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}

#[test]
fn targets_are_refused_clearly_or_analysed_finitely() {
    fuzz("targets", target_input(), check_target);
}

#[test]
fn activations_are_refused_clearly_or_finite() {
    fuzz("activations", activation_input(), check_activation);
}

#[test]
fn configs_are_refused_clearly_or_run() {
    fuzz("configs", config_input(), check_config);
}

/// The slowest input within the limits: 1,024 nodes of a non-polynomial target in 8 directions
/// (22 s for parse and describe on a loaded 2-core machine). Bounded, not fast; run with `--ignored`.
#[test]
#[ignore]
fn worst_case_time() {
    let src = (0..205).map(|i| format!("tanh(u{}*u{})", i % 8 + 1, (i + 1) % 8 + 1)).collect::<Vec<_>>().join("+");
    let t = Instant::now();
    let _ = Target::parse(&src).unwrap();
    eprintln!("parse {:?}", t.elapsed());
    let _ = target::describe(&src).unwrap();
    eprintln!("describe {:?}", t.elapsed());
    assert!(t.elapsed() < Duration::from_secs_f64(MAX_SECONDS));
}
