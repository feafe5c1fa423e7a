//! The best matrix-product rate of giantstep's backend on this machine, per precision, on the shapes of
//! the single-step notebook (the benchmark's yardstick): `cargo run --release --example gemm_rate [-- --json]`.
use giantstep_core::linalg::gemm;
use giantstep_core::Real;
use ndarray::Array2;
use std::time::Instant;

/// Best of five timings, in GFLOP/s.
fn rate<F: FnMut()>(flops: f64, mut f: F) -> f64 {
    f();
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            flops / t.elapsed().as_secs_f64() / 1e9
        })
        .fold(0.0, f64::max)
}

fn best<T: Real>() -> f64 {
    best_of::<T>(|a, b, c| gemm(T::one(), a.view(), b.view(), T::zero(), c.view_mut()))
}

/// The same measurement for ndarray's own product (matrixmultiply, single-threaded in this build).
fn best_ndarray<T: Real>() -> f64 {
    best_of::<T>(|a, b, c| ndarray::linalg::general_mat_mul(T::one(), a, b, T::zero(), c))
}

fn best_of<T: Real>(mut product: impl FnMut(&Array2<T>, &Array2<T>, &mut Array2<T>)) -> f64 {
    // (m, k, n): preactivations c×d·d×p, XᵀX p×c·c×p, gradient p×c·c×d.
    [(4096usize, 512usize, 1024usize), (1024, 4096, 1024), (1024, 4096, 512)]
        .iter()
        .map(|&(m, k, n)| {
            let a = Array2::<T>::from_shape_fn((m, k), |(i, j)| T::from_f64(((i * 7 + j * 3) % 11) as f64 * 0.1));
            let b = Array2::<T>::from_shape_fn((k, n), |(i, j)| T::from_f64(((i * 5 + j) % 13) as f64 * 0.1));
            let mut c = Array2::<T>::zeros((m, n));
            rate(2.0 * (m * k * n) as f64, || product(&a, &b, &mut c))
        })
        .fold(0.0, f64::max)
}

fn main() {
    let (f64_rate, f32_rate) = (best::<f64>(), best::<f32>());
    if std::env::args().any(|a| a == "--json") {
        println!(r#"{{"f64":{f64_rate:.1},"f32":{f32_rate:.1},"threads":{}}}"#, rayon::current_num_threads());
    } else {
        println!("f64 {f64_rate:.1} GFLOP/s, f32 {f32_rate:.1} GFLOP/s on {} threads", rayon::current_num_threads());
        if std::env::args().any(|a| a == "--ndarray") {
            println!(
                "ndarray (matrixmultiply, 1 thread): f64 {:.1} GFLOP/s, f32 {:.1} GFLOP/s",
                best_ndarray::<f64>(),
                best_ndarray::<f32>()
            );
        }
    }
}
