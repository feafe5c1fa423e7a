//! Batches of (z, y) streamed in chunks (docs/model.md §1). A batch is named, not stored: any chunk of it
//! is regenerated from its seeds, so a batch read twice (a readout on the step's batch, a pre-processing
//! estimate) costs generation time, never memory.
use crate::rng::{self, Purpose};
use crate::target::Target;
use crate::Real;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2};

/// Which batch: (purpose, index) names its random streams; `rows` is its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BatchId {
    pub purpose: Purpose,
    pub index: u64,
    pub rows: usize,
}

/// Buffers a run keeps across its passes. A pass that allocated its chunk afresh (a 4096 × 4096 chunk is
/// 134 MB, above glibc's mmap threshold) would get new pages from the kernel each time, one fault per
/// 4 KB: measured, a quarter of the multi-step notebook's run time.
pub struct Scratch<T> {
    /// The data chunk z.
    pub data: Vec<T>,
    /// A chunk's preactivations or features.
    pub features: Vec<T>,
    /// A chunk's contribution to the gradient.
    pub gradient: Vec<T>,
}

impl<T> Default for Scratch<T> {
    fn default() -> Self {
        Scratch { data: Vec::new(), features: Vec::new(), gradient: Vec::new() }
    }
}

/// A rows × cols matrix over the front of `buffer`, which grows if it must; its contents are whatever
/// the last pass left (every user overwrites them).
pub fn matrix_in<T: Real>(buffer: &mut Vec<T>, rows: usize, cols: usize) -> ArrayViewMut2<'_, T> {
    let len = rows * cols;
    if buffer.len() < len {
        buffer.resize(len, T::zero());
    }
    ArrayViewMut2::from_shape((rows, cols), &mut buffer[..len]).expect("the buffer holds rows × cols")
}

/// The data distribution: target, directions, label noise and the data seed.
pub struct Problem {
    pub target: Target,
    /// W* (k × d), orthonormal rows.
    pub w_star: Array2<f64>,
    pub noise: f64,
    pub seed: u64,
}

/// The coordinates a batch is generated in. `Full`: z ∈ R^d itself. Projected: only u = Uᵀz ∈ R^r for an
/// orthonormal basis U (d × r) of a span containing every weight vector a pass uses and W*. Preactivations
/// and labels depend on z only through u; the rest of z is independent of them and enters only the
/// gradient, where `train::gradient` samples its exact contribution (the projected sampler).
#[derive(Clone, Debug)]
pub struct Frame {
    /// U (d × r), or None for the full coordinates.
    pub basis: Option<Array2<f64>>,
    /// W* in these coordinates (k × m).
    pub w_star: Array2<f64>,
}

impl Frame {
    pub fn full(w_star: &Array2<f64>) -> Frame {
        Frame { basis: None, w_star: w_star.clone() }
    }

    /// The frame of span(rows of each of `weights`, rows of W*).
    pub fn projected(weights: &[&Array2<f64>], w_star: &Array2<f64>) -> Frame {
        let d = w_star.ncols();
        let mut basis: Vec<Array1<f64>> = Vec::new();
        for rows in std::iter::once(w_star).chain(weights.iter().copied()) {
            for row in rows.rows() {
                let mut v = row.to_owned();
                let norm0 = v.dot(&v).sqrt();
                for _ in 0..2 {
                    for b in &basis {
                        let c = v.dot(b);
                        v.scaled_add(-c, b);
                    }
                }
                let norm = v.dot(&v).sqrt();
                // Rows already in the span (e.g. symmetric pairs) add nothing.
                if norm > 1e-10 * norm0.max(f64::MIN_POSITIVE) && basis.len() < d {
                    basis.push(v / norm);
                }
            }
        }
        let mut u = Array2::<f64>::zeros((d, basis.len()));
        for (j, b) in basis.iter().enumerate() {
            u.column_mut(j).assign(b);
        }
        Frame { w_star: w_star.dot(&u), basis: Some(u) }
    }

    /// The dimension m of the coordinates.
    pub fn dim(&self) -> usize {
        self.w_star.ncols()
    }

    /// Weights (p × d) in these coordinates (p × m), in the working precision.
    pub fn coords<T: Real>(&self, w: &Array2<f64>) -> Array2<T> {
        match &self.basis {
            None => w.mapv(T::from_f64),
            Some(u) => w.dot(u).mapv(T::from_f64),
        }
    }

    /// A label shift in these coordinates (B ↦ UᵀB; exact when B lies in the span, as the Hermite shift
    /// W*ᵀC1* does).
    pub fn shift(&self, shift: &LabelShift) -> LabelShift {
        match (&self.basis, &shift.b) {
            (Some(u), Some(b)) => LabelShift { a: shift.a, b: Some(u.t().dot(b)) },
            _ => shift.clone(),
        }
    }
}

/// What is subtracted from the labels before training (docs/model.md §4.4): ỹ = y − A − ⟨z, B⟩.
#[derive(Clone, Debug)]
pub struct LabelShift {
    pub a: f64,
    /// B as a d-vector, or None when B = 0.
    pub b: Option<Array1<f64>>,
}

impl LabelShift {
    pub fn zero() -> Self {
        LabelShift { a: 0.0, b: None }
    }

    /// A + ⟨z_ν, B⟩ for each row of z.
    pub fn at<T: Real>(&self, z: ArrayView2<T>) -> Array1<f64> {
        match &self.b {
            None => Array1::from_elem(z.nrows(), self.a),
            Some(b) => {
                let bt = b.mapv(T::from_f64);
                crate::linalg::matvec(z, bt.view()).mapv(|v| v.to_f64_lossy() + self.a)
            }
        }
    }
}

impl Problem {
    /// The chunks of a batch: (first row, rows).
    pub fn chunks(batch: BatchId, chunk: usize) -> impl Iterator<Item = (usize, usize)> {
        (0..batch.rows).step_by(chunk).map(move |start| (start, chunk.min(batch.rows - start)))
    }

    /// Fills `z` (rows × m, in `frame`'s coordinates) with the batch's rows starting at `first_row` and
    /// returns their labels y = g*(W* z) + √noise·ξ.
    pub fn fill<T: Real>(
        &self,
        frame: &Frame,
        batch: BatchId,
        first_row: usize,
        mut z: ArrayViewMut2<T>,
    ) -> Array1<f64> {
        rng::fill_gaussian(z.view_mut(), self.seed, batch.purpose, batch.index, first_row);
        self.labels(frame, batch, first_row, z.view())
    }

    /// The labels y = g*(W* z) + √noise·ξ of the batch's rows `first_row..` whose z (in `frame`'s
    /// coordinates) is given: another target's labels on the same data stream.
    pub fn labels<T: Real>(&self, frame: &Frame, batch: BatchId, first_row: usize, z: ArrayView2<T>) -> Array1<f64> {
        let w_star = frame.w_star.mapv(T::from_f64);
        let mut u_t = Array2::<T>::zeros((z.nrows(), w_star.nrows()));
        crate::linalg::gemm(T::one(), z.view(), w_star.t(), T::zero(), u_t.view_mut());
        let u = u_t.mapv(|v| v.to_f64_lossy());
        let mut y = self.target.link(u.view());
        if self.noise > 0.0 {
            // Noise has its own streams so z is the same with or without it.
            let mut xi = Array2::<f64>::zeros((z.nrows(), 1));
            let noise_index = ((batch.purpose as u64) << 40) | batch.index;
            rng::fill_gaussian(xi.view_mut(), self.seed, Purpose::Noise, noise_index, first_row);
            y.scaled_add(self.noise.sqrt(), &xi.column(0));
        }
        y
    }

    /// Streams a batch in `frame`'s coordinates, `chunk` rows at a time, calling `visit(z, y)` on each;
    /// the chunks are drawn into `buffer`.
    pub fn stream<T: Real, E>(
        &self,
        frame: &Frame,
        batch: BatchId,
        chunk: usize,
        buffer: &mut Vec<T>,
        mut visit: impl FnMut(ArrayView2<T>, Array1<f64>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut buffer = matrix_in(buffer, chunk.min(batch.rows.max(1)), frame.dim());
        for (start, rows) in Self::chunks(batch, chunk) {
            let mut z = buffer.slice_mut(s![..rows, ..]);
            let y = self.fill(frame, batch, start, z.view_mut());
            visit(z.view(), y)?;
        }
        Ok(())
    }

    /// The train-side estimates A = mean(y), B = mean(y z) of a batch (docs/model.md §4.4), in full
    /// coordinates.
    pub fn estimate_shift<T: Real, E>(
        &self,
        batch: BatchId,
        chunk: usize,
        buffer: &mut Vec<T>,
        mut on_chunk: impl FnMut(usize) -> Result<(), E>,
    ) -> Result<LabelShift, E> {
        let d = self.w_star.ncols();
        let (mut sum_y, mut sum_yz) = (0.0, Array1::<f64>::zeros(d));
        self.stream(&Frame::full(&self.w_star), batch, chunk, buffer, |z: ArrayView2<T>, y| {
            sum_y += y.sum();
            let yt = y.mapv(T::from_f64);
            sum_yz += &crate::linalg::transposed_dot(z, yt.view()).mapv(|v| v.to_f64_lossy());
            on_chunk(z.nrows())
        })?;
        let n = batch.rows as f64;
        Ok(LabelShift { a: sum_y / n, b: Some(sum_yz / n) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target;

    #[test]
    fn chunked_stream_equals_one_shot() {
        let t = Target::parse("T-C").unwrap();
        let problem = Problem { w_star: target::directions(t.k, 24, 1), target: t, noise: 0.3, seed: 5 };
        let batch = BatchId { purpose: Purpose::Train, index: 1, rows: 1000 };
        let frame = Frame::full(&problem.w_star);
        let mut whole = Array2::<f64>::zeros((1000, 24));
        let y_whole = problem.fill(&frame, batch, 0, whole.view_mut());
        let mut ys = vec![];
        let mut zs = vec![];
        problem
            .stream::<f64, ()>(&frame, batch, 256, &mut Vec::new(), |z, y| {
                zs.extend(z.iter().copied());
                ys.extend(y.iter().copied());
                Ok(())
            })
            .unwrap();
        assert_eq!(zs, whole.iter().copied().collect::<Vec<_>>());
        assert_eq!(ys, y_whole.to_vec());
    }

    #[test]
    fn projected_frame_spans_weights_and_target() {
        let w_star = target::directions(2, 30, 1);
        let w = Array2::from_shape_fn((4, 30), |(i, j)| ((i * 7 + j) % 5) as f64 - 2.0);
        let doubled = ndarray::concatenate![ndarray::Axis(0), w, w];
        let frame = Frame::projected(&[&doubled], &w_star);
        assert_eq!(frame.dim(), 6, "duplicate rows add nothing");
        let u = frame.basis.as_ref().unwrap();
        assert!((u.t().dot(u) - Array2::<f64>::eye(6)).iter().all(|d| d.abs() < 1e-12));
        // Projecting then lifting recovers W and W*.
        assert!((frame.coords::<f64>(&w).dot(&u.t()) - &w).iter().all(|d| d.abs() < 1e-10));
        assert!((frame.w_star.dot(&u.t()) - &w_star).iter().all(|d| d.abs() < 1e-12));
    }
}
