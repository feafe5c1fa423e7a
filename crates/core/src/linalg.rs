//! The little dense linear algebra the protocol needs beyond matrix products: a Cholesky solve for the
//! ridge systems and a Jacobi eigensolver for k×k overlap spectra.
use ndarray::{Array1, Array2};

/// Solves A x = b for symmetric positive definite A (consumed). None when A is not positive definite.
pub fn cholesky_solve(mut a: Array2<f64>, b: &Array1<f64>) -> Option<Array1<f64>> {
    let n = a.nrows();
    // In-place lower Cholesky; row-oriented so the inner dot products run over contiguous memory.
    for j in 0..n {
        for i in j..n {
            let s = a[[i, j]] - a.row(i).slice(ndarray::s![..j]).dot(&a.row(j).slice(ndarray::s![..j]));
            if i == j {
                if !(s > 0.0) || !s.is_finite() {
                    return None;
                }
                a[[j, j]] = s.sqrt();
            } else {
                a[[i, j]] = s / a[[j, j]];
            }
        }
    }
    // Forward then backward substitution.
    let mut y = b.clone();
    for i in 0..n {
        let s = a.row(i).slice(ndarray::s![..i]).dot(&y.slice(ndarray::s![..i]));
        y[i] = (y[i] - s) / a[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= a[[k, i]] * y[k];
        }
        y[i] = s / a[[i, i]];
    }
    Some(y)
}

/// Eigenvalues of a small symmetric matrix (cyclic Jacobi), in decreasing order.
pub fn symmetric_eigenvalues(mut a: Array2<f64>) -> Vec<f64> {
    let n = a.nrows();
    for _sweep in 0..100 {
        let off: f64 = (0..n).flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j))).map(|(i, j)| a[[i, j]].powi(2)).sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[[p, q]].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * a[[p, q]]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[[k, p]], a[[k, q]]);
                    a[[k, p]] = c * akp - s * akq;
                    a[[k, q]] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[[p, k]], a[[q, k]]);
                    a[[p, k]] = c * apk - s * aqk;
                    a[[q, k]] = s * apk + c * aqk;
                }
            }
        }
    }
    let mut ev: Vec<f64> = (0..n).map(|i| a[[i, i]]).collect();
    ev.sort_by(|x, y| y.partial_cmp(x).unwrap_or(std::cmp::Ordering::Equal));
    ev
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Gaussian elimination with partial pivoting: the direct solve the tests compare against.
    pub fn direct_solve(mut a: Array2<f64>, mut b: Array1<f64>) -> Array1<f64> {
        let n = a.nrows();
        for c in 0..n {
            let piv = (c..n).max_by(|i, j| a[[*i, c]].abs().partial_cmp(&a[[*j, c]].abs()).unwrap()).unwrap();
            for k in 0..n {
                a.swap([c, k], [piv, k]);
            }
            b.swap(c, piv);
            for r in c + 1..n {
                let f = a[[r, c]] / a[[c, c]];
                for k in c..n {
                    a[[r, k]] -= f * a[[c, k]];
                }
                b[r] -= f * b[c];
            }
        }
        for r in (0..n).rev() {
            let s: f64 = (r + 1..n).map(|k| a[[r, k]] * b[k]).sum();
            b[r] = (b[r] - s) / a[[r, r]];
        }
        b
    }

    #[test]
    fn cholesky_matches_direct_solve() {
        let n = 37;
        let m = Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 13) % 11) as f64 - 5.0);
        let a = m.t().dot(&m) + Array2::<f64>::eye(n) * 0.5;
        let b = Array1::from_shape_fn(n, |i| (i as f64).sin());
        let x = cholesky_solve(a.clone(), &b).unwrap();
        let y = direct_solve(a, b);
        for (u, v) in x.iter().zip(&y) {
            assert!((u - v).abs() < 1e-9 * v.abs().max(1.0), "{u} vs {v}");
        }
        assert!(cholesky_solve(-Array2::<f64>::eye(3), &Array1::ones(3)).is_none());
    }

    #[test]
    fn jacobi_eigenvalues() {
        let a = ndarray::arr2(&[[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]]);
        let ev = symmetric_eigenvalues(a);
        for (x, e) in ev.iter().zip([5.0, 3.0, 1.0]) {
            assert!((x - e).abs() < 1e-12, "{ev:?}");
        }
    }
}
