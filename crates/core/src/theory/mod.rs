//! Theory the package can compute (docs/model.md §7): one-step cosines at n = αd, a neuron's population
//! drift, the deterministic (M, Q) overlap recursion, and the phase diagram. Outputs use the same field
//! names as run results so curves overlay simulations.
pub mod one_step;
pub mod phase;
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

use crate::config::Config;
use crate::error::{deserialize_named, Error, Result};
use crate::target::analysis;
use serde::Deserialize;

/// A theory request (JSON `{"kind": ..., ...}`), as the CLI and the API send it.
#[derive(Clone, Debug)]
pub enum Request {
    OneStep(OneStep),
    Drift(Drift),
    Overlaps(Overlaps),
    PhaseDiagram(PhaseDiagram),
}

/// One-step cosines at n = αd for each α, step size η = c·p.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OneStep {
    pub target: String,
    pub activation: String,
    #[serde(default)]
    pub noise: f64,
    pub alphas: Vec<f64>,
    #[serde(default = "one")]
    pub c: f64,
}

/// A neuron's population drift at overlap m and orthogonal norm s.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Drift {
    pub target: String,
    pub activation: String,
    pub m: Vec<f64>,
    pub s: f64,
    #[serde(default = "samples")]
    pub samples: usize,
    #[serde(default)]
    pub seed: u64,
}

/// The (M, Q) recursion for a run config.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Overlaps {
    pub config: Config,
    #[serde(default = "samples")]
    pub samples: usize,
    #[serde(default)]
    pub seed: u64,
}

/// The learnability phase diagram of a target.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhaseDiagram {
    pub target: String,
}

pub const KINDS: &str = "one-step, drift, overlaps, phase-diagram";

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
            _ => return Err(Error::invalid("kind", format!("give the kind of theory: one of {KINDS}"))),
        };
        Ok(match kind.as_str() {
            "one-step" => Request::OneStep(deserialize_named(value, "request")?),
            "drift" => Request::Drift(deserialize_named(value, "request")?),
            "overlaps" => Request::Overlaps(deserialize_named(value, "request")?),
            "phase-diagram" => Request::PhaseDiagram(deserialize_named(value, "request")?),
            other => {
                return Err(Error::invalid(
                    "kind",
                    format!("unknown theory kind '{}'; choose one of {KINDS}", other.escape_debug()),
                ))
            }
        })
    }
}

fn one() -> f64 {
    1.0
}
fn samples() -> usize {
    200_000
}

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

/// Computes a theory request; the answer is JSON with the request's kind.
pub fn compute(request: Request) -> Result<serde_json::Value> {
    let value = match request {
        Request::OneStep(OneStep { target, activation, noise, alphas, c }) => {
            if alphas.is_empty() || alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
                return Err(Error::invalid("alphas", "give one or more positive α = n/d"));
            }
            let t = Target::parse(&target)?;
            let act = Activation::parse(&activation)?;
            let facts = Facts::new(&t, &act, noise);
            serde_json::json!({ "kind": "one-step", "target": target, "activation": activation, "noise": noise, "c": c,
                "points": one_step::curve(&facts, &alphas, c) })
        }
        Request::Drift(Drift { target, activation, m, s, samples, seed }) => {
            let t = Target::parse(&target)?;
            let act = Activation::parse(&activation)?;
            let d = recursion::neuron_drift(&t, &act, &m, s, check_samples(samples, 9)?, seed)?;
            serde_json::json!({ "kind": "drift", "target": target, "activation": activation, "drift": d })
        }
        Request::Overlaps(Overlaps { config, samples, seed }) => {
            let cfg = config.resolve()?;
            let r = recursion::overlaps(&cfg, check_samples(samples, cfg.p.saturating_add(8))?, seed)?;
            let mut v = serde_json::to_value(&r).expect("serializes");
            v["kind"] = "overlaps".into();
            v["models"] = recursion::MODELS.into();
            v["config"] = serde_json::to_value(&cfg).expect("serializes");
            v
        }
        Request::PhaseDiagram(PhaseDiagram { target }) => {
            let t = Target::parse(&target)?;
            let a = analysis::analyse(&t.expr, t.k)?;
            let mut v = serde_json::to_value(phase::diagram(&a)).expect("serializes");
            v["kind"] = "phase-diagram".into();
            v["target"] = target.into();
            v
        }
    };
    Ok(value)
}

/// JSON in, JSON out (the binding's entry point), with field-named errors.
pub fn compute_json(json: &str) -> Result<String> {
    Ok(compute(Request::from_json(json)?)?.to_string())
}
