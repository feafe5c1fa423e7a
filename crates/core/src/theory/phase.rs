//! The learnability phase diagram (docs/model.md §7, §9) as data: for a target, how many directions one
//! step with n = Θ(d^ℓ) learns; and the generic diagram of a direction first visible at Hermite order L
//! against ℓ (the one-step order; the leap index is a multi-step notion).
use crate::target::analysis::Analysis;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PhaseRow {
    pub ell: usize,
    /// How many of the target's k directions one step with n = Θ(d^ℓ) learns (the facade words it).
    pub learned_dims: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GenericCell {
    /// The Hermite order at which a direction first appears (its one-step order; not the leap index,
    /// which counts directions picked up at once over several steps).
    pub order: usize,
    pub ell: usize,
    pub learned: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PhaseDiagram {
    pub k: usize,
    pub leap_index: Option<usize>,
    pub rows: Vec<PhaseRow>,
    /// A direction first visible at Hermite order L is learned in one step iff n = Θ(d^ℓ) with ℓ ≥ L.
    pub generic: Vec<GenericCell>,
}

pub fn diagram(a: &Analysis) -> PhaseDiagram {
    PhaseDiagram {
        k: a.k,
        leap_index: a.leap_index,
        rows: a
            .learned_dims
            .one_step
            .iter()
            .enumerate()
            .map(|(i, &dims)| PhaseRow { ell: i + 1, learned_dims: dims })
            .collect(),
        generic: (1..=4)
            .flat_map(|order| (1..=4).map(move |ell| GenericCell { order, ell, learned: ell >= order }))
            .collect(),
    }
}
