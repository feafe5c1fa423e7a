//! Overlap statistics (docs/model.md §5): neuron–direction cosines, their per-direction summaries, the
//! spectrum of the normalized overlap, update cosines and in-plane update directions.
use crate::linalg::symmetric_eigenvalues;
use ndarray::{Array2, Axis};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Overlap {
    /// max_i |cos(w_i, w*_j)| for each target direction j.
    pub max_abs_cos: Vec<f64>,
    /// mean_i |cos(w_i, w*_j)|.
    pub mean_abs_cos: Vec<f64>,
    /// Fraction of neurons with |cos(w_i, w*_j)| above the threshold.
    pub frac_above: Vec<f64>,
    /// Singular values of (1/√p) Ŵ W*ᵀ (rows of W normalized), largest first: how many target
    /// directions the neurons span (each in [0, 1]; their squares sum to the mean squared cosine).
    pub singular_values: Vec<f64>,
    /// Mean row norm ‖w_i‖.
    pub mean_norm: f64,
    /// cos(w_i, w*_j) for the first `trackNeurons` neurons (rows) and each direction.
    pub neuron_cos: Vec<Vec<f64>>,
}

/// Cosines cos(w_i, w*_j) (p × k); W* rows are unit vectors.
pub fn cosines(w: &Array2<f64>, w_star: &Array2<f64>) -> Array2<f64> {
    let mut m = w.dot(&w_star.t());
    for (mut row, wi) in m.axis_iter_mut(Axis(0)).zip(w.axis_iter(Axis(0))) {
        let norm = wi.dot(&wi).sqrt();
        row.mapv_inplace(|v| if norm > 0.0 { v / norm } else { 0.0 });
    }
    m
}

pub fn overlap(w: &Array2<f64>, w_star: &Array2<f64>, threshold: f64, tracked: usize) -> Overlap {
    let norms: Vec<f64> = w.axis_iter(Axis(0)).map(|r| r.dot(&r).sqrt()).collect();
    overlap_from_cosines(&cosines(w, w_star), &norms, threshold, tracked)
}

/// The overlap summary from the neuron–direction cosines (p × k) and the row norms.
pub fn overlap_from_cosines(cos: &Array2<f64>, norms: &[f64], threshold: f64, tracked: usize) -> Overlap {
    let p = cos.nrows() as f64;
    let abs = cos.mapv(f64::abs);
    let column_stat = |f: &dyn Fn(ndarray::ArrayView1<f64>) -> f64| abs.axis_iter(Axis(1)).map(f).collect();
    let gram = cos.t().dot(cos) / p;
    Overlap {
        max_abs_cos: column_stat(&|c| c.fold(0.0f64, |m, v| m.max(*v))),
        mean_abs_cos: column_stat(&|c| c.sum() / p),
        frac_above: column_stat(&|c| c.iter().filter(|v| **v > threshold).count() as f64 / p),
        singular_values: symmetric_eigenvalues(gram).into_iter().map(|e| e.max(0.0).sqrt()).collect(),
        mean_norm: norms.iter().sum::<f64>() / p,
        neuron_cos: cos.outer_iter().take(tracked).map(|r| r.to_vec()).collect(),
    }
}

/// For the first `count` neurons: cos(G_i, w*_j), the cosine of neuron i's update with each direction.
pub fn update_cosines(grad: &Array2<f64>, w_star: &Array2<f64>, count: usize) -> Vec<Vec<f64>> {
    let rows = grad.slice(ndarray::s![..count.min(grad.nrows()), ..]).to_owned();
    cosines(&rows, w_star).outer_iter().map(|r| r.to_vec()).collect()
}

/// For the first `count` neurons: ΔM_i / ‖ΔM_i‖ with ΔM = (W_{t+1} − W_t) W*ᵀ (a point on the unit
/// sphere of the target space; the unit circle for k = 2).
pub fn in_plane_directions(
    before: &Array2<f64>,
    after: &Array2<f64>,
    w_star: &Array2<f64>,
    count: usize,
) -> Vec<Vec<f64>> {
    let count = count.min(before.nrows());
    let delta = &after.slice(ndarray::s![..count, ..]) - &before.slice(ndarray::s![..count, ..]);
    let dm = delta.dot(&w_star.t());
    dm.outer_iter()
        .map(|r| {
            let norm = r.dot(&r).sqrt();
            r.iter().map(|v| if norm > 0.0 { v / norm } else { 0.0 }).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn overlap_of_aligned_and_orthogonal_neurons() {
        let w_star = arr2(&[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        let w = arr2(&[[2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, -1.0, 0.0], [1.0, 1.0, 0.0]]);
        let o = overlap(&w, &w_star, 0.5, 2);
        assert_eq!(o.neuron_cos, vec![vec![1.0, 0.0], vec![0.0, 0.0]]);
        assert_eq!(o.max_abs_cos, vec![1.0, 1.0]);
        let h = 0.5f64.sqrt();
        assert!((o.mean_abs_cos[0] - (1.0 + h) / 4.0).abs() < 1e-15);
        assert_eq!(o.frac_above, vec![0.5, 0.5]);
        // (1/p) Σ ĉ ĉᵀ = [[1.5, .5], [.5, 1.5]]/4 → eigenvalues 0.5, 0.25.
        assert!((o.singular_values[0] - 0.5f64.sqrt()).abs() < 1e-12);
        assert!((o.singular_values[1] - 0.5).abs() < 1e-12);
        let dirs =
            in_plane_directions(&w, &(&w + &arr2(&[[0.0, 3.0, 0.0], [4.0, 3.0, 5.0], [0.0; 3], [0.0; 3]])), &w_star, 2);
        assert_eq!(dirs, vec![vec![0.0, 1.0], vec![0.8, 0.6]]);
    }
}
