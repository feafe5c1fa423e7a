//! What the theory says about a target before any simulation (docs/model.md §2, §7): its Hermite
//! coefficients, C_1*, C_2*, information exponents, leap index, linear-kernel error, and which target
//! directions the first layer can learn — in one step with n = Θ(d^ℓ), or step by step with n = Θ(d).
//!
//! Learnability is computed from the Hermite tensors C_ℓ* = E[g* He_ℓ(u)], rotation-covariantly: given a
//! learned subspace V, a direction orthogonal to V becomes visible through order-ℓ terms whose degree
//! outside V is at most `perp` (the other modes may lie in V). One step with n = Θ(d^ℓ) sees the
//! directions of all terms of order ≤ ℓ; a step with n = Θ(d) after V was learned adds the directions
//! linearly connected to V (degree 1 outside V); the leap index is the least such degree that, applied
//! until nothing changes, reaches every direction.
use super::expr::Expr;
use super::poly;
use crate::error::{Error, Result};
use crate::hermite;
use crate::rng::{self, Purpose};
use ndarray::{Array1, Array2};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// How the coefficients were obtained.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Method {
    /// Symbolic expansion of a polynomial.
    Exact,
    /// Tensor Gauss–Hermite quadrature (k ≤ 4).
    Quadrature,
    /// Monte Carlo (k > 4, non-polynomial), with `mcError` the largest standard error of a coefficient.
    MonteCarlo,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HermiteTerm {
    /// Multi-index α: the term is b_α Π_j He_{α_j}(u_j).
    pub alpha: Vec<u32>,
    pub order: u32,
    /// b_α (so E[g* He_α] = b_α α!).
    pub coefficient: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LearnedDims {
    /// Dimension of the union of range(C_1*) … range(C_ℓ*), ℓ = 1..4: every direction some order ≤ ℓ makes
    /// visible to one step with n = Θ(d^ℓ). One network whose labels have their lower orders removed aligns
    /// only with range(C_ℓ*) (`one_step_by_order`); the union counts the lower orders' directions too, which
    /// come back through the re-added linear part or a step on the raw labels.
    pub one_step: Vec<usize>,
    /// Dimension of range(C_ℓ*) alone, ℓ = 1..4.
    pub one_step_by_order: Vec<usize>,
    /// Dimension learned after t steps with n = Θ(d) each, t = 1..6.
    pub multi_step: Vec<usize>,
    /// For each step t = 1..6, the size of the largest Hermite coefficient that brings a new direction in
    /// (‖C1*‖ at step 1; 0 when nothing is added): small values mean the direction is learned slowly.
    pub link_strength: Vec<f64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "TargetAnalysis"))]
pub struct Analysis {
    pub k: usize,
    pub method: Method,
    /// Highest Hermite order analysed.
    pub max_order: usize,
    pub mc_error: Option<f64>,
    /// The target's mean and variance: exact (quadrature of g itself) from `describe`; from the analysed
    /// Hermite table otherwise.
    pub mean: f64,
    pub variance: f64,
    /// Σ b_α² α! over the analysed (truncated) Hermite table, and its share of `variance`.
    pub expansion_variance: f64,
    pub captured_fraction: f64,
    pub c1: Vec<f64>,
    pub c2: Vec<Vec<f64>>,
    /// Lowest order at which each coordinate axis u_j appears (None: never, up to maxOrder). Per axis, so
    /// not rotation invariant: T-A has (1, 1) though its direction (u1 − u2)/√2 first appears at order 2.
    pub information_exponents: Vec<Option<usize>>,
    /// Rotation-invariant exponents, ascending: one entry per direction of the target space that some Hermite
    /// order makes visible, the lowest order ℓ at which it enters the union of range(C_1*)…range(C_ℓ*).
    pub direction_exponents: Vec<usize>,
    pub leap_index: Option<usize>,
    pub linear_kernel_error: f64,
    pub learned_dims: LearnedDims,
    pub terms: Vec<HermiteTerm>,
}

/// Tensors larger than this many entries are not formed (limits maxOrder for large k). The learnability
/// search rotates every tensor up to maxOrder many times, so this bounds its time: 2^16 keeps staircase-6
/// (order 6 in k = 6) and answers in well under a second; 2^21 took minutes for He12(u1)·He12(u2).
const MAX_TENSOR: usize = 1 << 16;
/// Bound on order × Σ_{l ≤ order} l·k^l, the work of the learnability search (each of its ~order passes
/// rotates every tensor): 4M keeps it under half a second (k = 2: order ≤ 13, k = 4: 7, k = 8: 5).
const MAX_SEARCH_COST: usize = 4_000_000;
const MC_SAMPLES: usize = 400_000;

impl Analysis {
    /// Takes the target's exact moments (a quadrature of g itself, as `run` uses) in place of a truncated
    /// table's: the table misses the variance above its highest order (sign(u1) keeps 0.795 of 1 by order 6).
    pub fn with_exact_moments(mut self, moments: &super::Moments) -> Analysis {
        // A polynomial's table is its exact, complete expansion (symbolic, no rounding): keep it.
        if matches!(self.method, Method::Exact) {
            return self;
        }
        self.mean = moments.mean;
        self.variance = moments.variance;
        self.c1.clone_from(&moments.c1);
        self.linear_kernel_error = moments.variance - moments.c1.iter().map(|c| c * c).sum::<f64>();
        self.captured_fraction = if moments.variance > 0.0 { self.expansion_variance / moments.variance } else { 1.0 };
        self
    }
}

pub fn analyse(expr: &Expr, k: usize) -> Result<Analysis> {
    let (table, method, mc_error, degree) = match poly::to_poly(expr, k)? {
        Some(p) => {
            let deg = p.degree();
            (p.to_hermite()?, Method::Exact, None, Some(deg))
        }
        None if k <= 4 => (quadrature_table(expr, k, default_order(k, None)), Method::Quadrature, None, None),
        None => {
            let (t, err) = monte_carlo_table(expr, k, default_order(k, None));
            (t, Method::MonteCarlo, Some(err), None)
        }
    };
    if let Some((alpha, b)) = table.iter().find(|(_, b)| !b.is_finite()) {
        return Err(Error::invalid(
            "target",
            format!("the Hermite coefficient of order {alpha:?} is {b}: the target has no finite variance under Gaussian inputs"),
        ));
    }
    let max_order = default_order(k, degree);
    let scale = table
        .iter()
        .filter(|(a, _)| a.iter().any(|x| *x > 0))
        .map(|(a, b)| b.abs() * multi_factorial(a).sqrt())
        .fold(0.0, f64::max);
    let tol = match method {
        Method::Exact => 1e-9 * scale.max(1e-300),
        Method::Quadrature => 1e-6 * scale.max(1e-300),
        Method::MonteCarlo => (5.0 * mc_error.unwrap_or(0.0)).max(1e-6 * scale),
    };
    let coef = |alpha: &[u32]| table.get(alpha).copied().unwrap_or(0.0);
    let mean = coef(&vec![0; k]);
    let variance: f64 =
        table.iter().filter(|(a, _)| a.iter().any(|x| *x > 0)).map(|(a, b)| b * b * multi_factorial(a)).sum();
    let unit = |j: usize, times: u32| {
        let mut a = vec![0u32; k];
        a[j] += times;
        a
    };
    let c1: Vec<f64> = (0..k).map(|j| coef(&unit(j, 1))).collect();
    let c2: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    let mut a = unit(i, 1);
                    a[j] += 1;
                    coef(&a) * multi_factorial(&a)
                })
                .collect()
        })
        .collect();
    let significant: Vec<(&Vec<u32>, f64)> = table
        .iter()
        .filter(|(a, b)| a.iter().sum::<u32>() as usize <= max_order && b.abs() * multi_factorial(a).sqrt() > tol)
        .map(|(a, b)| (a, *b))
        .collect();
    let information_exponents = (0..k)
        .map(|j| significant.iter().filter(|(a, _)| a[j] > 0).map(|(a, _)| a.iter().sum::<u32>() as usize).min())
        .collect();
    let tensors = Tensors::new(&table, k, max_order);
    let mut learned: Vec<Array1<f64>> = vec![];
    let (multi_step, link_strength) = (1..=6)
        .map(|_| {
            let (new, strength) = tensors.visible_with_strength(&learned, 1, 1..=max_order, tol);
            learned.extend(new);
            (learned.len(), strength)
        })
        .unzip();
    let union_dims = |l: usize| tensors.visible(&[], l, 1..=l.min(max_order), tol).len();
    let learned_dims = LearnedDims {
        one_step: (1..=4).map(union_dims).collect(),
        one_step_by_order: (1..=4)
            .map(|l| if l <= max_order { tensors.visible(&[], l, l..=l, tol).len() } else { 0 })
            .collect(),
        multi_step,
        link_strength,
    };
    let mut direction_exponents = vec![];
    for l in 1..=max_order {
        let new = union_dims(l) - direction_exponents.len();
        direction_exponents.extend(std::iter::repeat_n(l, new));
    }
    let leap_index = (1..=max_order).find(|&l| tensors.closure(l, tol) == k);
    let mut terms: Vec<HermiteTerm> = significant
        .iter()
        .map(|(a, b)| HermiteTerm { alpha: (*a).clone(), order: a.iter().sum(), coefficient: *b })
        .collect();
    terms.sort_by_key(|t| t.order);
    Ok(Analysis {
        k,
        method,
        max_order,
        mc_error,
        mean,
        variance,
        expansion_variance: variance,
        captured_fraction: 1.0,
        linear_kernel_error: variance - c1.iter().map(|c| c * c).sum::<f64>(),
        c1,
        c2,
        information_exponents,
        direction_exponents,
        leap_index,
        learned_dims,
        terms,
    })
}

fn default_order(k: usize, degree: Option<usize>) -> usize {
    let cap = degree.unwrap_or(if k <= 4 { 6 } else { 4 }).max(1);
    let search_cost = |order: usize| {
        order.saturating_mul(
            (1..=order).map(|l| l.saturating_mul(k.saturating_pow(l as u32))).fold(0, usize::saturating_add),
        )
    };
    (1..=cap)
        .take_while(|l| k.saturating_pow(*l as u32) <= MAX_TENSOR && search_cost(*l) <= MAX_SEARCH_COST)
        .last()
        .unwrap_or(1)
}

fn multi_factorial(alpha: &[u32]) -> f64 {
    alpha.iter().map(|a| hermite::factorial(*a as usize)).product()
}

/// All multi-indices of length k and total order ≤ order.
fn multi_indices(k: usize, order: usize) -> Vec<Vec<u32>> {
    let mut out = vec![vec![]];
    for _ in 0..k {
        out = out
            .into_iter()
            .flat_map(|a: Vec<u32>| {
                let used: u32 = a.iter().sum();
                (0..=(order as u32 - used)).map(move |x| {
                    let mut b = a.clone();
                    b.push(x);
                    b
                })
            })
            .collect();
    }
    out
}

/// b_α = E[g He_α] / α! from weighted samples (u, w).
fn accumulate(
    expr: &Expr,
    k: usize,
    order: usize,
    samples: impl Iterator<Item = (Vec<f64>, f64)>,
) -> (BTreeMap<Vec<u32>, f64>, Vec<f64>) {
    let alphas = multi_indices(k, order);
    let mut sums = vec![0.0; alphas.len()];
    let mut squares = vec![0.0; alphas.len()];
    // He_α(u) = Π_j He_{α_j}(u_j) over the j with α_j > 0 only: the skipped factors are He_0 = 1 exactly,
    // so the products are bit for bit those of the full loop, at a fraction of its time.
    let width = order + 1;
    let factors: Vec<Vec<usize>> = alphas
        .iter()
        .map(|a| a.iter().enumerate().filter(|(_, x)| **x > 0).map(|(j, x)| j * width + *x as usize).collect())
        .collect();
    let mut he = vec![0.0; k * width];
    // g is evaluated a batch of samples at a time (one pass per expression node: the same numbers as
    // point by point, several times faster for long expressions); the sums still run in sample order.
    const BATCH: usize = 4096;
    let mut samples = samples.peekable();
    let mut batch: Vec<(Vec<f64>, f64)> = Vec::with_capacity(BATCH);
    let mut points = ndarray::Array2::<f64>::zeros((BATCH, k));
    while samples.peek().is_some() {
        batch.clear();
        batch.extend(samples.by_ref().take(BATCH));
        for (i, (u, _)) in batch.iter().enumerate() {
            points.row_mut(i).assign(&ndarray::ArrayView1::from(&u[..]));
        }
        let values = expr.eval_rows(points.slice(ndarray::s![..batch.len(), ..]));
        for ((u, w), g) in batch.iter().zip(values) {
            let w = *w;
            for j in 0..k {
                for (i, h) in he[j * width..(j + 1) * width].iter_mut().enumerate() {
                    *h = hermite::he(i, u[j]);
                }
            }
            for (idx, f) in factors.iter().enumerate() {
                let v = g * f.iter().fold(1.0, |p, i| p * he[*i]);
                sums[idx] += w * v;
                squares[idx] += w * v * v;
            }
        }
    }
    let table = alphas.iter().zip(&sums).map(|(a, s)| (a.clone(), s / multi_factorial(a))).collect();
    (table, squares)
}

fn quadrature_table(expr: &Expr, k: usize, order: usize) -> BTreeMap<Vec<u32>, f64> {
    let m = [200, 80, 30, 16][k - 1];
    let mut nodes = Vec::new();
    hermite::tensor_grid(k, m, |u, w| nodes.push((u.to_vec(), w)));
    accumulate(expr, k, order, nodes.into_iter()).0
}

/// Monte Carlo coefficients (seeded); returns the table and the largest standard error of a b_α.
fn monte_carlo_table(expr: &Expr, k: usize, order: usize) -> (BTreeMap<Vec<u32>, f64>, f64) {
    let draws = rng::gaussian_vec(0x7A7, Purpose::Target, 99, MC_SAMPLES * k);
    let w = 1.0 / MC_SAMPLES as f64;
    let samples = draws.chunks(k).map(|u| (u.to_vec(), w));
    let (table, squares) = accumulate(expr, k, order, samples);
    let alphas = multi_indices(k, order);
    let err = alphas
        .iter()
        .zip(&squares)
        .map(|(a, sq)| {
            let mean = table.get(a).copied().unwrap_or(0.0) * multi_factorial(a);
            ((sq - mean * mean).max(0.0) / MC_SAMPLES as f64).sqrt() / multi_factorial(a)
        })
        .fold(0.0, f64::max);
    (table, err)
}

/// The Hermite tensors C_1*..C_L* (flat, k^ℓ entries each).
struct Tensors {
    k: usize,
    orders: Vec<Vec<f64>>,
}

impl Tensors {
    fn new(table: &BTreeMap<Vec<u32>, f64>, k: usize, max_order: usize) -> Tensors {
        let orders = (1..=max_order)
            .map(|l| {
                (0..k.pow(l as u32))
                    .map(|flat| {
                        let mut alpha = vec![0u32; k];
                        let mut f = flat;
                        for _ in 0..l {
                            alpha[f % k] += 1;
                            f /= k;
                        }
                        table.get(&alpha).copied().unwrap_or(0.0) * multi_factorial(&alpha)
                    })
                    .collect()
            })
            .collect();
        Tensors { k, orders }
    }

    /// The tensor of order l in the basis whose columns are `basis` (k × k orthonormal).
    fn rotated(&self, l: usize, basis: &Array2<f64>) -> Vec<f64> {
        let k = self.k;
        let mut t = self.orders[l - 1].clone();
        let size = t.len();
        // One mode at a time: mode m has stride k^m in the flat index.
        for m in 0..l {
            let stride = k.pow(m as u32);
            let mut out = vec![0.0; size];
            for (flat, o) in out.iter_mut().enumerate() {
                let i = (flat / stride) % k;
                let base = flat - i * stride;
                *o = (0..k).map(|j| basis[[j, i]] * t[base + j * stride]).sum();
            }
            t = out;
        }
        t
    }

    /// Directions orthogonal to `learned` that terms of the given orders with degree ≤ perp outside the
    /// learned span make visible (orthonormal, in R^k).
    fn visible(
        &self,
        learned: &[Array1<f64>],
        perp: usize,
        orders: RangeInclusive<usize>,
        tol: f64,
    ) -> Vec<Array1<f64>> {
        self.visible_with_strength(learned, perp, orders, tol).0
    }

    /// `visible`, and the largest norm of a new direction's coefficient vector.
    fn visible_with_strength(
        &self,
        learned: &[Array1<f64>],
        perp: usize,
        orders: RangeInclusive<usize>,
        tol: f64,
    ) -> (Vec<Array1<f64>>, f64) {
        let k = self.k;
        let m = learned.len();
        if m == k {
            return (vec![], 0.0);
        }
        let mut strength: f64 = 0.0;
        let basis = complete_basis(learned, k);
        let mut found: Vec<Array1<f64>> = vec![]; // in ⊥ coordinates
        for l in *orders.start()..=(*orders.end()).min(self.orders.len()) {
            let t = self.rotated(l, &basis);
            // Mode 0 runs over ⊥ indices; the other l−1 modes may hold at most perp−1 more ⊥ indices.
            for rest in 0..k.pow(l as u32 - 1) {
                let mut f = rest;
                let mut outside = 0;
                for _ in 1..l {
                    outside += (f % k >= m) as usize;
                    f /= k;
                }
                if outside + 1 > perp {
                    continue;
                }
                let v: Array1<f64> = (m..k).map(|i| t[i + k * rest]).collect();
                strength = strength.max(add_if_new(&mut found, v, tol));
            }
        }
        let directions = found
            .iter()
            .map(|c| (0..k).map(|row| (0..k - m).map(|r| c[r] * basis[[row, m + r]]).sum()).collect())
            .collect();
        (directions, strength)
    }

    /// Dimension reached by repeatedly adding what degree ≤ perp terms make visible.
    fn closure(&self, perp: usize, tol: f64) -> usize {
        let mut learned = vec![];
        loop {
            let new = self.visible(&learned, perp, 1..=self.orders.len(), tol);
            if new.is_empty() {
                return learned.len();
            }
            learned.extend(new);
        }
    }
}

/// Gram–Schmidt: keeps v's component orthogonal to `basis` when it is larger than tol; returns the norm
/// of what was added (0 when nothing was).
fn add_if_new(basis: &mut Vec<Array1<f64>>, mut v: Array1<f64>, tol: f64) -> f64 {
    for _ in 0..2 {
        for b in basis.iter() {
            let c = v.dot(b);
            v.scaled_add(-c, b);
        }
    }
    let norm = v.dot(&v).sqrt();
    if norm > tol {
        basis.push(v / norm);
        return norm;
    }
    0.0
}

/// An orthonormal basis of R^k whose first columns are `learned`.
fn complete_basis(learned: &[Array1<f64>], k: usize) -> Array2<f64> {
    let mut cols: Vec<Array1<f64>> = learned.to_vec();
    for j in 0..k {
        if cols.len() == k {
            break;
        }
        let mut e = Array1::zeros(k);
        e[j] = 1.0;
        let _ = add_if_new(&mut cols, e, 1e-8);
    }
    let mut b = Array2::zeros((k, k));
    for (c, col) in cols.iter().enumerate() {
        b.column_mut(c).assign(col);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;

    fn of(name: &str) -> Analysis {
        let t = Target::parse(name).unwrap();
        analyse(&t.expr, t.k).unwrap()
    }

    #[test]
    fn learnability_of_the_issue_examples() {
        let a = of("u1 + u1*u2 + u1*u2*u3");
        assert_eq!(a.learned_dims.one_step, vec![1, 2, 3, 3]);
        assert_eq!(a.learned_dims.multi_step, vec![1, 2, 3, 3, 3, 3]);
        assert_eq!(a.leap_index, Some(1));
        let b = of("u1 + u2*u3");
        assert_eq!(b.learned_dims.one_step, vec![1, 3, 3, 3]);
        assert_eq!(b.learned_dims.multi_step, vec![1; 6]);
        assert_eq!(b.leap_index, Some(2));
        assert_eq!(b.information_exponents, vec![Some(1), Some(2), Some(2)]);
    }

    #[test]
    fn one_step_by_order_separates_what_the_union_joins() {
        // u1 + u2²: order 1 sees u1, order 2 alone sees u2; the union at ℓ = 2 has both.
        let a = of("u1 + u2^2");
        assert_eq!(a.learned_dims.one_step, vec![1, 2, 2, 2]);
        assert_eq!(a.learned_dims.one_step_by_order, vec![1, 1, 0, 0]);
        // T-C = (4u1 + u1² + u2)/2: C1* = (2, 1/2), C2* = diag(1, 0): range(C2*) is u1 alone, but the union
        // with range(C1*) spans both directions.
        let c = of("T-C");
        assert_eq!(c.learned_dims.one_step[1], 2);
        assert_eq!(c.learned_dims.one_step_by_order[..2], [1, 1]);
    }

    #[test]
    fn direction_exponents_are_rotation_invariant() {
        // T-A's axes both have exponent 1, but only s = (u1 + u2)/√2 appears at order 1; t = (u1 − u2)/√2
        // first at order 2.
        let a = of("T-A");
        assert_eq!(a.information_exponents, vec![Some(1), Some(1)]);
        assert_eq!(a.direction_exponents, vec![1, 2]);
        // Rotating the target leaves them unchanged.
        let r = of(
            "(He1((u1+u2)/1.4142135623730951) + He2((u1+u2)/1.4142135623730951)/2 + He1((u1-u2)/1.4142135623730951)^2)",
        );
        assert_eq!(r.direction_exponents, vec![1, 2]);
        assert_eq!(of("T-E").direction_exponents, vec![1, 2, 2]);
        assert_eq!(of("single-index-He3").direction_exponents, vec![3]);
    }

    /// A target, its one-step dimensions (ℓ = 1..4), its multi-step dimensions (t = 1..6) and its leap index.
    type PresetCase = (&'static str, [usize; 4], [usize; 6], Option<usize>);

    #[test]
    fn presets() {
        let cases: &[PresetCase] = &[
            // T-A is a sum of single-index terms: along t = (u1 − u2)/√2 it is even, so nothing links t to
            // the first direction s: more steps at n = Θ(d) do not help (paper's Figure 1, left); t needs
            // order 2 (n = Θ(d²)).
            ("T-A", [1, 2, 2, 2], [1; 6], Some(2)),
            // T-B: s/√2 + s·t in rotated coordinates: the staircase.
            ("T-B", [1, 2, 2, 2], [1, 2, 2, 2, 2, 2], Some(1)),
            ("T-D", [1, 2, 2, 2], [1, 2, 2, 2, 2, 2], Some(1)),
            ("leap-3", [1, 1, 4, 4], [1; 6], Some(3)),
            ("staircase-4", [1, 2, 3, 4], [1, 2, 3, 4, 4, 4], Some(1)),
            ("single-index-He3", [0, 0, 1, 1], [0; 6], Some(3)),
            ("T-F", [1, 2, 3, 3], [1, 3, 3, 3, 3, 3], Some(1)),
        ];
        for (name, one, multi, leap) in cases {
            let a = of(name);
            assert_eq!(a.learned_dims.one_step, one.to_vec(), "{name} oneStep");
            assert_eq!(a.learned_dims.multi_step, multi.to_vec(), "{name} multiStep");
            assert_eq!(a.leap_index, *leap, "{name} leap");
        }
    }

    #[test]
    fn exact_moments_and_c2() {
        let a = of("T-C");
        assert_eq!(a.method, Method::Exact);
        assert!((a.variance - 4.75).abs() < 1e-12 && (a.mean - 0.5).abs() < 1e-12);
        assert_eq!(a.c1, vec![2.0, 0.5]);
        assert_eq!(a.c2, vec![vec![1.0, 0.0], vec![0.0, 0.0]]);
        assert!((a.linear_kernel_error - 0.5).abs() < 1e-12);
        let b = of("T-D");
        assert_eq!(b.c2, vec![vec![0.0, 1.0], vec![1.0, 0.0]]);
    }

    #[test]
    fn random_polynomials_match_quadrature() {
        // Random Hermite polynomials in 2 and 3 variables, expanded symbolically, against the quadrature
        // path applied to the same expression written with powers.
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        for trial in 0..12 {
            let k = 2 + trial % 2;
            let terms: Vec<String> = (0..4)
                .map(|_| {
                    let c = (next() * 4.0 - 2.0 * 1.0).to_string();
                    let factors: Vec<String> =
                        (0..k).map(|j| format!("u{}^{}", j + 1, (next() * 3.0) as u32)).collect();
                    format!("{c}*{}", factors.join("*"))
                })
                .collect();
            let src = terms.join(" + ");
            let expr = crate::target::expr::parse(&src).unwrap();
            let exact = poly::to_poly(&expr, k).unwrap().unwrap().to_hermite().unwrap();
            let quad = quadrature_table(&expr, k, 6);
            for (alpha, b) in &exact {
                let q = quad.get(alpha).copied().unwrap_or(0.0);
                assert!((b - q).abs() < 1e-8 * b.abs().max(1.0), "{src}: α={alpha:?} exact {b} vs quadrature {q}");
            }
        }
    }

    #[test]
    fn non_polynomial_targets() {
        let a = of("T-G");
        assert_eq!(a.method, Method::Quadrature);
        assert!((a.c1[0] - 1.0).abs() < 1e-8 && a.c1[1].abs() < 1e-8);
        // u2 enters only through (tanh(u1) − c u1)·u2, whose lowest Hermite term is He3(u1)·u2.
        assert_eq!(a.information_exponents, vec![Some(1), Some(4), Some(2)]);
        let mc = of("u1 + tanh(u2)*u3 + u4*u5");
        assert_eq!(mc.method, Method::MonteCarlo);
        assert!(mc.mc_error.unwrap() < 0.02);
        assert!((mc.c1[0] - 1.0).abs() < 5.0 * mc.mc_error.unwrap());
        assert_eq!(mc.learned_dims.one_step[0], 1);
    }
}
