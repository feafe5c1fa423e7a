//! Multi-index targets y = g*(W* z) (docs/model.md §1, §8): the link g* as an expression over u1..uk,
//! named presets, W* with orthonormal rows, and the Gaussian moments the protocol needs.
pub mod analysis;
pub mod expr;
pub mod poly;

use crate::error::{Error, Result};
use crate::hermite;
use crate::rng::{self, Purpose};
use expr::Expr;
use ndarray::{Array1, Array2, ArrayView2};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// Highest total degree of a polynomial target (He12(He12(u1)) has degree 144).
pub const MAX_DEGREE: usize = 24;
/// Most nodes of a tensor quadrature grid for the moments (the non-polynomial grids stay below it).
const MAX_GRID: usize = 1 << 21;
/// Most expression evaluations (grid nodes × expression nodes) a polynomial's moments may take by
/// quadrature; larger ones come from the exact Hermite expansion.
const MAX_GRID_WORK: usize = 1 << 26;

/// A parsed target: its link function g* and the moments of g*(u), u ~ N(0, I_k).
#[derive(Clone, Debug)]
pub struct Target {
    /// The name or expression the user gave.
    pub name: String,
    /// The expression actually evaluated (a preset's definition).
    pub expression: String,
    pub expr: Expr,
    pub k: usize,
    pub moments: Moments,
}

/// Gaussian moments of the link: E[g*], C_1* = E[g* u], Var(g*), computed by tensor Gauss–Hermite
/// quadrature (exact for polynomial links).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Moments {
    pub mean: f64,
    pub c1: Vec<f64>,
    pub variance: f64,
    /// Whether the quadrature is exact (polynomial link).
    pub exact: bool,
}

/// A named target and its expression.
type Preset = (&'static str, fn() -> String);
/// A family of named targets: `PREFIX{k}` for k in the range, and the expression of k.
type PresetFamily = (&'static str, std::ops::RangeInclusive<usize>, fn(usize) -> String);

fn he124(u: &str) -> String {
    format!("He1({u}) + He2({u})/2 + He4({u})/24")
}

/// Named targets of docs/model.md §8 and the learnability ladders: each name (aliases as entries of their
/// own) and its expression. The lookup and the list in messages both read this table.
const PRESETS: &[Preset] = &[
    ("T-A", || format!("({} + {})/2", he124("u1"), he124("u2"))),
    ("T-B", || "(u1 + u1^2 + u2 - u2^2)/2".into()),
    ("staircase", || "(u1 + u1^2 + u2 - u2^2)/2".into()),
    ("T-C", || "(4*u1 + u1^2 + u2)/2".into()),
    ("spike", || "(4*u1 + u1^2 + u2)/2".into()),
    ("T-D", || "u1 + u1*u2".into()),
    ("T-E", || "u1 + u2*u3".into()),
    ("leap-2", || "u1 + u2*u3".into()),
    ("T-F", || "u1 + He2(u1)/2*u2 + u1*u3".into()),
    // The protocol writes (tanh(u1) − c)·u2 with c = E[tanh(ξ)ξ] and C_1* = (1, 0, 0); only c·u1 (tanh's
    // linear part) makes both hold, so the coefficient of u2 is tanh(u1) − c·u1.
    ("T-G", || {
        format!("u1 + (tanh(u1) - {:.17}*u1)*u2 + u1*u3", crate::activation::Activation::Tanh.hermite_coefficient(1))
    }),
    // The authors' script (check_positive_cget.py, ctrl 'tanh') integrates tanh(z)·z·exp(−z²/2) without the
    // Gaussian's 1/√(2π), so its constant is √(2π)·E[tanh(ξ)ξ] ≈ 1.518 and it runs u1 + (tanh(u1) − 1.518)·u2
    // + u1·u3, whose C_1* = (1, −1.518, 0): u2 is then in the first step's span.
    ("T-G-authors", || {
        let c = (2.0 * std::f64::consts::PI).sqrt() * crate::activation::Activation::Tanh.hermite_coefficient(1);
        format!("u1 + (tanh(u1) - {c:.17})*u2 + u1*u3")
    }),
    ("leap-3", || "u1 + u2*u3*u4".into()),
];

/// Families of named targets: `PREFIX{k}` for k in the range, and the expression of k.
const PRESET_FAMILIES: &[PresetFamily] = &[
    ("staircase-", 2..=6, |k| {
        (1..=k).map(|j| (1..=j).map(|i| format!("u{i}")).collect::<Vec<_>>().join("*")).collect::<Vec<_>>().join(" + ")
    }),
    ("single-index-He", 1..=12, |k| format!("He{k}(u1)/{:.17}", hermite::factorial(k).sqrt())),
];

/// The expression of a named target, or None for a name that is not one.
pub fn preset_expression(name: &str) -> Option<String> {
    if let Some((_, expression)) = PRESETS.iter().find(|(n, _)| *n == name) {
        return Some(expression());
    }
    PRESET_FAMILIES.iter().find_map(|(prefix, ks, expression)| {
        let k = name.strip_prefix(prefix)?.parse::<usize>().ok()?;
        ks.contains(&k).then(|| expression(k))
    })
}

/// Every named target, for messages: "T-A, T-B, …, staircase-2..staircase-6, …".
pub fn preset_names() -> String {
    let fixed = PRESETS.iter().map(|(n, _)| n.to_string());
    let families = PRESET_FAMILIES.iter().map(|(p, ks, _)| format!("{p}{}..{p}{}", ks.start(), ks.end()));
    fixed.chain(families).collect::<Vec<_>>().join(", ")
}

impl Target {
    /// A preset name or an expression over u1..uk.
    pub fn parse(name: &str) -> Result<Self> {
        Self::parse_cancellable(name, &AtomicBool::new(false))
    }

    /// `parse`, whose moment quadrature stops with `Error::Cancelled` soon after `cancel` is set.
    pub fn parse_cancellable(name: &str, cancel: &AtomicBool) -> Result<Self> {
        let expression = preset_expression(name.trim()).unwrap_or_else(|| name.to_string());
        let expr = expr::parse(&expression).map_err(|e| {
            // Something that names no direction u1..uk was meant as a preset name.
            let names_a_direction = name.as_bytes().windows(2).any(|w| w[0] == b'u' && w[1].is_ascii_digit());
            if names_a_direction || !expr::is_syntax_error(&e) {
                e
            } else {
                Error::invalid(
                    "target",
                    format!(
                        "unknown target '{}': give a preset ({}) or an expression over u1..uk",
                        name.escape_debug(),
                        preset_names()
                    ),
                )
            }
        })?;
        let k = expr.dimension();
        if k == 0 {
            return Err(Error::invalid("target", "the target must depend on at least u1"));
        }
        if k > 8 {
            return Err(Error::invalid("target", format!("the target uses u{k}; at most 8 directions are supported")));
        }
        let degree = expr.polynomial_degree();
        if let Some(deg) = degree.filter(|d| *d > MAX_DEGREE) {
            let deg = if deg == usize::MAX { "an astronomical".to_string() } else { deg.to_string() };
            return Err(Error::invalid(
                "target",
                format!("the target is a polynomial of degree {deg} (limit {MAX_DEGREE})"),
            ));
        }
        check_finite_on_axes(&expr, k)?;
        let moments = moments(&expr, k, degree, cancel)?;
        if !moments.variance.is_finite() || !moments.mean.is_finite() || moments.c1.iter().any(|c| !c.is_finite()) {
            return Err(Error::invalid("target", "the target has no finite variance under Gaussian inputs"));
        }
        Ok(Target { name: name.to_string(), expression, expr, k, moments })
    }

    /// g*(u) for each row of u (rows × k).
    pub fn link(&self, u: ArrayView2<f64>) -> Array1<f64> {
        self.expr.eval_rows(u)
    }

    /// Error of the best linear predictor on fresh data: Var(g*) − ‖C_1*‖² + noise (docs/model.md §6).
    pub fn linear_kernel_error(&self, noise: f64) -> f64 {
        self.moments.variance - self.moments.c1.iter().map(|c| c * c).sum::<f64>() + noise
    }
}

/// Refuses a target that is not finite somewhere on the axes (u = t e_j, |t| ≤ 8 in steps of 1/8, the
/// origin included): 1/u1 or 1/(u1 − 0.5) have no finite variance, though no quadrature node hits the
/// pole.
fn check_finite_on_axes(expr: &Expr, k: usize) -> Result<()> {
    let mut u = vec![0.0; k];
    for j in 0..k {
        for i in -64..=64 {
            u[j] = i as f64 / 8.0;
            let g = expr.eval_point(&u);
            if !g.is_finite() {
                let at: Vec<String> = u.iter().map(|x| format!("{x}")).collect();
                return Err(Error::invalid(
                    "target",
                    format!(
                        "the target is {g} at u = ({}): it must be finite for every input (a division by zero?)",
                        at.join(", ")
                    ),
                ));
            }
        }
        u[j] = 0.0;
        let axis = Array2::from_shape_fn((129, k), |(i, c)| if c == j { (i as f64 - 64.0) / 8.0 } else { 0.0 });
        if let Some(i) = expr.divisor_sign_change(axis.view()) {
            let at = |t: f64| {
                (0..k).map(|c| if c == j { format!("{t}") } else { "0".into() }).collect::<Vec<_>>().join(", ")
            };
            let (a, b) = ((i as f64 - 64.0) / 8.0, (i as f64 - 63.0) / 8.0);
            return Err(Error::invalid(
                "target",
                format!(
                    "the target divides by zero between u = ({}) and u = ({}): it must be finite for every input",
                    at(a),
                    at(b)
                ),
            ));
        }
    }
    Ok(())
}

fn moments(expr: &Expr, k: usize, degree: Option<usize>, cancel: &AtomicBool) -> Result<Moments> {
    // Exact for degree 2D integrands when m ≥ D + 1; otherwise as fine a grid as ~2M nodes allows.
    let m = match degree {
        Some(deg) => deg + 2,
        None => [400, 200, 60, 30, 16, 11, 8, 6][k - 1],
    };
    let grid = (m as u128).pow(k as u32);
    if degree.is_some() && (grid > MAX_GRID as u128 || grid * expr.node_count() as u128 > MAX_GRID_WORK as u128) {
        // Too many nodes for a polynomial of this degree in k directions: the exact Hermite expansion
        // gives the same moments (mean b_0, C1*_j = b_{e_j}, variance Σ_{α≠0} b_α² α!).
        if let Some(table) = poly::to_poly(expr, k)?.map(|p| p.to_hermite()).transpose()? {
            let coef = |j: Option<usize>| {
                let mut alpha = vec![0u32; k];
                if let Some(j) = j {
                    alpha[j] = 1;
                }
                table.get(&alpha).copied().unwrap_or(0.0)
            };
            let variance = table
                .iter()
                .filter(|(a, _)| a.iter().any(|x| *x > 0))
                .map(|(a, b)| b * b * a.iter().map(|x| hermite::factorial(*x as usize)).product::<f64>())
                .sum();
            return Ok(Moments {
                mean: coef(None),
                c1: (0..k).map(|j| coef(Some(j))).collect(),
                variance,
                exact: true,
            });
        }
    }
    let sums = grid_sums(expr, k, m, cancel)?;
    if degree.is_none() && m >= 16 {
        // A quadrature has finite sums even where E[g²] = ∞ (exp(0.3·u1²)): a second moment that moves by
        // more than 5% when the grid halves does not converge (kinks off a node move it by about 0.1%).
        let coarse = grid_sums(expr, k, m / 2, cancel)?;
        let (fine_second, coarse_second) = (sums.raw_second(), coarse.raw_second());
        if !(fine_second.is_finite() && coarse_second.is_finite())
            || (fine_second - coarse_second).abs() > 0.05 * fine_second.abs().max(coarse_second.abs())
        {
            return Err(Error::invalid(
                "target",
                format!(
                    "the target has no finite variance under Gaussian inputs: its second moment does not converge \
                     ({coarse_second:.4e} on a {}-node grid, {fine_second:.4e} on a {m}-node one per direction)",
                    m / 2
                ),
            ));
        }
    }
    let Sums { shift, mean, second, c1 } = sums;
    let variance = second - mean * mean;
    if !(variance.is_finite() && mean.is_finite() && shift.is_finite()) {
        return Err(Error::invalid(
            "target",
            format!(
                "the target's moments overflow f64 (E[g] ≈ {:.3e}, E[g²] ≈ {:.3e}): rescale it",
                shift + mean,
                second
            ),
        ));
    }
    // Rounding can leave a tiny negative variance for a constant target; anything larger is refused, not masked.
    if variance < -1e-12 * second.abs().max(f64::MIN_POSITIVE) {
        return Err(Error::invalid(
            "target",
            format!("the target's variance came out negative ({variance:.3e}): rescale it"),
        ));
    }
    Ok(Moments { mean: shift + mean, c1, variance: variance.max(0.0), exact: degree.is_some() })
}

/// Gaussian sums of g − g(0) (and of g·u) on an m-node tensor Gauss–Hermite grid. The sums are of g − g(0):
/// a large constant (u1 − 2.3^26) would otherwise cancel E[g²] − E[g]² to a negative variance.
struct Sums {
    shift: f64,
    mean: f64,
    second: f64,
    c1: Vec<f64>,
}

impl Sums {
    /// E[g²] itself (the shift put back).
    fn raw_second(&self) -> f64 {
        self.second + 2.0 * self.shift * self.mean + self.shift * self.shift
    }
}

/// The nodes are evaluated a batch at a time (one pass over the batch per expression node, ~10× faster than
/// point by point and the same numbers) and summed in grid order; the cancel flag is read per batch.
fn grid_sums(expr: &Expr, k: usize, m: usize, cancel: &AtomicBool) -> Result<Sums> {
    const BATCH: usize = 4096;
    let shift = expr.eval_point(&vec![0.0; k]);
    let shift = if shift.is_finite() { shift } else { 0.0 };
    let mut sums = Sums { shift, mean: 0.0, second: 0.0, c1: vec![0.0; k] };
    let mut points = Array2::zeros((BATCH, k));
    let mut weights: Vec<f64> = Vec::with_capacity(BATCH);
    let mut cancelled = false;
    let flush = |points: &Array2<f64>, weights: &mut Vec<f64>, sums: &mut Sums| {
        let filled = weights.len();
        let g = expr.eval_rows(points.slice(ndarray::s![..filled, ..]));
        for (i, (g, w)) in g.iter().zip(weights.iter()).enumerate() {
            let g = g - sums.shift;
            sums.mean += w * g;
            sums.second += w * g * g;
            for (j, c) in sums.c1.iter_mut().enumerate() {
                *c += w * g * points[[i, j]];
            }
        }
        weights.clear();
    };
    hermite::tensor_grid(k, m, |u, w| {
        if cancelled {
            return;
        }
        points.row_mut(weights.len()).assign(&ndarray::ArrayView1::from(u));
        weights.push(w);
        if weights.len() == BATCH {
            flush(&points, &mut weights, &mut sums);
            cancelled = cancel.load(Ordering::Relaxed);
        }
    });
    if cancelled {
        return Err(Error::Cancelled);
    }
    flush(&points, &mut weights, &mut sums);
    Ok(sums)
}

/// W* (k × d) with orthonormal rows: Gaussian rows, Gram–Schmidt (twice, for exactness).
pub fn directions(k: usize, d: usize, seed: u64) -> Array2<f64> {
    let mut w = Array2::from_shape_vec((k, d), rng::gaussian_vec(seed, Purpose::Target, 0, k * d)).unwrap();
    for _ in 0..2 {
        for j in 0..k {
            for i in 0..j {
                let proj = w.row(j).dot(&w.row(i));
                let wi = w.row(i).to_owned();
                w.row_mut(j).scaled_add(-proj, &wi);
            }
            let norm = w.row(j).dot(&w.row(j)).sqrt();
            w.row_mut(j).mapv_inplace(|x| x / norm);
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    /// describe reports the target's own moments (a quadrature of g), not the truncated expansion's, and says
    /// how much of the variance the expansion holds.
    #[test]
    fn describe_reports_exact_moments_and_the_share_the_expansion_captures() {
        let exp24_var = 1.0 / (1.0f64 - 0.96).sqrt() - 1.0 / (1.0 - 0.48);
        for (target, variance, partial) in [
            ("sign(u1)", 1.0, true),
            ("cos(3*u1)", (1.0 + (-18.0f64).exp()) / 2.0 - (-4.5f64).exp().powi(2), true),
            ("exp(0.24*u1^2)", exp24_var, true),
            ("u1^3", 15.0, false),
        ] {
            let d = describe(target).unwrap();
            let a = &d.analysis;
            assert!(close(a.variance, variance, 1e-6), "{target}: variance {} vs {variance}", a.variance);
            assert!(close(a.linear_kernel_error, variance - a.c1[0] * a.c1[0], 1e-6), "{target}");
            assert!(close(a.captured_fraction, a.expansion_variance / variance, 1e-9), "{target}");
            assert_eq!(a.captured_fraction < 0.999, partial, "{target}: captured {}", a.captured_fraction);
        }
    }

    /// Targets without a finite Gaussian variance, or whose moments overflow, are refused naming the target,
    /// never given a masked or arbitrary finite variance.
    #[test]
    fn refuses_targets_without_finite_moments() {
        for expr in ["exp(0.26*u1^2)", "exp(0.3*u1^2)", "exp(0.3*u1^2)*u2", "1/(u1^2+1e-300)", "1e160*exp(-u1^2)"] {
            let e = Target::parse(expr).err().unwrap_or_else(|| panic!("{expr} was accepted"));
            assert_eq!(e.field(), Some("target"), "{expr}");
            assert!(e.message().contains("variance") || e.message().contains("overflow"), "{expr}: {}", e.message());
        }
        // Finite but slowly converging, and kinks off a node, are kept.
        for expr in ["exp(0.2*u1^2)", "relu(u1 - 0.5)", "sign(u1 - 0.3)*u1", "abs(u1)*tanh(u2)"] {
            assert!(Target::parse(expr).is_ok(), "{expr}: {:?}", Target::parse(expr).err());
        }
    }

    #[test]
    fn protocol_table_values() {
        // docs/model.md §8: C_1*, Var(y), linear-kernel error.
        let cases = [
            ("T-A", vec![0.5, 0.5], 0.770_833_333_333, 0.270_833_333_333),
            ("T-B", vec![0.5, 0.5], 1.5, 1.0),
            ("T-C", vec![2.0, 0.5], 4.75, 0.5),
            ("T-D", vec![1.0, 0.0], 2.0, 1.0),
            ("T-E", vec![1.0, 0.0, 0.0], 2.0, 1.0),
        ];
        for (name, c1, var, lin) in cases {
            let t = Target::parse(name).unwrap();
            assert!(t.moments.exact);
            for (a, b) in t.moments.c1.iter().zip(&c1) {
                assert!(close(*a, *b, 1e-12), "{name} C1 {:?}", t.moments.c1);
            }
            assert!(close(t.moments.variance, var, 1e-9), "{name} var {}", t.moments.variance);
            assert!(close(t.linear_kernel_error(0.0), lin, 1e-9), "{name} lin {}", t.linear_kernel_error(0.0));
        }
        for k in 1..=4 {
            let t = Target::parse(&format!("single-index-He{k}")).unwrap();
            assert!(close(t.moments.variance, 1.0, 1e-9));
        }
    }

    #[test]
    fn non_polynomial_target_by_quadrature() {
        // T-G: the u2 coefficient tanh(u1) − c is orthogonal to u1 by the choice of c, so C_1* = (1,0,0).
        let t = Target::parse("T-G").unwrap();
        assert!(!t.moments.exact);
        assert!(close(t.moments.c1[0], 1.0, 1e-8) && t.moments.c1[1].abs() < 1e-8, "{:?}", t.moments.c1);
        // E[tanh(ξ)²] − c² + 1 + 1 (the u1 and u1·u3 terms) + the u2 term's variance.
        let e_tanh2 = hermite::gaussian_expectation_1d(|x| x.tanh().powi(2));
        let c = crate::activation::Activation::Tanh.hermite_coefficient(1);
        assert!(close(t.moments.variance, 2.0 + e_tanh2 - c * c, 1e-6), "{}", t.moments.variance);
    }

    #[test]
    fn the_authors_t_g_has_their_constant() {
        // Their c = ∫ tanh(z) z e^{−z²/2} dz (no 1/√(2π)), integrated here directly on a fine grid.
        let h = 1e-3;
        let c: f64 = (-20_000..=20_000).map(|i| i as f64 * h).map(|z| z.tanh() * z * (-z * z / 2.0).exp() * h).sum();
        assert!(close(c, 1.518, 1e-3), "{c}");
        let t = Target::parse("T-G-authors").unwrap();
        // C_1* = (E[1], E[tanh(u1) − c], 0) = (1, −c, 0): u2 is in the first step's span.
        assert!(
            close(t.moments.c1[0], 1.0, 1e-8) && close(t.moments.c1[1], -c, 1e-6) && t.moments.c1[2].abs() < 1e-8,
            "{:?}",
            t.moments.c1
        );
    }

    #[test]
    fn presets_and_errors() {
        assert_eq!(preset_expression("staircase-3").unwrap(), "u1 + u1*u2 + u1*u2*u3");
        assert_eq!(Target::parse("leap-3").unwrap().k, 4);
        let err = Target::parse("T-Z").unwrap_err();
        assert!(err.to_string().contains("unknown target 'T-Z'"), "{err}");
        // The message lists exactly the names the lookup takes: each parses, and the families' ends.
        assert_eq!(
            preset_names(),
            "T-A, T-B, staircase, T-C, spike, T-D, T-E, leap-2, T-F, T-G, T-G-authors, leap-3, staircase-2..staircase-6, \
             single-index-He1..single-index-He12"
        );
        for name in preset_names().split(", ").flat_map(|n| n.split("..")) {
            assert!(preset_expression(name).is_some(), "{name}");
        }
        for outside in ["staircase-1", "staircase-7", "single-index-He0", "single-index-He13", "t-a", "T-A "] {
            assert!(preset_expression(outside).is_none(), "{outside}");
        }
        assert_eq!(preset_expression("single-index-He2").unwrap(), format!("He2(u1)/{:.17}", 2f64.sqrt()));
        assert!(Target::parse("3 + 1").is_err());
        let err = Target::parse("u1 + ").unwrap_err().to_string();
        assert!(err.contains("column 6"), "{err}");
    }

    #[test]
    fn directions_are_orthonormal() {
        let w = directions(3, 50, 9);
        let g = w.dot(&w.t());
        for i in 0..3 {
            for j in 0..3 {
                assert!(close(g[[i, j]], (i == j) as u8 as f64, 1e-14));
            }
        }
    }
}

/// What `giantstep describe` shows about a target, as data (the facade puts it into words).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "TargetFacts"))]
pub struct Description {
    pub name: String,
    pub expression: String,
    #[serde(flatten)]
    pub analysis: analysis::Analysis,
}

pub fn describe(name: &str) -> Result<Description> {
    describe_cancellable(name, &AtomicBool::new(false))
}

/// `describe`, stopping with `Error::Cancelled` soon after `cancel` is set (its moments' quadrature is the
/// long part for a target of several directions).
pub fn describe_cancellable(name: &str, cancel: &AtomicBool) -> Result<Description> {
    let t = Target::parse_cancellable(name, cancel)?;
    crate::error::checkpoint(cancel)?;
    let analysis = analysis::analyse(&t.expr, t.k)?.with_exact_moments(&t.moments);
    Ok(Description { name: t.name, expression: t.expression, analysis })
}
