//! Theory the package can compute (docs/model.md §7): one-step cosines at n = αd, a neuron's population
//! drift, the deterministic (M, Q) overlap recursion, and the phase diagram. Outputs use the same field
//! names as run results so curves overlay simulations.
pub mod drawn;
pub mod one_step;
pub mod phase;
pub mod readout_error;
pub mod recursion;

use crate::activation::Activation;
use crate::target::Target;

/// The Gaussian facts of a (target, activation) pair that the formulas use.
#[derive(Clone, Debug)]
pub struct Facts {
    pub mu1: f64,
    pub mu2: f64,
    pub sigma_prime_sq: f64,
    pub c1: Vec<f64>,
    pub mean: f64,
    /// E[y²] = Var(g*) + E[g*]² + noise.
    pub second_moment: f64,
}

impl Facts {
    pub fn new(target: &Target, act: &Activation, noise: f64) -> Facts {
        let m = &target.moments;
        Facts {
            mu1: act.hermite_coefficient(1),
            mu2: act.hermite_coefficient(2),
            sigma_prime_sq: act.derivative_second_moment(),
            c1: m.c1.clone(),
            mean: m.mean,
            second_moment: m.variance + m.mean * m.mean + noise,
        }
    }

    pub fn c1_norm(&self) -> f64 {
        self.c1.iter().map(|c| c * c).sum::<f64>().sqrt()
    }
}

use crate::config::{Config, ResolvedConfig};
use crate::error::{checkpoint, Error, Result};
use crate::experiment;
use crate::named::from_object;
use crate::target::analysis;
use readout_error::Model;
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;

/// A theory request (JSON `{"kind": ..., ...}`), as the CLI and the API send it.
#[derive(Clone, Debug)]
pub enum Request {
    OneStep(OneStep),
    Drift(Drift),
    Overlaps(Overlaps),
    PhaseDiagram(PhaseDiagram),
    Error(ErrorCurve),
}

/// One-step cosines at n = αd for each α, step size η = c·p.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "OneStepRequest"))]
pub struct OneStep {
    pub target: String,
    pub activation: String,
    /// Label noise variance (default 0).
    #[serde(default)]
    #[cfg_attr(test, ts(optional, as = "Option<f64>"))]
    pub noise: f64,
    pub alphas: Vec<f64>,
    /// η = c·p (default 1).
    #[serde(default = "one")]
    #[cfg_attr(test, ts(optional, as = "Option<f64>"))]
    pub c: f64,
}

/// A neuron's population drift at overlap m and orthogonal norm s.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "DriftRequest"))]
pub struct Drift {
    pub target: String,
    pub activation: String,
    pub m: Vec<f64>,
    pub s: f64,
    /// Monte Carlo samples (default THEORY_DEFAULT_SAMPLES).
    #[serde(default = "samples")]
    #[cfg_attr(test, ts(optional, as = "Option<usize>"))]
    pub samples: usize,
    /// Monte Carlo seed (default 0).
    #[serde(default)]
    #[cfg_attr(test, ts(optional, as = "Option<u64>"))]
    pub seed: u64,
}

/// The (M, Q) recursion for a run config.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "OverlapsRequest"))]
pub struct Overlaps {
    /// A run's config, as `run` takes it (presets allowed).
    #[cfg_attr(test, ts(type = "ConfigInput"))]
    pub config: Config,
    /// Monte Carlo samples per step (default THEORY_DEFAULT_SAMPLES).
    #[serde(default = "samples")]
    #[cfg_attr(test, ts(optional, as = "Option<usize>"))]
    pub samples: usize,
    /// Monte Carlo seed (default 0).
    #[serde(default)]
    #[cfg_attr(test, ts(optional, as = "Option<u64>"))]
    pub seed: u64,
}

/// The learnability phase diagram of a target.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "PhaseDiagramRequest"))]
pub struct PhaseDiagram {
    pub target: String,
}

/// The readout's test error after one step, over readout sizes, for a run config.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ErrorRequest"))]
pub struct ErrorCurve {
    /// A run's config, as `run` takes it (presets allowed).
    #[cfg_attr(test, ts(type = "ConfigInput"))]
    pub config: Config,
    /// Readout samples per dimension, n/d.
    pub alpha_readout: Vec<f64>,
}

/// The request kinds, in the order docs and help list them (generated into TypeScript as THEORY_KINDS).
pub const KINDS: [&str; 5] = ["one-step", "drift", "overlaps", "phase-diagram", "error"];

/// Each kind's request type, in the order of KINDS (the generated TheoryRequest pairs them).
#[cfg(test)]
pub const REQUEST_TYPES: [&str; 5] =
    ["OneStepRequest", "DriftRequest", "OverlapsRequest", "PhaseDiagramRequest", "ErrorRequest"];

fn kinds() -> String {
    KINDS.join(", ")
}

impl Request {
    /// Parses a request, naming the field at fault: the kind is read first, then its own fields, so
    /// that `"samples": 1e20` is refused as `samples`, not as the request's `kind`.
    pub fn from_json(json: &str) -> Result<Request> {
        let mut value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::invalid("request", e.to_string()))?;
        let fields =
            value.as_object_mut().ok_or_else(|| Error::invalid("request", "must be a JSON object with a kind"))?;
        let kind = match fields.remove("kind") {
            Some(serde_json::Value::String(kind)) => kind,
            _ => return Err(Error::invalid("kind", format!("give the kind of theory: one of {}", kinds()))),
        };
        Ok(match kind.as_str() {
            "one-step" => Request::OneStep(from_object(value, "request")?),
            "drift" => Request::Drift(from_object(value, "request")?),
            "overlaps" => Request::Overlaps(from_object(with_checked_config(value)?, "request")?),
            "phase-diagram" => Request::PhaseDiagram(from_object(value, "request")?),
            "error" => Request::Error(from_object(with_checked_config(value)?, "request")?),
            other => {
                return Err(Error::invalid(
                    "kind",
                    format!("unknown theory kind '{}'; choose one of {}", other.escape_debug(), kinds()),
                ))
            }
        })
    }
}

/// A request's run config checked by the field table, as a run's is, so its messages are the same (the
/// field named `config.d`).
fn with_checked_config(mut value: serde_json::Value) -> Result<serde_json::Value> {
    if let Some(config) = value.get_mut("config") {
        crate::config::fields::check_given(config, crate::config::fields::Reading::Given).map_err(|e| {
            match e.field() {
                Some(field) if field != "config" => Error::invalid(&format!("config.{field}"), e.message()),
                _ => e,
            }
        })?;
    }
    Ok(value)
}

fn one() -> f64 {
    1.0
}
fn samples() -> usize {
    DEFAULT_SAMPLES
}

/// Monte Carlo samples when a request gives none (generated into TypeScript as THEORY_DEFAULT_SAMPLES).
pub const DEFAULT_SAMPLES: usize = 200_000;

/// Fewest and most Monte Carlo samples a theory request may ask for. The samples are held in memory,
/// (p + k) numbers each for the overlap recursion (a few arrays of them), so there the bound is
/// MAX_SAMPLE_ENTRIES / (p + 8) (466,033 at p = 64; the default 200,000 fits every p ≤ 64).
pub const MIN_SAMPLES: usize = 1000;
pub const MAX_SAMPLES: usize = 4_000_000;
const MAX_SAMPLE_ENTRIES: usize = 1 << 25;

fn check_samples(samples: usize, width: usize) -> Result<usize> {
    let max = MAX_SAMPLES.min(MAX_SAMPLE_ENTRIES / width);
    if !(MIN_SAMPLES..=max).contains(&samples) {
        let why = if max < MAX_SAMPLES { format!(" (at p = {})", width - 8) } else { String::new() };
        return Err(Error::invalid(
            "samples",
            format!("must be an integer from {MIN_SAMPLES} to {max}{why}, got {samples}"),
        ));
    }
    Ok(samples)
}

/// A theory answer, tagged with its request's kind (JSON `{"kind": ..., ...}`).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case", rename_all_fields = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "TheoryAnswer"))]
pub enum Answer {
    OneStep {
        target: String,
        activation: String,
        noise: f64,
        c: f64,
        points: Vec<one_step::OneStepPoint>,
    },
    Drift {
        target: String,
        activation: String,
        drift: recursion::Drift,
    },
    Overlaps {
        #[serde(flatten)]
        recursion: recursion::Recursion,
        /// The model the answer comes from (always `overlap-recursion`; the facade words it).
        models: TheoryModel,
        /// The resolved run config it was computed for.
        #[cfg_attr(test, ts(type = "Config"))]
        config: Box<ResolvedConfig>,
    },
    PhaseDiagram {
        target: String,
        #[serde(flatten)]
        diagram: phase::PhaseDiagram,
    },
    Error {
        /// What each number of the answer is, and the setting they cover.
        models: ErrorModels,
        /// The resolved run config it was computed for.
        #[cfg_attr(test, ts(type = "Config"))]
        config: Box<ResolvedConfig>,
        /// The surrogate's spike, from its formulas: strength, bulk scale and alignment.
        spike: readout_error::Spike,
        /// What the drawn W₁ (the config's seeds) measures; the network's prediction is evaluated on it.
        drawn: drawn::Drawn,
        points: Vec<readout_error::ErrorPoint>,
    },
}

/// The model a theory number comes from. The engine names it; the facade words it (src/explain.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum TheoryModel {
    /// The deterministic (M, Q) recursion of `overlaps` (fresh batches, preprocess none or hermite,
    /// normalize none; `recursion::check_modelled` refuses the rest).
    OverlapRecursion,
    /// The setting `theory error` covers: one giant step, then a ridge readout on a fresh batch
    /// (`check_error_setting` refuses the rest).
    OneStepRidge,
    /// The trained network: a deterministic equivalent evaluated on one drawn W₁ (`drawn`).
    DrawnNetwork,
    /// The spiked random-features surrogate of Cui et al. 2024, exact as d → ∞ for that surrogate.
    SpikedRandomFeatures,
    /// Random features: the readout on W₀, exact as d → ∞.
    RandomFeatures,
}

/// What `theory error`'s numbers are, stated in every answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorModels {
    /// The setting every number is for (other settings are refused).
    pub covers: TheoryModel,
    /// points[i].testError.
    pub test_error: TheoryModel,
    /// points[i].spikedRandomFeaturesError.
    pub spiked_random_features_error: TheoryModel,
    /// points[i].randomFeaturesError.
    pub random_features_error: TheoryModel,
}

/// Computes a theory request.
pub fn compute(request: Request, memory_limit: u64) -> Result<Answer> {
    compute_cancellable(request, memory_limit, &AtomicBool::new(false))
}

/// `compute`, stopping with `Error::Cancelled` soon after `cancel` is set: inside `error`'s step and
/// between its stages and readout sizes, between the steps of `overlaps`. (`one-step`, `drift` and
/// `phase-diagram` take milliseconds.)
pub fn compute_cancellable(request: Request, memory_limit: u64, cancel: &AtomicBool) -> Result<Answer> {
    Ok(match request {
        Request::OneStep(OneStep { target, activation, noise, alphas, c }) => {
            if alphas.is_empty() || alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
                return Err(Error::invalid("alphas", "give one or more positive α = n/d"));
            }
            let facts = Facts::new(&Target::parse(&target)?, &Activation::parse(&activation)?, noise);
            let points = one_step::curve(&facts, &alphas, c);
            Answer::OneStep { target, activation, noise, c, points }
        }
        Request::Drift(Drift { target, activation, m, s, samples, seed }) => {
            let (t, act) = (Target::parse(&target)?, Activation::parse(&activation)?);
            let drift = recursion::neuron_drift(&t, &act, &m, s, check_samples(samples, 9)?, seed)?;
            Answer::Drift { target, activation, drift }
        }
        Request::Overlaps(Overlaps { config, samples, seed }) => {
            let config = config.resolve()?;
            let samples = check_samples(samples, config.p.saturating_add(8))?;
            // The Monte Carlo's samples × (p + 8) numbers, and a copy of them as it steps.
            let need = (samples as u64).saturating_mul(config.p as u64 + 8).saturating_mul(16) + BASE_BYTES;
            check_theory_memory(need, memory_limit, "samples", "give fewer --samples")?;
            let recursion = recursion::overlaps(&config, samples, seed, cancel)?;
            Answer::Overlaps { recursion, models: TheoryModel::OverlapRecursion, config: Box::new(config) }
        }
        Request::Error(ErrorCurve { config, alpha_readout }) => {
            error_curve(config, alpha_readout, memory_limit, cancel)?
        }
        Request::PhaseDiagram(PhaseDiagram { target }) => {
            let t = Target::parse(&target)?;
            let diagram = phase::diagram(&analysis::analyse(&t.expr, t.k)?);
            Answer::PhaseDiagram { target, diagram }
        }
    })
}

/// Where each of `theory error`'s numbers comes from.
const ERROR_MODELS: ErrorModels = ErrorModels {
    covers: TheoryModel::OneStepRidge,
    test_error: TheoryModel::DrawnNetwork,
    spiked_random_features_error: TheoryModel::SpikedRandomFeatures,
    random_features_error: TheoryModel::RandomFeatures,
};

/// Refuses the settings the test-error theory does not model, naming the field and the fix.
fn check_error_setting(cfg: &ResolvedConfig, target: &Target, act: &Activation) -> Result<()> {
    use crate::config::{InitA, InitW, Normalize, Preprocess, ReadoutBatch, Residual};
    let refuse = |field: &str, why: &str| {
        Err(Error::invalid(
            field,
            format!("{why} (the setting the test-error theory models: `giantstep theory error --help`, or MODEL_TEXT['one-step-ridge'] in the API)"),
        ))
    };
    if target.k != 1 {
        return refuse(
            "target",
            "the target has more than one direction (the theory is for single-index targets g*(u1))",
        );
    }
    if cfg.steps != 1 {
        return refuse("steps", "give steps 1");
    }
    if cfg.init_a != InitA::Ones {
        return refuse("initA", "give initA ones (every neuron's spike has the same sign and size)");
    }
    if cfg.symmetric {
        return refuse("symmetric", "give symmetric false");
    }
    if cfg.init_w != InitW::Sphere {
        return refuse("initW", "give initW sphere (with Gaussian rows the surrogates' equal row norms do not hold)");
    }
    // The equations leave the network's own output out of the step. With an odd activation it adds only a
    // rank-one perturbation along Σ_j w_j (measured within the stated tolerance); with μ₀(σ) ≠ 0 its mean
    // √p·μ₀ dominates the step and the limit does not exist.
    let mu0 = act.hermite_coefficient(0);
    if cfg.residual == Residual::Full && mu0.abs() > 1e-9 {
        return refuse(
            "residual",
            &format!("with residual full and μ₀(σ) = {mu0:.4} ≠ 0 the network's mean output √p·μ₀ dominates the step: give residual labels, or an odd activation"),
        );
    }
    if cfg.preprocess != Preprocess::None {
        return refuse("preprocess", "give preprocess none");
    }
    if cfg.normalize != Normalize::None {
        return refuse("normalize", "give normalize none");
    }
    if cfg.readout_batch != ReadoutBatch::Fresh {
        return refuse("readoutBatch", "give readoutBatch fresh (the readout's samples are independent of the step's)");
    }
    Ok(())
}

fn error_curve(config: Config, alpha_readout: Vec<f64>, memory_limit: u64, cancel: &AtomicBool) -> Result<Answer> {
    if alpha_readout.is_empty()
        || alpha_readout.len() > 10_000
        || alpha_readout.iter().any(|a| !(a.is_finite() && *a > 0.0 && *a <= 1e6))
    {
        return Err(Error::invalid("alphaReadout", "give one to 10000 readout sizes n/d, each in (0, 1e6]"));
    }
    let config = config.resolve()?;
    let target = Target::parse(&config.target)?;
    let act = Activation::parse(&config.activation)?;
    check_error_setting(&config, &target, &act)?;
    let setting = readout_error::Setting {
        alpha0: config.n() as f64 / config.d as f64,
        eta: config.learning_rate() / config.p as f64,
        width_ratio: config.p as f64 / config.d as f64,
        lambda: config.lambda,
        noise: config.noise,
    };
    check_drawn_size(&config)?;
    // The run's step, then the bulk and W₁ (p × d each) and the p × p Gram matrix, its copy, eigenvectors and
    // the eigensolver's workspace.
    let (p, d) = (config.p as u64, config.d as u64);
    let need = config.memory_estimate().saturating_add(p * d * 16).saturating_add(p * p * 32);
    check_theory_memory(need, memory_limit, "p", "reduce p or d")?;
    let layers = experiment::trained_layers(&config, target.clone(), act.clone(), cancel)?;
    checkpoint(cancel)?;
    let (drawn, network) = drawn::measure(layers.w0.view(), layers.w.view(), layers.w_star.row(0))?;
    checkpoint(cancel)?;
    let facts = Facts::new(&target, &act, setting.noise);
    let surrogate = Model::surrogate(&facts, &act, &setting);
    let random_features = Model::surrogate(&facts, &act, &readout_error::Setting { alpha0: 0.0, ..setting });
    let mut curves =
        readout_error::curves(&target, &act, &setting, &[&network, &surrogate, &random_features], &alpha_readout);
    let (rf, srf, net) =
        (curves.pop().unwrap_or_default(), curves.pop().unwrap_or_default(), curves.pop().unwrap_or_default());
    let points = alpha_readout
        .iter()
        .zip(net.into_iter().zip(srf).zip(rf))
        .map(|(&alpha_readout, ((network, spiked_random_features), random_features))| readout_error::ErrorPoint {
            alpha_readout,
            test_error: network.test_error,
            spiked_random_features_error: spiked_random_features.test_error,
            random_features_error: random_features.test_error,
            network,
            spiked_random_features,
            random_features,
        })
        .collect();
    Ok(Answer::Error { models: ERROR_MODELS, config: Box::new(config), spike: surrogate.spike, drawn, points })
}

/// The network's prediction eigendecomposes a p×p matrix (about 9p³ flops) after one step of the run.
const MAX_DRAWN_WIDTH: usize = 8192;
/// It holds W₀, W₁ and the bulk (p × d each) in f64: at most 2²⁸ entries each, 2 GiB, so that a huge d is
/// refused by name instead of failing an allocation (which aborts the process).
const MAX_DRAWN_ENTRIES: usize = 1 << 28;

fn check_drawn_size(cfg: &ResolvedConfig) -> Result<()> {
    if cfg.p > MAX_DRAWN_WIDTH {
        return Err(Error::invalid(
            "p",
            format!(
                "the network's prediction eigendecomposes a p × p matrix: give p ≤ {MAX_DRAWN_WIDTH} (got {})",
                cfg.p
            ),
        ));
    }
    if cfg.p.saturating_mul(cfg.d) > MAX_DRAWN_ENTRIES {
        return Err(Error::resource(
            "d",
            format!(
                "the network's prediction holds three p × d matrices: give p·d ≤ {MAX_DRAWN_ENTRIES} (got {} × {})",
                cfg.p, cfg.d
            ),
        ));
    }
    Ok(())
}

/// Fixed overhead of a theory call beyond its big arrays.
const BASE_BYTES: u64 = 64 * 1024 * 1024;

/// Refuses a theory call whose arrays would need more than `limit` bytes, naming what to reduce, before it
/// allocates (an allocation failure aborts the process).
fn check_theory_memory(need: u64, limit: u64, field: &str, fix: &str) -> Result<()> {
    if need <= limit {
        return Ok(());
    }
    Err(Error::resource(
        field,
        format!(
            "this theory call needs about {:.2} GB, above the memory limit of {:.2} GB: {fix}, or raise memoryLimitBytes",
            need as f64 / 1e9,
            limit as f64 / 1e9
        ),
    ))
}

/// JSON in, JSON out, with field-named errors; `memory_limit` in bytes.
pub fn compute_json(json: &str, memory_limit: u64) -> Result<String> {
    compute_json_cancellable(json, memory_limit, &AtomicBool::new(false))
}

/// `compute_json`, cancellable (the binding's entry point, run off Node's main thread).
pub fn compute_json_cancellable(json: &str, memory_limit: u64, cancel: &AtomicBool) -> Result<String> {
    let answer = compute_cancellable(Request::from_json(json)?, memory_limit, cancel)?;
    Ok(serde_json::to_string(&answer).expect("answers serialize"))
}
