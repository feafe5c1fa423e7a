//! Gaussian generation rate of the batch streams: `cargo run --release --example gen_rate`.
use giantstep_core::rng::{fill_gaussian, Purpose};
use ndarray::Array2;
use std::time::Instant;

fn main() {
    let mut z = Array2::<f64>::zeros((4096, 512));
    let t = Instant::now();
    for chunk in 0..64 {
        fill_gaussian(z.view_mut(), 1, Purpose::Train, 1, chunk * 4096);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{:.2} ns per normal ({:.0} M/s) on {} threads",
        s / (64.0 * 4096.0 * 512.0) * 1e9,
        64.0 * 4096.0 * 512.0 / s / 1e6,
        rayon::current_num_threads()
    );
}
