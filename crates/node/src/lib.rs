//! The Node binding: conversions only. Configs and results cross as JSON strings (the TypeScript facade
//! owns their types); runs go to the libuv thread pool as `AsyncTask`s; a `RunHandle` carries the cancel
//! flag in and the progress out (polled by the facade, so no callback crosses threads).
use giantstep_core::config::fields;
use giantstep_core::config::ResolvedConfig;
use giantstep_core::error::{ErrorBody, ErrorKind};
use giantstep_core::progress::Stage;
use giantstep_core::{Config, Error as CoreError};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Cancel flag and latest progress of one run.
#[napi]
pub struct RunHandle {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<(Stage, f64)>>,
}

#[napi]
impl RunHandle {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        RunHandle { cancel: Arc::new(AtomicBool::new(false)), progress: Arc::new(Mutex::new((Stage::Queued, 0.0))) }
    }

    /// Asks the run to stop; it rejects with code "Cancelled" after the current chunk.
    #[napi]
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The stage, as JSON (a tagged `Stage`: `{"kind":"step","step":2,"of":6}`).
    #[napi(getter)]
    pub fn stage(&self) -> String {
        let stage = self.progress.lock().map(|p| p.0).unwrap_or(Stage::Queued);
        serde_json::to_string(&stage).expect("stages serialize")
    }

    #[napi(getter)]
    pub fn fraction(&self) -> f64 {
        self.progress.lock().map(|p| p.1).unwrap_or(0.0)
    }
}

/// An engine error as the facade reads it: the message is an `ErrorBody` as JSON, so nothing has to be
/// parsed out of English.
fn structured(status: Status, body: ErrorBody) -> Error {
    Error::new(status, serde_json::to_string(&body).expect("error bodies serialize"))
}

/// A fault of the engine or the binding, never of the caller's input.
fn internal(message: String) -> Error {
    structured(Status::GenericFailure, ErrorBody { kind: ErrorKind::Internal, field: None, message })
}

fn to_js_error(e: CoreError) -> Error {
    let status = match e {
        CoreError::Cancelled => Status::Cancelled,
        CoreError::Invalid { .. } | CoreError::Resource { .. } => Status::InvalidArg,
        CoreError::Numerical { .. } => Status::GenericFailure,
    };
    structured(status, e.body())
}

fn guarded<T>(f: impl FnOnce() -> std::result::Result<T, CoreError>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_js_error),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Err(internal(format!("internal error in the giantstep engine (please report): {msg}")))
        }
    }
}

pub struct RunTask {
    /// Configs that `prepare` (one) or `prepare_group` (a group) returned.
    configs: Vec<ResolvedConfig>,
    group: bool,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<(Stage, f64)>>,
}

impl Task for RunTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<String> {
        let progress = self.progress.clone();
        let report = move |stage: Stage, fraction: f64| {
            if let Ok(mut p) = progress.lock() {
                *p = (stage, fraction);
            }
        };
        let configs = std::mem::take(&mut self.configs);
        guarded(|| {
            if self.group {
                let results = giantstep_core::run_group_prepared(configs, &report, &self.cancel)?;
                return Ok(serde_json::to_string(&results).expect("results serialize"));
            }
            let config = configs.into_iter().next().expect("one prepared config");
            let result = giantstep_core::run_prepared(config, &report, &self.cancel)?;
            Ok(serde_json::to_string(&result).expect("results serialize"))
        })
    }

    fn resolve(&mut self, _env: Env, output: String) -> Result<String> {
        Ok(output)
    }
}

/// A cancellable engine computation off the main thread (a theory curve, a target's analysis), resolving
/// to JSON; the handle's `cancel()` stops it at its next checkpoint with a `cancelled` error.
pub struct CallTask {
    call: Option<EngineCall>,
    cancel: Arc<AtomicBool>,
}

/// The work of a CallTask: given the cancel flag, JSON or an engine error.
type EngineCall = Box<dyn FnOnce(&AtomicBool) -> std::result::Result<String, CoreError> + Send>;

impl Task for CallTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<String> {
        let call = self.call.take().expect("a task computes once");
        let cancel = self.cancel.clone();
        guarded(move || call(&cancel))
    }

    fn resolve(&mut self, _env: Env, output: String) -> Result<String> {
        Ok(output)
    }
}

fn call_task(
    handle: &RunHandle,
    call: impl FnOnce(&AtomicBool) -> std::result::Result<String, CoreError> + Send + 'static,
) -> AsyncTask<CallTask> {
    AsyncTask::new(CallTask { call: Some(Box::new(call)), cancel: handle.cancel.clone() })
}

/// A run, or a group's runs, checked against the field table, resolved and sized in one call, before it
/// starts: the facade counts `memoryBytes` against the runs in flight, then calls `start` once.
#[napi]
pub struct PreparedRun {
    configs: Option<Vec<ResolvedConfig>>,
    group: bool,
    memory_bytes: f64,
}

#[napi]
impl PreparedRun {
    /// `json` is one config, or for a group a JSON array of configs that differ only in their target;
    /// each must fit `memory_limit_bytes` alone.
    #[napi(constructor)]
    pub fn new(json: String, group: bool, memory_limit_bytes: f64) -> Result<Self> {
        guarded(|| {
            let limit = memory_limit_bytes.max(0.0) as u64;
            let configs = if group {
                giantstep_core::prepare_group(Config::list_from_given_json(&json)?, limit)?
            } else {
                vec![giantstep_core::prepare(Config::from_given_json(&json)?, limit)?]
            };
            // A group's members run one after another on one set of buffers.
            let memory_bytes = configs.iter().map(ResolvedConfig::memory_estimate).max().unwrap_or(0) as f64;
            Ok(PreparedRun { configs: Some(configs), group, memory_bytes })
        })
    }

    /// The bytes the run will hold.
    #[napi(getter)]
    pub fn memory_bytes(&self) -> f64 {
        self.memory_bytes
    }

    /// Runs it off the main thread (once); resolves to the result as JSON (a group: the results, in order).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn start(&mut self, handle: &RunHandle) -> Result<AsyncTask<RunTask>> {
        let configs =
            self.configs.take().ok_or_else(|| internal("a prepared run starts once: prepare it again".to_string()))?;
        Ok(AsyncTask::new(RunTask {
            configs,
            group: self.group,
            cancel: handle.cancel.clone(),
            progress: handle.progress.clone(),
        }))
    }
}

/// Resolves a config (n, learning rate) and checks it and its memory need; returns the resolved JSON
/// with `memoryEstimateBytes` and `workFlops` (the run's planned floating-point operations) added.
#[napi]
pub fn resolve_config(config_json: String, memory_limit_bytes: f64) -> Result<String> {
    guarded(|| {
        let config =
            giantstep_core::prepare(Config::from_given_json(&config_json)?, memory_limit_bytes.max(0.0) as u64)?;
        check_target_and_activation(&config.target, &config.activation)?;
        Ok(serde_json::to_string(&giantstep_core::Resolved::of(config)).expect("configs serialize"))
    })
}

/// Checks a config as the user gave it (any subset of fields): every key a field, every value of its
/// field's kind and in its range. The one validator of config fields, whatever the config came from.
#[napi]
pub fn check_config(config_json: String) -> Result<()> {
    guarded(|| fields::check_given(&mut fields::parse_json(&config_json, "config")?, fields::Reading::Given))
}

/// Pairs of (target, activation) already checked in this process. Parsing a target checks its moments by
/// quadrature (tens of milliseconds for five directions), and a sweep's plan resolves every point: a plan of
/// 100 points over one target analysed it 100 times (5 s). Bounded: cleared when full.
static CHECKED: Mutex<Option<std::collections::HashSet<(String, String)>>> = Mutex::new(None);
const MAX_CHECKED: usize = 1024;

fn check_target_and_activation(target: &str, activation: &str) -> giantstep_core::Result<()> {
    let key = (target.to_string(), activation.to_string());
    if CHECKED.lock().map(|c| c.as_ref().is_some_and(|set| set.contains(&key))).unwrap_or(false) {
        return Ok(());
    }
    giantstep_core::target::Target::parse(target)?;
    giantstep_core::activation::Activation::parse(activation)?;
    if let Ok(mut checked) = CHECKED.lock() {
        let set = checked.get_or_insert_with(Default::default);
        if set.len() >= MAX_CHECKED {
            set.clear();
        }
        set.insert(key);
    }
    Ok(())
}

/// What a sweep's planner needs of a run, as JSON `{flops, baselineGroup}`: its planned floating-point
/// operations and the key of the runs it can share a baseline pass with (null: none). Of a resolved
/// config as it stands (a sweep's job, whose steps and readouts may differ from its runs'), else of the
/// config once resolved.
#[napi]
pub fn plan_run(config_json: String) -> Result<String> {
    guarded(|| {
        let resolved = ResolvedConfig::as_resolved(Config::from_json(&config_json)?)?;
        let plan = serde_json::json!({
            "flops": giantstep_core::planned_flops(&resolved),
            "baselineGroup": giantstep_core::baseline_group(&resolved),
        });
        Ok(plan.to_string())
    })
}

/// The config field table (kind, range, choices, default, symbol, doc of every field), as JSON.
#[napi]
pub fn config_fields() -> String {
    giantstep_core::config::fields::table_json().to_string()
}

#[napi]
pub fn engine_version() -> String {
    giantstep_core::ENGINE_VERSION.to_string()
}

/// The Hermite analysis and learnability prediction of a target (preset or expression), as JSON.
#[napi]
pub fn describe_target(target: String) -> Result<String> {
    guarded(|| Ok(serde_json::to_string(&giantstep_core::target::describe(&target)?).expect("serializes")))
}

/// `describeTarget` off the main thread, cancellable through `handle`.
#[napi(ts_return_type = "Promise<string>")]
pub fn describe_target_async(target: String, handle: &RunHandle) -> AsyncTask<CallTask> {
    call_task(handle, move |cancel| {
        Ok(serde_json::to_string(&giantstep_core::target::describe_cancellable(&target, cancel)?).expect("serializes"))
    })
}

/// μ_0..μ_12, E[σ'²] and the information exponent of an activation, as JSON.
#[napi]
pub fn describe_activation(activation: String) -> Result<String> {
    guarded(|| {
        Ok(serde_json::to_string(&giantstep_core::activation::Activation::parse(&activation)?.facts())
            .expect("serializes"))
    })
}

/// A theory answer (`{"kind": "one-step" | "drift" | "overlaps" | "error" | "phase-diagram", ...}`), as JSON;
/// a call that would need more than `memory_limit_bytes` is refused naming what to reduce.
#[napi]
pub fn theory(request_json: String, memory_limit_bytes: f64) -> Result<String> {
    guarded(|| giantstep_core::theory::compute_json(&request_json, memory_limit_bytes.max(0.0) as u64))
}

/// `theory` off the main thread, cancellable through `handle`.
#[napi(ts_return_type = "Promise<string>")]
pub fn theory_async(request_json: String, memory_limit_bytes: f64, handle: &RunHandle) -> AsyncTask<CallTask> {
    let limit = memory_limit_bytes.max(0.0) as u64;
    call_task(handle, move |cancel| giantstep_core::theory::compute_json_cancellable(&request_json, limit, cancel))
}
