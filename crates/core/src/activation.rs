//! Student activations σ with their derivatives σ' (protocol.md §3), and their Hermite facts (§2).
use crate::error::{Error, Result};
use crate::hermite;
use crate::Real;
use ndarray::{ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Activation {
    Relu,
    Tanh,
    Erf,
    Sigmoid,
    Softplus,
    /// x·Φ(x), the exact GELU.
    Gelu,
    /// He_k, the probabilists' Hermite polynomial (theory needs single-order activations).
    Hermite(usize),
}

pub const NAMES: &str = "relu, tanh, erf, sigmoid, softplus, gelu, He1..He12";

impl Activation {
    pub fn parse(name: &str) -> Result<Self> {
        let lower = name.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "erf" => Activation::Erf,
            "sigmoid" => Activation::Sigmoid,
            "softplus" => Activation::Softplus,
            "gelu" => Activation::Gelu,
            _ => match lower.strip_prefix("he").and_then(|k| k.parse::<usize>().ok()) {
                Some(k) if (1..=12).contains(&k) => Activation::Hermite(k),
                _ => {
                    return Err(Error::invalid(
                        "activation",
                        format!("unknown activation '{name}'; choose one of {NAMES}"),
                    ))
                }
            },
        })
    }

    pub fn name(&self) -> String {
        match self {
            Activation::Relu => "relu".into(),
            Activation::Tanh => "tanh".into(),
            Activation::Erf => "erf".into(),
            Activation::Sigmoid => "sigmoid".into(),
            Activation::Softplus => "softplus".into(),
            Activation::Gelu => "gelu".into(),
            Activation::Hermite(k) => format!("He{k}"),
        }
    }

    pub fn value(&self, x: f64) -> f64 {
        match *self {
            Activation::Relu => x.max(0.0),
            Activation::Tanh => x.tanh(),
            Activation::Erf => libm::erf(x),
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Softplus => softplus(x),
            Activation::Gelu => x * normal_cdf(x),
            Activation::Hermite(k) => hermite::he(k, x),
        }
    }

    pub fn derivative(&self, x: f64) -> f64 {
        match *self {
            Activation::Relu => (x > 0.0) as u8 as f64,
            Activation::Tanh => 1.0 - x.tanh().powi(2),
            Activation::Erf => 2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp(),
            Activation::Sigmoid => {
                let s = 1.0 / (1.0 + (-x).exp());
                s * (1.0 - s)
            }
            Activation::Softplus => 1.0 / (1.0 + (-x).exp()),
            Activation::Gelu => normal_cdf(x) + x * normal_pdf(x),
            Activation::Hermite(k) => k as f64 * hermite::he(k - 1, x),
        }
    }

    /// μ_k(σ) = E[σ(ξ) He_k(ξ)].
    pub fn hermite_coefficient(&self, k: usize) -> f64 {
        hermite::coefficient(|x| self.value(x), k)
    }

    /// E[σ'(ξ)²].
    pub fn derivative_second_moment(&self) -> f64 {
        hermite::gaussian_expectation_1d(|x| self.derivative(x).powi(2))
    }

    /// σ applied in place. relu and tanh run in the working precision; the rest go through f64.
    pub fn apply<T: Real>(&self, x: ArrayViewMut2<T>) {
        match *self {
            Activation::Relu => par_map(x, |v| if v > T::zero() { v } else { T::zero() }),
            Activation::Tanh => par_map(x, |v| v.tanh()),
            other => par_map(x, move |v| T::from_f64(other.value(v.to_f64_lossy()))),
        }
    }

    /// σ' applied in place.
    pub fn apply_derivative<T: Real>(&self, x: ArrayViewMut2<T>) {
        match *self {
            Activation::Relu => par_map(x, |v| if v > T::zero() { T::one() } else { T::zero() }),
            other => par_map(x, move |v| T::from_f64(other.derivative(v.to_f64_lossy()))),
        }
    }
}

fn par_map<T: Real>(x: ArrayViewMut2<T>, f: impl Fn(T) -> T + Sync + Send) {
    Zip::from(x).par_for_each(|v| *v = f(*v));
}

fn softplus(x: f64) -> f64 {
    if x > 30.0 {
        x
    } else {
        x.exp().ln_1p()
    }
}

pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

pub fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

    #[test]
    fn relu_hermite_facts() {
        let r = Activation::Relu;
        let expect = [INV_SQRT_2PI, 0.5, INV_SQRT_2PI, 0.0, -INV_SQRT_2PI];
        for (k, e) in expect.iter().enumerate() {
            let mu = r.hermite_coefficient(k);
            assert!((mu - e).abs() < 1e-9, "relu mu_{k} = {mu}, expected {e}");
        }
        assert!((r.derivative_second_moment() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn tanh_and_erf_hermite_facts() {
        let t = Activation::Tanh;
        assert!((t.hermite_coefficient(1) - 0.6057).abs() < 5e-5);
        assert!((t.hermite_coefficient(3) + 0.3636).abs() < 5e-5);
        assert!(t.hermite_coefficient(2).abs() < 1e-12, "tanh is odd");
        let e = Activation::Erf;
        let expect = 2.0 / (3.0 * std::f64::consts::PI).sqrt();
        assert!((e.hermite_coefficient(1) - expect).abs() < 1e-10);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let acts = [
            Activation::Relu,
            Activation::Tanh,
            Activation::Erf,
            Activation::Sigmoid,
            Activation::Softplus,
            Activation::Gelu,
            Activation::Hermite(3),
        ];
        for a in acts {
            for x in [-2.3, -0.7, 0.4, 1.9] {
                let h = 1e-6;
                let fd = (a.value(x + h) - a.value(x - h)) / (2.0 * h);
                assert!((fd - a.derivative(x)).abs() < 1e-6, "{a:?} at {x}: {fd} vs {}", a.derivative(x));
            }
        }
    }

    #[test]
    fn parse_names_and_reject_unknown() {
        assert_eq!(Activation::parse("ReLU").unwrap(), Activation::Relu);
        assert_eq!(Activation::parse("He3").unwrap(), Activation::Hermite(3));
        let err = Activation::parse("swish").unwrap_err();
        assert_eq!(err.field(), Some("activation"));
        assert!(err.to_string().contains("relu"));
    }
}
