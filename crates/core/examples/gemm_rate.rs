//! Measures matrix-product rates of the candidate backends on giantstep's shapes:
//! `cargo run --release --example gemm_rate`.
use ndarray::linalg::general_mat_mul;
use ndarray::Array2;
use std::time::Instant;

fn rate<F: FnMut()>(flops: f64, mut f: F) -> f64 {
    f();
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    flops / best / 1e9
}

fn gemm_crate<T: 'static + Copy>(c: &mut Array2<T>, a: &Array2<T>, b: &Array2<T>, alpha: T, beta: T, threads: usize) /* gemm crate: dst = alpha·dst + beta·a·b */ {
    let (m, k) = a.dim();
    let n = b.ncols();
    unsafe {
        gemm::gemm(
            m, n, k,
            c.as_mut_ptr(), 1, n as isize, false,
            a.as_ptr(), 1, k as isize,
            b.as_ptr(), 1, n as isize,
            alpha, beta, false, false, false,
            if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None },
        );
    }
}

macro_rules! measure {
    ($t:ty, $name:expr) => {{
        for (m, k, n, what) in [(4096usize, 512usize, 1024usize, "preact c×d·d×p"), (1024, 4096, 1024, "XᵀX p×c·c×p"), (1024, 4096, 512, "grad p×c·c×d")] {
            let a = Array2::<$t>::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as $t * 0.1);
            let b = Array2::<$t>::from_shape_fn((k, n), |(i, j)| ((i * 5 + j) % 13) as $t * 0.1);
            let mut c = Array2::<$t>::zeros((m, n));
            let flops = 2.0 * (m * k * n) as f64;
            let mm = rate(flops, || general_mat_mul(1.0, &a, &b, 0.0, &mut c));
            let g2 = rate(flops, || gemm_crate(&mut c, &a, &b, 0.0, 1.0, 2));
            let g1 = rate(flops, || gemm_crate(&mut c, &a, &b, 0.0, 1.0, 1));
            println!("{} {what:16} matrixmultiply {mm:6.1}  gemm(2 threads) {g2:6.1}  gemm(1 thread) {g1:6.1} GFLOP/s", $name);
        }
    }};
}

fn main() {
    layouts();
    gram_blocks();
    determinism();
    measure!(f64, "f64");
    measure!(f32, "f32");
}

#[allow(dead_code)]
pub fn determinism() {
    for (m, k, n) in [(4096usize, 512usize, 1024usize), (1024, 4096, 1024), (1024, 4096, 512), (37, 5000, 23)] {
        let a = Array2::<f64>::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1 + (i as f64).sin());
        let b = Array2::<f64>::from_shape_fn((k, n), |(i, j)| ((i * 5 + j) % 13) as f64 * 0.1 + (j as f64).cos());
        let mut c1 = Array2::<f64>::zeros((m, n));
        let mut c2 = Array2::<f64>::zeros((m, n));
        gemm_crate(&mut c1, &a, &b, 0.0, 1.0, 1);
        gemm_crate(&mut c2, &a, &b, 0.0, 1.0, 2);
        println!("{m}x{k}x{n}: identical with 1 and 2 threads: {} (nonzero: {})", c1 == c2, c1.iter().any(|v| *v != 0.0));
    }
}

#[allow(dead_code)]
pub fn gram_blocks() {
    use giantstep_core::linalg;
    let x = Array2::<f64>::from_shape_fn((4096, 1024), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1);
    let mut c = Array2::<f64>::zeros((1024, 1024));
    let full = 2.0 * 4096.0 * 1024.0 * 1024.0;
    let r = rate(full, || linalg::gemm(1.0, x.t(), x.view(), 0.0, c.view_mut()));
    println!("full xᵀx: {r:.1} GFLOP/s-equivalent");
    let r = rate(full, || linalg::gram(x.view(), c.view_mut()));
    println!("gram (lower blocks): {r:.1} GFLOP/s-equivalent (of the full product)");
    let y = ndarray::Array1::<f64>::from_shape_fn(4096, |i| i as f64);
    let t = Instant::now();
    for _ in 0..10 {
        std::hint::black_box(x.t().dot(&y));
    }
    println!("ndarray xᵀy: {:.2} ms", t.elapsed().as_secs_f64() * 100.0);
    let mut out = Array2::<f64>::zeros((1, 1024));
    let yv = y.view().insert_axis(ndarray::Axis(0));
    let t = Instant::now();
    for _ in 0..10 {
        linalg::gemm(1.0, yv, x.view(), 0.0, out.view_mut());
    }
    println!("gemm yᵀx: {:.2} ms", t.elapsed().as_secs_f64() * 100.0);
}

#[allow(dead_code)]
pub fn layouts() {
    use giantstep_core::linalg;
    let (c, d, p) = (4096usize, 512usize, 1024usize);
    let z = Array2::<f64>::from_shape_fn((c, d), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1);
    let w = Array2::<f64>::from_shape_fn((p, d), |(i, j)| ((i * 5 + j) % 13) as f64 * 0.1);
    let wt = w.t().as_standard_layout().to_owned(); // d×p row-major
    let x = Array2::<f64>::from_shape_fn((c, p), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1);
    let xt = x.t().as_standard_layout().to_owned(); // p×c row-major
    let mut cp = Array2::<f64>::zeros((c, p));
    let mut pp = Array2::<f64>::zeros((p, p));
    let mut pd = Array2::<f64>::zeros((p, d));
    let f1 = 2.0 * (c * d * p) as f64;
    let f2 = 2.0 * (c * p * p) as f64;
    println!("z·Wᵀ with W row-major (col-major rhs): {:.1}", rate(f1, || linalg::gemm(1.0, z.view(), w.t(), 0.0, cp.view_mut())));
    println!("z·Wᵀ with Wᵀ stored row-major:       {:.1}", rate(f1, || linalg::gemm(1.0, z.view(), wt.view(), 0.0, cp.view_mut())));
    println!("xᵀx, lhs col-major view:            {:.1}", rate(f2, || linalg::gemm(1.0, x.t(), x.view(), 0.0, pp.view_mut())));
    println!("xᵀx, lhs row-major copy:            {:.1}", rate(f2, || linalg::gemm(1.0, xt.view(), x.view(), 0.0, pp.view_mut())));
    println!("xᵀx, xt·xtᵀ:                        {:.1}", rate(f2, || linalg::gemm(1.0, xt.view(), xt.t(), 0.0, pp.view_mut())));
    println!("hᵀz, lhs col-major view:            {:.1}", rate(f1, || linalg::gemm(1.0, x.t(), z.view(), 0.0, pd.view_mut())));
    println!("hᵀz, lhs row-major copy:            {:.1}", rate(f1, || linalg::gemm(1.0, xt.view(), z.view(), 0.0, pd.view_mut())));
    let t = Instant::now();
    for _ in 0..10 {
        std::hint::black_box(x.t().as_standard_layout().to_owned());
    }
    println!("transpose copy c×p: {:.2} ms", t.elapsed().as_secs_f64() * 100.0);
}
