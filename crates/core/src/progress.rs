//! Progress and cancellation: the core reports the stage and the fraction of planned work done, and
//! checks the cancel flag after every chunk (so an abort lands within one chunk's time).
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Progress<'a> {
    total: f64,
    done: f64,
    stage: String,
    report: &'a (dyn Fn(&str, f64) + Sync),
    cancel: &'a AtomicBool,
}

impl<'a> Progress<'a> {
    pub fn new(total: f64, report: &'a (dyn Fn(&str, f64) + Sync), cancel: &'a AtomicBool) -> Self {
        Progress { total: total.max(1.0), done: 0.0, stage: "start".into(), report, cancel }
    }

    pub fn set_total(&mut self, total: f64) {
        self.total = total.max(1.0);
    }

    pub fn stage(&mut self, stage: impl Into<String>) -> Result<()> {
        self.stage = stage.into();
        self.advance(0.0)
    }

    /// Adds `work` units; errors with `Cancelled` when the flag is set.
    pub fn advance(&mut self, work: f64) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        self.done += work;
        (self.report)(&self.stage, (self.done / self.total).min(1.0));
        Ok(())
    }
}
