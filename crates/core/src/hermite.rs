//! Probabilists' Hermite polynomials and Gaussian expectations (docs/model.md §2).
//! He_{k+1}(x) = x He_k(x) − k He_{k−1}(x); E[He_j He_k] = k! δ_jk under N(0,1).

/// He_k(x) by the three-term recurrence.
pub fn he(k: usize, x: f64) -> f64 {
    let (mut prev, mut cur) = (1.0, x);
    if k == 0 {
        return 1.0;
    }
    for j in 1..k {
        let next = x * cur - j as f64 * prev;
        prev = cur;
        cur = next;
    }
    cur
}

pub fn factorial(k: usize) -> f64 {
    (1..=k).map(|j| j as f64).product()
}

/// Gauss–Hermite rule for the standard Gaussian weight: Σ w_i f(x_i) ≈ E[f(ξ)], exact for polynomials of
/// degree < 2m. Newton iteration on the orthonormal Hermite recurrence (Golub–Welsch would need an
/// eigensolver for the same nodes).
pub fn gauss_hermite(m: usize) -> (Vec<f64>, Vec<f64>) {
    assert!(m >= 1);
    if m > NEWTON_MAX_NODES {
        return gauss_hermite_bisection(m);
    }
    // Physicists' nodes for weight e^{-t^2}, then x = √2 t, w /= √π.
    let mut t = vec![0.0; m];
    let mut w = vec![0.0; m];
    let pim4 = std::f64::consts::PI.powf(-0.25);
    let mut z = 0.0f64;
    for i in 0..m.div_ceil(2) {
        z = match i {
            0 => (2.0 * m as f64 + 1.0).sqrt() - 1.85575 * (2.0 * m as f64 + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * (m as f64).powf(0.426) / z,
            2 => 1.86 * z - 0.86 * t[0],
            3 => 1.91 * z - 0.91 * t[1],
            _ => 2.0 * z - t[i - 2],
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (pim4, 0.0);
            for j in 0..m {
                let p3 = p2;
                p2 = p1;
                p1 = z * (2.0 / (j as f64 + 1.0)).sqrt() * p2 - (j as f64 / (j as f64 + 1.0)).sqrt() * p3;
            }
            pp = (2.0 * m as f64).sqrt() * p2;
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() <= 1e-15 * z.abs().max(1.0) {
                break;
            }
        }
        t[i] = z;
        t[m - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[m - 1 - i] = w[i];
    }
    let sqrt_pi = std::f64::consts::PI.sqrt();
    let x = t.iter().map(|v| v * std::f64::consts::SQRT_2).collect();
    let w = w.iter().map(|v| v / sqrt_pi).collect();
    (x, w)
}

/// Newton's iteration above is used up to this many nodes; beyond ~198 its orthonormal recurrence
/// overflows (pp² = ∞ gives zero weights and NaN nodes, every root then collapses onto the largest one),
/// so larger rules come from `gauss_hermite_bisection`.
const NEWTON_MAX_NODES: usize = 150;

/// The m-node rule by bisection on a Sturm count and overflow-free weights: the number of roots of He_m
/// above x is the number of sign changes of He_0(x), ..., He_m(x), counted through the ratios
/// q_j = He_j/He_{j−1} (q_{j+1} = x − j/q_j), so nothing overflows; each positive root is bisected to
/// adjacent floats. The weight 1/Σ_{j<m} He_j(x)²/j! is computed through the Hermite functions
/// ψ_j = e^{−x²/4} He_j/√j! (bounded by 1), as e^{−x²/2}/Σψ_j².
fn gauss_hermite_bisection(m: usize) -> (Vec<f64>, Vec<f64>) {
    let above = |x: f64| {
        let mut q = x;
        let mut count = (q < 0.0) as usize;
        for j in 1..m {
            if q == 0.0 {
                q = -f64::MIN_POSITIVE;
            }
            q = x - j as f64 / q;
            count += (q < 0.0) as usize;
        }
        count
    };
    let bound = (4.0 * m as f64 + 2.0).sqrt() + 1.0;
    let mut x = vec![0.0; m];
    for i in 0..m / 2 {
        // The (i+1)-th largest root r: above(t) > i for t < r, above(t) ≤ i for t ≥ r.
        let (mut lo, mut hi) = (0.0f64, bound);
        loop {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if above(mid) > i {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        x[i] = 0.5 * (lo + hi);
        x[m - 1 - i] = -x[i];
    }
    let w = x
        .iter()
        .map(|&x| {
            let (mut prev, mut cur) = (0.0, (-0.25 * x * x).exp());
            let mut sum = 0.0;
            for j in 0..m {
                sum += cur * cur;
                let next = (x * cur - (j as f64).sqrt() * prev) / (j as f64 + 1.0).sqrt();
                prev = cur;
                cur = next;
            }
            (-0.5 * x * x).exp() / sum
        })
        .collect();
    (x, w)
}

/// E[f(ξ)] for ξ ~ N(0,1) and f merely piecewise smooth (kinks, jumps at 0 as in relu or sign):
/// composite Simpson on [−L, L] with a node at 0, error O(h⁴) away from the kinks.
pub fn gaussian_expectation_1d(f: impl Fn(f64) -> f64) -> f64 {
    const L: f64 = 14.0;
    const HALF_STEPS: usize = 14_000; // per side, even
    let h = L / HALF_STEPS as f64;
    let density = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let side = |sign: f64| {
        let mut s = 0.0;
        for i in 0..=HALF_STEPS {
            // Evaluate just inside the interval so a jump at 0 takes the side's one-sided value.
            let x = sign * (i as f64 * h).max(1e-300);
            let c = if i == 0 || i == HALF_STEPS {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            s += c * f(x) * density(x);
        }
        s * h / 3.0
    };
    side(1.0) + side(-1.0)
}

/// μ_k(f) = E[f(ξ) He_k(ξ)].
pub fn coefficient(f: impl Fn(f64) -> f64, k: usize) -> f64 {
    gaussian_expectation_1d(|x| f(x) * he(k, x))
}

/// Tensor Gauss–Hermite expectation of g(u), u ~ N(0, I_k), with m nodes per axis.
/// Calls `visit(u, weight)` for every node.
pub fn tensor_grid(k: usize, m: usize, mut visit: impl FnMut(&[f64], f64)) {
    let (x, w) = gauss_hermite(m);
    let mut idx = vec![0usize; k];
    let mut u = vec![0.0; k];
    loop {
        let mut weight = 1.0;
        for j in 0..k {
            u[j] = x[idx[j]];
            weight *= w[idx[j]];
        }
        visit(&u, weight);
        let mut j = 0;
        loop {
            if j == k {
                return;
            }
            idx[j] += 1;
            if idx[j] < m {
                break;
            }
            idx[j] = 0;
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hermite_orthogonality_under_quadrature() {
        let (x, w) = gauss_hermite(30);
        for j in 0..10 {
            for k in 0..10 {
                let e: f64 = x.iter().zip(&w).map(|(x, w)| w * he(j, *x) * he(k, *x)).sum();
                let expect = if j == k { factorial(k) } else { 0.0 };
                assert!((e - expect).abs() < 1e-9 * expect.max(1.0), "E[He{j} He{k}] = {e}");
            }
        }
    }

    #[test]
    fn large_rules_integrate_the_gaussian_moments() {
        // Newton's rule overflowed from m = 199 on: all nodes at the largest root and weights summing to
        // 1e-159 (m = 200) or 0.2 (m = 400), which made k = 1 and k = 2 non-polynomial moments wrong.
        for m in [150, 151, 199, 200, 257, 400] {
            let (x, w) = gauss_hermite(m);
            let moment = |p: i32| x.iter().zip(&w).map(|(x, w)| w * x.powi(p)).sum::<f64>();
            assert!((moment(0) - 1.0).abs() < 1e-12, "m = {m}: Σw = {}", moment(0));
            assert!((moment(2) - 1.0).abs() < 1e-11, "m = {m}: E[x²] = {}", moment(2));
            assert!((moment(4) - 3.0).abs() < 1e-10, "m = {m}: E[x⁴] = {}", moment(4));
            assert!((moment(8) - 105.0).abs() < 1e-8, "m = {m}: E[x⁸] = {}", moment(8));
            assert!(x.windows(2).all(|p| p[0] > p[1]), "m = {m}: nodes must be distinct and decreasing");
        }
        // Both algorithms agree where Newton works.
        for m in [7, 40, 150] {
            let (xn, wn) = gauss_hermite(m);
            let (xb, wb) = gauss_hermite_bisection(m);
            for i in 0..m {
                assert!(
                    (xn[i] - xb[i]).abs() < 1e-12 * xn[i].abs().max(1.0),
                    "m = {m}, node {i}: {} vs {}",
                    xn[i],
                    xb[i]
                );
                assert!(
                    (wn[i] - wb[i]).abs() < 1e-12 * wn[i].max(1e-300) + 1e-300,
                    "m = {m}, weight {i}: {} vs {}",
                    wn[i],
                    wb[i]
                );
            }
        }
    }

    #[test]
    fn explicit_polynomials() {
        for x in [-1.7, 0.3, 2.2] {
            assert_eq!(he(2, x), x * x - 1.0);
            assert!((he(3, x) - (x.powi(3) - 3.0 * x)).abs() < 1e-12);
            assert!((he(4, x) - (x.powi(4) - 6.0 * x * x + 3.0)).abs() < 1e-12);
        }
    }

    #[test]
    fn simpson_handles_kinks() {
        let relu = |x: f64| x.max(0.0);
        let inv_sqrt_2pi = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        assert!((coefficient(relu, 0) - inv_sqrt_2pi).abs() < 1e-10);
        assert!((coefficient(relu, 1) - 0.5).abs() < 1e-10);
        let sign = |x: f64| x.signum();
        assert!((coefficient(sign, 1) - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-10);
    }
}
