//! The two-layer network f(z) = (1/√p) Σ_i a_i σ(⟨w_i, z⟩) and its initializations (docs/model.md §3).
use crate::config::{Config, InitA, InitW};
use crate::rng::{self, Purpose};
use ndarray::{Array1, Array2, Axis};

/// First layer W (p × d, rows are neurons) and the frozen second layer a.
#[derive(Clone, Debug)]
pub struct Network {
    pub w: Array2<f64>,
    pub a: Array1<f64>,
}

/// Neurons of the multi-step notebook's fixed sign pattern: this many +1/√p, then as many −1/√p.
const NOTEBOOK_SIGNED: usize = 20;

impl Network {
    /// W0, a0 drawn from `seed` (the init seed). With `symmetric`, neuron i + p/2 copies w_i and negates
    /// a_i, so f ≡ 0 at initialization.
    pub fn init(cfg: &Config, seed: u64) -> Network {
        let (p, d) = (cfg.p, cfg.d);
        let drawn = if cfg.symmetric { p / 2 } else { p };
        let mut w = Array2::from_shape_vec((drawn, d), rng::gaussian_vec(seed, Purpose::InitW, 0, drawn * d)).unwrap();
        match cfg.init_w {
            InitW::Gaussian => w.mapv_inplace(|x| x / (d as f64).sqrt()),
            InitW::Sphere => {
                for mut row in w.rows_mut() {
                    let norm = row.dot(&row).sqrt();
                    row.mapv_inplace(|x| x / norm);
                }
            }
        }
        let scale = 1.0 / (p as f64).sqrt();
        let g = rng::gaussian_vec(seed, Purpose::InitA, 0, drawn);
        let sign = |x: f64| if x >= 0.0 { scale } else { -scale };
        let a: Array1<f64> = match cfg.init_a {
            InitA::Gaussian => g.iter().map(|x| x * scale).collect(),
            InitA::Signs => g.iter().map(|x| sign(*x)).collect(),
            InitA::Ones => Array1::from_elem(g.len(), scale),
            InitA::Notebook => g
                .iter()
                .enumerate()
                .map(|(i, x)| match i {
                    i if i < NOTEBOOK_SIGNED => scale,
                    i if i < 2 * NOTEBOOK_SIGNED => -scale,
                    _ => sign(*x),
                })
                .collect(),
        };
        if cfg.symmetric {
            let w_full = ndarray::concatenate![Axis(0), w, w];
            let a_full = ndarray::concatenate![Axis(0), a, -&a];
            return Network { w: w_full, a: a_full };
        }
        Network { w, a }
    }

    /// f(z) for a single input (tests and theory).
    pub fn output(&self, act: &crate::activation::Activation, z: &Array1<f64>) -> f64 {
        let pre = self.w.dot(z);
        let p = self.a.len() as f64;
        pre.iter().zip(&self.a).map(|(h, a)| a * act.value(*h)).sum::<f64>() / p.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;

    #[test]
    fn symmetric_init_outputs_zero() {
        let cfg = Config { d: 30, p: 10, symmetric: true, ..Config::default() };
        let net = Network::init(&cfg, 3);
        let z = Array1::from_shape_fn(30, |i| (i as f64 * 0.37).sin());
        assert!(net.output(&Activation::Relu, &z).abs() < 1e-15);
        assert_eq!(net.w.row(2), net.w.row(7));
    }

    #[test]
    fn notebook_second_layer_pattern_and_scales() {
        let cfg = Config { d: 400, p: 100, init_a: InitA::Notebook, ..Config::default() };
        let net = Network::init(&cfg, 1);
        let s = 0.1;
        assert!(net.a.iter().take(20).all(|a| *a == s));
        assert!(net.a.iter().skip(20).take(20).all(|a| *a == -s));
        assert!(net.a.iter().all(|a| a.abs() == s));
        // Rows N(0, I/d): squared norms average 1 (sd of the mean over 100 rows ≈ 0.007).
        let mean_sq = net.w.rows().into_iter().map(|r| r.dot(&r)).sum::<f64>() / 100.0;
        assert!((mean_sq - 1.0).abs() < 0.035, "{mean_sq}");
        let sphere = Network::init(&Config { init_w: InitW::Sphere, ..cfg }, 1);
        assert!(sphere.w.rows().into_iter().all(|r| (r.dot(&r) - 1.0).abs() < 1e-12));
    }
}
