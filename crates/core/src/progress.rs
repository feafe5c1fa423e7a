//! Progress and cancellation: the core reports the stage and the fraction of planned work done, and
//! checks the cancel flag after every chunk (so an abort lands within one chunk's time).
use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// The stages of a run, in order (a run with `readoutEveryStep` repeats readout and test after each step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a thread (set by the binding before the run starts).
    Queued,
    Start,
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

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Queued => write!(f, "queued"),
            Stage::Start => write!(f, "start"),
            Stage::Preprocess => write!(f, "estimating the labels' mean and linear part"),
            Stage::Step { step, of } => write!(f, "step {step}/{of}"),
            Stage::Readout { after } => write!(f, "readout after step {after}"),
            Stage::Test { after } => write!(f, "test error after step {after}"),
            Stage::Done => write!(f, "done"),
        }
    }
}

/// The stage's text as a TypeScript type (a test checks every stage's Display against it).
pub const STAGE_TS: &str =
    "\"queued\" | \"start\" | \"estimating the labels' mean and linear part\" | `step ${number}/${number}` \
| `readout after step ${number}` | `test error after step ${number}` | \"done\"";

impl Serialize for Stage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a run reports as it goes: its stage and the fraction of its planned work done, 0..1 (the facade
/// builds it from the binding's handle; this type gives it its TypeScript shape).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Progress"))]
pub struct Report {
    pub stage: Stage,
    pub fraction: f64,
}

/// What a run calls with its stage's text and the fraction done.
pub type Reporter<'a> = dyn Fn(&str, f64) + Sync + 'a;

pub struct Progress<'a> {
    total: f64,
    done: f64,
    /// The current stage's text, made once per stage (reports come after every chunk).
    stage: String,
    report: &'a (dyn Fn(&str, f64) + Sync),
    cancel: &'a AtomicBool,
}

impl<'a> Progress<'a> {
    pub fn new(total: f64, report: &'a (dyn Fn(&str, f64) + Sync), cancel: &'a AtomicBool) -> Self {
        Progress { total: total.max(1.0), done: 0.0, stage: Stage::Start.to_string(), report, cancel }
    }

    pub fn set_total(&mut self, total: f64) {
        self.total = total.max(1.0);
    }

    pub fn stage(&mut self, stage: Stage) -> Result<()> {
        self.stage = stage.to_string();
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

#[cfg(test)]
mod ts {
    use super::{Stage, STAGE_TS};
    use ts_rs::{Config, TS};

    impl TS for Stage {
        type WithoutGenerics = Self;
        type OptionInnerType = Self;
        fn name(_: &Config) -> String {
            "Stage".into()
        }
        fn inline(_: &Config) -> String {
            STAGE_TS.into()
        }
        fn decl(_: &Config) -> String {
            format!("type Stage = {STAGE_TS};")
        }
        fn docs() -> Option<String> {
            Some("/**\n * The stage a run reports, in order (readout and test repeat after each step with readoutEveryStep).\n */\n".into())
        }
        fn output_path() -> Option<std::path::PathBuf> {
            Some("Stage.ts".into())
        }
    }

    #[test]
    fn every_stage_matches_its_typescript_type() {
        let alternatives: Vec<String> = STAGE_TS
            .split(" | ")
            .map(|a| a.trim_matches(|c| c == '"' || c == '`').replace("${number}", "\u{0}"))
            .collect();
        let matches = |text: &str, pattern: &str| {
            let parts: Vec<&str> = pattern.split('\u{0}').collect();
            let mut rest = text;
            parts.iter().enumerate().all(|(i, part)| {
                if i == 0 {
                    rest.strip_prefix(part).map(|r| rest = r).is_some()
                } else {
                    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                    digits > 0 && rest[digits..].strip_prefix(part).map(|r| rest = r).is_some()
                }
            }) && rest.is_empty()
        };
        for stage in [
            Stage::Queued,
            Stage::Start,
            Stage::Preprocess,
            Stage::Step { step: 2, of: 13 },
            Stage::Readout { after: 1 },
            Stage::Test { after: 10 },
            Stage::Done,
        ] {
            let text = stage.to_string();
            assert!(alternatives.iter().any(|a| matches(&text, a)), "{text} is not one of {STAGE_TS}");
        }
    }
}
