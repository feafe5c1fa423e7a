//! The second-layer readout (docs/model.md §4.5–§4.6): ridge regression on X = σ(Z Wᵀ) with the notebooks'
//! normalization, â = argmin Σ_ν (ỹ_ν − ⟨a, x_ν⟩/√p)² + λ‖a‖², in primal form (p×p normal equations
//! accumulated chunk by chunk) or, when n < p, in dual form (n×n kernel).
use crate::activation::Activation;
use crate::data::{matrix_in, BatchId, Frame, LabelShift, Problem, Scratch};
use crate::error::{Error, Result};
use crate::linalg::cholesky_solve;
use crate::linalg::{gemm, gram, gram_lower, matvec, mirror_lower, transposed_dot};
use crate::Real;
use ndarray::{s, Array1, Array2, ArrayView2, Zip};

/// Sufficient statistics of a ridge problem, built chunk by chunk.
pub enum Ridge {
    /// XᵀX and Xᵀỹ.
    Primal { xtx: Array2<f64>, xty: Array1<f64>, yty: f64, rows: usize },
    /// The features and labels themselves (only when n < p, so they are smaller than XᵀX).
    Dual { x: Array2<f64>, y: Array1<f64>, rows: usize },
}

/// A fitted readout.
#[derive(Clone, Debug)]
pub struct Fit {
    /// â, the second layer.
    pub a: Array1<f64>,
    /// (1/n) Σ (ỹ − ⟨â, x⟩/√p)² on the fitting batch.
    pub train_error: f64,
}

impl Ridge {
    pub fn new(n: usize, p: usize) -> Self {
        if n < p {
            Ridge::Dual { x: Array2::zeros((n, p)), y: Array1::zeros(n), rows: 0 }
        } else {
            Ridge::Primal { xtx: Array2::zeros((p, p)), xty: Array1::zeros(p), yty: 0.0, rows: 0 }
        }
    }

    pub fn add<T: Real>(&mut self, x: ArrayView2<T>, y: &Array1<f64>, scratch: &mut Array2<T>) {
        match self {
            Ridge::Primal { xtx, xty, yty, rows } => {
                // Lower blocks only; `solve` mirrors the sum once.
                gram_lower(x, scratch.view_mut());
                Zip::from(xtx).and(&*scratch).par_for_each(|acc, v| *acc += v.to_f64_lossy());
                let yt = y.mapv(T::from_f64);
                Zip::from(xty).and(&transposed_dot(x, yt.view())).for_each(|acc, v| *acc += v.to_f64_lossy());
                *yty += y.dot(y);
                *rows += x.nrows();
            }
            Ridge::Dual { x: all, y: ys, rows } => {
                let r = x.nrows();
                Zip::from(all.slice_mut(s![*rows..*rows + r, ..])).and(&x).for_each(|a, v| *a = v.to_f64_lossy());
                ys.slice_mut(s![*rows..*rows + r]).assign(y);
                *rows += r;
            }
        }
    }

    /// Solves the ridge problem: primal (XᵀX/p + λI) â = Xᵀỹ/√p, or dual â = Xᵀα/√p with
    /// (XXᵀ/p + λI) α = ỹ.
    pub fn solve(self, lambda: f64) -> Result<Fit> {
        let not_pd = || {
            Error::numerical(
                "lambda",
                "the ridge system is not positive definite (non-finite features?): raise lambda or lower eta",
            )
        };
        match self {
            Ridge::Primal { mut xtx, xty, yty, rows } => {
                mirror_lower(xtx.view_mut());
                let p = xtx.nrows() as f64;
                let xtx_raw = xtx.clone();
                xtx /= p;
                xtx.diag_mut().mapv_inplace(|v| v + lambda);
                let a = cholesky_solve(&xtx, &(&xty / p.sqrt())).ok_or_else(not_pd)?;
                // ‖ỹ − Xâ/√p‖² = ỹᵀỹ − 2âᵀXᵀỹ/√p + âᵀXᵀXâ/p.
                let sse = yty - 2.0 * a.dot(&xty) / p.sqrt() + a.dot(&xtx_raw.dot(&a)) / p;
                Ok(Fit { a, train_error: sse.max(0.0) / rows as f64 })
            }
            Ridge::Dual { x, y, rows } => {
                let p = x.ncols() as f64;
                let mut k = Array2::<f64>::zeros((x.nrows(), x.nrows()));
                gram(x.t(), k.view_mut());
                k /= p;
                k.diag_mut().mapv_inplace(|v| v + lambda);
                let alpha = cholesky_solve(&k, &y).ok_or_else(not_pd)?;
                let a = transposed_dot(x.view(), alpha.view()) / p.sqrt();
                // Fitted values are XXᵀα/p = ỹ − λα.
                let train_error = lambda * lambda * alpha.dot(&alpha) / rows as f64;
                Ok(Fit { a, train_error })
            }
        }
    }
}

/// Features σ(z Wᵀ) of a chunk into `out` (rows × p).
fn features<T: Real>(z: ArrayView2<T>, w: &Array2<T>, act: &Activation, out: &mut ndarray::ArrayViewMut2<T>) {
    gemm(T::one(), z, w.t(), T::zero(), out.view_mut());
    act.apply(out.view_mut());
}

/// Fits a readout for each first layer in `models` on one pass over `batch` (the chunk is generated once
/// and shared by all models). `frame` must span every model's rows (or be the full coordinates).
#[allow(clippy::too_many_arguments)]
pub fn fit<T: Real>(
    problem: &Problem,
    frame: &Frame,
    models: &[&Array2<f64>],
    act: &Activation,
    batch: BatchId,
    shift: &LabelShift,
    lambda: f64,
    chunk: usize,
    scratch: &mut Scratch<T>,
    mut on_chunk: impl FnMut(usize) -> Result<()>,
) -> Result<Vec<Fit>> {
    let p = models[0].nrows();
    let weights: Vec<Array2<T>> = models.iter().map(|w| frame.coords(w)).collect();
    let shift = frame.shift(shift);
    let mut ridges: Vec<Ridge> = models.iter().map(|_| Ridge::new(batch.rows, p)).collect();
    let Scratch { data, features: buffer, .. } = scratch;
    let mut x = matrix_in(buffer, chunk.min(batch.rows.max(1)), p);
    let mut gram = Array2::<T>::zeros((p, p));
    problem.stream(frame, batch, chunk, data, |z: ArrayView2<T>, y| {
        let rows = z.nrows();
        let target = &y - &shift.at(z);
        for (w, ridge) in weights.iter().zip(ridges.iter_mut()) {
            let mut xv = x.slice_mut(s![..rows, ..]);
            features(z, w, act, &mut xv);
            ridge.add(xv.view(), &target, &mut gram);
        }
        on_chunk(rows)
    })?;
    ridges.into_iter().map(|r| r.solve(lambda)).collect()
}

/// Test error mean((ŷ − y)²) of each (first layer, readout) on `batch`, where ŷ = ⟨â, σ(Wz)⟩/√p plus the
/// label shift added back (docs/model.md §4.4, §4.6).
#[allow(clippy::too_many_arguments)]
pub fn test_errors<T: Real>(
    problem: &Problem,
    frame: &Frame,
    models: &[(&Array2<f64>, &Fit)],
    act: &Activation,
    batch: BatchId,
    shift: &LabelShift,
    chunk: usize,
    scratch: &mut Scratch<T>,
    mut on_chunk: impl FnMut(usize) -> Result<()>,
) -> Result<Vec<f64>> {
    let p = models[0].0.nrows();
    let inv_sqrt_p = 1.0 / (p as f64).sqrt();
    let weights: Vec<(Array2<T>, Array1<T>)> =
        models.iter().map(|(w, fit)| (frame.coords(w), fit.a.mapv(|v| T::from_f64(v * inv_sqrt_p)))).collect();
    let shift = frame.shift(shift);
    let mut sse = vec![0.0; models.len()];
    let Scratch { data, features: buffer, .. } = scratch;
    let mut x = matrix_in(buffer, chunk.min(batch.rows.max(1)), p);
    problem.stream(frame, batch, chunk, data, |z: ArrayView2<T>, y| {
        let rows = z.nrows();
        let base = shift.at(z);
        for ((w, a), err) in weights.iter().zip(sse.iter_mut()) {
            let mut xv = x.slice_mut(s![..rows, ..]);
            features(z, w, act, &mut xv);
            let pred = matvec(xv.view(), a.view());
            *err += Zip::from(&pred).and(&base).and(&y).fold(0.0, |acc, f, b, yv| {
                let e = f.to_f64_lossy() + b - yv;
                acc + e * e
            });
        }
        on_chunk(rows)
    })?;
    Ok(sse.into_iter().map(|s| s / batch.rows as f64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::tests::direct_solve;

    fn problem_data(n: usize, p: usize) -> (Array2<f64>, Array1<f64>) {
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            ((i * 31 + j * 17) % 13) as f64 / 6.0 - 1.0 + (i as f64 * 0.1).sin()
        });
        let y = Array1::from_shape_fn(n, |i| (i as f64 * 0.7).cos());
        (x, y)
    }

    /// â from the definition: (ΦᵀΦ + λI)⁻¹Φᵀy with Φ = X/√p, by a direct dense solve.
    fn direct_ridge(x: &Array2<f64>, y: &Array1<f64>, lambda: f64) -> Array1<f64> {
        let p = x.ncols();
        let phi = x / (p as f64).sqrt();
        let a = phi.t().dot(&phi) + Array2::<f64>::eye(p) * lambda;
        direct_solve(a, phi.t().dot(y))
    }

    fn check(n: usize, p: usize, chunk: usize) {
        let (x, y) = problem_data(n, p);
        let lambda = 0.3;
        let mut ridge = Ridge::new(n, p);
        assert_eq!(matches!(ridge, Ridge::Dual { .. }), n < p);
        let mut scratch = Array2::zeros((p, p));
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            ridge.add(x.slice(s![start..end, ..]), &y.slice(s![start..end]).to_owned(), &mut scratch);
        }
        let fit = ridge.solve(lambda).unwrap();
        let expect = direct_ridge(&x, &y, lambda);
        for (u, v) in fit.a.iter().zip(&expect) {
            assert!((u - v).abs() < 1e-9 * v.abs().max(1.0), "n={n} p={p}: {u} vs {v}");
        }
        let resid = &y - &(x.dot(&expect) / (p as f64).sqrt());
        let train = resid.dot(&resid) / n as f64;
        assert!((fit.train_error - train).abs() < 1e-9, "{} vs {train}", fit.train_error);
    }

    #[test]
    fn primal_matches_direct_solve() {
        check(200, 30, 64);
    }

    #[test]
    fn dual_matches_direct_solve() {
        check(25, 60, 8);
    }
}
