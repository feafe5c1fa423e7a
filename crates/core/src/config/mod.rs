//! The experiment's configuration (docs/model.md §3–§5), its resolution (n from κ or α, η from its rule)
//! and its checks, including the memory guard.
pub mod fields;

use fields::{choices, int, nullable_row, number, positive, row, Kind, MAX_DIM, MAX_N};

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// κ when none of `n`, `kappa`, `alpha` is given: the middle point of the single-step notebook. A macro, so
/// that the field table's text (`concat!`) and `resolve()` read one literal.
macro_rules! default_kappa {
    () => {
        1.65
    };
}
/// `sampler auto` picks `projected` when its step pass is predicted to cost at most this share of the full
/// sampler's (a margin for the cost model's error; see `sampler_costs`).
macro_rules! projected_max_cost_share {
    () => {
        0.8
    };
}
pub const DEFAULT_KAPPA: f64 = default_kappa!();
pub const PROJECTED_MAX_COST_SHARE: f64 = projected_max_cost_share!();

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum EtaRule {
    /// η = eta.
    Raw,
    /// η = eta · p · d^((ℓ−1)/2), the scaling that makes order-ℓ signal O(1) at n = α d^ℓ.
    PD,
    /// η = eta · √(n p) (single-step notebook, eta = 10).
    SqrtNp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Batches {
    /// A fresh batch for every step (the paper).
    Fresh,
    /// One batch reused by every step (follow-up papers).
    Reuse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ReadoutBatch {
    /// The batch of the last step (single-step notebook).
    Same,
    /// A fresh batch of size n.
    Fresh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Preprocess {
    None,
    /// Subtract A = mean(y), B = mean(y z) estimated on each training batch.
    Train,
    /// Subtract the exact C_0* + ⟨C_1*, W* z⟩.
    Hermite,
    /// Train-side estimates for training, test-side estimates for the test prediction (the notebook's leak).
    Notebook,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Precision {
    F64,
    F32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum InitW {
    /// Rows i.i.d. N(0, I/d).
    Gaussian,
    /// Rows uniform on the unit sphere.
    Sphere,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum InitA {
    /// a_i i.i.d. N(0, 1/p).
    Gaussian,
    /// a_i = ±1/√p with random signs.
    Signs,
    /// Multi-step notebook: first 20 neurons +1/√p, next 20 −1/√p, the rest random signs.
    Notebook,
    /// a_i = 1/√p for every neuron (the one-step asymptotics simulations of Cui et al. 2024).
    Ones,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Residual {
    /// y − f(z): the gradient of the squared loss.
    Full,
    /// y alone (drops the network's own output).
    Labels,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Normalize {
    None,
    /// Rescale each row to unit norm after the step.
    Project,
    /// Remove each row's radial part of the update, step, then rescale to unit norm.
    Spherical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Sampler {
    /// Projected or full, as `Config::resolve_sampler` decides.
    Auto,
    /// Gaussian batches in R^d.
    Full,
    /// Exact low-dimensional sampling in span(W, W*) (fresh batches only; see `train::gradient`).
    Projected,
}

/// Declares `Config` and, beside each field, its row of the field table (`fields::FIELDS`: kind, range,
/// paper symbol, docs), so that a field and its row are written once, in one place; `None` for what
/// `resolve()` sets rather than a user. The table names each row after its field.
macro_rules! config_with_fields {
    ($(#[$meta:meta])* pub struct Config { $($field:ident : $ty:ty => $row:expr),* $(,)? }) => {
        $(#[$meta])*
        pub struct Config { $(pub $field: $ty,)* }

        /// Each field's Rust name and row, in the struct's order.
        const FIELD_ROWS: &[(&str, Option<fields::Row>)] = &[$((stringify!($field), $row)),*];
    };
}

config_with_fields! {
    /// Every option of a run, each with its row of the field table (kind, range, paper symbol, docs; from
    /// which docs/config.md and `--help` are generated); its default is `Config::default()`. Field names are
    /// the JSON/TS names (camelCase); the CLI flags are their kebab-case forms.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields, default)]
    #[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ConfigFields"))]
    pub struct Config {
        d: usize => row(int(1, Some(MAX_DIM)), "d", "input dimension", ""),
        p: usize => row(int(1, Some(MAX_DIM)), "p", "width (hidden neurons)", ""),
        n: Option<usize> => row(
            int(1, Some(MAX_N)),
            "n",
            "batch size per step (or give kappa, or alpha with ell)",
            concat!(
                "Give one of `n`, `kappa` (n = round(d^κ)) or `alpha` with `ell` (n = round(α d^ℓ)); with none, κ = ",
                default_kappa!(),
                ".",
            ),
        ),
        kappa: Option<f64> => row(
            number(Some(0.0), Some(6.0)),
            "κ",
            concat!("n = round(d^kappa); ", default_kappa!(), " when neither n nor alpha is given"),
            "",
        ),
        alpha: Option<f64> => row(positive(Some(1e12)), "α", "n = round(alpha * d^ell)", ""),
        ell: Option<f64> => row(
            number(Some(0.0), Some(6.0)),
            "ℓ",
            "exponent with alpha; also the l of etaRule p-d",
            "Defaults to 1 with `alpha`, and the resolved config stores it (so `etaRule p-d` uses the ℓ that built n).",
        ),
        steps: usize => row(
            int(0, Some(1000)),
            "T",
            "number of giant steps T on the first layer",
            "The second layer stays frozen (model.md §4).",
        ),
        target: String => row(
            Kind::String,
            "g*",
            "preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk",
            "See [targets-and-theory.md](targets-and-theory.md).",
        ),
        noise: f64 => row(number(Some(0.0), Some(1e12)), "", "label noise variance", "y = g*(W*z) + √noise ξ."),
        activation: String => row(
            Kind::String,
            "σ",
            "relu, tanh, erf, sigmoid, softplus, gelu, He1..He12 (any case), or an expression in x such as x*tanh(x)",
            "`gelu` is x Φ(x). A name is stored in its canonical spelling (Relu runs as relu).",
        ),
        eta: f64 => row(number(None, None), "η", "learning rate, or its coefficient c under etaRule", ""),
        eta_rule: EtaRule => row(
            choices(&["raw", "p-d", "sqrt-np"]),
            "",
            "raw: eta; p-d: eta*p*d^((l-1)/2); sqrt-np: eta*sqrt(n*p)",
            "ℓ from `ell`, else `kappa`, else log n / log d. `sqrt-np` with eta = 10 is the single-step notebook; the \
             multi-step notebook's η = 2p at n = d is `p-d` with eta = 2. With several steps, `p-d` at κ > 1.5 makes the \
             first step saturate but the later steps diverge (measured on Figure 1's network, d = 256, p = 86): for \
             multi-step runs at large κ keep η ∝ p (`raw`, or `p-d` with ell 1).",
        ),
        learning_rate: Option<f64> => None,
        lambda: f64 => row(
            positive(None),
            "λ",
            "ridge penalty of the readout",
            "â = argmin Σ (ỹ − ⟨a, σ(Wz)⟩/√p)² + λ‖a‖² (a sum, as the notebooks).",
        ),
        n_test: usize => row(int(0, Some(MAX_N)), "", "fresh test samples (0: no test error)", ""),
        batches: Batches => row(choices(&["fresh", "reuse"]), "", "a fresh batch per step, or one batch reused", ""),
        readout_batch: ReadoutBatch => row(
            choices(&["same", "fresh"]),
            "",
            "fit the readout on the last step's batch or a fresh one",
            "`same` is the single-step notebook; `fresh` the later scripts.",
        ),
        preprocess: Preprocess => row(
            choices(&["none", "train", "hermite", "notebook"]),
            "",
            "label pre-processing (docs/model.md §4.4)",
            "Subtract the labels' mean and linear part before the step and the readout, and add them back in \
             predictions: `train` (A = mean y, B = mean yz on each training batch); `hermite` (the exact C₀* + ⟨C₁*, W*z⟩); \
             `notebook` (train-side for training, but A, B re-estimated **from the test labels** for the test prediction, \
             as the notebook did — a leak, offered for comparison only).",
        ),
        alpha_readout: Option<f64> => row(
            positive(Some(1e12)),
            "n_readout/d (α of Cui et al.)",
            "readout samples per dimension: n_readout = round(alphaReadout*d) (readoutBatch fresh; default n)",
            "The readout's own sample count, as in the one-step asymptotics of Cui et al. (2024), where the step's \
             batch is n₀ = α₀d (`alpha`) and the readout's n = αd; needs `readoutBatch fresh`.",
        ),
        precision: Precision => row(
            choices(&["f64", "f32"]),
            "",
            "working precision of the streamed passes",
            "`f32` accumulates across chunks in f64.",
        ),
        seed: u64 => row(Kind::Seed, "", "data seed", "Batches, test set, noise."),
        init_seed: Option<u64> => nullable_row(
            Kind::Seed,
            "",
            "seed of W*, W0, a0 (null: use seed, redrawn per seed)",
            "A number fixes them across seeds (the notebooks); null redraws them per seed (later scripts).",
        ),
        init_w: InitW => row(
            choices(&["gaussian", "sphere"]),
            "W₀",
            "first layer init: N(0, I/d) rows or unit sphere",
            "",
        ),
        init_a: InitA => row(
            choices(&["gaussian", "signs", "notebook", "ones"]),
            "a₀",
            "second layer: N(0,1/p), +-1/sqrt(p), 20 +, 20 -, rest random, or all +1/sqrt(p)",
            "`notebook`: the first 20 neurons +1/√p, the next 20 −1/√p, the rest random signs (the multi-step \
             notebook); `ones`: every aᵢ = 1/√p (the one-step asymptotics simulations).",
        ),
        symmetric: bool => row(
            Kind::Bool,
            "",
            "paired neurons with opposite a (network output 0 at init)",
            "Neuron i + p/2 copies wᵢ with −aᵢ (p even).",
        ),
        residual: Residual => row(
            choices(&["full", "labels"]),
            "",
            "gradient residual y - f, or y alone",
            "`labels` drops the network's own output.",
        ),
        normalize: Normalize => row(
            choices(&["none", "project", "spherical"]),
            "",
            "row normalization after each step",
            "`project`: rows to the unit sphere; `spherical`: tangent step, then project.",
        ),
        track_neurons: usize => row(
            int(0, Some(MAX_DIM)),
            "",
            "neurons whose update cosines are recorded (the first K)",
            "Their `neuronCos`, `updateCos` and `inPlane`.",
        ),
        cos_threshold: f64 => row(number(Some(0.0), Some(1.0)), "", "|cos| threshold for fracAbove", ""),
        readout_every_step: bool => row(
            Kind::Bool,
            "",
            "fit the readout and test after every step",
            "Errors for T = 1..steps in one run.",
        ),
        baselines: bool => row(Kind::Bool, "", "also fit the random-features baseline (readout on W0)", ""),
        chunk: usize => row(
            Kind::Int { min: 256, max: Some(MAX_DIM), multiple_of: Some(crate::rng::BLOCK_ROWS as u64) },
            "",
            "rows generated and consumed at once (multiple of 256)",
            "Results do not depend on it beyond rounding.",
        ),
        sampler: Sampler => row(
            choices(&["auto", "full", "projected"]),
            "",
            "batches in R^d, or exactly in span(W, W*) (fresh batches only); auto picks",
            concat!(
                "`projected` is exact only with fresh batches everywhere (`batches fresh`, `readoutBatch fresh`) and \
                 `preprocess none` or `hermite`; `auto` resolves to `projected` when the run qualifies and a step's \
                 pass is predicted to take at most ",
                projected_max_cost_share!(),
                " of the full sampler's by the cost model measured with \
                 `npm run bench:sampler` (docs/performance.md), else `full` — the resolved config records which.",
            ),
        ),
    }
}

/// A config that `resolve()` accepted: its batch size, learning rate and sampler are set, and every rule
/// that ties fields together holds. The engine runs only these. It reads as the config (`Deref`), and as
/// JSON it is the config with `n`, `learningRate` and `sampler` filled in.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ResolvedConfig {
    config: Config,
    #[serde(skip)]
    n: usize,
    #[serde(skip)]
    learning_rate: f64,
}

impl std::ops::Deref for ResolvedConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.config
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            d: 512,
            p: 1024,
            n: None,
            kappa: None,
            alpha: None,
            ell: None,
            steps: 1,
            target: "T-A".into(),
            noise: 0.0,
            activation: "relu".into(),
            eta: 10.0,
            eta_rule: EtaRule::SqrtNp,
            learning_rate: None,
            lambda: 1.0,
            n_test: 100_000,
            batches: Batches::Fresh,
            readout_batch: ReadoutBatch::Same,
            alpha_readout: None,
            preprocess: Preprocess::Train,
            precision: Precision::F64,
            seed: 0,
            init_seed: None,
            init_w: InitW::Gaussian,
            init_a: InitA::Gaussian,
            symmetric: false,
            residual: Residual::Full,
            normalize: Normalize::None,
            track_neurons: 40,
            cos_threshold: 0.5,
            readout_every_step: false,
            baselines: true,
            chunk: 4096,
            sampler: Sampler::Auto,
        }
    }
}

/// The table's bound on n, as the resolved batch size is checked in floating point.
const MAX_N_F64: f64 = MAX_N as f64;
/// Bytes of JSON text per number of the result (17 significant digits, separators).
const JSON_BYTES_PER_NUMBER: u64 = 24;
/// Largest result accepted, as JSON text: well below V8's ~512 MB string limit, which the binding's
/// JSON string must cross.
pub const MAX_RESULT_BYTES: u64 = 256_000_000;
/// Peak bytes per result number: the records in Rust (Vec<Vec<f64>> rows), the JSON string, its copy on
/// the JS side and the parsed arrays (measured: d = 8, p = 1000, steps = 1000, trackNeurons = 1000 peaked
/// at 2.0 GB for 6M numbers).
const RECORD_BYTES: u64 = 300;
/// What `resolveConfig` adds beside a resolved config (`experiment::Resolved`): read past, not fields.
const PLANNER_KEYS: [&str; 2] = ["memoryEstimateBytes", "workFlops"];

impl Config {
    /// A config as a user gives it, from JSON: only the table's fields, each checked by the table first
    /// (`fields::check_given`), so that a bad value gets the table's message, not serde's.
    pub fn from_given_json(json: &str) -> Result<Config> {
        Self::read(fields::parse_json(json, "config")?, fields::Reading::Given)
    }

    /// A config from JSON that may also be resolved (a sweep's job carries its `learningRate`, and what
    /// `resolveConfig` returned its memory and flops beside it).
    pub fn from_json(json: &str) -> Result<Config> {
        let mut value = fields::parse_json(json, "config")?;
        if let Some(map) = value.as_object_mut() {
            PLANNER_KEYS.iter().for_each(|k| drop(map.remove(*k)));
        }
        Self::read(value, fields::Reading::Resolved)
    }

    /// A JSON array of configs as a user gives them (a group run); errors say which, as a group's run does.
    pub fn list_from_given_json(json: &str) -> Result<Vec<Config>> {
        let serde_json::Value::Array(entries) = fields::parse_json(json, "configs")? else {
            return Err(Error::invalid("configs", "must be an array of configs"));
        };
        let read = |(i, entry)| {
            Self::read(entry, fields::Reading::Given).map_err(|e: Error| e.within(&format!("config {i} of the group")))
        };
        entries.into_iter().enumerate().map(read).collect()
    }

    fn read(mut value: serde_json::Value, reading: fields::Reading) -> Result<Config> {
        fields::check_given(&mut value, reading)?;
        crate::named::from_object(value, "config")
    }

    /// Fills n (from κ or α·d^ℓ, rounded to the nearest integer) and the learning rate, and checks
    /// every field.
    pub fn resolve(mut self) -> Result<ResolvedConfig> {
        // Kinds and ranges from the field table; below, only the rules that tie fields together.
        fields::check(&self)?;
        let d = self.d as f64;
        let given = [self.n.is_some(), self.kappa.is_some(), self.alpha.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(Error::invalid("n", "give only one of n, kappa, alpha (with ell) to set the batch size"));
        }
        if self.ell.is_some() && self.alpha.is_none() && self.n.is_some() {
            return Err(Error::invalid("ell", "ell goes with alpha (n = alpha·d^ell)"));
        }
        let n = if let Some(n) = self.n {
            n as f64
        } else if let Some(kappa) = self.kappa {
            d.powf(kappa).round()
        } else if let Some(alpha) = self.alpha {
            // ell defaults to 1 with alpha, and the resolved config stores it: η's p-d rule reads it too.
            let ell = *self.ell.get_or_insert(1.0);
            (alpha * d.powf(ell)).round()
        } else {
            self.kappa = Some(DEFAULT_KAPPA);
            d.powf(DEFAULT_KAPPA).round()
        };
        if !(1.0..=MAX_N_F64).contains(&n) {
            return Err(Error::invalid("n", format!("the batch size resolves to {n}; it must be between 1 and 1e12")));
        }
        let n = n as usize;
        self.n = Some(n);
        self.check_rules()?;
        // One activation, one run key: Relu and relu resolve alike.
        if let Some(name) = crate::activation::Activation::canonical_name(&self.activation) {
            self.activation = name;
        }
        let learning_rate = self.eta_value(n);
        self.learning_rate = Some(learning_rate);
        self.sampler = self.resolve_sampler(n)?;
        Ok(ResolvedConfig { config: self, n, learning_rate })
    }

    /// The rules that tie fields together once n is set (the ways of setting n aside): the readout batch's
    /// size, paired neurons.
    fn check_rules(&self) -> Result<()> {
        if let Some(alpha) = self.alpha_readout {
            if self.readout_batch != ReadoutBatch::Fresh {
                return Err(Error::invalid(
                    "alphaReadout",
                    "sets the size of a fresh readout batch: give readoutBatch fresh too (with readoutBatch same the readout uses the last step's batch)",
                ));
            }
            let rows = (alpha * self.d as f64).round();
            if !(1.0..=MAX_N_F64).contains(&rows) {
                return Err(Error::invalid(
                    "alphaReadout",
                    format!("the readout batch resolves to {rows} samples; it must be between 1 and 1e12"),
                ));
            }
        }
        if self.symmetric && self.p % 2 == 1 {
            return Err(Error::invalid("symmetric", "symmetric init pairs neurons: p must be even"));
        }
        Ok(())
    }

    /// The projected sampler is exact only when every batch is fresh — each step's and the readout's —
    /// and pre-processing uses no data estimate (a batch-estimated linear part, or a readout on the step's
    /// own batch, couples samples through the orthogonal part of z).
    fn projected_blocker(&self) -> Option<&'static str> {
        if self.batches != Batches::Fresh {
            Some("batches must be fresh (a reused batch couples the steps through z)")
        } else if self.readout_batch != ReadoutBatch::Fresh {
            Some("readoutBatch must be fresh (the readout on the step's own batch couples it to the gradient)")
        } else if matches!(self.preprocess, Preprocess::Train | Preprocess::Notebook) {
            Some("preprocess must be none or hermite (a data-estimated linear part couples the samples)")
        } else {
            None
        }
    }

    /// Auto picks the projected sampler when it is exact and its step pass is predicted to take at most
    /// `PROJECTED_MAX_COST_SHARE` of the full sampler's.
    fn resolve_sampler(&self, n: usize) -> Result<Sampler> {
        match (self.sampler, self.projected_blocker()) {
            (Sampler::Projected, Some(why)) => Err(Error::invalid(
                "sampler",
                format!("the projected sampler is exact only with fresh batches: {why}; use sampler full or auto"),
            )),
            (Sampler::Auto, None) => {
                let (full, projected) = sampler_costs(self.d, self.p, n);
                Ok(if projected <= PROJECTED_MAX_COST_SHARE * full { Sampler::Projected } else { Sampler::Full })
            }
            (Sampler::Auto, _) => Ok(Sampler::Full),
            (chosen, _) => Ok(chosen),
        }
    }

    /// The ℓ of n = Θ(d^ℓ) for a batch of `n`: the given ell, or κ, or log n / log d.
    fn ell_for(&self, n: usize) -> f64 {
        self.ell.or(self.kappa).unwrap_or_else(|| (n as f64).ln() / (self.d as f64).ln().max(f64::MIN_POSITIVE))
    }

    /// The learning rate of a batch of `n` under the config's rule.
    fn eta_value(&self, n: usize) -> f64 {
        let (n_f, p, d) = (n as f64, self.p as f64, self.d as f64);
        match self.eta_rule {
            EtaRule::Raw => self.eta,
            EtaRule::PD => self.eta * p * d.powf((self.ell_for(n) - 1.0) / 2.0),
            EtaRule::SqrtNp => self.eta * (n_f * p).sqrt(),
        }
    }

    /// Numbers in the result (an upper bound, with k = 8 when the target cannot be parsed): per step
    /// and for W0, the tracked neurons' cosines, update cosines and in-plane directions (3 × tracked × k)
    /// and the overlap summaries; saturating.
    pub fn result_numbers(&self) -> u64 {
        let k = crate::target::preset_expression(self.target.trim())
            .map_or_else(|| crate::target::expr::parse(&self.target), |e| crate::target::expr::parse(&e))
            .map(|e| e.dimension().clamp(1, 8))
            .unwrap_or(8) as u64;
        let tracked = self.track_neurons.min(self.p) as u64;
        let per_step = tracked.saturating_mul(3 * k).saturating_add(4 * k + 16);
        (self.steps as u64).saturating_add(1).saturating_mul(per_step).saturating_add(1024)
    }
}

impl ResolvedConfig {
    /// The batch size of each step.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The learning rate η the step uses (from eta and etaRule).
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Samples the readout is fitted on: round(alphaReadout·d) for a fresh batch of that size, else n.
    pub fn n_readout(&self) -> usize {
        match (self.readout_batch, self.alpha_readout) {
            (ReadoutBatch::Fresh, Some(alpha)) => (alpha * self.d as f64).round() as usize,
            _ => self.n,
        }
    }

    /// The ℓ of n = Θ(d^ℓ): the given ell, or κ, or log n / log d.
    pub fn ell_value(&self) -> f64 {
        self.config.ell_for(self.n)
    }

    /// A config read back as the engine resolved it, taken as it stands, for the planner (its work and its
    /// baseline group): a sweep's job, whose steps and readouts may differ from its runs', or a shape the
    /// planner probes (its n changed, its learning rate kept). It must pass the table, the rules that tie
    /// fields together and an exact sampler; its learning rate is read as given. A config that was never
    /// resolved is resolved now. Runs take `resolve()`'s, never these.
    pub fn as_resolved(config: Config) -> Result<ResolvedConfig> {
        let (Some(n), Some(learning_rate), Sampler::Full | Sampler::Projected) =
            (config.n, config.learning_rate, config.sampler)
        else {
            return config.resolve();
        };
        fields::check(&config)?;
        config.check_rules()?;
        // A concrete sampler resolves to itself, or is refused where it is inexact.
        config.resolve_sampler(n)?;
        Ok(ResolvedConfig { config, n, learning_rate })
    }

    /// Peak bytes the run will hold: weights (f64 master copies of W, W0, previous W, gradient), one chunk
    /// of data and activations in the working precision, the readout's normal equations, and the per-step
    /// records with the result's JSON text (RECORD_BYTES per number). Checked arithmetic: a size that
    /// overflows u64 reads u64::MAX (refused by `check_memory`).
    pub fn memory_estimate(&self) -> u64 {
        self.memory_estimate_checked().unwrap_or(u64::MAX)
    }

    fn memory_estimate_checked(&self) -> Option<u64> {
        let (d, p, c) = (self.d as u64, self.p as u64, self.chunk as u64);
        let n = self.n_readout() as u64;
        let word: u64 = match self.precision {
            Precision::F64 => 8,
            Precision::F32 => 4,
        };
        let mul = |factors: &[u64]| factors.iter().try_fold(1u64, |acc, f| acc.checked_mul(*f));
        let sum = |terms: &[Option<u64>]| terms.iter().try_fold(0u64, |acc, t| acc.checked_add((*t)?));
        let pd = mul(&[p, d])?;
        let weights = sum(&[pd.checked_mul(5 * 8), pd.checked_mul(2 * word)])?;
        let chunk = mul(&[c, d.checked_add(p.checked_mul(3)?)?, word])?;
        let models = if self.baselines { 2 } else { 1 };
        // What every model accumulates (the dual form: the features of the whole, small, batch; the primal:
        // XᵀX), plus one solve's workspace: the system matrix, the factorization's working copy and its
        // factor (and the primal's copy of XᵀX for the train error).
        let readout = if n < p {
            sum(&[mul(&[models, n, p, 8]), mul(&[3, n, n, 8])])?
        } else {
            sum(&[mul(&[models, p, p, 8]), mul(&[4, p, p, 8])])?
        };
        let records = self.result_numbers().checked_mul(RECORD_BYTES)?;
        sum(&[Some(weights), Some(chunk), Some(readout), Some(records), Some(64 * 1024 * 1024)])
    }

    /// Refuses a run whose estimate exceeds `limit` bytes.
    pub fn check_memory(&self, limit: u64) -> Result<()> {
        let numbers = self.result_numbers();
        if numbers.saturating_mul(JSON_BYTES_PER_NUMBER) > MAX_RESULT_BYTES {
            return Err(Error::resource(
                "trackNeurons",
                format!(
                    "the result would hold about {numbers} numbers (trackNeurons × steps × k × 3), about {} MB of JSON; the limit is {} MB: lower trackNeurons or steps",
                    numbers.saturating_mul(JSON_BYTES_PER_NUMBER) / 1_000_000,
                    MAX_RESULT_BYTES / 1_000_000
                ),
            ));
        }
        let need = self.memory_estimate();
        if need == u64::MAX {
            return Err(Error::resource(
                "p",
                format!(
                    "this run is too large to size (d = {}, p = {}: its memory need overflows 64 bits): reduce p or d",
                    self.d, self.p
                ),
            ));
        }
        if need > limit {
            // As many decimals as it takes for the two numbers to differ (need > limit): never "20.2 GB but 20.2 GB".
            let digits = (1..=9)
                .find(|&k| format!("{:.k$}", need as f64 / 1e9) != format!("{:.k$}", limit as f64 / 1e9))
                .unwrap_or(9);
            let gb = |b: u64| format!("{:.digits$} GB", b as f64 / 1e9);
            // Name what dominates: the per-step records (trackNeurons × steps × k), or the weights and readout.
            let records = self.result_numbers().saturating_mul(RECORD_BYTES);
            let (field, fix) = if records > need / 2 {
                (
                    "trackNeurons",
                    format!(
                        "lower trackNeurons or steps (the per-step records of the tracked neurons take about {})",
                        gb(records)
                    ),
                )
            } else {
                ("p", "reduce p or d (weights and the readout's p×p system dominate), or use precision f32".to_string())
            };
            return Err(Error::resource(
                field,
                format!("this run needs about {} but {} are available: {fix}", gb(need), gb(limit)),
            ));
        }
        Ok(())
    }
}

/// Cost of one step's pass over n samples with the full and the projected sampler, in matrix-product
/// flops, by the model `npm run bench:sampler` fits on this machine (bench/results/2026-12-02-sampler.md,
/// 24 cells, d = 128…2048, p = 16…1024, the samplers alternating). Full: per sample 4dp product flops and
/// d normal draws; projected, in a span of r = p + k dimensions: 4pr + p² flops and r draws per sample,
/// then per pass the orthonormal basis (Gram–Schmidt, d·r² at vector speed) and the exact correction
/// for the rest of z (about 8dpr product flops). A normal draw, with the per-row work that scales like
/// it, costs as much as 336 product flops; a Gram–Schmidt flop 19. The bench fits with its target's k = 2;
/// the config is resolved before its target is analysed, so r here takes k = 8, the most any preset has
/// (a slight lean toward `full`).
pub fn sampler_costs(d: usize, p: usize, n: usize) -> (f64, f64) {
    const DRAW: f64 = 336.0;
    const BASIS: f64 = 19.0;
    let (d, p, n) = (d as f64, p as f64, n as f64);
    let r = (p + 8.0).min(d);
    let full = n * (4.0 * d * p + DRAW * d);
    let projected = n * (4.0 * p * r + p * p + DRAW * r) + BASIS * d * r * r + 8.0 * d * p * r;
    (full, projected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> Result<ResolvedConfig> {
        Config::from_json(json)?.resolve()
    }

    /// A named activation resolves to its canonical spelling, so Relu and relu are one run (one key);
    /// an expression in x is kept as written.
    #[test]
    fn named_activations_resolve_to_one_spelling() {
        for (given, resolved) in
            [("Relu", "relu"), ("TANH", "tanh"), ("he3", "He3"), (" gelu ", "gelu"), ("x*tanh(x)", "x*tanh(x)")]
        {
            let c = cfg(&format!(r#"{{"d":16,"p":8,"n":32,"activation":"{given}"}}"#)).unwrap();
            assert_eq!(c.activation, resolved, "{given}");
        }
    }

    /// What `resolveConfig` returns reads back as the config it holds (a sweep plans from it), and a user's
    /// config may not carry the planner's keys.
    #[test]
    fn a_resolved_config_reads_back_past_its_estimates() {
        let resolved = Config::from_given_json(r#"{"d":16,"p":8,"n":64}"#).unwrap().resolve().unwrap();
        let json = serde_json::to_string(&crate::Resolved::of(resolved.clone())).unwrap();
        assert!(json.contains("\"memoryEstimateBytes\"") && json.contains("\"workFlops\""));
        let back = Config::from_json(&json).unwrap();
        assert_eq!(serde_json::to_value(back).unwrap(), serde_json::to_value(resolved).unwrap());
        let given = Config::from_given_json(r#"{"d":16,"workFlops":1}"#).unwrap_err();
        assert_eq!(given.field(), Some("workFlops"));
        // Read back as it stands: a job's config whose steps changed keeps the n and η it was resolved with,
        // where resolving it again would refuse its n beside its kappa.
        let kappa = Config::from_given_json(r#"{"d":16,"p":8,"kappa":1.5}"#).unwrap().resolve().unwrap();
        let job = Config { steps: 3, ..(*kappa).clone() };
        assert_eq!(job.clone().resolve().unwrap_err().field(), Some("n"));
        let again = ResolvedConfig::as_resolved(job).unwrap();
        assert_eq!((again.n(), again.learning_rate(), again.steps), (kappa.n(), kappa.learning_rate(), 3));
        let fresh = ResolvedConfig::as_resolved(Config { d: 16, p: 8, n: Some(64), ..Config::default() }).unwrap();
        assert_eq!(fresh.learning_rate(), 10.0 * (64.0f64 * 8.0).sqrt());
        // Read as it stands, it is held to the rules resolve() applies.
        let refused = |c: Config| ResolvedConfig::as_resolved(c).unwrap_err().field().map(str::to_string);
        assert_eq!(refused(Config { symmetric: true, p: 7, ..(*kappa).clone() }).as_deref(), Some("symmetric"));
        let projected = Config { sampler: Sampler::Projected, batches: Batches::Reuse, ..(*kappa).clone() };
        assert_eq!(refused(projected).as_deref(), Some("sampler"));
    }

    #[test]
    fn batch_size_and_learning_rate_rules() {
        let c = cfg(r#"{"d":512,"p":1024,"kappa":2,"eta":10,"etaRule":"sqrt-np"}"#).unwrap();
        assert_eq!(c.n(), 262_144);
        assert!((c.learning_rate() - 10.0 * (262_144.0f64 * 1024.0).sqrt()).abs() < 1e-6);
        let c = cfg(r#"{"d":100,"p":10,"alpha":3,"ell":2,"eta":0.5,"etaRule":"p-d"}"#).unwrap();
        assert_eq!(c.n(), 30_000);
        assert!((c.learning_rate() - 0.5 * 10.0 * 10.0).abs() < 1e-12);
        let c = cfg(r#"{"d":4096,"p":1024,"n":4096,"eta":2048,"etaRule":"raw"}"#).unwrap();
        assert_eq!(c.learning_rate(), 2048.0);
        assert_eq!(cfg(r#"{"d":512,"kappa":1.3}"#).unwrap().n(), 3327);
    }

    #[test]
    fn alpha_without_ell_resolves_ell_one_for_the_learning_rate_too() {
        // n = αd (ℓ = 1), so η = eta·p·d^0 = 8, not eta·p·d^((log n/log d − 1)/2) = 16.
        let c = cfg(r#"{"d":128,"p":8,"alpha":4,"eta":1,"etaRule":"p-d"}"#).unwrap();
        assert_eq!(c.n(), 512);
        assert_eq!(c.ell, Some(1.0));
        assert_eq!(c.learning_rate(), 8.0);
    }

    #[test]
    fn bad_fields_are_named() {
        assert_eq!(cfg(r#"{"d":0}"#).unwrap_err().field(), Some("d"));
        assert_eq!(cfg(r#"{"d":-3}"#).unwrap_err().field(), Some("d"));
        assert_eq!(cfg(r#"{"bogus":1}"#).unwrap_err().field(), Some("bogus"));
        assert_eq!(cfg(r#"{"n":10,"kappa":1}"#).unwrap_err().field(), Some("n"));
        assert_eq!(cfg(r#"{"lambda":0}"#).unwrap_err().field(), Some("lambda"));
        assert_eq!(cfg(r#"{"etaRule":"fast"}"#).unwrap_err().field(), Some("etaRule"));
        assert_eq!(cfg(r#"{"symmetric":true,"p":7}"#).unwrap_err().field(), Some("symmetric"));
        let err = cfg(r#"{"sampler":"projected","readoutBatch":"same","preprocess":"none"}"#).unwrap_err();
        assert_eq!(err.field(), Some("sampler"));
        assert!(err.to_string().contains("readoutBatch must be fresh"), "{err}");
    }

    #[test]
    fn alpha_readout_sizes_a_fresh_readout_batch_only() {
        let c = cfg(r#"{"d":100,"p":10,"alpha":0.5,"readoutBatch":"fresh","alphaReadout":2.345}"#).unwrap();
        assert_eq!((c.n(), c.n_readout()), (50, 235));
        assert_eq!(cfg(r#"{"d":100,"p":10,"alpha":0.5,"readoutBatch":"fresh"}"#).unwrap().n_readout(), 50);
        let err = cfg(r#"{"d":100,"alphaReadout":2}"#).unwrap_err();
        assert_eq!(err.field(), Some("alphaReadout"));
        assert!(err.message().contains("readoutBatch fresh"), "{err}");
        assert_eq!(
            cfg(r#"{"d":100,"readoutBatch":"fresh","alphaReadout":0.001}"#).unwrap_err().field(),
            Some("alphaReadout")
        );
        assert_eq!(cfg(r#"{"readoutBatch":"fresh","alphaReadout":0}"#).unwrap_err().field(), Some("alphaReadout"));
    }

    #[test]
    fn auto_sampler() {
        let fresh = r#""readoutBatch":"fresh","preprocess":"none""#;
        let c = cfg(&format!(r#"{{"d":4096,"p":16,"kappa":2,{fresh}}}"#)).unwrap();
        assert_eq!(c.sampler, Sampler::Projected);
        assert_eq!(cfg(&format!(r#"{{"d":512,"p":1024,{fresh}}}"#)).unwrap().sampler, Sampler::Full);
        assert_eq!(cfg(&format!(r#"{{"d":256,"p":86,"kappa":2.25,{fresh}}}"#)).unwrap().sampler, Sampler::Projected);
        // Measured (bench/results/2026-12-02-sampler.md): projected/full 0.43–0.54 at d = 1024, p = 256, n = 4096…16384.
        assert_eq!(cfg(&format!(r#"{{"d":1024,"p":256,"n":4096,{fresh}}}"#)).unwrap().sampler, Sampler::Projected);
        assert_eq!(
            cfg(&format!(r#"{{"d":256,"p":86,"kappa":1,{fresh}}}"#)).unwrap().sampler,
            Sampler::Full,
            "n = d too small to amortize the basis"
        );
        // Measured 1.12–1.77: the per-pass basis and correction (O(d r²), O(d p r)) outweigh the rows' savings.
        assert_eq!(cfg(&format!(r#"{{"d":2048,"p":1024,"n":16384,{fresh}}}"#)).unwrap().sampler, Sampler::Full);
        assert_eq!(cfg(&format!(r#"{{"d":4096,"p":1024,"n":4096,{fresh}}}"#)).unwrap().sampler, Sampler::Full);
        assert_eq!(cfg(&format!(r#"{{"d":128,"p":128,"kappa":3,{fresh}}}"#)).unwrap().sampler, Sampler::Full);
        assert_eq!(cfg(r#"{"d":4096,"p":16,"preprocess":"none"}"#).unwrap().sampler, Sampler::Full);
    }

    #[test]
    fn memory_guard_refuses_with_the_estimate() {
        let c = cfg(r#"{"d":100000,"p":100000,"n":10}"#).unwrap();
        let err = c.check_memory(24_000_000_000).unwrap_err().to_string();
        assert!(err.contains("GB"), "{err}");
        let small = cfg(r#"{"d":512,"p":1024,"kappa":2}"#).unwrap();
        assert!(small.memory_estimate() < 300_000_000, "{}", small.memory_estimate());
    }
}
