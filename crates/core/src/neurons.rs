//! A chunk's preactivations laid out one neuron per row (p × samples). In this layout every large product
//! of a pass reads its operands in the order the product library packs fastest: H = W Zᵀ, the gradient
//! H Z and the Gram matrix H Hᵀ all take row-major operands (measured on the single-step notebook's
//! chunk, `cargo run --release --example gemm_rate -- --layouts`: the gradient product 1.25× faster in f64
//! and 1.15× in f32 than on samples × p, XᵀX 1.15× in f64). What runs per sample — the network's output, the readouts' predictions — sums over a
//! column; it still reads the rows whole and in order.
use crate::activation::Activation;
use crate::Real;
use ndarray::parallel::prelude::*;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};

/// Neurons per group of `predictions`: groups sum in parallel, each into its own partial sums.
const GROUP: usize = 64;

/// Adds Σ_i a[i] σ(h[i, ν]) to `sums[r, ν]` for each weight vector `readouts[r]` and column ν of `h`
/// (leaving h as it is), in f64, neuron after neuron; each product σ·a is formed in the working precision.
#[inline(always)]
fn add_sums<T: Real>(act: &Activation, h: ArrayView2<T>, readouts: &[&[T]], mut sums: ArrayViewMut2<f64>) {
    let mut values = vec![T::zero(); h.ncols()];
    for (i, row) in h.rows().into_iter().enumerate() {
        values.copy_from_slice(row.as_slice().expect("rows are contiguous"));
        act.value_slice(&mut values);
        for (a, mut sum) in readouts.iter().zip(sums.rows_mut()) {
            let ai = a[i];
            let sum = sum.as_slice_mut().expect("sums are standard layout");
            sum.iter_mut().zip(&values).for_each(|(s, v)| *s += (*v * ai).to_f64_lossy());
        }
    }
}

/// Each readout's prediction Σ_i a[i] σ(h[i, ν]) for every column ν of the neuron-major `h`, as
/// readouts × samples. Rows are read in order, each once and whole (the access the prefetchers follow):
/// fixed groups of neurons sum in parallel into their own partial sums, which are added in group order,
/// so the result does not depend on the thread count.
pub fn predictions<T: Real>(act: &Activation, h: ArrayView2<T>, readouts: &[&[T]]) -> Array2<f64> {
    let groups: Vec<(usize, ArrayView2<T>)> =
        h.axis_chunks_iter(Axis(0), GROUP).enumerate().map(|(g, rows)| (g * GROUP, rows)).collect();
    let partials: Vec<Array2<f64>> = groups
        .into_par_iter()
        .map(|(first, rows)| {
            let mut sums = Array2::<f64>::zeros((readouts.len(), h.ncols()));
            let weights: Vec<&[T]> = readouts.iter().map(|a| &a[first..first + rows.nrows()]).collect();
            crate::vectorized(|| add_sums(act, rows, &weights, sums.view_mut()));
            sums
        })
        .collect();
    let mut out = Array2::<f64>::zeros((readouts.len(), h.ncols()));
    for partial in &partials {
        out += partial;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Predictions against their definition on samples × p, with a partial last group of neurons.
    #[test]
    fn predictions_match_the_definition() {
        let (p, n) = (300, 1000);
        assert!(p % GROUP != 0, "a partial last group");
        let h = Array2::from_shape_fn((p, n), |(i, j)| ((i * 13 + j * 7) % 17) as f64 / 4.0 - 2.0);
        let a1: Vec<f64> = (0..p).map(|i| (i as f64 * 0.37).sin()).collect();
        let a2: Vec<f64> = (0..p).map(|i| 1.0 / (1.0 + i as f64)).collect();
        for act in ["tanh", "relu", "relu(x) + He3(x)/6"] {
            let act = Activation::parse(act).unwrap();
            let got = predictions(&act, h.view(), &[&a1, &a2]);
            let sigma = h.mapv(|v| act.value_t(v));
            for (r, a) in [&a1, &a2].iter().enumerate() {
                let expect = sigma.t().dot(&ndarray::Array1::from_vec(a.to_vec()));
                let diff = (&got.row(r) - &expect).iter().fold(0.0f64, |m, d| m.max(d.abs()));
                assert!(diff < 1e-12, "{act:?}: {diff}");
            }
        }
    }

    /// The same bits on one thread and on several (the groups, not the threads, fix the order of the sums).
    #[test]
    fn predictions_do_not_depend_on_the_thread_count() {
        let act = Activation::parse("gelu").unwrap();
        let h = Array2::from_shape_fn((200, 333), |(i, j)| ((i * 5 + j * 11) % 9) as f32 / 3.0 - 1.5);
        let a: Vec<f32> = (0..200).map(|i| (i as f32 * 0.21).cos()).collect();
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| predictions(&act, h.view(), &[&a]))
        };
        assert_eq!(on(1), on(3));
    }

    /// The same bits at the processor's vector width as in the baseline build's loops.
    #[test]
    fn vectorized_sums_equal_the_baseline_loops() {
        let h = Array2::from_shape_fn((70, 301), |(i, j)| ((i * 3 + j * 13) % 23) as f32 / 5.0 - 2.2);
        let a: Vec<f32> = (0..70).map(|i| (i as f32 * 0.7).sin()).collect();
        for act in ["relu", "tanh"] {
            let act = Activation::parse(act).unwrap();
            let (mut plain, mut wide) = (Array2::zeros((1, 301)), Array2::zeros((1, 301)));
            add_sums(&act, h.view(), &[&a], plain.view_mut());
            crate::vectorized(|| add_sums(&act, h.view(), &[&a], wide.view_mut()));
            assert_eq!(plain, wide);
        }
    }
}
