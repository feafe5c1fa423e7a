//! Dense linear algebra: the matrix products of the streamed passes (the `gemm` crate: pure Rust,
//! AVX-512/AVX2/NEON kernels chosen at run time, threads from rayon's pool, and results that do not depend
//! on the thread count), a symmetric rank-k update for XᵀX, a Cholesky solve for the ridge systems and a
//! Jacobi eigensolver for k×k overlap spectra.
use crate::Real;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2};

/// c ← alpha·a·b + beta·c for any strides (transposed views included).
pub fn gemm<T: Real>(alpha: T, a: ArrayView2<T>, b: ArrayView2<T>, beta: T, mut c: ArrayViewMut2<T>) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(k == k2 && c.dim() == (m, n), "gemm shapes {:?} · {:?} → {:?}", a.dim(), b.dim(), c.dim());
    if m == 0 || n == 0 {
        return;
    }
    #[cfg(any(feature = "openblas-static", feature = "openblas-system"))]
    if blas::gemm(alpha, &a, &b, beta, &mut c) {
        return;
    }
    let threads = rayon::current_num_threads();
    let parallelism =
        if threads > 1 && m * n * k >= 1 << 18 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the pointers and strides describe the three views exactly; gemm reads a and b and writes c,
    // which does not alias them (it is borrowed mutably).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            beta != T::zero(),
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,
            alpha,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// OpenBLAS behind the `openblas-static` / `openblas-system` features, through its CBLAS interface.
#[cfg(any(feature = "openblas-static", feature = "openblas-system"))]
mod blas {
    use crate::Real;
    use ndarray::{ArrayView2, ArrayViewMut2};
    use std::any::TypeId;

    const ROW_MAJOR: i32 = 101;
    const NO_TRANS: i32 = 111;
    const TRANS: i32 = 112;

    extern "C" {
        fn cblas_dgemm(
            layout: i32,
            ta: i32,
            tb: i32,
            m: i32,
            n: i32,
            k: i32,
            alpha: f64,
            a: *const f64,
            lda: i32,
            b: *const f64,
            ldb: i32,
            beta: f64,
            c: *mut f64,
            ldc: i32,
        );
        fn cblas_sgemm(
            layout: i32,
            ta: i32,
            tb: i32,
            m: i32,
            n: i32,
            k: i32,
            alpha: f32,
            a: *const f32,
            lda: i32,
            b: *const f32,
            ldb: i32,
            beta: f32,
            c: *mut f32,
            ldc: i32,
        );
    }

    /// (transpose flag, leading dimension) of a view with one unit stride, as row-major CBLAS sees it.
    fn layout<T>(v: &ArrayView2<T>) -> Option<(i32, i32)> {
        let (rs, cs) = (v.strides()[0], v.strides()[1]);
        if cs == 1 || v.ncols() == 1 {
            Some((NO_TRANS, rs.max(v.ncols() as isize) as i32))
        } else if rs == 1 || v.nrows() == 1 {
            Some((TRANS, cs.max(v.nrows() as isize) as i32))
        } else {
            None
        }
    }

    /// Runs the product in OpenBLAS when the layouts allow; false means "use the default backend".
    pub fn gemm<T: Real>(alpha: T, a: &ArrayView2<T>, b: &ArrayView2<T>, beta: T, c: &mut ArrayViewMut2<T>) -> bool {
        let (Some((ta, lda)), Some((tb, ldb))) = (layout(a), layout(b)) else { return false };
        if c.strides()[1] != 1 && c.ncols() > 1 {
            return false;
        }
        let ldc = c.strides()[0].max(c.ncols() as isize) as i32;
        let (m, k, n) = (a.nrows() as i32, a.ncols() as i32, b.ncols() as i32);
        // SAFETY: pointers, shapes and leading dimensions describe the views; c does not alias a or b.
        unsafe {
            if TypeId::of::<T>() == TypeId::of::<f64>() {
                cblas_dgemm(
                    ROW_MAJOR,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    alpha.to_f64_lossy(),
                    a.as_ptr() as *const f64,
                    lda,
                    b.as_ptr() as *const f64,
                    ldb,
                    beta.to_f64_lossy(),
                    c.as_mut_ptr() as *mut f64,
                    ldc,
                );
            } else {
                cblas_sgemm(
                    ROW_MAJOR,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    alpha.to_f64_lossy() as f32,
                    a.as_ptr() as *const f32,
                    lda,
                    b.as_ptr() as *const f32,
                    ldb,
                    beta.to_f64_lossy() as f32,
                    c.as_mut_ptr() as *mut f32,
                    ldc,
                );
            }
        }
        true
    }
}

/// xᵀy (ndarray's transposed matrix–vector product strides through memory; this runs as a 1-row gemm).
pub fn transposed_dot<T: Real>(x: ArrayView2<T>, y: ArrayView1<T>) -> Array1<T> {
    let mut out = Array2::<T>::zeros((1, x.ncols()));
    gemm(T::one(), y.insert_axis(ndarray::Axis(0)), x, T::zero(), out.view_mut());
    out.into_shape_with_order(x.ncols()).expect("one row")
}

/// x·v through the threaded product (ndarray's own matrix–vector product runs on one thread).
pub fn matvec<T: Real>(x: ArrayView2<T>, v: ArrayView1<T>) -> Array1<T> {
    let mut out = Array2::<T>::zeros((x.nrows(), 1));
    gemm(T::one(), x, v.insert_axis(ndarray::Axis(1)), T::zero(), out.view_mut());
    out.into_shape_with_order(x.nrows()).expect("one column")
}

/// c ← v vᵀ (p×p) for v with one variable per row (p × samples), computing only the lower block triangle
/// (about half the flops) and mirroring it.
pub fn gram<T: Real>(v: ArrayView2<T>, mut c: ArrayViewMut2<T>) {
    gram_lower(v, c.view_mut());
    mirror_lower(c);
}

/// The blocks of v vᵀ on and below the block diagonal, one product per strip of block columns; entries
/// above it are left as they are (a chunked accumulation adds these, then mirrors once). Each strip's
/// product is tall (the strip's rows of v times the rows below them) and both operands are row slices of
/// v. On the single-step notebook's XᵀX (p = 1024, 4096 samples; `examples/gemm_rate -- --layouts`): 137
/// GFLOP/s against 120 for 0.2.0's row strips on samples × p in f64, 248 against 241 in f32; row strips
/// of this layout measured 1.1× (f64) and 1.35× (f32) slower than these column strips when they were chosen.
pub fn gram_lower<T: Real>(v: ArrayView2<T>, mut c: ArrayViewMut2<T>) {
    let p = v.nrows();
    let block = gram_block(p);
    for i in (0..p).step_by(block) {
        let ie = (i + block).min(p);
        gemm(T::one(), v.slice(s![i.., ..]), v.slice(s![i..ie, ..]).t(), T::zero(), c.slice_mut(s![i.., i..ie]));
    }
}

/// Columns per strip of `gram_lower` (bench/run.mjs counts XᵀX's flops with the same rule). Measured on
/// the f32 κ = 2 run's XᵀX: four strips of one product each 1.01 s, eight 1.05–1.08 s, two 1.07 s,
/// against 1.20–1.25 s for the ten 256 × 256 blocks this replaced.
fn gram_block(p: usize) -> usize {
    p.div_ceil(4).max(256)
}

/// Copies the lower triangle onto the upper one.
pub fn mirror_lower<T: Copy>(mut c: ArrayViewMut2<T>) {
    for i in 0..c.nrows() {
        for j in i + 1..c.ncols() {
            c[[i, j]] = c[[j, i]];
        }
    }
}

/// Columns per block of the blocked Cholesky factorization.
const CHOLESKY_BLOCK: usize = 256;

/// Lower Cholesky factor L (L Lᵀ = A) of a symmetric A, reading its lower triangle only. Strict
/// (`semidefinite: false`): None unless A is positive definite. Semi-definite: pivots below a relative
/// tolerance (exactly dependent columns, e.g. symmetric neuron pairs) give zero columns.
///
/// Blocked (right-looking): each diagonal block is factored directly, the rows below it are solved
/// against it in parallel, and the trailing matrix is updated by one threaded product per strip, so a
/// dual ridge system of a few thousand rows factors at matrix-product speed.
fn factor(a: &Array2<f64>, semidefinite: bool) -> Option<Array2<f64>> {
    let n = a.nrows();
    let scale = a.diag().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tol = 1e-12 * scale.max(f64::MIN_POSITIVE);
    if n <= 2 * CHOLESKY_BLOCK {
        return factor_unblocked(a.view(), semidefinite, tol);
    }
    let mut rest = a.clone();
    let mut l = Array2::<f64>::zeros((n, n));
    for k in (0..n).step_by(CHOLESKY_BLOCK) {
        let ke = (k + CHOLESKY_BLOCK).min(n);
        let l11 = factor_unblocked(rest.slice(s![k..ke, k..ke]), semidefinite, tol)?;
        l.slice_mut(s![k..ke, k..ke]).assign(&l11);
        if ke == n {
            break;
        }
        // L21 = A21 L11⁻ᵀ, row by row (each row is a forward substitution with L11).
        let mut panel = rest.slice(s![ke.., k..ke]).to_owned();
        ndarray::Zip::from(panel.rows_mut()).par_for_each(|mut row| {
            for j in 0..row.len() {
                let v = row[j] - l11.row(j).slice(s![..j]).dot(&row.slice(s![..j]));
                row[j] = if l11[[j, j]] > 0.0 { v / l11[[j, j]] } else { 0.0 };
            }
        });
        // A22 ← A22 − L21 L21ᵀ on and below the diagonal, one strip of rows at a time.
        for i in (0..n - ke).step_by(CHOLESKY_BLOCK) {
            let ie = (i + CHOLESKY_BLOCK).min(n - ke);
            let (lower, upper) = (panel.slice(s![i..ie, ..]), panel.slice(s![..ie, ..]));
            gemm(-1.0, lower, upper.t(), 1.0, rest.slice_mut(s![ke + i..ke + ie, ke..ke + ie]));
        }
        l.slice_mut(s![ke.., k..ke]).assign(&panel);
    }
    Some(l)
}

/// The unblocked factorization, row-oriented so the inner dot products run over contiguous memory.
fn factor_unblocked(a: ArrayView2<f64>, semidefinite: bool, tol: f64) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let d = a[[j, j]] - l.row(j).slice(s![..j]).dot(&l.row(j).slice(s![..j]));
        if !d.is_finite() || (!semidefinite && d <= 0.0) {
            return None;
        }
        if d <= tol && semidefinite {
            continue;
        }
        let ljj = d.sqrt();
        l[[j, j]] = ljj;
        for i in j + 1..n {
            let v = a[[i, j]] - l.row(i).slice(s![..j]).dot(&l.row(j).slice(s![..j]));
            l[[i, j]] = v / ljj;
        }
    }
    Some(l)
}

/// L with L Lᵀ = A for symmetric positive definite A; None otherwise.
pub fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    factor(a, false)
}

/// L with L Lᵀ = A for symmetric positive semi-definite A (zero columns where A is rank deficient).
pub fn psd_cholesky(a: &Array2<f64>) -> Array2<f64> {
    factor(a, true).unwrap_or_else(|| Array2::zeros(a.dim()))
}

/// Solves L Lᵀ x = b by forward then backward substitution.
pub fn cholesky_substitute(l: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = l.nrows();
    let mut y = b.clone();
    for i in 0..n {
        let s = l.row(i).slice(s![..i]).dot(&y.slice(s![..i]));
        y[i] = (y[i] - s) / l[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[[k, i]] * y[k];
        }
        y[i] = s / l[[i, i]];
    }
    y
}

/// Solves A x = b for symmetric positive definite A. None when A is not positive definite.
pub fn cholesky_solve(a: &Array2<f64>, b: &Array1<f64>) -> Option<Array1<f64>> {
    cholesky(a).map(|l| cholesky_substitute(&l, b))
}

/// Eigenvalues of a small symmetric matrix (cyclic Jacobi), in decreasing order.
pub fn symmetric_eigenvalues(mut a: Array2<f64>) -> Vec<f64> {
    let n = a.nrows();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[[i, j]].powi(2))
            .sum();
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
        let x = cholesky_solve(&a, &b).unwrap();
        let y = direct_solve(a, b);
        for (u, v) in x.iter().zip(&y) {
            assert!((u - v).abs() < 1e-9 * v.abs().max(1.0), "{u} vs {v}");
        }
        assert!(cholesky_solve(&-Array2::<f64>::eye(3), &Array1::ones(3)).is_none());
    }

    #[test]
    fn gemm_and_gram_match_ndarray() {
        let a = Array2::from_shape_fn((300, 70), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0 + (i as f64).sin());
        let b = Array2::from_shape_fn((300, 40), |(i, j)| ((i * 5 + j) % 13) as f64 * 0.3);
        let mut c = Array2::<f64>::from_elem((70, 40), 1.0);
        gemm(2.0, a.t(), b.view(), 1.0, c.view_mut());
        let expect = a.t().dot(&b) * 2.0 + 1.0;
        assert!((&c - &expect).iter().all(|d| d.abs() < 1e-9));
        let x = Array2::from_shape_fn((500, 300), |(i, j)| ((i * 31 + j * 17) % 19) as f64 / 7.0 - 1.0);
        let mut g = Array2::<f64>::zeros((300, 300));
        gram(x.t(), g.view_mut());
        let y = Array1::from_shape_fn(500, |i| (i as f64).cos());
        assert!((&transposed_dot(x.view(), y.view()) - &x.t().dot(&y)).iter().all(|d| d.abs() < 1e-9));
        let v = y.slice(ndarray::s![..x.ncols()]);
        assert!((&matvec(x.view(), v) - &x.dot(&v)).iter().all(|d| d.abs() < 1e-9));
        assert!((&g - &x.t().dot(&x)).iter().all(|d| d.abs() < 1e-9));
    }

    #[test]
    fn psd_cholesky_handles_dependent_columns() {
        let b = Array2::from_shape_fn((6, 3), |(i, j)| ((i * 3 + j * 5) % 7) as f64 - 3.0);
        let b = ndarray::concatenate![ndarray::Axis(1), b, -&b]; // columns 3..6 = −columns 0..3
        let a = b.t().dot(&b);
        let l = psd_cholesky(&a);
        assert!((l.dot(&l.t()) - &a).iter().all(|d| d.abs() < 1e-9));
    }

    #[test]
    fn blocked_cholesky_equals_unblocked() {
        // n = 700 > 2 blocks: diagonal blocks, panels and trailing updates of uneven sizes.
        let n = 700;
        let m =
            Array2::from_shape_fn((n + 20, n), |(i, j)| ((i * 7 + j * 13) % 11) as f64 - 5.0 + ((i * j) as f64).sin());
        let a = m.t().dot(&m) / n as f64 + Array2::<f64>::eye(n) * 0.1;
        let blocked = cholesky(&a).unwrap();
        let direct = factor_unblocked(a.view(), false, 0.0).unwrap();
        let diff = (&blocked - &direct).iter().fold(0.0f64, |mx, d| mx.max(d.abs()));
        assert!(diff < 1e-10, "max |L_blocked − L| = {diff}");
        assert!(blocked.iter().enumerate().all(|(k, v)| k % n <= k / n || *v == 0.0), "lower triangular");
        let b = Array1::from_shape_fn(n, |i| (i as f64 * 0.3).cos());
        let x = cholesky_solve(&a, &b).unwrap();
        assert!((&a.dot(&x) - &b).iter().all(|r| r.abs() < 1e-8));
        // Not positive definite: None, also when the failure is in a later block.
        let mut bad = a.clone();
        bad[[650, 650]] = -1.0;
        assert!(cholesky(&bad).is_none());
        // Semi-definite across blocks: 300 independent columns, each repeated with a minus sign.
        let half =
            Array2::from_shape_fn((400, 300), |(i, j)| ((i * 3 + j * 5) % 7) as f64 - 3.0 + ((i + 2 * j) as f64).cos());
        let both = ndarray::concatenate![ndarray::Axis(1), half, -&half];
        let g = both.t().dot(&both);
        let l = psd_cholesky(&g);
        let err = (l.dot(&l.t()) - &g).iter().fold(0.0f64, |mx, d| mx.max(d.abs()));
        assert!(err < 1e-8 * g.diag().iter().fold(0.0f64, |mx, v| mx.max(*v)), "{err}");
        assert!(l.column(450).iter().all(|v| *v == 0.0), "a dependent column is zero");
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
