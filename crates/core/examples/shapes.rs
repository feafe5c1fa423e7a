//! The rate of each product of a streamed pass on the single-step notebook's chunk (4096 samples, d = 512,
//! p = 1024), with the preactivations laid out samples × p (0.2.0) and p × samples (`neurons`), in
//! GFLOP/s (best of five): `cargo run --release --example shapes [-- CHUNK]`.
use giantstep_core::linalg::{gemm, gram_lower};
use giantstep_core::Real;
use ndarray::Array2;
use std::time::Instant;

fn rate(flops: f64, mut f: impl FnMut()) -> f64 {
    f();
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            flops / t.elapsed().as_secs_f64() / 1e9
        })
        .fold(0.0, f64::max)
}

fn filled<T: Real>(rows: usize, cols: usize) -> Array2<T> {
    Array2::from_shape_fn((rows, cols), |(i, j)| T::from_f64(((i * 7 + j * 3) % 11) as f64 * 0.1 - 0.5))
}

fn report<T: Real>(name: &str, chunk: usize) {
    let (d, p) = (512, 1024);
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
    let x = rate(gram_flops, || gram_lower(samples_major.t(), gram.view_mut()));
    let x_t = rate(gram_flops, || gram_lower(neuron_major.view(), gram.view_mut()));
    println!("  XᵀX (lower)     {x:6.1} | {x_t:6.1}");
}

fn main() {
    let chunk = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(4096);
    report::<f64>("f64", chunk);
    report::<f32>("f32", chunk);
}
