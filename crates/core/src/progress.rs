//! Progress and cancellation: the core reports the stage and the fraction of planned work done, and
//! checks the cancel flag after every chunk (so an abort lands within one chunk's time).
use crate::error::{Error, Result};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// The stages of a run, in order (a run with `readoutEveryStep` repeats readout and test after each step).
/// Data, not text: the facade words them (src/explain.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Stage {
    /// Waiting for a thread (set by the binding before the run starts).
    Queued,
    Start,
    /// Estimating the labels' mean and linear part (`preprocess train` or `notebook`).
    Preprocess,
    Step {
        step: usize,
        of: usize,
    },
    Readout {
        after: usize,
    },
    Test {
        after: usize,
    },
    Done,
}

/// What a run reports as it goes: its stage and the fraction of its planned work done, 0..1 (the facade
/// builds it from the binding's handle; this type gives it its TypeScript shape).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Progress"))]
pub struct Report {
    pub stage: Stage,
    pub fraction: f64,
}

/// What a run calls with its stage and the fraction done.
pub type Reporter<'a> = dyn Fn(Stage, f64) + Sync + 'a;

pub struct Progress<'a> {
    total: f64,
    done: f64,
    stage: Stage,
    report: &'a Reporter<'a>,
    cancel: &'a AtomicBool,
}

impl<'a> Progress<'a> {
    pub fn new(total: f64, report: &'a Reporter<'a>, cancel: &'a AtomicBool) -> Self {
        Progress { total: total.max(1.0), done: 0.0, stage: Stage::Start, report, cancel }
    }

    pub fn set_total(&mut self, total: f64) {
        self.total = total.max(1.0);
    }

    pub fn stage(&mut self, stage: Stage) -> Result<()> {
        self.stage = stage;
        self.advance(0.0)
    }

    /// Adds `work` units; errors with `Cancelled` when the flag is set.
    pub fn advance(&mut self, work: f64) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        self.done += work;
        // Done is the whole run, whatever the planned total's rounding left.
        let fraction = if matches!(self.stage, Stage::Done) { 1.0 } else { (self.done / self.total).min(1.0) };
        (self.report)(self.stage, fraction);
        Ok(())
    }
}
