//! The second-layer readout (docs/model.md §4.5–§4.6): ridge regression on X = σ(Z Wᵀ) with the notebooks'
//! normalization, â = argmin Σ_ν (ỹ_ν − ⟨a, x_ν⟩/√p)² + λ‖a‖², in primal form (p×p normal equations
//! accumulated chunk by chunk) or, when n < p, in dual form (n×n kernel).
use crate::activation::Activation;
use crate::data::{matrix_in, BatchId, Frame, LabelShift, Problem, Scratch};
use crate::error::{Error, Result};
use crate::linalg::{cholesky, cholesky_substitute};
use crate::linalg::{gemm, gram, gram_lower, matvec, mirror_lower, transposed_dot};
use crate::neurons;
use crate::Real;
use ndarray::parallel::prelude::*;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis, Zip};

/// Sufficient statistics of ridge problems on one feature matrix X with one label vector per target,
/// built chunk by chunk: the targets share X's products and the system's factorization.
pub enum Ridge {
    /// XᵀX, and Xᵀỹ and ỹᵀỹ per target.
    Primal { xtx: Array2<f64>, xty: Vec<Array1<f64>>, yty: Vec<f64>, rows: usize },
    /// The features and the labels themselves (only when n < p, so they are smaller than XᵀX).
    Dual { x: Array2<f64>, y: Vec<Array1<f64>>, rows: usize },
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
    /// Ridge problems on n samples of p features for `targets` label vectors.
    pub fn new(n: usize, p: usize, targets: usize) -> Self {
        if n < p {
            Ridge::Dual { x: Array2::zeros((n, p)), y: vec![Array1::zeros(n); targets], rows: 0 }
        } else {
            Ridge::Primal {
                xtx: Array2::zeros((p, p)),
                xty: vec![Array1::zeros(p); targets],
                yty: vec![0.0; targets],
                rows: 0,
            }
        }
    }

    /// Adds a chunk's features `x`, one feature per row (p × rows, see `neurons`), and each target's labels
    /// `ys` (in the order of `new`'s targets).
    pub fn add<T: Real>(&mut self, x: ArrayView2<T>, ys: &[Array1<f64>], scratch: &mut Array2<T>) {
        match self {
            Ridge::Primal { xtx, xty, yty, rows } => {
                // Lower blocks only; `solve` mirrors the sum once.
                gram_lower(x, scratch.view_mut());
                Zip::from(xtx).and(&*scratch).par_for_each(|acc, v| *acc += v.to_f64_lossy());
                for ((xty, yty), y) in xty.iter_mut().zip(yty.iter_mut()).zip(ys) {
                    let yt = y.mapv(T::from_f64);
                    Zip::from(xty).and(&matvec(x, yt.view())).for_each(|acc, v| *acc += v.to_f64_lossy());
                    *yty += y.dot(y);
                }
                *rows += x.ncols();
            }
            Ridge::Dual { x: all, y: labels, rows } => {
                let r = x.ncols();
                // The store is samples × p: its kernel XXᵀ then takes row slices.
                copy_transposed(x, all.slice_mut(s![*rows..*rows + r, ..]));
                for (labels, y) in labels.iter_mut().zip(ys) {
                    labels.slice_mut(s![*rows..*rows + r]).assign(y);
                }
                *rows += r;
            }
        }
    }

    /// Solves each target's ridge problem: primal (XᵀX/p + λI) â = Xᵀỹ/√p, or dual â = Xᵀα/√p with
    /// (XXᵀ/p + λI) α = ỹ; one factorization serves every target.
    pub fn solve(self, lambda: f64) -> Result<Vec<Fit>> {
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
                let l = cholesky(&xtx).ok_or_else(not_pd)?;
                let fits = xty.iter().zip(&yty).map(|(xty, yty)| {
                    let a = cholesky_substitute(&l, &(xty / p.sqrt()));
                    // ‖ỹ − Xâ/√p‖² = ỹᵀỹ − 2âᵀXᵀỹ/√p + âᵀXᵀXâ/p.
                    let sse = yty - 2.0 * a.dot(xty) / p.sqrt() + a.dot(&xtx_raw.dot(&a)) / p;
                    Fit { a, train_error: sse.max(0.0) / rows as f64 }
                });
                Ok(fits.collect())
            }
            Ridge::Dual { x, y, rows } => {
                let p = x.ncols() as f64;
                let mut k = Array2::<f64>::zeros((x.nrows(), x.nrows()));
                gram(x.view(), k.view_mut());
                k /= p;
                k.diag_mut().mapv_inplace(|v| v + lambda);
                let l = cholesky(&k).ok_or_else(not_pd)?;
                let fits = y.iter().map(|y| {
                    let alpha = cholesky_substitute(&l, y);
                    let a = transposed_dot(x.view(), alpha.view()) / p.sqrt();
                    // Fitted values are XXᵀα/p = ỹ − λα.
                    let train_error = lambda * lambda * alpha.dot(&alpha) / rows as f64;
                    Fit { a, train_error }
                });
                Ok(fits.collect())
            }
        }
    }
}

/// `to` ← `from`ᵀ in f64, tile by tile so that both sides of each tile stay in cache.
fn copy_transposed<T: Real>(from: ArrayView2<T>, mut to: ArrayViewMut2<f64>) {
    const TILE: usize = 64;
    let (rows, sources) = (to.axis_chunks_iter_mut(Axis(0), TILE), from.axis_chunks_iter(Axis(1), TILE));
    rows.into_par_iter().zip(sources.into_par_iter()).for_each(|(mut rows, source)| {
        let tiles = rows.axis_chunks_iter_mut(Axis(1), TILE).zip(source.axis_chunks_iter(Axis(0), TILE));
        tiles.for_each(|(mut tile, part)| Zip::from(&mut tile).and(part.t()).for_each(|a, v| *a = v.to_f64_lossy()));
    });
}

/// Features σ(W zᵀ) of a chunk into `out`, one feature per row (p × rows).
fn features<T: Real>(z: ArrayView2<T>, w: &Array2<T>, act: &Activation, mut out: ArrayViewMut2<T>) {
    gemm(T::one(), w.view(), z.t(), T::zero(), out.view_mut());
    act.apply(out);
}

/// One target's labels on a data stream: its problem, the frame whose W* gives its labels, and the shift
/// subtracted from them (in that frame's coordinates).
pub struct Labels<'a> {
    pub problem: &'a Problem,
    pub frame: &'a Frame,
    pub shift: &'a LabelShift,
}

/// Streams `batch` once (drawn by the first target's problem, in its frame, which must span every
/// model's rows) and calls `visit(z, ys)` with each target's labels less its shift, ỹ.
fn stream_targets<T: Real>(
    targets: &[Labels],
    batch: BatchId,
    chunk: usize,
    data: &mut Vec<T>,
    mut visit: impl FnMut(ArrayView2<T>, &[Array1<f64>], &[Array1<f64>]) -> Result<()>,
) -> Result<()> {
    let first = &targets[0];
    let shifts: Vec<LabelShift> = targets.iter().map(|t| t.frame.shift(t.shift)).collect();
    let mut first_row = 0;
    first.problem.stream(first.frame, batch, chunk, data, |z: ArrayView2<T>, y| {
        let ys: Vec<Array1<f64>> = std::iter::once(y)
            .chain(targets[1..].iter().map(|t| t.problem.labels(t.frame, batch, first_row, z)))
            .collect();
        let bases: Vec<Array1<f64>> = shifts.iter().map(|s| s.at(z)).collect();
        first_row += z.nrows();
        visit(z, &ys, &bases)
    })
}

/// Fits a readout for each first layer in `models` and each target on one pass over `batch` (the chunk
/// and each model's features are made once and shared by every target); `fits[model][target]`.
#[allow(clippy::too_many_arguments)]
pub fn fit<T: Real>(
    targets: &[Labels],
    models: &[&Array2<f64>],
    act: &Activation,
    batch: BatchId,
    lambda: f64,
    chunk: usize,
    scratch: &mut Scratch<T>,
    mut on_chunk: impl FnMut(usize) -> Result<()>,
) -> Result<Vec<Vec<Fit>>> {
    let p = models[0].nrows();
    let weights: Vec<Array2<T>> = models.iter().map(|w| targets[0].frame.coords(w)).collect();
    let mut ridges: Vec<Ridge> = models.iter().map(|_| Ridge::new(batch.rows, p, targets.len())).collect();
    let Scratch { data, features: buffer, .. } = scratch;
    let mut gram = Array2::<T>::zeros((p, p));
    stream_targets(targets, batch, chunk, data, |z, ys, bases| {
        let rows = z.nrows();
        let labels: Vec<Array1<f64>> = ys.iter().zip(bases).map(|(y, b)| y - b).collect();
        for (w, ridge) in weights.iter().zip(ridges.iter_mut()) {
            let mut x = matrix_in(buffer, p, rows);
            features(z, w, act, x.view_mut());
            ridge.add(x.view(), &labels, &mut gram);
        }
        on_chunk(rows)
    })?;
    ridges.into_iter().map(|r| r.solve(lambda)).collect()
}

/// Test error mean((ŷ − y)²) of each first layer with each target's readout (`models[i].1[target]`) on
/// `batch`, where ŷ = ⟨â, σ(Wz)⟩/√p plus the label shift added back (docs/model.md §4.4, §4.6);
/// `errors[model][target]`.
#[allow(clippy::too_many_arguments)]
pub fn test_errors<T: Real>(
    targets: &[Labels],
    models: &[(&Array2<f64>, Vec<&Fit>)],
    act: &Activation,
    batch: BatchId,
    chunk: usize,
    scratch: &mut Scratch<T>,
    mut on_chunk: impl FnMut(usize) -> Result<()>,
) -> Result<Vec<Vec<f64>>> {
    let p = models[0].0.nrows();
    let inv_sqrt_p = 1.0 / (p as f64).sqrt();
    let weights: Vec<(Array2<T>, Vec<Array1<T>>)> = models
        .iter()
        .map(|(w, fits)| {
            let readouts = fits.iter().map(|fit| fit.a.mapv(|v| T::from_f64(v * inv_sqrt_p))).collect();
            (targets[0].frame.coords(w), readouts)
        })
        .collect();
    let slices: Vec<Vec<&[T]>> = weights
        .iter()
        .map(|(_, readouts)| readouts.iter().map(|a| a.as_slice().expect("a readout is contiguous")).collect())
        .collect();
    let mut sse = vec![vec![0.0; targets.len()]; models.len()];
    let Scratch { data, features: buffer, .. } = scratch;
    stream_targets(targets, batch, chunk, data, |z, ys, bases| {
        let rows = z.nrows();
        for (((w, _), readouts), errs) in weights.iter().zip(&slices).zip(sse.iter_mut()) {
            let mut h = matrix_in(buffer, p, rows);
            gemm(T::one(), w.view(), z.t(), T::zero(), h.view_mut());
            let preds = neurons::predictions(act, h.view(), readouts);
            for ((pred, err), (y, base)) in preds.rows().into_iter().zip(errs.iter_mut()).zip(ys.iter().zip(bases)) {
                *err += Zip::from(pred).and(base).and(y).fold(0.0, |acc, f, b, yv| {
                    let e = f + b - yv;
                    acc + e * e
                });
            }
        }
        on_chunk(rows)
    })?;
    Ok(sse.into_iter().map(|errs| errs.into_iter().map(|s| s / batch.rows as f64).collect()).collect())
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
        let mut ridge = Ridge::new(n, p, 1);
        assert_eq!(matches!(ridge, Ridge::Dual { .. }), n < p);
        let mut scratch = Array2::zeros((p, p));
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            ridge.add(x.slice(s![start..end, ..]).t(), &[y.slice(s![start..end]).to_owned()], &mut scratch);
        }
        let fit = ridge.solve(lambda).unwrap().remove(0);
        let expect = direct_ridge(&x, &y, lambda);
        for (u, v) in fit.a.iter().zip(&expect) {
            assert!((u - v).abs() < 1e-9 * v.abs().max(1.0), "n={n} p={p}: {u} vs {v}");
        }
        let resid = &y - &(x.dot(&expect) / (p as f64).sqrt());
        let train = resid.dot(&resid) / n as f64;
        assert!((fit.train_error - train).abs() < 1e-9, "{} vs {train}", fit.train_error);
    }

    /// Two models' test errors for two targets on one shared pass, against the definition computed on the
    /// whole batch at once: mean over rows of (⟨â, σ(W z)⟩/√p + A + ⟨z, B⟩ − y)².
    #[test]
    fn test_errors_for_several_targets_match_the_definition() {
        use crate::rng::Purpose;
        use crate::target::{self, Target};
        let (d, p, rows) = (12, 7, 700);
        let problem = |name: &str, k_seed: u64| {
            let t = Target::parse(name).unwrap();
            Problem { w_star: target::directions(t.k, d, k_seed), target: t, noise: 0.2, seed: 9 }
        };
        let problems = [problem("T-D", 1), problem("T-B", 2)];
        let frames: Vec<Frame> = problems.iter().map(|q| Frame::full(&q.w_star)).collect();
        let b = Array1::from_shape_fn(d, |j| 0.1 * j as f64 - 0.4);
        let shifts = [LabelShift { a: 0.3, b: Some(b.clone()) }, LabelShift::zero()];
        let targets: Vec<Labels> =
            (0..2).map(|i| Labels { problem: &problems[i], frame: &frames[i], shift: &shifts[i] }).collect();
        let models = [
            Array2::from_shape_fn((p, d), |(i, j)| ((i * 5 + j * 3) % 7) as f64 / 7.0 - 0.4),
            Array2::from_shape_fn((p, d), |(i, j)| ((i + 2 * j) % 5) as f64 / 5.0 - 0.5),
        ];
        let fits: Vec<Vec<Fit>> = (0..2)
            .map(|m| {
                (0..2)
                    .map(|t| Fit {
                        a: Array1::from_shape_fn(p, |i| (i + m + 2 * t) as f64 * 0.1 - 0.3),
                        train_error: 0.0,
                    })
                    .collect()
            })
            .collect();
        let pairs: Vec<(&Array2<f64>, Vec<&Fit>)> =
            models.iter().zip(&fits).map(|(w, f)| (w, f.iter().collect())).collect();
        let batch = BatchId { purpose: Purpose::Test, index: 0, rows };
        let act = Activation::parse("tanh").unwrap();
        let got = test_errors::<f64>(&targets, &pairs, &act, batch, 256, &mut Scratch::default(), |_| Ok(())).unwrap();
        let mut z = Array2::<f64>::zeros((rows, d));
        let y0 = problems[0].fill(&frames[0], batch, 0, z.view_mut());
        for (t, q) in problems.iter().enumerate() {
            let y = if t == 0 { y0.clone() } else { q.labels(&frames[t], batch, 0, z.view()) };
            let base = shifts[t].at(z.view());
            for (m, w) in models.iter().enumerate() {
                let x = z.dot(&w.t()).mapv(|v| v.tanh());
                let pred = x.dot(&fits[m][t].a) / (p as f64).sqrt() + &base;
                let want = (&pred - &y).mapv(|e| e * e).mean().unwrap();
                assert!((got[m][t] - want).abs() < 1e-12 * want, "model {m} target {t}: {} vs {want}", got[m][t]);
            }
        }
        assert!((got[0][0] - got[0][1]).abs() > 1e-3, "the targets' labels differ");
    }

    #[test]
    fn primal_matches_direct_solve() {
        check(200, 30, 64);
    }

    #[test]
    fn dual_matches_direct_solve() {
        check(25, 60, 8);
        // Chunks and widths that the store's 64 × 64 tiles split unevenly.
        check(150, 200, 96);
    }
}
