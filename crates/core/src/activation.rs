//! Student activations σ with their derivatives σ' (docs/model.md §3), and their Hermite facts (§2).
use crate::error::{Error, Result};
use crate::hermite;
use crate::target::expr::{self, Expr};
use crate::Real;
use ndarray::{ArrayViewMut2, Zip};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
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
    /// An expression in x (the target language with x for u1), differentiated symbolically.
    Expression(Arc<ExpressionActivation>),
}

#[derive(Debug, PartialEq)]
pub struct ExpressionActivation {
    pub source: String,
    pub value: Expr,
    pub derivative: Expr,
}

pub const NAMES: &str = "relu, tanh, erf, sigmoid, softplus, gelu, He1..He12, or an expression in x";

impl Activation {
    /// A named activation (any case, e.g. Relu, HE3), or None for anything else.
    fn named(name: &str) -> Option<Self> {
        let lower = name.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "erf" => Activation::Erf,
            "sigmoid" => Activation::Sigmoid,
            "softplus" => Activation::Softplus,
            "gelu" => Activation::Gelu,
            _ => match lower.strip_prefix("he").and_then(|k| k.parse::<usize>().ok()) {
                Some(k) if (1..=12).contains(&k) => Activation::Hermite(k),
                _ => return None,
            },
        })
    }

    /// The canonical spelling of a named activation (relu for Relu), so that one activation is one run key.
    pub fn canonical_name(name: &str) -> Option<String> {
        Self::named(name).map(|a| a.name())
    }

    pub fn parse(name: &str) -> Result<Self> {
        if let Some(named) = Self::named(name) {
            return Ok(named);
        }
        if !name.contains('x') {
            return Err(Error::invalid(
                "activation",
                format!("unknown activation '{}'; choose one of {NAMES}", name.escape_debug()),
            ));
        }
        let value = expr::parse_in_x(name)?;
        let derivative = value.derivative_checked(0, "activation")?;
        check_finite_on_line(&value, &derivative)?;
        let act =
            Activation::Expression(Arc::new(ExpressionActivation { source: name.to_string(), value, derivative }));
        act.check_moments()?;
        Ok(act)
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
            Activation::Expression(e) => e.source.clone(),
        }
    }

    pub fn value(&self, x: f64) -> f64 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::Tanh => x.tanh(),
            Activation::Erf => libm::erf(x),
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Softplus => softplus(x),
            Activation::Gelu => x * normal_cdf(x),
            Activation::Hermite(k) => hermite::he(*k, x),
            Activation::Expression(e) => e.value.eval_point(&[x]),
        }
    }

    pub fn derivative(&self, x: f64) -> f64 {
        match self {
            Activation::Relu => (x > 0.0) as u8 as f64,
            Activation::Tanh => 1.0 - x.tanh().powi(2),
            Activation::Erf => 2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp(),
            Activation::Sigmoid => {
                let s = 1.0 / (1.0 + (-x).exp());
                s * (1.0 - s)
            }
            Activation::Softplus => 1.0 / (1.0 + (-x).exp()),
            Activation::Gelu => normal_cdf(x) + x * normal_pdf(x),
            Activation::Hermite(k) => *k as f64 * hermite::he(k - 1, x),
            Activation::Expression(e) => e.derivative.eval_point(&[x]),
        }
    }

    /// μ_k(σ) = E[σ(ξ) He_k(ξ)].
    pub fn hermite_coefficient(&self, k: usize) -> f64 {
        hermite::coefficient(|x| self.value(x), k)
    }

    /// Refuses an activation whose Gaussian moments are not finite numbers: finite on the line, yet
    /// overflowing in the quadrature (`x - 1e308`), which would print its μ_k as 0.
    fn check_moments(&self) -> Result<()> {
        for k in 0..=12 {
            let mu = self.hermite_coefficient(k);
            if !mu.is_finite() {
                return Err(Error::invalid("activation", format!("μ_{k} = E[σ(ξ) He_{k}(ξ)] is {mu}: the activation's Gaussian moments must be finite (its values overflow)")));
            }
        }
        let second = self.derivative_second_moment();
        if !second.is_finite() {
            return Err(Error::invalid(
                "activation",
                format!(
                    "E[σ'(ξ)²] is {second}: the activation's Gaussian moments must be finite (its values overflow)"
                ),
            ));
        }
        Ok(())
    }

    /// E[σ'(ξ)²].
    pub fn derivative_second_moment(&self) -> f64 {
        hermite::gaussian_expectation_1d(|x| self.derivative(x).powi(2))
    }

    /// σ(x) in the working precision: relu and tanh natively, the rest through f64.
    #[inline]
    pub fn value_t<T: Real>(&self, x: T) -> T {
        match self {
            Activation::Relu => x.max(T::zero()),
            Activation::Tanh => x.tanh(),
            other => T::from_f64(other.value(x.to_f64_lossy())),
        }
    }

    /// σ'(x) in the working precision.
    #[inline]
    pub fn derivative_t<T: Real>(&self, x: T) -> T {
        match self {
            Activation::Relu => {
                if x > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            other => T::from_f64(other.derivative(x.to_f64_lossy())),
        }
    }

    /// σ applied in place, row by row in parallel.
    pub fn apply<T: Real>(&self, mut x: ArrayViewMut2<T>) {
        Zip::from(x.rows_mut()).par_for_each(|mut row| match row.as_slice_mut() {
            Some(row) => crate::vectorized(|| self.value_slice(row)),
            None => row.iter_mut().for_each(|v| *v = self.value_t(*v)),
        });
    }

    /// σ applied in place to a slice (the same values as `value_t`, element by element). Inlined, so a
    /// caller compiled for wider vectors (`crate::vectorized`) runs ReLU's loop at their width.
    #[inline(always)]
    pub fn value_slice<T: Real>(&self, xs: &mut [T]) {
        self.map_slice(xs, false);
    }

    /// σ' applied in place to a slice (the same values as `derivative_t`, element by element).
    #[inline(always)]
    pub fn derivative_slice<T: Real>(&self, xs: &mut [T]) {
        self.map_slice(xs, true);
    }

    /// Built-in activations element by element; an expression node by node over blocks of the slice.
    #[inline(always)]
    fn map_slice<T: Real>(&self, xs: &mut [T], derivative: bool) {
        match self {
            Activation::Expression(e) => Self::map_expression(e, xs, derivative),
            // ReLU's loops on their own, so they vectorize (the same operations as value_t/derivative_t).
            Activation::Relu if derivative => {
                xs.iter_mut().for_each(|x| *x = if *x > T::zero() { T::one() } else { T::zero() })
            }
            Activation::Relu => xs.iter_mut().for_each(|x| *x = x.max(T::zero())),
            _ if derivative => xs.iter_mut().for_each(|x| *x = self.derivative_t(*x)),
            _ => xs.iter_mut().for_each(|x| *x = self.value_t(*x)),
        }
    }

    /// A walk of the expression's tree per element costs about 20 ns (measured: the phase diagram's σ =
    /// relu(x) + He3(x)/6 made its runs six times slower than ReLU's); per block it is a few tight loops.
    fn map_expression<T: Real>(e: &ExpressionActivation, xs: &mut [T], derivative: bool) {
        const BLOCK: usize = 256;
        thread_local! {
            /// Buffers for an expression's intermediate values, reused across calls on this thread.
            static POOL: std::cell::RefCell<Vec<Vec<f64>>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let tree = if derivative { &e.derivative } else { &e.value };
        POOL.with(|pool| {
            let pool = &mut *pool.borrow_mut();
            let (mut input, mut out) = (pool.pop().unwrap_or_default(), pool.pop().unwrap_or_default());
            for block in xs.chunks_mut(BLOCK) {
                input.clear();
                input.extend(block.iter().map(|x| x.to_f64_lossy()));
                out.resize(block.len(), 0.0);
                tree.eval_block(&input, &mut out, pool);
                block.iter_mut().zip(&out).for_each(|(x, v)| *x = T::from_f64(*v));
            }
            pool.push(input);
            pool.push(out);
        });
    }
}

/// The Hermite facts of an activation (docs/model.md §2).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ActivationDescription"))]
pub struct ActivationFacts {
    pub name: String,
    /// μ_0..μ_12, μ_k = E[σ(ξ) He_k(ξ)].
    pub mu: Vec<f64>,
    /// E[σ'(ξ)²].
    pub sigma_prime_sq: f64,
    /// Lowest k ≥ 1 with μ_k ≠ 0 (up to 12).
    pub information_exponent: Option<usize>,
}

impl Activation {
    pub fn facts(&self) -> ActivationFacts {
        let mu: Vec<f64> = (0..=12).map(|k| self.hermite_coefficient(k)).collect();
        // Quadrature error grows with k (He_k(x) ~ x^k): compare with the coefficient's natural scale √k!.
        let information_exponent = (1..=12).find(|&k| mu[k].abs() > 1e-8 * hermite::factorial(k).sqrt());
        ActivationFacts { name: self.name(), mu, sigma_prime_sq: self.derivative_second_moment(), information_exponent }
    }
}

/// Refuses an expression activation that is not finite, or whose derivative is not, somewhere on the
/// grid x = i/16, |x| ≤ 14 (the range of the Gaussian integrals; 0 included): 1/x has no Hermite
/// coefficients even though no integration node hits the pole.
fn check_finite_on_line(value: &Expr, derivative: &Expr) -> Result<()> {
    for i in -224..=224 {
        let x = i as f64 / 16.0;
        for (what, e) in [("σ", value), ("σ'", derivative)] {
            let v = e.eval_point(&[x]);
            if !v.is_finite() {
                return Err(Error::invalid(
                    "activation",
                    format!("{what}({x}) = {v}: the activation and its derivative must be finite for every input (a division by zero?)"),
                ));
            }
        }
    }
    let line = ndarray::Array2::from_shape_fn((449, 1), |(i, _)| (i as f64 - 224.0) / 16.0);
    // σ' divides by the same expressions as σ (squared), so σ's divisors locate every pole.
    if let Some(i) = value.divisor_sign_change(line.view()) {
        let (a, b) = ((i as f64 - 224.0) / 16.0, (i as f64 - 223.0) / 16.0);
        return Err(Error::invalid(
            "activation",
            format!("σ divides by zero between x = {a} and x = {b}: the activation and its derivative must be finite for every input"),
        ));
    }
    Ok(())
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

    /// The slice paths give exactly the per-element values, for expressions (evaluated by blocks across
    /// block boundaries) and built-ins, in f64 and f32.
    #[test]
    fn slices_match_elements_bit_for_bit() {
        fn check<T: Real + std::fmt::Debug>(act: &Activation) {
            let xs: Vec<T> = (0..700).map(|i| T::from_f64((i as f64 - 350.0) * 0.0173 + 0.001)).collect();
            let (mut values, mut derivatives) = (xs.clone(), xs.clone());
            act.value_slice(&mut values);
            act.derivative_slice(&mut derivatives);
            for (i, x) in xs.iter().enumerate() {
                assert_eq!(values[i].to_f64_lossy().to_bits(), act.value_t(*x).to_f64_lossy().to_bits(), "σ at {x:?}");
                let d = act.derivative_t(*x).to_f64_lossy();
                assert_eq!(derivatives[i].to_f64_lossy().to_bits(), d.to_bits(), "σ' at {x:?}");
            }
        }
        for name in
            ["relu(x) + He3(x)/6", "tanh(2*x) - x^2/(1 + abs(x))", "-exp(-x^2/2) * sin(3*x)", "relu", "tanh", "gelu"]
        {
            let act = Activation::parse(name).unwrap();
            check::<f64>(&act);
            check::<f32>(&act);
        }
    }

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
    fn relu_and_hermite_coefficients_up_to_order_12() {
        // relu: μ_k = (−1)^(k/2+1) (k−3)!! / √(2π) for even k ≥ 2, and 0 for odd k ≥ 3.
        let r = Activation::Relu.facts();
        let double_factorial = |n: i64| (1..=n).rev().step_by(2).product::<i64>().max(1) as f64;
        for k in 2..=12usize {
            let expect = if k % 2 == 1 {
                0.0
            } else {
                (-1f64).powi(k as i32 / 2 + 1) * double_factorial(k as i64 - 3) * INV_SQRT_2PI
            };
            assert!((r.mu[k] - expect).abs() < 1e-7 * expect.abs().max(1.0), "relu mu_{k} = {} vs {expect}", r.mu[k]);
        }
        assert_eq!(r.information_exponent, Some(1));
        // He_k: μ_j = k! δ_jk, information exponent k.
        let h = Activation::Hermite(3).facts();
        assert!((h.mu[3] - 6.0).abs() < 1e-8 && h.mu[1].abs() < 1e-9 && h.mu[5].abs() < 1e-7);
        assert_eq!(h.information_exponent, Some(3));
        assert!((h.sigma_prime_sq - 9.0 * 2.0).abs() < 1e-8, "E[(3 He2)²] = 9·2");
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
            Activation::parse("tanh(x) + 0.1*x^3 - erf(2*x)/(1 + x^2)").unwrap(),
            Activation::parse("sin(x)*exp(-x^2/2) + He3(x)/6").unwrap(),
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
        let e = Activation::parse("x^2/2").unwrap();
        assert!((e.hermite_coefficient(2) - 1.0).abs() < 1e-9, "x²/2 = (He2 + 1)/2 has μ2 = 1");
        assert!(Activation::parse("x^").unwrap_err().to_string().contains("column"));
        let err = Activation::parse("swish").unwrap_err();
        assert_eq!(err.field(), Some("activation"));
        assert!(err.to_string().contains("relu"));
    }
}
