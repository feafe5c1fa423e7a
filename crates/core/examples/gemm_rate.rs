//! The best matrix-product rate of giantstep's backend on this machine, per precision, on the shapes of
//! the single-step notebook (the benchmark's yardstick): `cargo run --release --example gemm_rate [-- --json]`.
//! `-- --layouts` also measures each product of a streamed pass on that notebook's chunk (4096 samples,
//! d = 512, p = 1024) with the preactivations laid out samples × p (0.2.0) and p × samples (`neurons`).
use giantstep_core::linalg::{gemm, gram_lower};
use giantstep_core::Real;
use ndarray::{s, Array2};
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

/// A matrix of the given shape with entries in [−0.5, 0.5].
fn filled<T: Real>(rows: usize, cols: usize) -> Array2<T> {
    Array2::from_shape_fn((rows, cols), |(i, j)| T::from_f64(((i * 7 + j * 3) % 11) as f64 * 0.1 - 0.5))
}

/// Each product of a pass on one chunk, in both layouts, in GFLOP/s.
fn layouts<T: Real>(name: &str) {
    let (chunk, d, p) = (4096, 512, 1024);
    let (z, w) = (filled::<T>(chunk, d), filled::<T>(p, d));
    let (samples_major, neuron_major) = (filled::<T>(chunk, p), filled::<T>(p, chunk));
    let mut out = Array2::<T>::zeros((chunk, p));
    let mut out_t = Array2::<T>::zeros((p, chunk));
    let mut grad = Array2::<T>::zeros((p, d));
    let mut gram = Array2::<T>::zeros((p, p));
    let product = 2.0 * (chunk * d * p) as f64;
    // The lower block triangle of four strips: 10 of 16 blocks.
    let gram_flops = 2.0 * (chunk * p * p) as f64 * 10.0 / 16.0;
    let zero = T::zero();
    println!("{name}, chunk {chunk}: samples × p | p × samples");
    let h = rate(product, || gemm(T::one(), z.view(), w.t(), zero, out.view_mut()));
    let h_t = rate(product, || gemm(T::one(), w.view(), z.t(), zero, out_t.view_mut()));
    println!("  preactivations  {h:6.1} | {h_t:6.1}");
    let g = rate(product, || gemm(T::one(), samples_major.t(), z.view(), zero, grad.view_mut()));
    let g_t = rate(product, || gemm(T::one(), neuron_major.view(), z.view(), zero, grad.view_mut()));
    println!("  gradient        {g:6.1} | {g_t:6.1}");
    // 0.2.0's XᵀX on samples × p: the same blocks by row strips, x[:, i..ie]ᵀ x[:, ..ie].
    let strips = |x: &Array2<T>, c: &mut Array2<T>| {
        for i in (0..p).step_by(256) {
            let (rows, cols) = (x.slice(s![.., i..i + 256]), x.slice(s![.., ..i + 256]));
            gemm(T::one(), rows.t(), cols, zero, c.slice_mut(s![i..i + 256, ..i + 256]));
        }
    };
    let x = rate(gram_flops, || strips(&samples_major, &mut gram));
    let x_t = rate(gram_flops, || gram_lower(neuron_major.view(), gram.view_mut()));
    println!("  XᵀX (lower)     {x:6.1} | {x_t:6.1}");
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
        if std::env::args().any(|a| a == "--layouts") {
            layouts::<f64>("f64");
            layouts::<f32>("f32");
        }
    }
}
