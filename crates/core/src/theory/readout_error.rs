//! The test error of the ridge readout after one giant step (docs/targets-and-theory.md, "Test error after
//! one step"), by two routes that share one fixed point:
//! - the spiked random-features (sRF) surrogate of Cui, Pesce, Dandi, Krzakala, Lu, Zdeborová, Loureiro
//!   (ICML 2024), exact as n₀, n, d, p → ∞: W₁ ≈ c_W W₀ + r·1 v̂ᵀ, a bulk with the Marchenko–Pastur law
//!   plus a rank-one spike along v̂ whose overlap with the target direction is γ;
//! - a deterministic equivalent of the trained network on one drawn W₁ (`drawn_bulk`): the same equations
//!   with the drawn bulk's own spectrum, its own loadings of the spike's and the target's directions, and
//!   the spread of its row norms, which the surrogate's isotropic bulk leaves out.
//!
//! Conditioned on κ = ⟨v̂, z⟩ the features are Gaussian-equivalent, σ(w·z) ≈ μ₀(κ) + μ₁(κ)⟨w, z_⊥⟩ +
//! μ₂(κ)ξ, and ridge regression on n = αp of them has a test error set by a few scalar order parameters
//! averaged over κ ~ N(0, 1) and over the bulk's spectrum. Neuron i's spike rᵢ and bulk norm sᵢ deviate
//! from the means r̄, c by O(1/√d); to first order that moves its conditional mean by κμ₁(κ)δrᵢ and by
//! ∂μ₀/∂s(κ)·δsᵢ, two "channels" the readout can use collectively (θ and θₛ). With α₀ = 0 the equations
//! give random features.
use super::Facts;
use crate::activation::Activation;
use crate::hermite::{gauss_hermite, gaussian_expectation_1d};
use crate::target::Target;
use serde::Serialize;

/// What one step does to the first layer, to leading order (the sRF surrogate's formulas), or as measured
/// on a drawn W₁.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Spike {
    /// r: the spike's size in every neuron's pre-activation, r = η̃ μ₁(σ) √(E[y²]/α₀ + μ₁(g*)²).
    pub strength: f64,
    /// c_W: the bulk's scale (its rows' root-mean-square norm), c_W² = 1 + η̃² E[y²] E[(σ' − μ₁)²] / α₀.
    pub bulk: f64,
    /// γ = cos(v̂, w*) = μ₁(g*) / √(μ₁(g*)² + E[y²]/α₀).
    pub alignment: f64,
}

/// The setting a curve is computed for.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// α₀ = n₀/d of the step (0: no step, random features).
    pub alpha0: f64,
    /// η̃ = η/p.
    pub eta: f64,
    /// p/d.
    pub width_ratio: f64,
    pub lambda: f64,
    pub noise: f64,
}

/// The order parameters: the readout's overlaps with the bulk (q, V), with the per-neuron spike and norm
/// deviations (θ, θₛ), with the target's direction orthogonal to the spike (ψ), and with the mean mode (m).
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OrderParameters {
    pub q1: f64,
    pub q2: f64,
    pub v1: f64,
    pub v2: f64,
    pub theta: f64,
    pub theta_norm: f64,
    pub psi: f64,
    pub m: f64,
}

/// One model's solution at one readout size.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Solution {
    pub test_error: f64,
    pub converged: bool,
    /// Iterations of the damped fixed point.
    pub iterations: usize,
    pub order_parameters: OrderParameters,
}

/// The bulk as the fixed point sees it: eigenvalues x_k of the bulk's Gram W Π Wᵀ (Π projects the spike's
/// direction out) with their weights, and on each eigenvector e_k the products of the loadings
/// ℓ_k = √p·e_kᵀ[δr, δs, W ζ̂] of the spike deviations, the norm deviations and the target's direction
/// ζ̂ orthogonal to the spike.
pub struct Bulk {
    x: Vec<f64>,
    weight: Vec<f64>,
    loadings: Vec<[[f64; SOURCES]; SOURCES]>,
}

/// Mean channels (spike deviation, norm spread), then the target's linear channel.
const CHANNELS: usize = 2;
const SOURCES: usize = CHANNELS + 1;

/// Nodes of the outer average over κ, and of the Marchenko–Pastur spectrum.
const KAPPA_NODES: usize = 80;
const SPECTRUM_NODES: usize = 400;
const DAMPING: f64 = 0.5;
const TOLERANCE: f64 = 1e-10;
const MAX_ITERATIONS: usize = 20_000;

/// The conditional Gaussian-equivalence coefficients, the channels' functions and the target's conditional
/// moments on the κ nodes.
struct Profiles {
    weight: Vec<f64>,
    mu0: Vec<f64>,
    mu1: Vec<f64>,
    mu2: Vec<f64>,
    /// κμ₁(κ) and ∂μ₀/∂c(κ) = E[ξσ'(rκ + cξ)]: how a neuron's conditional mean moves with its spike and
    /// its bulk norm.
    channel: Vec<[f64; CHANNELS]>,
    /// E[y | κ], E[ξ y | κ] and E[y² | κ] (y's component along the target orthogonal to v̂ is ρξ).
    h: Vec<f64>,
    h1: Vec<f64>,
    hh: Vec<f64>,
}

impl Profiles {
    fn new(act: &Activation, target: &Target, spike: &Spike, noise: f64) -> Profiles {
        let (kappa, weight) = gauss_hermite(KAPPA_NODES);
        let (r, c, g) = (spike.strength, spike.bulk, spike.alignment);
        let rho = (1.0 - g * g).max(0.0).sqrt();
        let link = |u: f64| target.expr.eval_point(&[u]);
        let n = kappa.len();
        let mut p = Profiles {
            weight,
            mu0: Vec::with_capacity(n),
            mu1: Vec::with_capacity(n),
            mu2: Vec::with_capacity(n),
            channel: Vec::with_capacity(n),
            h: Vec::with_capacity(n),
            h1: Vec::with_capacity(n),
            hh: Vec::with_capacity(n),
        };
        for &k in &kappa {
            let s = |x: f64| act.value(r * k + c * x);
            let mu0 = gaussian_expectation_1d(s);
            let mu1 = gaussian_expectation_1d(|x| s(x) * x) / c;
            let second = gaussian_expectation_1d(|x| s(x).powi(2));
            p.mu0.push(mu0);
            p.mu1.push(mu1);
            p.mu2.push((second - mu0 * mu0 - mu1 * mu1 * c * c).max(0.0).sqrt());
            p.channel.push([k * mu1, gaussian_expectation_1d(|x| x * act.derivative(r * k + c * x))]);
            p.h.push(gaussian_expectation_1d(|x| link(g * k + rho * x)));
            p.h1.push(gaussian_expectation_1d(|x| x * link(g * k + rho * x)));
            p.hh.push(gaussian_expectation_1d(|x| link(g * k + rho * x).powi(2)) + noise);
        }
        p
    }

    /// E_κ[f(node)].
    fn mean(&self, f: impl Fn(usize) -> f64) -> f64 {
        self.weight.iter().enumerate().map(|(i, w)| w * f(i)).sum()
    }

    /// The readout's conditional mean along the mean mode and the channels, μ₀m + Σ f_c θ_c.
    fn mean_prediction(&self, i: usize, o: &OrderParameters) -> f64 {
        self.mu0[i] * o.m + self.channel[i][0] * o.theta + self.channel[i][1] * o.theta_norm
    }

    /// E[(y − ŷ)² | κ].
    fn residual(&self, i: usize, o: &OrderParameters) -> f64 {
        let c = self.mean_prediction(i, o);
        self.hh[i] + c * c - 2.0 * c * self.h[i] - 2.0 * self.mu1[i] * o.psi * self.h1[i]
            + o.q1 * self.mu1[i].powi(2)
            + o.q2 * self.mu2[i].powi(2)
    }

    fn variance(&self, i: usize, o: &OrderParameters) -> f64 {
        self.mu1[i].powi(2) * o.v1 + self.mu2[i].powi(2) * o.v2
    }
}

impl Bulk {
    /// The surrogate's bulk: c_W² times Marchenko–Pastur with ratio p/d (an atom at 0 when p > d). Its
    /// rows all have norm c_W (no norm channel); W₀v̂ and W₀ζ̂ are independent isotropic vectors, so on
    /// average the spike's direction loads (p/d)c_W² on every eigenvector and the target's (p/d)·x.
    pub fn marchenko_pastur(ratio: f64, scale: f64) -> Bulk {
        let (a, b) = ((1.0 - ratio.sqrt()).powi(2), (1.0 + ratio.sqrt()).powi(2));
        let (mut x, mut weight) = (vec![], vec![]);
        if ratio > 1.0 {
            x.push(0.0);
            weight.push(1.0 - 1.0 / ratio);
        }
        // x = (a+b)/2 + (b−a)/2 cos t turns the density √((b−x)(x−a))/(2π ratio x) into a smooth integrand in t.
        let h = std::f64::consts::PI / SPECTRUM_NODES as f64;
        for j in 0..SPECTRUM_NODES {
            let t = (j as f64 + 0.5) * h;
            let xi = 0.5 * (a + b) + 0.5 * (b - a) * t.cos();
            let density = (0.5 * (b - a) * t.sin()).powi(2) / (2.0 * std::f64::consts::PI * ratio * xi);
            x.push(scale * xi);
            weight.push(density * h);
        }
        // Renormalize the quadrature's small mass error so the law sums to 1.
        let total: f64 = weight.iter().sum();
        weight.iter_mut().for_each(|w| *w /= total);
        let loadings = x
            .iter()
            .map(|&x| {
                let mut g = [[0.0; SOURCES]; SOURCES];
                g[0][0] = ratio * scale;
                g[2][2] = ratio * x;
                g
            })
            .collect();
        Bulk { x, weight, loadings }
    }

    /// A drawn bulk: eigenvalues `x` of W Π Wᵀ (each weighing 1/p) and each eigenvector's loadings ℓ_k.
    pub fn drawn(x: Vec<f64>, loadings: Vec<[f64; SOURCES]>) -> Bulk {
        let weight = vec![1.0 / x.len() as f64; x.len()];
        let loadings = loadings.iter().map(|l| std::array::from_fn(|i| std::array::from_fn(|j| l[i] * l[j]))).collect();
        Bulk { x, weight, loadings }
    }

    fn mean(&self, f: impl Fn(usize) -> f64) -> f64 {
        self.weight.iter().enumerate().map(|(k, w)| w * f(k)).sum()
    }

    fn mean_of(&self, f: impl Fn(f64) -> f64) -> f64 {
        self.mean(|k| f(self.x[k]))
    }

    /// Σ_k w_k G_k f(x_k), the loadings' Gram weighted by f of the eigenvalue.
    fn loading_mean(&self, f: impl Fn(f64) -> f64) -> [[f64; SOURCES]; SOURCES] {
        let mut out = [[0.0; SOURCES]; SOURCES];
        for (k, g) in self.loadings.iter().enumerate() {
            let wf = self.weight[k] * f(self.x[k]);
            for i in 0..SOURCES {
                for j in 0..SOURCES {
                    out[i][j] += wf * g[i][j];
                }
            }
        }
        out
    }
}

fn quadratic(g: &[[f64; SOURCES]; SOURCES], v: &[f64; SOURCES]) -> f64 {
    (0..SOURCES).map(|i| (0..SOURCES).map(|j| v[i] * g[i][j] * v[j]).sum::<f64>()).sum()
}

/// Solves the fixed point at n = alpha·p readout samples, from `start`.
fn solve(p: &Profiles, bulk: &Bulk, alpha: f64, lambda: f64, start: OrderParameters) -> Solution {
    let mut o = start;
    for iteration in 1..=MAX_ITERATIONS {
        // Conjugate ("hat") parameters: averages over κ of each sample's contribution.
        let denom = |i: usize| 1.0 + p.variance(i, &o);
        let q_hat1 = alpha * p.mean(|i| p.mu1[i].powi(2) * p.residual(i, &o) / denom(i).powi(2));
        let q_hat2 = alpha * p.mean(|i| p.mu2[i].powi(2) * p.residual(i, &o) / denom(i).powi(2));
        let v_hat1 = alpha * p.mean(|i| p.mu1[i].powi(2) / denom(i));
        let v_hat2 = alpha * p.mean(|i| p.mu2[i].powi(2) / denom(i));
        let psi_hat = alpha * p.mean(|i| p.h1[i] * p.mu1[i] / denom(i));
        // θ̂ = α(A − Bθ) is linear in θ, and θ = G θ̂ + g ψ̂ (G, g: the loadings over the spectrum): solved
        // together (iterating the pair diverges when αGB > 1, e.g. nearly ridgeless).
        let a: [f64; CHANNELS] =
            std::array::from_fn(|c| p.mean(|i| p.channel[i][c] * (p.h[i] - p.mu0[i] * o.m) / denom(i)));
        let b: [[f64; CHANNELS]; CHANNELS] =
            std::array::from_fn(|c| std::array::from_fn(|e| p.mean(|i| p.channel[i][c] * p.channel[i][e] / denom(i))));
        let s = |x: f64| lambda + v_hat1 * x + v_hat2;
        let g = bulk.loading_mean(|x| 1.0 / s(x));
        let theta = solve_channels(&g, &b, &a, alpha, psi_hat);
        let theta_hat: [f64; CHANNELS] =
            std::array::from_fn(|c| alpha * (a[c] - (0..CHANNELS).map(|e| b[c][e] * theta[e]).sum::<f64>()));
        let sources = [theta_hat[0], theta_hat[1], psi_hat];
        let source = |k: usize| q_hat1 * bulk.x[k] + q_hat2 + quadratic(&bulk.loadings[k], &sources);
        let mean_mu0_sq = p.mean(|i| p.mu0[i].powi(2) / denom(i));
        let m = if mean_mu0_sq > 1e-300 {
            let channels = |i: usize| p.channel[i][0] * o.theta + p.channel[i][1] * o.theta_norm;
            p.mean(|i| p.mu0[i] * (p.h[i] - channels(i)) / denom(i)) / mean_mu0_sq
        } else {
            0.0
        };
        let new = OrderParameters {
            q1: bulk.mean(|k| bulk.x[k] / s(bulk.x[k]).powi(2) * source(k)),
            q2: bulk.mean(|k| source(k) / s(bulk.x[k]).powi(2)),
            v1: bulk.mean_of(|x| x / s(x)),
            v2: bulk.mean_of(|x| 1.0 / s(x)),
            theta: theta[0],
            theta_norm: theta[1],
            psi: (0..SOURCES).map(|j| g[2][j] * sources[j]).sum(),
            m,
        };
        let pairs = [
            (new.q1, o.q1),
            (new.q2, o.q2),
            (new.v1, o.v1),
            (new.v2, o.v2),
            (new.theta, o.theta),
            (new.theta_norm, o.theta_norm),
            (new.psi, o.psi),
            (new.m, o.m),
        ];
        let change = pairs.iter().fold(0.0f64, |acc, (n, old)| acc.max((n - old).abs()));
        let damp = |new: f64, old: f64| (1.0 - DAMPING) * new + DAMPING * old;
        o = OrderParameters {
            q1: damp(new.q1, o.q1),
            q2: damp(new.q2, o.q2),
            v1: damp(new.v1, o.v1),
            v2: damp(new.v2, o.v2),
            theta: damp(new.theta, o.theta),
            theta_norm: damp(new.theta_norm, o.theta_norm),
            psi: damp(new.psi, o.psi),
            m: damp(new.m, o.m),
        };
        if !change.is_finite() {
            return Solution { test_error: f64::NAN, converged: false, iterations: iteration, order_parameters: o };
        }
        if change < TOLERANCE * (1.0 + o.q1.abs() + o.q2.abs() + o.m.abs()) {
            return Solution {
                test_error: test_error(p, &o),
                converged: true,
                iterations: iteration,
                order_parameters: o,
            };
        }
    }
    Solution { test_error: test_error(p, &o), converged: false, iterations: MAX_ITERATIONS, order_parameters: o }
}

/// θ from (I + αG_θθ B)θ = αG_θθ A + G_θψ ψ̂, a 2×2 system (its determinant is ≥ 1: G and B are PSD).
fn solve_channels(
    g: &[[f64; SOURCES]; SOURCES],
    b: &[[f64; CHANNELS]; CHANNELS],
    a: &[f64; CHANNELS],
    alpha: f64,
    psi_hat: f64,
) -> [f64; CHANNELS] {
    let gb = |i: usize, j: usize| (0..CHANNELS).map(|k| g[i][k] * b[k][j]).sum::<f64>();
    let m = [[1.0 + alpha * gb(0, 0), alpha * gb(0, 1)], [alpha * gb(1, 0), 1.0 + alpha * gb(1, 1)]];
    let rhs: [f64; CHANNELS] =
        std::array::from_fn(|i| alpha * (0..CHANNELS).map(|k| g[i][k] * a[k]).sum::<f64>() + g[i][2] * psi_hat);
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    [(rhs[0] * m[1][1] - m[0][1] * rhs[1]) / det, (m[0][0] * rhs[1] - m[1][0] * rhs[0]) / det]
}

/// E[(y − ŷ)²] at the order parameters.
fn test_error(p: &Profiles, o: &OrderParameters) -> f64 {
    p.mean(|i| p.residual(i, o))
}

/// The surrogate's spike for a single-index target (`facts.c1` has one entry, μ₁(g*)).
pub fn spike(facts: &Facts, activation: &Activation, setting: &Setting) -> Spike {
    if setting.alpha0 <= 0.0 || setting.eta == 0.0 {
        return Spike { strength: 0.0, bulk: 1.0, alignment: 0.0 };
    }
    let (y2, target_mu1) = (facts.second_moment, facts.c1.first().copied().unwrap_or(0.0));
    let spread = gaussian_expectation_1d(|x| (activation.derivative(x) - facts.mu1).powi(2));
    let signal = target_mu1 * target_mu1 + y2 / setting.alpha0;
    Spike {
        strength: setting.eta * facts.mu1 * signal.sqrt(),
        bulk: (1.0 + setting.eta.powi(2) / setting.alpha0 * y2 * spread).sqrt(),
        alignment: target_mu1 / signal.sqrt(),
    }
}

/// A model to solve: its spike (the profiles' r, c, γ) and its bulk.
pub struct Model {
    pub spike: Spike,
    pub bulk: Bulk,
}

impl Model {
    /// The sRF surrogate of the setting (with α₀ = 0: random features).
    pub fn surrogate(facts: &Facts, act: &Activation, setting: &Setting) -> Model {
        let spike = spike(facts, act, setting);
        Model { bulk: Bulk::marchenko_pastur(setting.width_ratio, spike.bulk.powi(2)), spike }
    }
}

/// Each model's curve over `alphas` (readout samples / d), warm-starting each point from the previous one.
pub fn curves(
    target: &Target,
    act: &Activation,
    setting: &Setting,
    models: &[&Model],
    alphas: &[f64],
) -> Vec<Vec<Solution>> {
    let start = OrderParameters { q1: 0.1, q2: 0.2, v1: 1.0, v2: 1.0, theta: 0.5, theta_norm: 0.0, psi: 0.5, m: 1.0 };
    models
        .iter()
        .map(|model| {
            let profiles = Profiles::new(act, target, &model.spike, setting.noise);
            let mut warm = start;
            alphas
                .iter()
                .map(|&alpha_readout| {
                    // The equations count samples per feature: n/p = (n/d)/(p/d).
                    let s = solve(&profiles, &model.bulk, alpha_readout / setting.width_ratio, setting.lambda, warm);
                    if s.converged {
                        warm = s.order_parameters;
                    }
                    s
                })
                .collect()
        })
        .collect()
}

/// One readout size: the trained network's predicted error and the two surrogates'.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorPoint {
    /// Readout samples per dimension, n/d.
    pub alpha_readout: f64,
    /// The trained network's test error: the deterministic equivalent on the drawn W₁ (`network`).
    pub test_error: f64,
    /// The spiked random-features surrogate's exact asymptotic error (`spikedRandomFeatures`).
    pub spiked_random_features_error: f64,
    /// Random features, the same readout on W₀ (`randomFeatures`).
    pub random_features_error: f64,
    pub network: Solution,
    pub spiked_random_features: Solution,
    pub random_features: Solution,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::experiment::trained_layers;
    use crate::theory::drawn;
    use ndarray::Array2;
    use std::sync::atomic::AtomicBool;

    fn setting(alpha0: f64, lambda: f64, ratio: f64) -> Setting {
        Setting { alpha0, eta: 1.0, width_ratio: ratio, lambda, noise: 0.0 }
    }

    fn parse(target: &str, act: &str) -> (Target, Activation) {
        (Target::parse(target).unwrap(), Activation::parse(act).unwrap())
    }

    /// The surrogate's (and, with α₀ = 0, random features') solutions at `alphas`.
    fn surrogate(target: &str, act: &str, s: Setting, alphas: &[f64]) -> Vec<Solution> {
        let (target, act) = parse(target, act);
        let model = Model::surrogate(&Facts::new(&target, &act, s.noise), &act, &s);
        curves(&target, &act, &s, &[&model], alphas).remove(0)
    }

    #[test]
    fn the_spectrum_is_a_probability_law_with_the_right_moments() {
        for ratio in [0.5, 1.0, 2.0] {
            let mp = Bulk::marchenko_pastur(ratio, 1.0);
            assert!((mp.mean_of(|_| 1.0) - 1.0).abs() < 1e-12);
            // Marchenko–Pastur (variance 1): E[x] = 1, E[x²] = 1 + ratio.
            assert!((mp.mean_of(|x| x) - 1.0).abs() < 1e-3, "ratio {ratio}: {}", mp.mean_of(|x| x));
            assert!((mp.mean_of(|x| x * x) - (1.0 + ratio)).abs() < 1e-3, "ratio {ratio}: {}", mp.mean_of(|x| x * x));
        }
    }

    /// With a huge penalty, or hardly any samples, the readout keeps only the features' mean mode, which the
    /// ridge leaves unpenalized in the limit (its eigenvalue grows with p): error E[y²] − E[μ₀h]²/E[μ₀²], and
    /// E[y²] for random features with an odd activation (μ₀ = 0).
    #[test]
    fn a_huge_penalty_or_no_samples_leave_only_the_mean_mode() {
        let (target, act) = parse("tanh(u1)", "tanh");
        let facts = Facts::new(&target, &act, 0.0);
        let stepped = spike(&facts, &act, &setting(0.5, 0.01, 1.0));
        let profiles = Profiles::new(&act, &target, &stepped, 0.0);
        let y2 = gaussian_expectation_1d(|x| x.tanh().powi(2));
        let mean_mode =
            profiles.mean(|i| profiles.mu0[i] * profiles.h[i]).powi(2) / profiles.mean(|i| profiles.mu0[i].powi(2));
        for (lambda, alpha) in [(1e9, 1.0), (0.01, 1e-9)] {
            let step = surrogate("tanh(u1)", "tanh", setting(0.5, lambda, 1.0), &[alpha])[0];
            let rf = surrogate("tanh(u1)", "tanh", setting(0.0, lambda, 1.0), &[alpha])[0];
            assert!(step.converged && rf.converged);
            let want = y2 - mean_mode;
            assert!((step.test_error - want).abs() < 1e-6, "λ = {lambda}, α = {alpha}: {} vs {want}", step.test_error);
            assert!((rf.test_error - y2).abs() < 1e-6, "λ = {lambda}, α = {alpha}: {} vs {y2}", rf.test_error);
        }
    }

    /// Linear features x = Wz of a linear target with label noise Δ, ridgeless: least squares on the
    /// r = min(p, d) dimensions the features span, with n samples, has test error σ²·n/(n − r), where
    /// σ² = Δ + (1 − r/d) adds the target's part outside a random r-dimensional span (any W).
    #[test]
    fn ridgeless_linear_regression_has_the_least_squares_error() {
        for ratio in [0.5, 1.0, 2.0] {
            for alpha in [1.5, 2.0, 4.0] {
                let s = Setting { alpha0: 0.0, eta: 0.0, width_ratio: ratio, lambda: 1e-8, noise: 0.25 };
                let n_over_r = alpha / ratio.min(1.0);
                let expected = (0.25 + (1.0 - ratio.min(1.0))) * n_over_r / (n_over_r - 1.0);
                let rf = surrogate("u1", "x", s, &[alpha])[0];
                assert!(rf.converged);
                assert!(
                    (rf.test_error - expected).abs() < 1e-4,
                    "p/d = {ratio}, α = {alpha}: {} vs {expected}",
                    rf.test_error
                );
            }
        }
    }

    #[test]
    fn the_step_helps_a_learnable_target_and_the_curve_decreases_in_alpha() {
        let alphas = [0.2, 0.6667, 1.1333, 1.6, 2.0667, 2.5333, 3.0];
        let (target, act) = parse("tanh(u1)", "tanh");
        let s = setting(0.5, 0.01, 1.0);
        let sp = spike(&Facts::new(&target, &act, 0.0), &act, &s);
        assert!(sp.strength > 0.3 && sp.alignment > 0.5, "{sp:?}");
        let step = surrogate("tanh(u1)", "tanh", s, &alphas);
        let rf = surrogate("tanh(u1)", "tanh", setting(0.0, 0.01, 1.0), &alphas);
        assert!(step.iter().chain(&rf).all(|p| p.converged));
        for w in step.windows(2).skip(2) {
            assert!(w[1].test_error < w[0].test_error, "{} then {}", w[0].test_error, w[1].test_error);
        }
        let (last, last_rf) = (step.last().unwrap(), rf.last().unwrap());
        assert!(last.test_error < last_rf.test_error, "{} vs {}", last.test_error, last_rf.test_error);
    }

    /// One step of the engine on the osa-one-step setting (tanh/tanh, α₀ = 0.5, η̃ = 1) or the sin/tanh one
    /// (α₀ = 20, η̃ = 3), W₁ measured.
    fn measured(d: usize, p: usize, target: &str, alpha0: f64, eta: f64, seed: u64) -> drawn::Drawn {
        let cfg = Config {
            d,
            p,
            alpha: Some(alpha0),
            ell: Some(1.0),
            init_w: crate::config::InitW::Sphere,
            preprocess: crate::config::Preprocess::None,
            target: target.into(),
            activation: "tanh".into(),
            eta,
            eta_rule: crate::config::EtaRule::PD,
            init_a: crate::config::InitA::Ones,
            seed,
            baselines: false,
            ..Config::default()
        }
        .resolve()
        .unwrap();
        let (t, act) = parse(target, "tanh");
        let layers = trained_layers(&cfg, t, act, &AtomicBool::new(false)).unwrap();
        drawn::measure(layers.w0.view(), layers.w.view(), layers.w_star.row(0)).unwrap().0
    }

    /// Mean and standard error.
    fn mean_sem(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        (mean, (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt())
    }

    /// c_W² = 1 + η̃² E[y²] E[(σ' − μ₁)²] / α₀ (the authors' corrected formula; the earlier one had an extra
    /// μ₁(σ)² factor) against the bulk measured on W₁ after one engine step, at two d over 4 step draws:
    /// within 2 s.e. + 0.004 of the formula. The earlier formula predicts 1.028 here, 0.049 below, and the
    /// same test refuses it.
    #[test]
    fn the_bulk_scale_matches_the_one_measured_on_w1() {
        let (target, act) = parse("tanh(u1)", "tanh");
        let s = Setting { alpha0: 0.5, eta: 1.0, width_ratio: 1.0, lambda: 0.01, noise: 0.0 };
        let formula = spike(&Facts::new(&target, &act, 0.0), &act, &s).bulk.powi(2);
        let superseded = 1.0 + (formula - 1.0) * act.hermite_coefficient(1).powi(2);
        for d in [500, 1000] {
            let c2: Vec<f64> =
                (0..4).map(|seed| measured(d, d, "tanh(u1)", 0.5, 1.0, seed).spike.bulk.powi(2)).collect();
            let (mean, sem) = mean_sem(&c2);
            let within = |value: f64| (mean - value).abs() <= 2.0 * sem + 0.004;
            assert!(within(formula), "d = {d}: measured c² {c2:?}, formula {formula}");
            assert!(!within(superseded), "d = {d}: measured c² {c2:?} agrees with the superseded {superseded} too");
        }
    }

    /// The spike's strength and alignment measured on W₁ match the surrogate's formulas to O(1/√d); the
    /// step's bulk is anisotropic on osa-one-step: the spike's direction loads on it well above c².
    #[test]
    fn the_measured_spike_matches_the_formulas() {
        let (target, act) = parse("sin(u1)", "tanh");
        let s = Setting { alpha0: 20.0, eta: 3.0, width_ratio: 1.0, lambda: 0.1, noise: 0.0 };
        let formula = spike(&Facts::new(&target, &act, 0.0), &act, &s);
        let m = measured(400, 400, "sin(u1)", 20.0, 3.0, 1);
        assert!((m.spike.strength / formula.strength - 1.0).abs() < 0.05, "{m:?} vs {formula:?}");
        assert!((m.spike.alignment - formula.alignment).abs() < 0.02, "{m:?} vs {formula:?}");
        assert!(m.norm_spread > 0.5, "{m:?}");
        let osa = measured(500, 500, "tanh(u1)", 0.5, 1.0, 1);
        assert!(osa.spike_loading > 1.25 * osa.spike.bulk.powi(2), "{osa:?}");
    }

    /// The surrogate's own W₁ = c W₀ + r 1 v̂ᵀ (W₀ on the sphere, v̂ and the target's orthogonal part random),
    /// drawn at finite d and fed to the drawn route, gives the surrogate's exact curve back, averaged over
    /// 4 draws to within 1.5% (one draw's loadings fluctuate by O(1/√p); measured: +0.9% at p = d = 1200,
    /// −0.6% at p = d/2 = 600, and ±3% for single draws at p = 400): the measurement, the loadings'
    /// normalization (p/d included) and the shared fixed point agree.
    #[test]
    fn the_drawn_route_on_the_surrogates_own_w1_gives_the_surrogate() {
        const DRAWS: u64 = 4;
        let (target, act) = parse("tanh(u1)", "tanh");
        let alphas = [0.6, 1.6, 3.0];
        for (d, p) in [(1200, 1200), (1200, 600)] {
            let s = Setting { alpha0: 0.5, eta: 1.0, width_ratio: p as f64 / d as f64, lambda: 0.01, noise: 0.0 };
            let model = Model::surrogate(&Facts::new(&target, &act, 0.0), &act, &s);
            let exact = curves(&target, &act, &s, &[&model], &alphas).remove(0);
            let mut drawn_mean = [0.0; 3];
            for draw in 0..DRAWS {
                let network = surrogate_draw(&model.spike, d, p, draw);
                for (i, sol) in curves(&target, &act, &s, &[&network], &alphas)[0].iter().enumerate() {
                    assert!(sol.converged);
                    drawn_mean[i] += sol.test_error / DRAWS as f64;
                }
            }
            for (got, want) in drawn_mean.iter().zip(&exact) {
                assert!(
                    (got / want.test_error - 1.0).abs() < 0.015,
                    "d = {d}, p = {p}: drawn {got} vs surrogate {want:?}"
                );
            }
        }
    }

    /// W₁ = c W₀ + r 1 v̂ᵀ with the target at angle γ to v̂, measured by the drawn route.
    fn surrogate_draw(sp: &Spike, d: usize, p: usize, draw: u64) -> Model {
        let gaussian = |stream: u64, n: usize| crate::rng::gaussian_vec(draw, crate::rng::Purpose::InitW, stream, n);
        let mut w0 = Array2::from_shape_vec((p, d), gaussian(0, p * d)).unwrap();
        w0.rows_mut().into_iter().for_each(|mut r| {
            let n = r.dot(&r).sqrt();
            r /= n;
        });
        let unit = |stream: u64| {
            let v = ndarray::Array1::from(gaussian(stream, d));
            let n = v.dot(&v).sqrt();
            v / n
        };
        let v = unit(1);
        let mut zeta = unit(2);
        zeta = &zeta - &(&v * v.dot(&zeta));
        zeta /= zeta.dot(&zeta).sqrt();
        let w_star = &v * sp.alignment + &zeta * (1.0 - sp.alignment.powi(2)).sqrt();
        let w1 = &w0 * sp.bulk + &Array2::from_shape_fn((p, d), |(_, j)| sp.strength * v[j]);
        let (m, network) = drawn::measure(w0.view(), w1.view(), w_star.view()).unwrap();
        assert!(m.norm_spread < 0.05, "{m:?}");
        network
    }
}
