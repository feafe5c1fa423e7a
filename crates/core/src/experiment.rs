//! One run of the protocol (docs/model.md §4): T giant steps, the readout, the test error, the baselines,
//! and the metrics after every step. `run` is the core's single entry point.
use crate::activation::Activation;
use crate::config::{Batches, Config, Precision, Preprocess, ReadoutBatch, ResolvedConfig, Sampler};
use crate::data::{BatchId, Frame, LabelShift, Problem, Scratch};
use crate::error::{Error, Result};
use crate::metrics::{self, Overlap};
use crate::network::Network;
use crate::progress::{Progress, Reporter, Stage};
use crate::readout::{self, Fit, Labels};
use crate::rng::Purpose;
use crate::target::{self, Target};
use crate::train::{self, StepInputs};
use crate::Real;
use ndarray::{Array1, Array2};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RunResult {
    /// The fully resolved config (with `n`, `learningRate` and `seed`).
    #[cfg_attr(test, ts(type = "Config"))]
    pub config: ResolvedConfig,
    pub engine_version: String,
    pub target: TargetInfo,
    /// Overlaps of W0.
    pub initial: Overlap,
    /// One entry per gradient step: `steps[0]` is the first step and the weights after it.
    pub steps: Vec<StepRecord>,
    /// Readout on the final weights.
    pub test_error: Option<f64>,
    pub train_error: f64,
    pub baselines: Baselines,
    pub timing: Timing,
    pub memory_estimate_bytes: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TargetInfo {
    pub name: String,
    pub expression: String,
    pub k: usize,
    pub mean: f64,
    pub variance: f64,
    pub c1: Vec<f64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StepRecord {
    pub step: usize,
    pub overlap: Overlap,
    /// cos(G_i, w*_j) for each tracked neuron i (rows) and direction j.
    pub update_cos: Vec<Vec<f64>>,
    /// ΔM_i / ‖ΔM_i‖ for each tracked neuron.
    pub in_plane: Vec<Vec<f64>>,
    /// Mean ‖η G_i‖ over neurons: the size of the step.
    pub mean_update_norm: f64,
    /// Readout errors after this step (with `readoutEveryStep`, and always for the last step).
    pub test_error: Option<f64>,
    pub train_error: Option<f64>,
    /// The random-features baseline fitted on this step's batch (with `readoutEveryStep`, `baselines` and
    /// `readoutBatch: same`, where each step count reads out on its own batch).
    pub random_features: Option<Errors>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Errors {
    pub test_error: Option<f64>,
    pub train_error: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Baselines {
    /// The same readout on σ(Z W0ᵀ) (T = 0), on the same data.
    pub random_features: Option<Errors>,
    /// Population error of the best linear predictor: Var(y) − ‖C_1*‖² (+ noise).
    pub linear_kernel: LinearKernel,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LinearKernel {
    pub test_error: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Timing {
    pub seconds: f64,
    pub stages: StageSeconds,
}

/// Seconds spent in each kind of pass (0 for a kind the run did not have).
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StageSeconds {
    /// Estimating the labels' shift (`preprocess train` or `notebook`).
    pub preprocess: f64,
    /// The gradient steps.
    pub steps: f64,
    /// Fitting the readouts (the network's and the baselines').
    pub readout: f64,
    /// The test passes.
    pub test: f64,
}

/// A kind of pass whose seconds a run reports.
#[derive(Clone, Copy, Debug)]
enum Timed {
    Preprocess,
    Steps,
    Readout,
    Test,
}

impl StageSeconds {
    fn slot(&mut self, kind: Timed) -> &mut f64 {
        match kind {
            Timed::Preprocess => &mut self.preprocess,
            Timed::Steps => &mut self.steps,
            Timed::Readout => &mut self.readout,
            Timed::Test => &mut self.test,
        }
    }

    fn total(&self) -> f64 {
        self.preprocess + self.steps + self.readout + self.test
    }

    /// Adds `share` of `other`'s seconds (a shared baseline pass split over the runs that share it).
    fn add_share(&mut self, other: &StageSeconds, share: f64) {
        self.preprocess += other.preprocess * share;
        self.steps += other.steps * share;
        self.readout += other.readout * share;
        self.test += other.test * share;
    }
}

/// Runs one experiment. `memory_limit` is the bytes the caller allows; `report(stage, fraction)` is
/// called after every chunk; setting `cancel` stops the run within one chunk with `Error::Cancelled`.
pub fn run(config: Config, memory_limit: u64, report: &Reporter<'_>, cancel: &AtomicBool) -> Result<RunResult> {
    run_prepared(prepare(config, memory_limit)?, report, cancel)
}

/// Resolves a config (`Config::resolve`) and checks its memory need against `memory_limit`: what
/// `run_prepared` takes, so that a caller can size a run once before starting it.
pub fn prepare(config: Config, memory_limit: u64) -> Result<ResolvedConfig> {
    let cfg = config.resolve()?;
    cfg.check_memory(memory_limit)?;
    Ok(cfg)
}

/// Runs a config that `prepare` returned.
pub fn run_prepared(cfg: ResolvedConfig, report: &Reporter<'_>, cancel: &AtomicBool) -> Result<RunResult> {
    // Cancellable: a first Ctrl-C during a long moment quadrature stops the run.
    let target = Target::parse_cancellable(&cfg.target, cancel)?;
    let activation = Activation::parse(&cfg.activation)?;
    match cfg.precision {
        Precision::F64 => Runner::<f64>::new(cfg, target, activation, report, cancel).run(),
        Precision::F32 => Runner::<f32>::new(cfg, target, activation, report, cancel).run(),
    }
}

struct Runner<'a, T: Real> {
    cfg: ResolvedConfig,
    problem: Problem,
    activation: Activation,
    progress: Progress<'a>,
    shifts: HashMap<(Purpose, u64), LabelShift>,
    stage_seconds: StageSeconds,
    scratch: Scratch<T>,
    /// The random-features baseline is fitted by the caller, with other targets' (`run_group`).
    baseline_shared: bool,
}

/// Relative cost per row of each kind of pass, for the progress fraction.
struct Costs {
    estimate: f64,
    step: f64,
    fit: f64,
    test: f64,
}

impl<'a, T: Real> Runner<'a, T> {
    fn new(
        cfg: ResolvedConfig,
        target: Target,
        activation: Activation,
        report: &'a Reporter<'a>,
        cancel: &'a AtomicBool,
    ) -> Self {
        let init_seed = cfg.init_seed.unwrap_or(cfg.seed);
        let w_star = target::directions(target.k, cfg.d, init_seed);
        let problem = Problem { target, w_star, noise: cfg.noise, seed: cfg.seed };
        let mut runner = Runner {
            problem,
            scratch: Scratch::default(),
            activation,
            progress: Progress::new(1.0, report, cancel),
            shifts: HashMap::new(),
            stage_seconds: StageSeconds::default(),
            baseline_shared: false,
            cfg,
        };
        runner.progress.set_total(planned_flops(&runner.cfg));
        runner
    }

    fn train_batch(&self, t: usize) -> BatchId {
        train_batch(&self.cfg, t)
    }

    fn readout_batch(&self, t: usize) -> BatchId {
        readout_batch(&self.cfg, t)
    }

    /// The label shifts of the readout after `t` steps: on its batch, and on the test set.
    fn readout_shifts(&mut self, t: usize) -> Result<(LabelShift, LabelShift)> {
        let shift = self.shift(self.readout_batch(t))?;
        let test_shift = match self.cfg.preprocess {
            // The notebook's compatibility mode re-estimates the shift on the test labels.
            Preprocess::Notebook if self.cfg.n_test > 0 => self.shift(test_batch(&self.cfg))?,
            _ => shift.clone(),
        };
        Ok((shift, test_shift))
    }

    /// The coordinates of a pass that uses the first layers `weights`.
    fn frame(&self, weights: &[&Array2<f64>]) -> Frame {
        match self.cfg.sampler {
            Sampler::Projected => Frame::projected(weights, &self.problem.w_star),
            _ => Frame::full(&self.problem.w_star),
        }
    }

    fn timed<R>(&mut self, kind: Timed, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let start = Instant::now();
        let out = f(self);
        *self.stage_seconds.slot(kind) += start.elapsed().as_secs_f64();
        out
    }

    /// The label shift subtracted on `batch` (docs/model.md §4.4), estimated once per batch.
    fn shift(&mut self, batch: BatchId) -> Result<LabelShift> {
        match self.cfg.preprocess {
            Preprocess::None => return Ok(LabelShift::zero()),
            Preprocess::Hermite => {
                let m = &self.problem.target.moments;
                let b = self.problem.w_star.t().dot(&Array1::from(m.c1.clone()));
                return Ok(LabelShift { a: m.mean, b: Some(b) });
            }
            Preprocess::Train | Preprocess::Notebook => {}
        }
        if let Some(s) = self.shifts.get(&(batch.purpose, batch.index)) {
            return Ok(s.clone());
        }
        let cost = costs(&self.cfg).estimate;
        let shift = self.timed(Timed::Preprocess, |r| {
            r.progress.stage(Stage::Preprocess)?;
            let Runner { problem, progress, cfg, scratch, .. } = r;
            problem.estimate_shift::<T, _>(batch, cfg.chunk, &mut scratch.data, |rows| {
                progress.advance(rows as f64 * cost)
            })
        })?;
        self.shifts.insert((batch.purpose, batch.index), shift.clone());
        Ok(shift)
    }

    /// Readouts for each first layer in `models`, fitted on the readout batch after `t` steps, and their
    /// test errors.
    fn evaluate(&mut self, models: &[&Array2<f64>], t: usize) -> Result<Vec<(Fit, Option<f64>)>> {
        let (shift, test_shift) = self.readout_shifts(t)?;
        let frame = self.frame(models);
        let Runner { cfg, problem, activation, progress, scratch, stage_seconds, .. } = self;
        let fit_on = [Labels { problem, frame: &frame, shift: &shift }];
        let test_on = [Labels { problem, frame: &frame, shift: &test_shift }];
        let pass = Pass { cfg, activation, progress, scratch, stage_seconds };
        let evals = evaluate(pass, &fit_on, &test_on, models, t)?;
        Ok(evals.into_iter().map(|mut per_target| per_target.remove(0)).collect())
    }

    fn step(&mut self, w: &mut Array2<f64>, a: &Array1<f64>, t: usize) -> Result<StepRecord> {
        let batch = self.train_batch(t);
        let shift = self.shift(batch)?;
        let cost = costs(&self.cfg).step;
        let (total, residual, act) = (self.cfg.steps, self.cfg.residual, self.activation.clone());
        let frame = self.frame(&[w]);
        let chunk = self.cfg.chunk;
        let grad = self.timed(Timed::Steps, |r| {
            r.progress.stage(Stage::Step { step: t, of: total })?;
            let Runner { problem, progress, scratch, .. } = r;
            let inputs = StepInputs { problem, activation: act, residual, batch, shift: &shift, frame: &frame, chunk };
            train::gradient::<T>(&inputs, w, a, scratch, |rows| progress.advance(rows as f64 * cost))
        })?;
        let before = w.clone();
        let eta = self.cfg.learning_rate();
        train::apply_step(w, &grad, eta, self.cfg.normalize);
        let overlap = metrics::overlap(w, &self.problem.w_star, self.cfg.cos_threshold, self.cfg.track_neurons);
        if !overlap.mean_norm.is_finite() || w.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                "eta",
                format!("step {t} produced non-finite weights with learning rate {eta:.4e}: lower eta"),
            ));
        }
        let (k_neurons, w_star) = (self.cfg.track_neurons, &self.problem.w_star);
        let p = w.nrows() as f64;
        Ok(StepRecord {
            step: t,
            overlap,
            update_cos: metrics::update_cosines(&grad, w_star, k_neurons),
            in_plane: metrics::in_plane_directions(&before, w, w_star, k_neurons),
            mean_update_norm: eta * grad.rows().into_iter().map(|r| r.dot(&r).sqrt()).sum::<f64>() / p,
            test_error: None,
            train_error: None,
            random_features: None,
        })
    }

    /// Refuses weights whose features would overflow the working precision, naming the cause (the
    /// activation at initialisation, eta after a step) before the readout meets them as a matrix that is
    /// "not positive definite" or as an ordinary-looking error. The pre-activations wᵢ·x are N(0, ‖wᵢ‖²),
    /// so |σ| and |σ'| are bounded at ±8 max‖wᵢ‖; products of two features, summed over a batch, must stay
    /// finite: |σ| ≤ √MAX / 10⁴.
    fn check_feature_range(&self, w: &Array2<f64>, t: usize) -> Result<()> {
        let reach = 8.0 * w.rows().into_iter().map(|r| r.dot(&r).sqrt()).fold(0.0, f64::max);
        let act = &self.activation;
        let largest = [reach, -reach]
            .iter()
            .flat_map(|&x| [act.value(x).abs(), act.derivative(x).abs()])
            .fold(0.0, |m: f64, v| if v.is_nan() { f64::NAN } else { m.max(v) });
        let limit = T::max_value().to_f64_lossy().sqrt() / 1e4;
        if largest <= limit {
            return Ok(());
        }
        let precision = match self.cfg.precision {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
        };
        let or_f64 = if self.cfg.precision == Precision::F32 { ", or use precision f64" } else { "" };
        if t == 0 {
            return Err(Error::numerical(
                "activation",
                format!("σ or σ' reaches {largest:.3e} on the pre-activations at initialisation (|wᵢ·x| up to {reach:.3}), beyond what {precision} features can hold (|σ| ≤ {limit:.1e}): use an activation that grows more slowly{or_f64}"),
            ));
        }
        Err(Error::numerical(
            "eta",
            format!(
                "after step {t} the pre-activations reach |wᵢ·x| ≈ {reach:.3e}, where σ or σ' is {largest:.3e}, beyond what {precision} features can hold (|σ| ≤ {limit:.1e}): lower eta (learning rate {:.4e}){or_f64}, or use an activation that grows more slowly",
                self.cfg.learning_rate()
            ),
        ))
    }

    /// W0 and a0, checked for the working precision.
    fn initial(&self) -> Result<Network> {
        let net0 = Network::init(&self.cfg, self.cfg.init_seed.unwrap_or(self.cfg.seed));
        self.check_feature_range(&net0.w, 0)?;
        Ok(net0)
    }

    /// Step `t` on `w`, checked for the working precision.
    fn checked_step(&mut self, w: &mut Array2<f64>, a: &Array1<f64>, t: usize) -> Result<StepRecord> {
        let record = self.step(w, a, t)?;
        self.check_feature_range(w, t)?;
        Ok(record)
    }

    fn run(&mut self) -> Result<RunResult> {
        let start = Instant::now();
        let net0 = self.initial()?;
        let mut w = net0.w.clone();
        let steps = self.cfg.steps;
        let mut records = Vec::with_capacity(steps);
        for t in 1..=steps {
            let mut record = self.checked_step(&mut w, &net0.a, t)?;
            if self.cfg.readout_every_step && t < steps {
                let models: Vec<&Array2<f64>> =
                    if baseline_every_step(&self.cfg) { vec![&w, &net0.w] } else { vec![&w] };
                let mut evals = self.evaluate(&models, t)?;
                let (fit, test) = evals.remove(0);
                record.train_error = Some(fit.train_error);
                record.test_error = test;
                record.random_features =
                    evals.pop().map(|(rf, rf_test)| Errors { test_error: rf_test, train_error: rf.train_error });
            }
            records.push(record);
        }
        let with_baseline = self.cfg.baselines && steps > 0 && !self.baseline_shared;
        let models: Vec<&Array2<f64>> = if with_baseline { vec![&w, &net0.w] } else { vec![&w] };
        let mut evals = self.evaluate(&models, steps)?;
        let (fit, test_error) = evals.remove(0);
        let random_features = match (with_baseline, evals.pop()) {
            (true, Some((rf, rf_test))) => Some(Errors { test_error: rf_test, train_error: rf.train_error }),
            // Without steps the network is the random-features model itself.
            _ if self.cfg.baselines && steps == 0 => Some(Errors { test_error, train_error: fit.train_error }),
            _ => None,
        };
        if let Some(last) = records.last_mut() {
            last.train_error = Some(fit.train_error);
            last.test_error = test_error;
            if baseline_every_step(&self.cfg) {
                last.random_features = random_features.clone();
            }
        }
        if !self.baseline_shared {
            // A group's member is done only when the group's shared baseline is.
            self.progress.stage(Stage::Done)?;
        }
        let t = &self.problem.target;
        Ok(RunResult {
            target: TargetInfo {
                name: t.name.clone(),
                expression: t.expression.clone(),
                k: t.k,
                mean: t.moments.mean,
                variance: t.moments.variance,
                c1: t.moments.c1.clone(),
            },
            initial: metrics::overlap(&net0.w, &self.problem.w_star, self.cfg.cos_threshold, self.cfg.track_neurons),
            steps: records,
            test_error,
            train_error: fit.train_error,
            baselines: Baselines {
                random_features,
                linear_kernel: LinearKernel { test_error: t.linear_kernel_error(self.cfg.noise) },
            },
            timing: Timing { seconds: start.elapsed().as_secs_f64(), stages: self.stage_seconds },
            memory_estimate_bytes: self.cfg.memory_estimate(),
            engine_version: crate::ENGINE_VERSION.to_string(),
            config: self.cfg.clone(),
        })
    }
}

/// The first layer before and after the config's steps, exactly as `run` trains it (the same seeds and
/// streams), without the readout: for theory evaluated on a drawn network.
pub struct TrainedLayers {
    pub w0: Array2<f64>,
    pub w: Array2<f64>,
    /// The target's directions (k × d).
    pub w_star: Array2<f64>,
}

/// Trains a resolved config's first layer (its `steps`), as `run` does.
pub fn trained_layers(
    cfg: &ResolvedConfig,
    target: Target,
    activation: Activation,
    cancel: &AtomicBool,
) -> Result<TrainedLayers> {
    let ignore = |_: Stage, _: f64| {};
    match cfg.precision {
        Precision::F64 => Runner::<f64>::new(cfg.clone(), target, activation, &ignore, cancel).trained_layers(),
        Precision::F32 => Runner::<f32>::new(cfg.clone(), target, activation, &ignore, cancel).trained_layers(),
    }
}

impl<T: Real> Runner<'_, T> {
    fn trained_layers(mut self) -> Result<TrainedLayers> {
        let net0 = self.initial()?;
        let mut w = net0.w.clone();
        for t in 1..=self.cfg.steps {
            self.checked_step(&mut w, &net0.a, t)?;
        }
        Ok(TrainedLayers { w0: net0.w, w, w_star: self.problem.w_star })
    }
}

/// Runs configs that differ only in their target, as `run` would run each, but fits and tests their
/// random-features baseline (the same W0 on the same data; only the labels differ) in one pass for all:
/// one feature pass, one kernel or normal-equations factorization and one test pass instead of one per
/// target. Results are identical to separate runs; the baseline's seconds are split evenly among them.
/// The members run one after another on one set of buffers, so a group needs one run's memory. `report`
/// sees the group's fraction done.
pub fn run_group(
    configs: Vec<Config>,
    memory_limit: u64,
    report: &Reporter<'_>,
    cancel: &AtomicBool,
) -> Result<Vec<RunResult>> {
    run_group_prepared(prepare_group(configs, memory_limit)?, report, cancel)
}

/// `prepare` for each member of a group, and the check that they can share one baseline pass.
pub fn prepare_group(configs: Vec<Config>, memory_limit: u64) -> Result<Vec<ResolvedConfig>> {
    let cfgs = configs
        .into_iter()
        .enumerate()
        .map(|(i, config)| prepare(config, memory_limit).map_err(member(i)))
        .collect::<Result<Vec<_>>>()?;
    check_group(&cfgs)?;
    Ok(cfgs)
}

fn member(i: usize) -> impl Fn(Error) -> Error {
    move |e: Error| e.within(&format!("config {i} of the group"))
}

/// Runs a group that `prepare_group` returned.
pub fn run_group_prepared(
    cfgs: Vec<ResolvedConfig>,
    report: &Reporter<'_>,
    cancel: &AtomicBool,
) -> Result<Vec<RunResult>> {
    let mut targets = Vec::with_capacity(cfgs.len());
    for (i, cfg) in cfgs.iter().enumerate() {
        targets.push(Target::parse_cancellable(&cfg.target, cancel).map_err(member(i))?);
    }
    let activation = Activation::parse(&cfgs[0].activation)?;
    // Progress by planned work: each member's own passes, then the shared baseline's.
    let baseline = baseline_flops(&cfgs[0]);
    let own = planned_flops(&cfgs[0]) - baseline;
    let total = own * cfgs.len() as f64 + baseline;
    let reports: Vec<_> = (0..=cfgs.len())
        .map(|i| {
            let (start, size) = (own * i as f64, if i < cfgs.len() { own } else { baseline });
            move |stage: Stage, f: f64| report(stage, (start + f.min(1.0) * size) / total)
        })
        .collect();
    let reports: Vec<&Reporter<'_>> = reports.iter().map(|r| r as &Reporter<'_>).collect();
    match cfgs[0].precision {
        Precision::F64 => run_group_in::<f64>(cfgs, targets, activation, &reports, cancel),
        Precision::F32 => run_group_in::<f32>(cfgs, targets, activation, &reports, cancel),
    }
}

/// Product flops of one model's readout and test (the random-features baseline's share of a run).
fn baseline_flops(cfg: &ResolvedConfig) -> f64 {
    let c = costs(cfg);
    cfg.n_readout() as f64 * c.fit + cfg.n_test as f64 * c.test
}

/// Refuses configs that cannot share one baseline pass, naming the field: they must differ in their target
/// only, and have one baseline, fitted after the last step (not one per step's batch), in full coordinates
/// (the projected sampler's frame depends on the target).
fn check_group(cfgs: &[ResolvedConfig]) -> Result<()> {
    let first = cfgs.first().ok_or_else(|| Error::invalid("configs", "a group needs at least one config"))?;
    if let Some((field, what)) = unshared_baseline(first) {
        return Err(Error::invalid(
            field,
            format!("a group shares its random-features baseline pass, which needs {what}"),
        ));
    }
    let fields = |c: &ResolvedConfig| match serde_json::to_value(c).expect("configs serialize") {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a config serializes to an object"),
    };
    let reference = fields(first);
    for (i, cfg) in cfgs.iter().enumerate().skip(1) {
        let here = fields(cfg);
        let differing: Vec<_> =
            reference.iter().filter(|(key, value)| *key != "target" && here.get(*key) != Some(*value)).collect();
        // A field the user set before one derived from it (n and the learning rate follow d, p, κ, …).
        let derived = |key: &str| key == "n" || key == "learningRate";
        if let Some((key, value)) = differing.iter().find(|(key, _)| !derived(key)).or(differing.first()) {
            let theirs = here.get(*key).map_or("nothing".to_string(), |v| v.to_string());
            return Err(Error::invalid(
                key,
                format!("config {i} of the group has {theirs} where config 0 has {value}: a group's runs differ only in target"),
            ));
        }
    }
    Ok(())
}

fn run_group_in<T: Real>(
    cfgs: Vec<ResolvedConfig>,
    targets: Vec<Target>,
    activation: Activation,
    reports: &[&Reporter<'_>],
    cancel: &AtomicBool,
) -> Result<Vec<RunResult>> {
    let mut runners: Vec<Runner<T>> = cfgs
        .into_iter()
        .zip(targets)
        .zip(reports)
        .map(|((cfg, target), member_report)| {
            let mut runner = Runner::new(cfg, target, activation.clone(), *member_report, cancel);
            runner.baseline_shared = true;
            runner.progress.set_total(planned_flops(&runner.cfg) - baseline_flops(&runner.cfg));
            runner
        })
        .collect();
    // One set of buffers, handed from member to member and then to the baseline pass.
    let mut scratch = Scratch::<T>::default();
    let mut results = Vec::with_capacity(runners.len());
    for runner in &mut runners {
        runner.scratch = std::mem::take(&mut scratch);
        results.push(runner.run()?);
        scratch = std::mem::take(&mut runner.scratch);
    }
    let cfg = runners[0].cfg.clone();
    let shifts = runners.iter_mut().map(|r| r.readout_shifts(cfg.steps)).collect::<Result<Vec<_>>>()?;
    // W0 is the same for every member (same seed and sizes): drawn again rather than kept through the runs.
    let w0 = Network::init(&cfg, cfg.init_seed.unwrap_or(cfg.seed)).w;
    let frames: Vec<Frame> = runners.iter().map(|r| Frame::full(&r.problem.w_star)).collect();
    let labels = |i: usize, test: bool| {
        let shift = if test { &shifts[i].1 } else { &shifts[i].0 };
        Labels { problem: &runners[i].problem, frame: &frames[i], shift }
    };
    let fit_on: Vec<Labels> = (0..runners.len()).map(|i| labels(i, false)).collect();
    let test_on: Vec<Labels> = (0..runners.len()).map(|i| labels(i, true)).collect();
    let mut progress = Progress::new(baseline_flops(&cfg), reports[reports.len() - 1], cancel);
    let mut seconds = StageSeconds::default();
    let pass = Pass {
        cfg: &cfg,
        activation: &activation,
        progress: &mut progress,
        scratch: &mut scratch,
        stage_seconds: &mut seconds,
    };
    let baseline = evaluate(pass, &fit_on, &test_on, &[&w0], cfg.steps)?.remove(0);
    progress.stage(Stage::Done)?;
    let share = 1.0 / results.len() as f64;
    for (result, (fit, test_error)) in results.iter_mut().zip(baseline) {
        result.baselines.random_features = Some(Errors { test_error, train_error: fit.train_error });
        result.timing.stages.add_share(&seconds, share);
        result.timing.seconds += seconds.total() * share;
    }
    Ok(results)
}

/// A fitted readout and its test error (None without a test set).
type Evaluation = (Fit, Option<f64>);

/// What a readout pass borrows from its run.
struct Pass<'r, 'a, T> {
    cfg: &'r ResolvedConfig,
    activation: &'r Activation,
    progress: &'r mut Progress<'a>,
    scratch: &'r mut Scratch<T>,
    stage_seconds: &'r mut StageSeconds,
}

fn timed<R>(seconds: &mut StageSeconds, kind: Timed, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let out = f();
    *seconds.slot(kind) += start.elapsed().as_secs_f64();
    out
}

/// Fits a readout for each first layer in `models` and each target on the readout batch after `t` steps
/// (`fit_on[i]`: target i's labels there), and tests each on the test set (`test_on[i]`): one pass each,
/// whose features every target shares. `[model][target]`.
fn evaluate<T: Real>(
    pass: Pass<'_, '_, T>,
    fit_on: &[Labels],
    test_on: &[Labels],
    models: &[&Array2<f64>],
    t: usize,
) -> Result<Vec<Vec<Evaluation>>> {
    let Pass { cfg, activation, progress, scratch, stage_seconds } = pass;
    let costs = costs(cfg);
    let batch = readout_batch(cfg, t);
    let fits = timed(stage_seconds, Timed::Readout, || {
        progress.stage(Stage::Readout { after: t })?;
        let cost = costs.fit * models.len() as f64;
        readout::fit::<T>(fit_on, models, activation, batch, cfg.lambda, cfg.chunk, scratch, |rows| {
            progress.advance(rows as f64 * cost)
        })
    })?;
    if cfg.n_test == 0 {
        return Ok(fits.into_iter().map(|f| f.into_iter().map(|f| (f, None)).collect()).collect());
    }
    let test = test_batch(cfg);
    let errors = timed(stage_seconds, Timed::Test, || {
        progress.stage(Stage::Test { after: t })?;
        let pairs: Vec<_> = models.iter().copied().zip(fits.iter().map(|f| f.iter().collect())).collect();
        let cost = costs.test * models.len() as f64;
        readout::test_errors::<T>(test_on, &pairs, activation, test, cfg.chunk, scratch, |rows| {
            progress.advance(rows as f64 * cost)
        })
    })?;
    if let Some(bad) = errors.iter().flatten().find(|e| !e.is_finite()) {
        return Err(Error::numerical("eta", format!("the test error is {bad}: the features overflowed; lower eta")));
    }
    Ok(fits.into_iter().zip(errors).map(|(f, e)| f.into_iter().zip(e).map(|(f, e)| (f, Some(e))).collect()).collect())
}

fn costs(cfg: &ResolvedConfig) -> Costs {
    let (d, p) = (cfg.d as f64, cfg.p as f64);
    Costs { estimate: d, step: 4.0 * d * p, fit: 2.0 * d * p + 2.0 * p * p, test: 2.0 * d * p }
}

/// A resolved config with what a planner reads beside it. For TypeScript, ts-rs types the estimates
/// (`PlannerEstimates`) and the contract joins them to `Config` as `ResolvedConfig`, so that no field of
/// `Config` is declared twice.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "PlannerEstimates"))]
pub struct Resolved {
    #[serde(flatten)]
    #[cfg_attr(test, ts(skip))]
    pub config: ResolvedConfig,
    /// Bytes the run will hold (`Config::memory_estimate`).
    pub memory_estimate_bytes: u64,
    /// The run's planned floating-point operations (`planned_flops`).
    pub work_flops: f64,
}

impl Resolved {
    /// Of a config that `Config::resolve` returned.
    pub fn of(config: ResolvedConfig) -> Resolved {
        Resolved { memory_estimate_bytes: config.memory_estimate(), work_flops: planned_flops(&config), config }
    }
}

/// Why a run's random-features baseline cannot be shared with runs that differ only in their target: the
/// field and what it needs; `None` when it can.
fn unshared_baseline(cfg: &ResolvedConfig) -> Option<(&'static str, &'static str)> {
    let needs = [
        ("baselines", cfg.baselines, "baselines on"),
        ("steps", cfg.steps > 0, "at least one step"),
        ("sampler", cfg.sampler == Sampler::Full, "sampler full (the projected sampler's frame depends on the target)"),
        (
            "readoutEveryStep",
            !baseline_every_step(cfg),
            "one baseline after the last step (not one per step's batch, as readoutEveryStep with readoutBatch same fits)",
        ),
    ];
    needs.into_iter().find(|(_, ok, _)| !ok).map(|(field, _, what)| (field, what))
}

/// The key shared by resolved runs that `run_group` can run together (the same config but the target), or
/// `None` for a run whose baseline cannot be shared: what a sweep's planner groups by.
pub fn baseline_group(cfg: &ResolvedConfig) -> Option<String> {
    if unshared_baseline(cfg).is_some() {
        return None;
    }
    let mut value = serde_json::to_value(cfg).expect("configs serialize");
    value.as_object_mut().expect("a config serializes to an object").remove("target");
    // serde_json's maps keep their keys sorted, so equal configs give equal text.
    Some(value.to_string())
}

fn baseline_every_step(cfg: &ResolvedConfig) -> bool {
    cfg.baselines && cfg.readout_every_step && cfg.readout_batch == ReadoutBatch::Same
}

fn models(cfg: &ResolvedConfig) -> f64 {
    if cfg.baselines && cfg.steps > 0 {
        2.0
    } else {
        1.0
    }
}

fn train_batch(cfg: &ResolvedConfig, t: usize) -> BatchId {
    let index = match cfg.batches {
        Batches::Fresh => t.max(1) as u64,
        Batches::Reuse => 1,
    };
    BatchId { purpose: Purpose::Train, index, rows: cfg.n() }
}

fn test_batch(cfg: &ResolvedConfig) -> BatchId {
    BatchId { purpose: Purpose::Test, index: 0, rows: cfg.n_test }
}

fn readout_batch(cfg: &ResolvedConfig, t: usize) -> BatchId {
    match cfg.readout_batch {
        ReadoutBatch::Same => train_batch(cfg, t),
        ReadoutBatch::Fresh => BatchId { purpose: Purpose::Readout, index: 0, rows: cfg.n_readout() },
    }
}

/// Floating-point operations of a resolved config's run, from the batch plan the run follows: the
/// progress total, and the cost model of sweeps (ETAs, dry runs, shard balance) through the binding.
pub fn planned_flops(cfg: &ResolvedConfig) -> f64 {
    let c = costs(cfg);
    let (n, n_readout, n_test, steps) = (cfg.n() as f64, cfg.n_readout() as f64, cfg.n_test as f64, cfg.steps);
    let readout_steps: Vec<usize> = if cfg.readout_every_step { (1..=steps.max(1)).collect() } else { vec![steps] };
    let estimated = match cfg.preprocess {
        Preprocess::Train | Preprocess::Notebook => {
            let mut batches: Vec<(Purpose, u64, usize)> = (1..=steps)
                .map(|t| train_batch(cfg, t))
                .chain(readout_steps.iter().map(|t| readout_batch(cfg, *t)))
                .map(|b| (b.purpose, b.index, b.rows))
                .collect();
            batches.sort_by_key(|(p, i, _)| (*p as u64, *i));
            batches.dedup();
            let test = if cfg.preprocess == Preprocess::Notebook && n_test > 0.0 { n_test } else { 0.0 };
            batches.iter().map(|b| b.2 as f64).sum::<f64>() + test
        }
        _ => 0.0,
    };
    let readouts = readout_steps.len() as f64 - 1.0;
    estimated * c.estimate
        + steps as f64 * n * c.step
        // Intermediate readouts fit W_t (and W0 when each step count has its own batch); the last one
        // also fits the baseline on W0.
        + (readouts * if baseline_every_step(cfg) { 2.0 } else { 1.0 } + models(cfg))
            * (n_readout * c.fit + n_test * c.test)
}
