//! The deterministic overlap recursion for (M, Q) at fixed p as d → ∞ with n = α d^ℓ (docs/model.md §7),
//! with seeded Monte Carlo expectations over the local fields (λ, ν) ~ N(0, Ω), Ω = [[Q, M], [Mᵀ, I]]:
//!   M_j  += η̄ a_j E_T[j]
//!   Q_jl += η̄ (a_j E_N[j]_l + a_l E_N[l]_j) + η̄² a_j a_l (E_T[j]·E_T[l] + E_⊥[j]ᵀ Q_⊥⁻¹ E_⊥[l])
//!           + η̄² (d/n) a_j a_l E[Δ² σ'(λ_j) σ'(λ_l)]
//! with η̄ = η/√p for the simulation's learning rate η (so η̄ = γ0 √p d^((ℓ−1)/2) when η = γ0 p d^((ℓ−1)/2),
//! and the last term is docs/model.md's γ0² p a_j a_l E[Δ²σ'σ'] at α = 1). Also a neuron's population drift.
use crate::activation::Activation;
use crate::config::{Batches, Config, Normalize, Preprocess, Residual, ResolvedConfig};
use crate::error::{Error, Result};
use crate::linalg::{cholesky, cholesky_substitute, psd_cholesky};
use crate::metrics::{self, Overlap};
use crate::network::Network;
use crate::rng::{self, Purpose};
use crate::target::{self, Target};
use ndarray::{s, Array1, Array2, Axis};
use serde::Serialize;
use std::sync::atomic::AtomicBool;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecursionStep {
    pub step: usize,
    pub overlap: Overlap,
    /// E[(y − f)²] of the network (W, a0) from (M, Q): its population error before any readout.
    pub population_error: f64,
    pub m: Vec<Vec<f64>>,
    pub q: Vec<Vec<f64>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Recursion {
    pub samples: usize,
    pub initial: Overlap,
    pub steps: Vec<RecursionStep>,
}

/// Refuses the settings the recursion does not model, naming the field and the fix.
fn check_modelled(cfg: &Config) -> Result<()> {
    match cfg.preprocess {
        Preprocess::None | Preprocess::Hermite => {}
        Preprocess::Train | Preprocess::Notebook => {
            return Err(Error::invalid(
                "preprocess",
                "the overlap recursion models preprocess none or hermite only (a batch-estimated mean and linear part is not a population quantity): pass --preprocess hermite (the exact counterpart of train) or none",
            ))
        }
    }
    if cfg.batches != Batches::Fresh {
        return Err(Error::invalid("batches", "the overlap recursion models fresh batches only (a reused batch correlates the steps): pass --batches fresh"));
    }
    if cfg.normalize != Normalize::None {
        return Err(Error::invalid(
            "normalize",
            "the overlap recursion models normalize none only: pass --normalize none",
        ));
    }
    Ok(())
}

/// Runs the recursion for the run `cfg` describes (resolved), starting from the overlaps of its actual
/// W0 (same init seed), so the comparison with the simulation carries no initialization noise.
/// Widest network the recursion takes: at p = 512 a step's expectations cost about 5·10¹⁰ flops with the
/// 64,000 samples that fit (see `theory::check_samples`), seconds per step.
pub const MAX_WIDTH: usize = 512;

pub fn overlaps(cfg: &ResolvedConfig, samples: usize, seed: u64, cancel: &AtomicBool) -> Result<Recursion> {
    check_modelled(cfg)?;
    let target = Target::parse(&cfg.target)?;
    let act = Activation::parse(&cfg.activation)?;
    if cfg.p > MAX_WIDTH {
        return Err(Error::invalid(
            "p",
            format!("the overlap recursion's Monte Carlo holds samples × (p + k) numbers and costs samples · p² per step: give p ≤ {MAX_WIDTH}"),
        ));
    }
    let init_seed = cfg.init_seed.unwrap_or(cfg.seed);
    let w_star = target::directions(target.k, cfg.d, init_seed);
    let net = Network::init(cfg, init_seed);
    let mut m = net.w.dot(&w_star.t());
    let mut q = net.w.dot(&net.w.t());
    let a = net.a.clone();
    let (p, k) = (cfg.p, target.k);
    let eta_bar = cfg.learning_rate() / (p as f64).sqrt();
    let d_over_n = cfg.d as f64 / cfg.n() as f64;
    let summary = |m: &Array2<f64>, q: &Array2<f64>| {
        let norms: Vec<f64> = q.diag().iter().map(|v| v.max(0.0).sqrt()).collect();
        let cos = Array2::from_shape_fn((p, k), |(j, r)| m[[j, r]] / norms[j].max(f64::MIN_POSITIVE));
        metrics::overlap_from_cosines(&cos, &norms, cfg.cos_threshold, cfg.track_neurons)
    };
    let initial = summary(&m, &q);
    let mut steps = Vec::with_capacity(cfg.steps);
    for t in 1..=cfg.steps {
        crate::error::checkpoint(cancel)?;
        let e = expectations(&m, &q, &a, &target, &act, cfg, samples, seed, t as u64)?;
        let q_perp = &q - &m.dot(&m.t());
        // E_⊥[j]_l = E_N[j,l] − M_l · E_T[j]  (P = I).
        let e_perp = &e.normal - &e.tangent.dot(&m.t());
        let solved = solve_rows(&q_perp, &e_perp)?;
        let mut m_new = m.clone();
        let mut q_new = q.clone();
        for j in 0..p {
            m_new.row_mut(j).scaled_add(eta_bar * a[j], &e.tangent.row(j));
            for l in 0..p {
                let drift = eta_bar * (a[j] * e.normal[[j, l]] + a[l] * e.normal[[l, j]]);
                let square = eta_bar
                    * eta_bar
                    * a[j]
                    * a[l]
                    * (e.tangent.row(j).dot(&e.tangent.row(l)) + e_perp.row(j).dot(&solved[l]));
                let noise = eta_bar * eta_bar * d_over_n * a[j] * a[l] * e.noise[[j, l]];
                q_new[[j, l]] += drift + square + noise;
            }
        }
        m = m_new;
        q = q_new;
        steps.push(RecursionStep {
            step: t,
            overlap: summary(&m, &q),
            population_error: f64::NAN,
            m: m.outer_iter().map(|r| r.to_vec()).collect(),
            q: q.outer_iter().map(|r| r.to_vec()).collect(),
        });
        if let Some(prev) = steps.len().checked_sub(2) {
            steps[prev].population_error = e.error;
        }
    }
    // Error of the final state needs one more pass of expectations.
    if let Some(last) = steps.last_mut() {
        last.population_error = expectations(&m, &q, &a, &target, &act, cfg, samples, seed, 0)?.error;
    }
    Ok(Recursion { samples, initial, steps })
}

/// Q_⊥⁻¹ E_⊥[l] for every row l. Symmetric pairs make Q_⊥ singular at initialisation (a pair's rows are
/// equal), and there every E_⊥[l] lies in Q_⊥'s range, so the pseudo-inverse gives the quadratic form.
fn solve_rows(q_perp: &Array2<f64>, e_perp: &Array2<f64>) -> Result<Vec<Array1<f64>>> {
    if let Some(factor) = cholesky(q_perp) {
        return Ok(e_perp.rows().into_iter().map(|row| cholesky_substitute(&factor, &row.to_owned())).collect());
    }
    let singular = || {
        Error::numerical("p", "Q − MMᵀ is singular: the neurons' parts orthogonal to the target are linearly dependent")
    };
    let p = q_perp.nrows();
    let eig = faer::Mat::from_fn(p, p, |i, j| q_perp[[i, j]])
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|_| singular())?;
    let (u, s) = (eig.U(), eig.S().column_vector());
    let top = (0..p).map(|k| s[k].abs()).fold(0.0f64, f64::max);
    if (0..p).any(|k| s[k] < -1e-9 * top) {
        return Err(singular());
    }
    let inverse = |k: usize| if s[k] > 1e-10 * top { 1.0 / s[k] } else { 0.0 };
    let pinv = Array2::from_shape_fn((p, p), |(i, j)| (0..p).map(|k| u[(i, k)] * inverse(k) * u[(j, k)]).sum::<f64>());
    Ok(e_perp.rows().into_iter().map(|row| pinv.dot(&row)).collect())
}

/// A factor of a positive semi-definite Ω that is singular, as with symmetric pairs (neuron i + p/2 starts
/// as a copy of neuron i, so their local fields coincide): accepted only when L Lᵀ reproduces Ω, so that an
/// indefinite Ω (the overlaps left the cone) is still refused.
fn semidefinite_factor(omega: &Array2<f64>) -> Option<Array2<f64>> {
    let l = psd_cholesky(omega);
    let scale = omega.diag().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let error = (&l.dot(&l.t()) - omega).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    (error <= 1e-9 * scale.max(f64::MIN_POSITIVE)).then_some(l)
}

struct Expectations {
    /// E_T[j, r] = E[Δ σ'(λ_j) ν_r].
    tangent: Array2<f64>,
    /// E_N[j, l] = E[Δ σ'(λ_j) λ_l].
    normal: Array2<f64>,
    /// E[Δ² σ'(λ_j) σ'(λ_l)] (+ label noise).
    noise: Array2<f64>,
    /// E[Δ²] + label noise (error of the network with the residual's prediction).
    error: f64,
}

#[allow(clippy::too_many_arguments)]
fn expectations(
    m: &Array2<f64>,
    q: &Array2<f64>,
    a: &Array1<f64>,
    target: &Target,
    act: &Activation,
    cfg: &Config,
    samples: usize,
    seed: u64,
    step: u64,
) -> Result<Expectations> {
    let (p, k) = m.dim();
    let dim = p + k;
    let mut omega = Array2::<f64>::eye(dim);
    omega.slice_mut(s![..p, ..p]).assign(q);
    omega.slice_mut(s![..p, p..]).assign(m);
    omega.slice_mut(s![p.., ..p]).assign(&m.t());
    let l = cholesky(&omega).or_else(|| semidefinite_factor(&omega)).ok_or_else(|| {
        Error::numerical(
            "eta",
            "the overlaps left the positive semi-definite cone (a step too large for the recursion): lower eta",
        )
    })?;
    let mut xi = Array2::<f64>::zeros((samples.div_ceil(crate::rng::BLOCK_ROWS) * crate::rng::BLOCK_ROWS, dim));
    rng::fill_gaussian(xi.view_mut(), seed, Purpose::Test, 1_000 + step, 0);
    let fields = xi.slice(s![..samples, ..]).dot(&l.t());
    let lambda = fields.slice(s![.., ..p]);
    let nu = fields.slice(s![.., p..]).to_owned();
    let mut y = target.link(nu.view());
    if cfg.preprocess == Preprocess::Hermite {
        // ỹ = y − C0* − ⟨C1*, ν⟩: the step sees the labels without their first two Hermite orders.
        y -= target.moments.mean;
        y -= &nu.dot(&Array1::from(target.moments.c1.clone()));
    }
    let sigma = lambda.mapv(|x| act.value(x));
    let sigma_prime = lambda.mapv(|x| act.derivative(x));
    let f = sigma.dot(a) / (p as f64).sqrt();
    let delta = match cfg.residual {
        Residual::Full => &y - &f,
        Residual::Labels => y.clone(),
    };
    let weighted = &sigma_prime * &delta.clone().insert_axis(Axis(1)); // Δ σ'(λ_j)
    let n = samples as f64;
    let tangent = weighted.t().dot(&nu) / n;
    let normal = weighted.t().dot(&lambda) / n;
    let delta_sq = delta.mapv(|v| v * v);
    let sp_scaled = &sigma_prime * &delta_sq.insert_axis(Axis(1));
    let mut noise = sp_scaled.t().dot(&sigma_prime) / n;
    if cfg.noise > 0.0 {
        noise += &(sigma_prime.t().dot(&sigma_prime) * (cfg.noise / n));
    }
    let error = (&y - &f).mapv(|v| v * v).sum() / n + cfg.noise;
    Ok(Expectations { tangent, normal, noise, error })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "NeuronDrift"))]
pub struct Drift {
    pub m: Vec<f64>,
    pub s: f64,
    /// E[g*(u) σ'(⟨m,u⟩ + sξ) u] (network output taken as 0, e.g. symmetric init).
    pub drift: Vec<f64>,
    /// Monte Carlo standard error of each component.
    pub standard_error: Vec<f64>,
    pub samples: usize,
}

/// A neuron's population drift inside the target space (docs/model.md §7).
pub fn neuron_drift(target: &Target, act: &Activation, m: &[f64], s: f64, samples: usize, seed: u64) -> Result<Drift> {
    let k = target.k;
    if m.len() != k {
        return Err(Error::invalid(
            "m",
            format!("the overlap m has {} entries but the target has k = {k} directions", m.len()),
        ));
    }
    let rows = samples.div_ceil(crate::rng::BLOCK_ROWS) * crate::rng::BLOCK_ROWS;
    let mut x = Array2::<f64>::zeros((rows, k + 1));
    rng::fill_gaussian(x.view_mut(), seed, Purpose::Test, 7, 0);
    let x = x.slice(s![..samples, ..]);
    let u = x.slice(s![.., ..k]).to_owned();
    let g = target.link(u.view());
    let mv = Array1::from(m.to_vec());
    let pre = u.dot(&mv) + &x.column(k).mapv(|v| v * s);
    let w = &g * &pre.mapv(|v| act.derivative(v));
    let n = samples as f64;
    let mut drift = vec![0.0; k];
    let mut se = vec![0.0; k];
    for j in 0..k {
        let vals = &w * &u.column(j);
        let mean = vals.sum() / n;
        drift[j] = mean;
        se[j] = ((vals.mapv(|v| v * v).sum() / n - mean * mean).max(0.0) / n).sqrt();
    }
    Ok(Drift { m: m.to_vec(), s, drift, standard_error: se, samples })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_at_zero_overlap_is_mu1_c1() {
        // With m = 0, s = 1: E[g σ'(ξ) u] = E[σ'] E[g u] = μ1 C1*.
        let t = Target::parse("T-C").unwrap();
        let d = neuron_drift(&t, &Activation::Relu, &[0.0, 0.0], 1.0, 400_000, 3).unwrap();
        for (j, c) in [2.0, 0.5].iter().enumerate() {
            assert!((d.drift[j] - 0.5 * c).abs() < 4.0 * d.standard_error[j], "{:?}", d);
        }
    }

    #[test]
    fn refuses_the_settings_it_does_not_model() {
        let cfg = |extra: &str| {
            Config::from_json(&format!(r#"{{"d":64,"p":4,"n":64,"target":"T-C"{extra}}}"#)).unwrap().resolve().unwrap()
        };
        for (extra, field) in [
            ("", "preprocess"),
            (r#","preprocess":"notebook""#, "preprocess"),
            (r#","preprocess":"none","batches":"reuse""#, "batches"),
            (r#","preprocess":"none","normalize":"project""#, "normalize"),
        ] {
            assert_eq!(
                overlaps(&cfg(extra), 2_000, 1, &AtomicBool::new(false)).unwrap_err().field(),
                Some(field),
                "{extra}"
            );
        }
        assert!(overlaps(&cfg(r#","preprocess":"hermite""#), 2_000, 1, &AtomicBool::new(false)).is_ok());
    }

    #[test]
    fn hermite_removal_takes_the_linear_part_out_of_the_drift() {
        // T-D = u1 + u1 u2 with C0* = 0, C1* = (1, 0): with hermite removal only u1 u2 drives the step, whose
        // expected overlap change at M = 0 is E[u1 u2 σ'(λ) ν] = 0, so M barely moves; with none it moves along u1.
        let run = |pre: &str| {
            let cfg = Config::from_json(&format!(r#"{{"d":256,"p":4,"n":1024,"steps":1,"target":"T-D","eta":1,"etaRule":"p-d","initA":"signs","preprocess":"{pre}"}}"#))
                .unwrap()
                .resolve()
                .unwrap();
            overlaps(&cfg, 100_000, 1, &AtomicBool::new(false)).unwrap().steps[0].overlap.mean_abs_cos[0]
        };
        let (none, hermite) = (run("none"), run("hermite"));
        assert!(none > 0.3, "none: {none}");
        assert!(hermite < 0.2, "hermite: {hermite}");
    }

    /// Symmetric pairs make the initial overlap matrix singular (each pair's rows are equal): the recursion
    /// runs from it (0.2 refused it with "lower eta" at any η), and its pairs move apart after the step.
    #[test]
    fn symmetric_pairs_run_and_an_indefinite_omega_is_refused() {
        let cfg = Config::from_json(r#"{"d":256,"p":8,"n":2048,"steps":2,"target":"T-B","eta":1,"etaRule":"p-d","initA":"signs","symmetric":true,"preprocess":"none"}"#)
            .unwrap()
            .resolve()
            .unwrap();
        let r = overlaps(&cfg, 20_000, 1, &AtomicBool::new(false)).unwrap();
        assert!(r.steps.iter().all(|s| s.population_error.is_finite() && s.m.iter().flatten().all(|v| v.is_finite())));
        assert!(r.steps[1].overlap.mean_abs_cos[0] > r.initial.mean_abs_cos[0]);
        let mut singular = Array2::<f64>::eye(3);
        singular[[0, 1]] = 1.0;
        singular[[1, 0]] = 1.0;
        singular[[1, 1]] = 1.0;
        let l = semidefinite_factor(&singular).expect("PSD with equal rows");
        assert!((&l.dot(&l.t()) - &singular).iter().all(|v| v.abs() < 1e-12));
        let mut indefinite = singular.clone();
        indefinite[[0, 1]] = 1.5;
        indefinite[[1, 0]] = 1.5;
        assert!(semidefinite_factor(&indefinite).is_none());
    }

    /// Widths beyond the old limit of 64 run (within the sample bound), and the limit is named when passed.
    #[test]
    fn wide_networks_run_up_to_the_stated_limit() {
        let cfg = |p: usize| {
            Config::from_json(&format!(r#"{{"d":1000,"p":{p},"n":1000,"steps":1,"target":"T-C","eta":1,"etaRule":"p-d","initA":"signs","preprocess":"none"}}"#))
                .unwrap()
                .resolve()
                .unwrap()
        };
        let r = overlaps(&cfg(128), 20_000, 1, &AtomicBool::new(false)).unwrap();
        assert!(r.steps[0].overlap.mean_abs_cos[0] > r.initial.mean_abs_cos[0]);
        let e = overlaps(&cfg(MAX_WIDTH + 2), 20_000, 1, &AtomicBool::new(false)).unwrap_err();
        assert_eq!(e.field(), Some("p"));
        assert!(e.message().contains("p ≤ 512"), "{}", e.message());
    }

    #[test]
    fn recursion_runs_and_moves_toward_the_target() {
        let cfg = Config::from_json(r#"{"d":500,"p":4,"n":500,"steps":2,"target":"T-C","eta":1,"etaRule":"p-d","initA":"signs","preprocess":"none"}"#)
            .unwrap()
            .resolve()
            .unwrap();
        let r = overlaps(&cfg, 20_000, 1, &AtomicBool::new(false)).unwrap();
        assert_eq!(r.steps.len(), 2);
        assert!(r.steps[1].overlap.mean_abs_cos[0] > r.initial.mean_abs_cos[0]);
        assert!(r.steps.iter().all(|s| s.population_error.is_finite()));
    }
}
