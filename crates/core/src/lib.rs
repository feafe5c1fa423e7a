//! giantstep-core: the giant-step protocol of Dandi et al. (docs/model.md) as a pure-Rust library.
//! Data flows one way: `Config` → `experiment::run` → `RunResult`; nothing here knows about Node.
pub mod activation;
pub mod config;
#[cfg(test)]
mod contract;
pub mod data;
pub mod error;
pub mod experiment;
pub mod hermite;
pub mod linalg;
pub mod metrics;
pub mod named;
pub mod network;
pub mod neurons;
pub mod progress;
pub mod readout;
pub mod rng;
pub mod target;
pub mod theory;
pub mod train;

pub use config::Config;
pub use error::{Error, Result};
pub use experiment::{
    baseline_group, planned_flops, prepare, prepare_group, run, run_group, run_group_prepared, run_prepared, Resolved,
    RunResult,
};
pub use progress::Progress;

/// The working precision of the streamed passes (f64, or f32 with f64 accumulation across chunks).
pub trait Real: ndarray::LinalgScalar + num_traits::Float + Send + Sync + std::fmt::Debug + 'static {
    fn from_f64(v: f64) -> Self;
    fn to_f64_lossy(self) -> f64;
}

impl Real for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64_lossy(self) -> f64 {
        self
    }
}

impl Real for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64_lossy(self) -> f64 {
        self as f64
    }
}

/// Runs `f` compiled for the widest vectors this processor has (AVX2 or AVX-512 on x86-64, NEON on arm64):
/// shipped binaries target baseline x86-64, whose loops run two f64 lanes wide. Only code inlined into `f`
/// (`#[inline(always)]`) gains. Results are the same bits on every path: the loops it serves are
/// element-wise or sum each lane on its own, and Rust never fuses a multiply and an add by itself.
#[inline(always)]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(f)
}

pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
