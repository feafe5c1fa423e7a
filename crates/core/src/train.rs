//! One giant step (docs/model.md §4.2): the full-batch gradient of L(W) = (1/2n) Σ (ỹ − f)² with a frozen
//! second layer, accumulated chunk by chunk, then W ← W + η Gᵀ and the optional row normalization.
use crate::activation::Activation;
use crate::config::{Normalize, Residual};
use crate::data::Frame;
use crate::data::{matrix_in, BatchId, LabelShift, Problem, Scratch};
use crate::error::Result;
use crate::linalg::{gemm, gram_lower, psd_cholesky};
use crate::neurons;
use crate::rng::{self, Purpose, BLOCK_ROWS};
use crate::Real;
use ndarray::parallel::prelude::*;
use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};

/// Everything a step needs besides the weights.
pub struct StepInputs<'a> {
    pub problem: &'a Problem,
    pub activation: Activation,
    pub residual: Residual,
    pub batch: BatchId,
    /// The label shift in full coordinates.
    pub shift: &'a LabelShift,
    /// Full coordinates, or the projected frame of span(W, W*).
    pub frame: &'a Frame,
    pub chunk: usize,
}

/// −∇L as a p × d matrix (the transpose of the protocol's d × p G):
/// Gᵀ = (1/n) Σ_ν h_ν z_νᵀ with h_ν = (1/√p)(ỹ_ν − f(z_ν)) a ⊙ σ'(W z_ν).
/// Chunks accumulate in the working precision and are summed across chunks in f64, in chunk order.
///
/// In a projected frame (basis U of span(W, W*)), z = U u + z_⊥ with z_⊥ independent of every h_ν, so
/// Gᵀ = (1/n) [(Σ h uᵀ) Uᵀ + Σ h z_⊥ᵀ] and, given the h's, Σ h z_⊥ᵀ has the law of L Γᵀ P_⊥ with
/// L Lᵀ = Σ h hᵀ, Γ (d × p) i.i.d. N(0, 1) and P_⊥ = I − U Uᵀ: sampled exactly at O(d·r·p) cost.
pub fn gradient<T: Real>(
    inputs: &StepInputs,
    w: &Array2<f64>,
    a: &Array1<f64>,
    scratch: &mut Scratch<T>,
    mut on_chunk: impl FnMut(usize) -> Result<()>,
) -> Result<Array2<f64>> {
    let p = w.nrows();
    let frame = inputs.frame;
    let m = frame.dim();
    let wt = frame.coords::<T>(w);
    let at = a.mapv(T::from_f64);
    let shift = frame.shift(inputs.shift);
    let inv_sqrt_p = 1.0 / (p as f64).sqrt();
    let Scratch { data, features, gradient } = scratch;
    let mut part = matrix_in(gradient, p, m);
    let mut grad = Array2::<f64>::zeros((p, m));
    let projected = frame.basis.is_some();
    let mut hh_part = Array2::<T>::zeros(if projected { (p, p) } else { (0, 0) });
    let mut hh = Array2::<f64>::zeros(hh_part.dim());
    inputs.problem.stream(frame, inputs.batch, inputs.chunk, data, |z: ArrayView2<T>, y| {
        let rows = z.nrows();
        // Preactivations one neuron per row (see `neurons`).
        let mut h = matrix_in(features, p, rows);
        gemm(T::one(), wt.view(), z.t(), T::zero(), h.view_mut());
        let labels = &y - &shift.at(z);
        // f = (1/√p) Σ a σ(h) per sample, r = ỹ − f, then h ← σ'(h) ⊙ (a rᵀ/√p) row by row.
        let act = &inputs.activation;
        let at = at.as_slice().expect("contiguous");
        let f = match inputs.residual {
            Residual::Full => neurons::predictions(act, h.view(), &[at]).remove_axis(Axis(0)),
            Residual::Labels => Array1::zeros(rows),
        };
        let scale: Vec<T> =
            labels.iter().zip(&f).map(|(l, f)| T::from_f64((l - f * inv_sqrt_p) * inv_sqrt_p)).collect();
        h.axis_iter_mut(Axis(0)).into_par_iter().zip(at).for_each(|(mut row, ai)| {
            let row = row.as_slice_mut().expect("rows are contiguous");
            crate::vectorized(|| {
                act.derivative_slice(row);
                row.iter_mut().zip(&scale).for_each(|(x, s)| *x = *x * *s * *ai);
            })
        });
        // Gᵀ_chunk = h z.
        gemm(T::one(), h.view(), z, T::zero(), part.view_mut());
        Zip::from(&mut grad).and(&part).par_for_each(|g, v| *g += v.to_f64_lossy());
        if projected {
            // psd_cholesky reads the lower triangle only.
            gram_lower(h.view(), hh_part.view_mut());
            Zip::from(&mut hh).and(&hh_part).par_for_each(|g, v| *g += v.to_f64_lossy());
        }
        on_chunk(rows)
    })?;
    let n = inputs.batch.rows as f64;
    let Some(u) = &frame.basis else {
        return Ok(grad / n);
    };
    // Σ h z_⊥ᵀ ~ L Γᵀ P_⊥.
    let d = u.nrows();
    let mut gamma = Array2::<f64>::zeros((d.div_ceil(BLOCK_ROWS) * BLOCK_ROWS, p));
    rng::fill_gaussian(gamma.view_mut(), inputs.problem.seed, Purpose::Orthogonal, inputs.batch.index, 0);
    let mut gamma = gamma.slice_move(s![..d, ..]);
    let along = u.t().dot(&gamma);
    gamma -= &u.dot(&along);
    let l = psd_cholesky(&hh);
    let full = grad.dot(&u.t()) + l.dot(&gamma.t());
    Ok(full / n)
}

/// W ← W + η Gᵀ, then the row normalization.
pub fn apply_step(w: &mut Array2<f64>, grad: &Array2<f64>, eta: f64, normalize: Normalize) {
    match normalize {
        Normalize::None => w.scaled_add(eta, grad),
        Normalize::Project => {
            w.scaled_add(eta, grad);
            normalize_rows(w);
        }
        Normalize::Spherical => {
            // Keep only the part of each row's update tangent to its sphere.
            let mut tangent = grad.clone();
            Zip::from(tangent.rows_mut()).and(w.rows()).for_each(|mut g, wi| {
                let radial = g.dot(&wi) / wi.dot(&wi);
                g.scaled_add(-radial, &wi);
            });
            w.scaled_add(eta, &tangent);
            normalize_rows(w);
        }
    }
}

fn normalize_rows(w: &mut Array2<f64>) {
    for mut row in w.axis_iter_mut(Axis(0)) {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row.mapv_inplace(|x| x / norm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::network::Network;
    use crate::rng::Purpose;
    use crate::target::{self, Target};

    /// L(W) = (1/2n) Σ (ỹ − f)² on the whole batch, directly.
    fn loss(
        problem: &Problem,
        act: &Activation,
        w: &Array2<f64>,
        a: &Array1<f64>,
        batch: BatchId,
        shift: &LabelShift,
    ) -> f64 {
        let d = w.ncols();
        let mut z = Array2::<f64>::zeros((batch.rows, d));
        let y = problem.fill(&Frame::full(&problem.w_star), batch, 0, z.view_mut());
        let r = &y - &shift.at(z.view());
        let net = Network { w: w.clone(), a: a.clone() };
        let f: Array1<f64> = z.rows().into_iter().map(|row| net.output(act, &row.to_owned())).collect();
        (&r - &f).mapv(|v| v * v).sum() / (2.0 * batch.rows as f64)
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let t = Target::parse("T-B").unwrap();
        let (d, p) = (12, 6);
        let problem = Problem { w_star: target::directions(t.k, d, 2), target: t, noise: 0.1, seed: 3 };
        let cfg = Config { d, p, ..Config::default() };
        let net = Network::init(&cfg, 4);
        let batch = BatchId { purpose: Purpose::Train, index: 1, rows: 700 };
        let shift = LabelShift { a: 0.2, b: Some(Array1::from_elem(d, 0.05)) };
        for act in [Activation::Tanh, Activation::Erf, Activation::Gelu] {
            let frame = Frame::full(&problem.w_star);
            let inputs = StepInputs {
                problem: &problem,
                activation: act.clone(),
                residual: Residual::Full,
                batch,
                shift: &shift,
                frame: &frame,
                chunk: 256,
            };
            let g = gradient::<f64>(&inputs, &net.w, &net.a, &mut Scratch::default(), |_| Ok(())).unwrap();
            for (i, j) in [(0, 0), (2, 5), (5, 11), (3, 7)] {
                let h = 1e-5;
                let mut wp = net.w.clone();
                wp[[i, j]] += h;
                let mut wm = net.w.clone();
                wm[[i, j]] -= h;
                let fd = -(loss(&problem, &act, &wp, &net.a, batch, &shift)
                    - loss(&problem, &act, &wm, &net.a, batch, &shift))
                    / (2.0 * h);
                assert!(
                    (fd - g[[i, j]]).abs() < 1e-7 * fd.abs().max(1e-3) + 1e-9,
                    "{act:?} ({i},{j}): fd {fd} vs {}",
                    g[[i, j]]
                );
            }
        }
    }

    #[test]
    fn chunk_size_and_reused_buffers_do_not_change_the_gradient() {
        let t = Target::parse("T-A").unwrap();
        let (d, p) = (20, 8);
        let problem = Problem { w_star: target::directions(t.k, d, 2), target: t, noise: 0.0, seed: 3 };
        let net = Network::init(&Config { d, p, ..Config::default() }, 4);
        let batch = BatchId { purpose: Purpose::Train, index: 1, rows: 3000 };
        let shift = LabelShift::zero();
        let frame = Frame::full(&problem.w_star);
        let small = StepInputs {
            problem: &problem,
            activation: Activation::Relu,
            residual: Residual::Full,
            batch,
            shift: &shift,
            frame: &frame,
            chunk: 256,
        };
        let large = StepInputs { chunk: 3072, activation: Activation::Relu, ..small };
        let g1 = gradient::<f64>(&small, &net.w, &net.a, &mut Scratch::default(), |_| Ok(())).unwrap();
        let g2 = gradient::<f64>(&large, &net.w, &net.a, &mut Scratch::default(), |_| Ok(())).unwrap();
        let diff = (&g1 - &g2).mapv(f64::abs).fold(0.0f64, |m, v| m.max(*v));
        assert!(diff < 1e-13, "{diff}");
        // Buffers left by an earlier, larger pass (here: full of NaN) must not leak into the next one.
        let mut dirty = Scratch {
            data: vec![f64::NAN; 100_000],
            features: vec![f64::NAN; 100_000],
            gradient: vec![f64::NAN; 1000],
        };
        let reused = gradient::<f64>(&small, &net.w, &net.a, &mut dirty, |_| Ok(())).unwrap();
        assert_eq!(g1, reused);
    }

    #[test]
    fn spherical_step_keeps_unit_rows() {
        let mut w = Array2::from_shape_fn((3, 4), |(i, j)| (i + j) as f64 + 1.0);
        normalize_rows(&mut w);
        let g = Array2::from_shape_fn((3, 4), |(i, j)| (i * j) as f64 - 1.0);
        apply_step(&mut w, &g, 0.3, Normalize::Spherical);
        for r in w.rows() {
            assert!((r.dot(&r) - 1.0).abs() < 1e-12);
        }
    }
}
