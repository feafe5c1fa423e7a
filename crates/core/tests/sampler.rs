//! The projected sampler draws the same distribution as the full one: a two-sample comparison over
//! seeds of overlaps and test errors on a small problem.
use giantstep_core::{run, Config, RunResult};
use std::sync::atomic::AtomicBool;

fn runs(eta: f64, sampler: &str, seeds: u64) -> Vec<RunResult> {
    (0..seeds)
        .map(|seed| {
            let json = format!(
                r#"{{"d":200,"p":8,"n":1000,"steps":2,"target":"T-B","nTest":3000,"readoutBatch":"fresh",
                "preprocess":"none","eta":{eta},"etaRule":"p-d","initA":"signs","sampler":"{sampler}","seed":{seed}}}"#
            );
            run(Config::from_json(&json).unwrap(), u64::MAX, &|_, _| {}, &AtomicBool::new(false)).unwrap()
        })
        .collect()
}

/// Statistics compared: final test error, random-features test error, per-direction mean |cos| and the
/// two singular values of the overlap after the last step.
fn statistics(r: &RunResult) -> Vec<f64> {
    let o = &r.steps[1].overlap;
    vec![
        r.test_error.unwrap(),
        r.baselines.random_features.as_ref().unwrap().test_error.unwrap(),
        o.mean_abs_cos[0],
        o.mean_abs_cos[1],
        o.singular_values[0],
        o.singular_values[1],
    ]
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    (m, v.sqrt())
}

/// Welch's t statistic and the ratio of standard deviations, per statistic.
fn compare(a: &[RunResult], b: &[RunResult]) -> Vec<(f64, f64)> {
    let sa: Vec<Vec<f64>> = a.iter().map(statistics).collect();
    let sb: Vec<Vec<f64>> = b.iter().map(statistics).collect();
    (0..sa[0].len())
        .map(|i| {
            let xa: Vec<f64> = sa.iter().map(|s| s[i]).collect();
            let xb: Vec<f64> = sb.iter().map(|s| s[i]).collect();
            let ((ma, da), (mb, db)) = (mean_sd(&xa), mean_sd(&xb));
            let t = (ma - mb) / (da * da / xa.len() as f64 + db * db / xb.len() as f64).sqrt();
            (t, da / db)
        })
        .collect()
}

#[test]
fn projected_and_full_samplers_agree_in_distribution() {
    // 40 seeds each. Under the null each |t| exceeds 4 with probability ≈ 1e-4, and the log of a ratio of
    // standard deviations has standard error ≈ 0.16, so [0.55, 1.8] is a ±3.7σ band.
    let full = runs(1.0, "full", 40);
    let projected = runs(1.0, "projected", 40);
    for (i, (t, ratio)) in compare(&full, &projected).into_iter().enumerate() {
        println!("statistic {i}: Welch t = {t:.2}, sd ratio {ratio:.2}");
        assert!(t.abs() < 4.0, "statistic {i}: Welch t = {t:.2}");
        assert!((0.55..1.8).contains(&ratio), "statistic {i}: sd ratio {ratio:.2}");
    }
    // The same comparison detects a real difference (a 60% larger step), so the test has power.
    let larger = runs(1.6, "projected", 40);
    let power = compare(&full, &larger);
    println!("against a 60% larger step: {power:.2?}");
    let detected = power.iter().filter(|(t, _)| t.abs() > 4.0).count();
    assert!(detected >= 2, "a 60% larger step went unnoticed");
}
