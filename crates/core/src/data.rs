//! Batches of (z, y) streamed in chunks (protocol.md §1). A batch is named, not stored: any chunk of it
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

/// The data distribution: target, directions, label noise and the data seed.
pub struct Problem {
    pub target: Target,
    /// W* (k × d), orthonormal rows.
    pub w_star: Array2<f64>,
    pub noise: f64,
    pub seed: u64,
}

/// What is subtracted from the labels before training (protocol.md §4.4): ỹ = y − A − ⟨z, B⟩.
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
                z.dot(&bt).mapv(|v| v.to_f64_lossy() + self.a)
            }
        }
    }
}

impl Problem {
    /// The chunks of a batch: (first row, rows).
    pub fn chunks(batch: BatchId, chunk: usize) -> impl Iterator<Item = (usize, usize)> {
        (0..batch.rows).step_by(chunk).map(move |start| (start, chunk.min(batch.rows - start)))
    }

    /// Fills `z` (rows × d) with the batch's rows starting at `first_row` and returns their labels
    /// y = g*(W* z) + √noise·ξ.
    pub fn fill<T: Real>(&self, batch: BatchId, first_row: usize, mut z: ArrayViewMut2<T>) -> Array1<f64> {
        rng::fill_gaussian(z.view_mut(), self.seed, batch.purpose, batch.index, first_row);
        let w_star = self.w_star.mapv(T::from_f64);
        let u = z.dot(&w_star.t()).mapv(|v| v.to_f64_lossy());
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

    /// Streams a batch, calling `visit(z, y)` on each chunk; `buffer` holds one chunk (chunk × d).
    pub fn stream<T: Real, E>(
        &self,
        batch: BatchId,
        buffer: &mut Array2<T>,
        mut visit: impl FnMut(ArrayView2<T>, Array1<f64>) -> Result<(), E>,
    ) -> Result<(), E> {
        let chunk = buffer.nrows();
        for (start, rows) in Self::chunks(batch, chunk) {
            let mut z = buffer.slice_mut(s![..rows, ..]);
            let y = self.fill(batch, start, z.view_mut());
            visit(z.view(), y)?;
        }
        Ok(())
    }

    /// The train-side estimates A = mean(y), B = mean(y z) of a batch (protocol.md §4.4).
    pub fn estimate_shift<T: Real, E>(
        &self,
        batch: BatchId,
        buffer: &mut Array2<T>,
        mut on_chunk: impl FnMut(usize) -> Result<(), E>,
    ) -> Result<LabelShift, E> {
        let d = buffer.ncols();
        let (mut sum_y, mut sum_yz) = (0.0, Array1::<f64>::zeros(d));
        self.stream(batch, buffer, |z, y| {
            sum_y += y.sum();
            let yt = y.mapv(T::from_f64);
            sum_yz += &z.t().dot(&yt).mapv(|v| v.to_f64_lossy());
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
        let mut whole = Array2::<f64>::zeros((1000, 24));
        let y_whole = problem.fill(batch, 0, whole.view_mut());
        let mut buffer = Array2::<f64>::zeros((256, 24));
        let mut ys = vec![];
        let mut zs = vec![];
        problem
            .stream::<f64, ()>(batch, &mut buffer, |z, y| {
                zs.extend(z.iter().copied());
                ys.extend(y.iter().copied());
                Ok(())
            })
            .unwrap();
        assert_eq!(zs, whole.iter().copied().collect::<Vec<_>>());
        assert_eq!(ys, y_whole.to_vec());
    }
}
