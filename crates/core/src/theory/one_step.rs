//! One giant step at n = αd (docs/model.md §7), leading order in d, for a neuron with ‖w‖ = 1 roughly
//! orthogonal to the target space, |a_i| = 1/√p, η = c·p and no pre-processing. The normalized gradient
//! g_i = G_i √p / a_i is, in distribution,
//!   g = μ1 W*ᵀC1*  +  μ2 E[y] w  +  noise with E‖noise‖² = E[y²] E[σ'²] / α,
//! the middle (radial) term coming from E[y σ''(w·z)] (Stein's lemma); docs/model.md's formula omits it,
//! which is exact when E[y] = 0. The neuron after the step is w ± c g (sign of a_i).
use super::Facts;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OneStepPoint {
    pub alpha: f64,
    /// cos(G_i, v*), v* = W*ᵀC1* / ‖C1*‖, with the radial term.
    pub update_cos: f64,
    /// The same without the radial term (docs/model.md §7 as written).
    pub update_cos_leading: f64,
    /// |cos(G_i, w*_j)| per direction: update_cos · |C1*_j| / ‖C1*‖.
    pub update_cos_by_direction: Vec<f64>,
    /// Mean over the two signs of a_i of |cos(w_i, v*)| after the step (needs the step size c).
    pub weight_cos: f64,
    pub weight_cos_by_direction: Vec<f64>,
}

/// Predictions at each α for the step size η = c·p.
pub fn curve(facts: &Facts, alphas: &[f64], c: f64) -> Vec<OneStepPoint> {
    let signal = facts.mu1 * facts.c1_norm();
    let radial = facts.mu2 * facts.mean;
    alphas
        .iter()
        .map(|&alpha| {
            let noise = facts.second_moment * facts.sigma_prime_sq / alpha;
            let update_cos = signal.abs() / (signal * signal + radial * radial + noise).sqrt();
            let update_cos_leading = signal.abs() / (signal * signal + noise).sqrt();
            // w_new = (1 ± c r) w + c (signal v* + noise): average |cos| over the two signs.
            let weight =
                |s: f64| c * signal.abs() / ((1.0 + s * c * radial).powi(2) + c * c * (signal * signal + noise)).sqrt();
            let weight_cos = 0.5 * (weight(1.0) + weight(-1.0));
            let share =
                |x: f64| facts.c1.iter().map(|cj| x * cj.abs() / facts.c1_norm().max(f64::MIN_POSITIVE)).collect();
            OneStepPoint {
                alpha,
                update_cos,
                update_cos_leading,
                update_cos_by_direction: share(update_cos),
                weight_cos,
                weight_cos_by_direction: share(weight_cos),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::target::Target;

    #[test]
    fn protocol_formula_for_t_c() {
        let f = Facts::new(&Target::parse("T-C").unwrap(), &Activation::Relu, 0.0);
        assert!((f.second_moment - 5.0).abs() < 1e-12);
        let p = &curve(&f, &[4.0], 1.0)[0];
        let norm = 4.25f64.sqrt();
        let lead = 0.5 * norm / (0.25 * 4.25 + 5.0 * 0.5 / 4.0f64).sqrt();
        assert!((p.update_cos_leading - lead).abs() < 1e-9);
        let radial = 0.5 / (2.0 * std::f64::consts::PI).sqrt();
        let full = 0.5 * norm / (0.25 * 4.25 + radial * radial + 5.0 * 0.5 / 4.0f64).sqrt();
        assert!((p.update_cos - full).abs() < 1e-9);
        assert!((p.update_cos_by_direction[0] - full * 2.0 / norm).abs() < 1e-9);
    }
}
