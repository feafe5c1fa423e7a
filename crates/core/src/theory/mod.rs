//! Theory the package can compute (protocol.md §7): one-step cosines at n = αd, a neuron's population
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
use crate::error::{Error, Result};
use crate::target::analysis;
use serde::Deserialize;

/// A theory request (JSON `{"kind": ..., ...}`), as the CLI and the API send it.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Request {
    /// One-step cosines at n = αd for each α, step size η = c·p.
    #[serde(rename_all = "camelCase")]
    OneStep { target: String, activation: String, #[serde(default)] noise: f64, alphas: Vec<f64>, #[serde(default = "one")] c: f64 },
    /// A neuron's population drift at overlap m and orthogonal norm s.
    #[serde(rename_all = "camelCase")]
    Drift { target: String, activation: String, m: Vec<f64>, s: f64, #[serde(default = "samples")] samples: usize, #[serde(default)] seed: u64 },
    /// The (M, Q) recursion for a run config.
    #[serde(rename_all = "camelCase")]
    Overlaps { config: Config, #[serde(default = "samples")] samples: usize, #[serde(default)] seed: u64 },
    /// The learnability phase diagram of a target.
    #[serde(rename_all = "camelCase")]
    PhaseDiagram { target: String },
}

fn one() -> f64 {
    1.0
}
fn samples() -> usize {
    200_000
}

/// Computes a theory request; the answer is JSON with the request's kind.
pub fn compute(request: Request) -> Result<serde_json::Value> {
    let value = match request {
        Request::OneStep { target, activation, noise, alphas, c } => {
            if alphas.is_empty() || alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
                return Err(Error::invalid("alphas", "give one or more positive α = n/d"));
            }
            let t = Target::parse(&target)?;
            let act = Activation::parse(&activation)?;
            let facts = Facts::new(&t, &act, noise);
            serde_json::json!({ "kind": "one-step", "target": target, "activation": activation, "noise": noise, "c": c,
                "points": one_step::curve(&facts, &alphas, c) })
        }
        Request::Drift { target, activation, m, s, samples, seed } => {
            let t = Target::parse(&target)?;
            let act = Activation::parse(&activation)?;
            let d = recursion::neuron_drift(&t, &act, &m, s, samples.max(1000), seed)?;
            serde_json::json!({ "kind": "drift", "target": target, "activation": activation, "drift": d })
        }
        Request::Overlaps { config, samples, seed } => {
            let cfg = config.resolve()?;
            let r = recursion::overlaps(&cfg, samples.max(1000), seed)?;
            let mut v = serde_json::to_value(&r).expect("serializes");
            v["kind"] = "overlaps".into();
            v["models"] = recursion::MODELS.into();
            v["config"] = serde_json::to_value(&cfg).expect("serializes");
            v
        }
        Request::PhaseDiagram { target } => {
            let t = Target::parse(&target)?;
            let a = analysis::analyse(&t.expr, t.k);
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
    let de = &mut serde_json::Deserializer::from_str(json);
    let request: Request = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::invalid(if path == "." { "kind" } else { &path }, e.inner().to_string())
    })?;
    Ok(compute(request)?.to_string())
}
