//! The drawn network's side of `theory error`: measures one drawn W₁ (its spike, the spectrum of its bulk
//! and the loadings of the spike's and the target's directions on it, the spread of its row norms) as the
//! `Model` whose fixed point is the deterministic equivalent of the trained network's readout.
use super::readout_error::{Bulk, Model, Spike};
use crate::error::{Error, Result};
use crate::linalg;
use faer::Side;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

/// What the drawn W₁ measures. The surrogate assumes an isotropic bulk, for which both loadings equal c².
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Drawn {
    /// r̄ = mean of W₁v̂, c = the bulk rows' root-mean-square norm, γ = ⟨v̂, w*⟩.
    pub spike: Spike,
    /// (d/p)‖δr‖², δr = W₁v̂ − r̄: how strongly the spike's direction loads on the bulk.
    pub spike_loading: f64,
    /// (d/p)‖W₁ζ̂‖², ζ̂ the target's direction orthogonal to v̂.
    pub target_loading: f64,
    /// √d × the standard deviation of the bulk rows' norms.
    pub norm_spread: f64,
}

/// Measures W₁ against W₀ and the target direction `w_star` (unit norm). v̂ is the direction of the mean
/// update (every neuron's spike has the same sign with initA ones), oriented so that γ ≥ 0.
pub fn measure(w0: ArrayView2<f64>, w1: ArrayView2<f64>, w_star: ArrayView1<f64>) -> Result<(Drawn, Model)> {
    let (p, d) = w1.dim();
    let mut v = (&w1 - &w0).mean_axis(Axis(0)).expect("p > 0");
    let norm = v.dot(&v).sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return Err(Error::invalid("eta", "the step left W₀ unchanged, so there is no spike to measure: give eta > 0"));
    }
    v /= norm;
    let mut gamma = v.dot(&w_star);
    if gamma < 0.0 {
        v.mapv_inplace(|x| -x);
        gamma = -gamma;
    }
    let r = w1.dot(&v);
    let r_mean = r.mean().expect("p > 0");
    let bulk = &w1 - &r.view().insert_axis(Axis(1)).dot(&v.view().insert_axis(Axis(0)));
    let mut gram = Array2::<f64>::zeros((p, p));
    linalg::gemm(1.0, bulk.view(), bulk.t(), 0.0, gram.view_mut());
    let norms: Array1<f64> = gram.diag().mapv(|x| x.max(0.0).sqrt());
    let c = gram.diag().mean().expect("p > 0").max(0.0).sqrt();
    let norm_mean = norms.mean().expect("p > 0");
    let mut zeta = &w_star - &(&v * gamma);
    let zeta_norm = zeta.dot(&zeta).sqrt();
    // γ = 1 leaves no target direction orthogonal to the spike, and so no linear channel.
    zeta.mapv_inplace(|x| if zeta_norm > 1e-12 { x / zeta_norm } else { 0.0 });
    let channels = [r.mapv(|x| x - r_mean), norms.mapv(|x| x - norm_mean), bulk.dot(&zeta)];
    let (eigenvalues, loadings) = eigen_loadings(&gram, &channels)?;
    let per_d = d as f64 / p as f64;
    let drawn = Drawn {
        spike: Spike { strength: r_mean, bulk: c, alignment: gamma },
        spike_loading: per_d * channels[0].dot(&channels[0]),
        target_loading: per_d * channels[2].dot(&channels[2]),
        norm_spread: norms.std(0.0) * (d as f64).sqrt(),
    };
    Ok((drawn, Model { spike: drawn.spike, bulk: Bulk::drawn(eigenvalues, loadings) }))
}

/// The eigenvalues of the symmetric `gram` (clamped at 0) and, on each eigenvector e_k, √p·e_kᵀvⱼ.
fn eigen_loadings(gram: &Array2<f64>, vectors: &[Array1<f64>; 3]) -> Result<(Vec<f64>, Vec<[f64; 3]>)> {
    let p = gram.nrows();
    let eig = faer::Mat::from_fn(p, p, |i, j| gram[[i, j]]).self_adjoint_eigen(Side::Lower).map_err(|e| {
        Error::numerical("eta", format!("the drawn bulk's eigendecomposition failed ({e:?}): lower eta"))
    })?;
    let (u, s) = (eig.U(), eig.S().column_vector());
    let scale = (p as f64).sqrt();
    let loadings = (0..p)
        .map(|k| std::array::from_fn(|j| scale * (0..p).map(|i| u[(i, k)] * vectors[j][i]).sum::<f64>()))
        .collect();
    Ok(((0..p).map(|k| s[k].max(0.0)).collect(), loadings))
}
