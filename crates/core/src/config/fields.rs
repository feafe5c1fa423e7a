//! The config field table: kind, range, choices, paper symbol and documentation of every field, in one
//! place. The engine checks configs against it (`check`), the binding exports it (`table_json`), and
//! `npm run contract` generates from it the TypeScript table (zod schema, CLI flags, `ConfigInput`) and
//! docs/config.md. Defaults are not repeated here: they are `Config::default()`'s.
use super::Config;
use crate::error::{Error, Result};
use serde::Serialize;

/// What values a field takes.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Kind {
    #[serde(rename_all = "camelCase")]
    Int {
        min: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        multiple_of: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    Number {
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        exclusive_min: bool,
    },
    Enum {
        choices: &'static [&'static str],
    },
    String,
    Bool,
    /// An integer seed, at most 2^53 − 1 (exact in JavaScript).
    Seed,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: &'static str,
    #[serde(flatten)]
    pub kind: Kind,
    /// `null` is a value of its own (not "unset").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// The paper's symbol (docs/model.md), or "".
    pub symbol: &'static str,
    /// One line, for `--help`.
    pub doc: &'static str,
    /// More, for docs/config.md ("" when the line says it all).
    pub details: &'static str,
}

const MAX_DIM: u64 = 1 << 32;
/// The largest batch size n (and n_test, n_readout): far past memory, small enough that no size product overflows.
pub const MAX_N: u64 = 1_000_000_000_000;
pub const MAX_SEED: u64 = (1 << 53) - 1;

const fn int(min: u64, max: Option<u64>) -> Kind {
    Kind::Int { min, max, multiple_of: None }
}
const fn number(min: Option<f64>, max: Option<f64>) -> Kind {
    Kind::Number { min, max, exclusive_min: false }
}
const fn positive(max: Option<f64>) -> Kind {
    Kind::Number { min: Some(0.0), max, exclusive_min: true }
}
const fn choices(choices: &'static [&'static str]) -> Kind {
    Kind::Enum { choices }
}
const fn field(
    name: &'static str,
    kind: Kind,
    symbol: &'static str,
    doc: &'static str,
    details: &'static str,
) -> Field {
    Field { name, kind, nullable: false, symbol, doc, details }
}

/// Every config field, in the order docs/config.md and `--help` list them.
pub const FIELDS: &[Field] = &[
    field("d", int(1, Some(MAX_DIM)), "d", "input dimension", ""),
    field("p", int(1, Some(MAX_DIM)), "p", "width (hidden neurons)", ""),
    field(
        "n",
        int(1, Some(MAX_N)),
        "n",
        "batch size per step (or give kappa, or alpha with ell)",
        "Give one of `n`, `kappa` (n = round(d^κ)) or `alpha` with `ell` (n = round(α d^ℓ)); with none, κ = 1.65.",
    ),
    field("kappa", number(Some(0.0), Some(6.0)), "κ", "n = round(d^kappa)", ""),
    field("alpha", positive(Some(1e12)), "α", "n = round(alpha * d^ell)", ""),
    field(
        "ell",
        number(Some(0.0), Some(6.0)),
        "ℓ",
        "exponent with alpha; also the l of etaRule p-d",
        "Defaults to 1 with `alpha`, and the resolved config stores it (so `etaRule p-d` uses the ℓ that built n).",
    ),
    field("steps", int(0, Some(1000)), "T", "number of giant steps T on the first layer", "The second layer stays frozen (model.md §4)."),
    field(
        "target",
        Kind::String,
        "g*",
        "preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk",
        "See [targets-and-theory.md](targets-and-theory.md).",
    ),
    field("noise", number(Some(0.0), Some(1e12)), "", "label noise variance", "y = g*(W*z) + √noise ξ."),
    field(
        "activation",
        Kind::String,
        "σ",
        "relu, tanh, erf, sigmoid, softplus, gelu, He1..He12 (any case), or an expression in x such as x*tanh(x)",
        "`gelu` is x Φ(x). A name is stored in its canonical spelling (Relu runs as relu).",
    ),
    field("eta", number(None, None), "η", "learning rate, or its coefficient c under etaRule", ""),
    field(
        "etaRule",
        choices(&["raw", "p-d", "sqrt-np"]),
        "",
        "raw: eta; p-d: eta*p*d^((l-1)/2); sqrt-np: eta*sqrt(n*p)",
        "ℓ from `ell`, else `kappa`, else log n / log d. `sqrt-np` with eta = 10 is the single-step notebook; the \
         multi-step notebook's η = 2p at n = d is `p-d` with eta = 2. With several steps, `p-d` at κ > 1.5 makes the \
         first step saturate but the later steps diverge (measured on Figure 1's network, d = 256, p = 86): for \
         multi-step runs at large κ keep η ∝ p (`raw`, or `p-d` with ell 1).",
    ),
    field(
        "lambda",
        positive(None),
        "λ",
        "ridge penalty of the readout",
        "â = argmin Σ (ỹ − ⟨a, σ(Wz)⟩/√p)² + λ‖a‖² (a sum, as the notebooks).",
    ),
    field("nTest", int(0, Some(MAX_N)), "", "fresh test samples (0: no test error)", ""),
    field("batches", choices(&["fresh", "reuse"]), "", "a fresh batch per step, or one batch reused", ""),
    field(
        "readoutBatch",
        choices(&["same", "fresh"]),
        "",
        "fit the readout on the last step's batch or a fresh one",
        "`same` is the single-step notebook; `fresh` the later scripts.",
    ),
    field(
        "preprocess",
        choices(&["none", "train", "hermite", "notebook"]),
        "",
        "label pre-processing (docs/model.md §4.4)",
        "Subtract the labels' mean and linear part before the step and the readout, and add them back in \
         predictions: `train` (A = mean y, B = mean yz on each training batch); `hermite` (the exact C₀* + ⟨C₁*, W*z⟩); \
         `notebook` (train-side for training, but A, B re-estimated **from the test labels** for the test prediction, \
         as the notebook did — a leak, offered for comparison only).",
    ),
    field(
        "alphaReadout",
        positive(Some(1e12)),
        "n_readout/d (α of Cui et al.)",
        "readout samples per dimension: n_readout = round(alphaReadout*d) (readoutBatch fresh; default n)",
        "The readout's own sample count, as in the one-step asymptotics of Cui et al. (2024), where the step's \
         batch is n₀ = α₀d (`alpha`) and the readout's n = αd; needs `readoutBatch fresh`.",
    ),
    field(
        "precision",
        choices(&["f64", "f32"]),
        "",
        "working precision of the streamed passes",
        "`f32` accumulates across chunks in f64.",
    ),
    field("seed", Kind::Seed, "", "data seed", "Batches, test set, noise."),
    Field {
        nullable: true,
        ..field(
            "initSeed",
            Kind::Seed,
            "",
            "seed of W*, W0, a0 (null: use seed, redrawn per seed)",
            "A number fixes them across seeds (the notebooks); null redraws them per seed (later scripts).",
        )
    },
    field("initW", choices(&["gaussian", "sphere"]), "W₀", "first layer init: N(0, I/d) rows or unit sphere", ""),
    field(
        "initA",
        choices(&["gaussian", "signs", "notebook", "ones"]),
        "a₀",
        "second layer: N(0,1/p), +-1/sqrt(p), 20 +, 20 -, rest random, or all +1/sqrt(p)",
        "`notebook`: the first 20 neurons +1/√p, the next 20 −1/√p, the rest random signs (the multi-step \
         notebook); `ones`: every aᵢ = 1/√p (the one-step asymptotics simulations).",
    ),
    field(
        "symmetric",
        Kind::Bool,
        "",
        "paired neurons with opposite a (network output 0 at init)",
        "Neuron i + p/2 copies wᵢ with −aᵢ (p even).",
    ),
    field(
        "residual",
        choices(&["full", "labels"]),
        "",
        "gradient residual y - f, or y alone",
        "`labels` drops the network's own output.",
    ),
    field(
        "normalize",
        choices(&["none", "project", "spherical"]),
        "",
        "row normalization after each step",
        "`project`: rows to the unit sphere; `spherical`: tangent step, then project.",
    ),
    field(
        "trackNeurons",
        int(0, None),
        "",
        "neurons whose update cosines are recorded (the first K)",
        "Their `neuronCos`, `updateCos` and `inPlane`.",
    ),
    field("cosThreshold", number(Some(0.0), Some(1.0)), "", "|cos| threshold for fracAbove", ""),
    field(
        "readoutEveryStep",
        Kind::Bool,
        "",
        "fit the readout and test after every step",
        "Errors for T = 1..steps in one run.",
    ),
    field("baselines", Kind::Bool, "", "also fit the random-features baseline (readout on W0)", ""),
    field(
        "chunk",
        Kind::Int { min: 256, max: Some(MAX_DIM), multiple_of: Some(crate::rng::BLOCK_ROWS as u64) },
        "",
        "rows generated and consumed at once (multiple of 256)",
        "Results do not depend on it beyond rounding.",
    ),
    field(
        "sampler",
        choices(&["auto", "full", "projected"]),
        "",
        "batches in R^d, or exactly in span(W, W*) (fresh batches only); auto picks",
        "`projected` is exact only with fresh batches everywhere (`batches fresh`, `readoutBatch fresh`) and \
         `preprocess none` or `hermite`; `auto` resolves to `projected` when the run qualifies and a step's \
         pass is predicted to take at most 0.8 of the full sampler's by the cost model measured with \
         `npm run bench:sampler` (docs/performance.md), else `full` — the resolved config records which.",
    ),
];

/// The table with each field's default (from `Config::default()`), as JSON.
pub fn table_json() -> serde_json::Value {
    let defaults = serde_json::to_value(Config::default()).expect("configs serialize");
    let rows = FIELDS.iter().map(|f| {
        let mut row = serde_json::to_value(f).expect("fields serialize");
        row["default"] = defaults[f.name].clone();
        row
    });
    serde_json::Value::Array(rows.collect())
}

/// Checks every field's value against its kind and range; `null` passes for nullable fields and for
/// the optional sizes (n, kappa, alpha, ell: unset).
pub fn check(config: &Config) -> Result<()> {
    let values = serde_json::to_value(config).expect("configs serialize");
    FIELDS.iter().try_for_each(|f| check_value(f, &values[f.name]))
}

/// Sizes that may be left unset (null): the batch's three ways, and the readout's own.
const UNSET_SIZES: [&str; 5] = ["n", "kappa", "alpha", "ell", "alphaReadout"];

fn check_value(f: &Field, v: &serde_json::Value) -> Result<()> {
    let fail = |message: String| Err(Error::invalid(f.name, message));
    match (f.kind, v) {
        (_, serde_json::Value::Null) if f.nullable || UNSET_SIZES.contains(&f.name) => Ok(()),
        (Kind::Int { min, max, multiple_of }, v) => {
            let x = v.as_u64().unwrap_or(u64::MAX);
            if x < min {
                fail(format!("must be >= {min}"))
            } else if max.is_some_and(|max| x > max) {
                fail(format!("must be <= {}, got {x}", max.unwrap_or_default()))
            } else if multiple_of.is_some_and(|m| x % m != 0) {
                fail(format!("must be a multiple of {} (rows per random stream), got {x}", multiple_of.unwrap_or(1)))
            } else {
                Ok(())
            }
        }
        (Kind::Number { min, max, exclusive_min }, v) => {
            let x = v.as_f64().unwrap_or(f64::NAN);
            match (min, max) {
                _ if !x.is_finite() => fail("must be finite".into()),
                (Some(min), _) if exclusive_min && x <= min => fail(format!("must be > {min}, got {x}")),
                (Some(min), _) if x < min => fail(format!("must be >= {min}, got {x}")),
                (_, Some(max)) if x > max => fail(format!("must be <= {max}, got {x}")),
                _ => Ok(()),
            }
        }
        (Kind::String, v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => fail("must not be empty".into()),
        (Kind::Seed, v) if v.as_u64().is_none_or(|s| s > MAX_SEED) => {
            fail(format!("must be an integer from 0 to {MAX_SEED} (2^53 - 1, exact in JavaScript)"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_field_is_in_the_table_once_in_order_of_the_struct() {
        let defaults = serde_json::to_value(Config::default()).unwrap();
        let struct_fields: Vec<&String> =
            defaults.as_object().unwrap().keys().filter(|k| k.as_str() != "learningRate").collect();
        let mut table: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        table.sort_unstable();
        let mut sorted: Vec<&str> = struct_fields.iter().map(|s| s.as_str()).collect();
        sorted.sort_unstable();
        assert_eq!(table, sorted);
    }

    /// The table's choices are exactly the values serde accepts: each parses, and serde's own list of
    /// expected variants (in its error for a bogus value) is the same list.
    #[test]
    fn enum_choices_are_the_serde_variants() {
        for f in FIELDS {
            let Kind::Enum { choices } = f.kind else { continue };
            for c in choices {
                Config::from_json(&format!(r#"{{"{}":"{c}"}}"#, f.name)).unwrap();
            }
            let err = Config::from_json(&format!(r#"{{"{}":"bogus"}}"#, f.name)).unwrap_err().to_string();
            let expected = err.split_once("expected").map(|(_, e)| e).unwrap_or_default();
            let listed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            assert_eq!(&listed, choices, "{}: {err}", f.name);
        }
    }

    #[test]
    fn ranges_are_enforced_with_the_field_named() {
        let resolve = |json: &str| Config::from_json(json).and_then(Config::resolve);
        for (json, field, says) in [
            (r#"{"chunk":300}"#, "chunk", "multiple of 256"),
            (r#"{"chunk":0}"#, "chunk", ">= 256"),
            (r#"{"alpha":0}"#, "alpha", "> 0"),
            (r#"{"kappa":7}"#, "kappa", "<= 6"),
            (r#"{"steps":1001}"#, "steps", "<= 1000"),
            (r#"{"cosThreshold":1.5}"#, "cosThreshold", "<= 1"),
            (r#"{"lambda":0}"#, "lambda", "> 0"),
            (r#"{"target":"  "}"#, "target", "empty"),
            (r#"{"seed":9007199254740992}"#, "seed", "2^53"),
            (r#"{"initSeed":9007199254740992}"#, "initSeed", "2^53"),
        ] {
            let err = resolve(json).unwrap_err();
            assert_eq!(err.field(), Some(field), "{json}: {err}");
            assert!(err.message().contains(says), "{json}: {err}");
        }
        resolve(r#"{"initSeed":null,"seed":9007199254740991,"chunk":512}"#).unwrap();
    }

    #[test]
    fn the_table_carries_the_defaults() {
        let table = table_json();
        let row = |name: &str| table.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
        assert_eq!(row("d")["default"], 512);
        assert_eq!(row("sampler")["default"], "auto");
        assert_eq!(row("initSeed")["default"], serde_json::Value::Null);
        assert_eq!(row("chunk")["multipleOf"], 256);
        assert_eq!(row("alpha")["exclusiveMin"], true);
    }
}
