//! The contract generator: the TypeScript types of everything that crosses the binding as JSON, the
//! config field table and docs/config.md, all from this crate. `cargo test` (so CI) fails when the
//! committed files differ from what it generates; `npm run contract` rewrites them.
use crate::config::fields;
use std::path::{Path, PathBuf};
use ts_rs::TS;

const HEADER: &str = "// Generated from crates/core by `npm run contract`; do not edit (CI checks it is current).\n";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One declaration per type, in the order given; integers cross as JSON numbers (the field table bounds
/// every count and seed below 2^53), not bigint.
fn types_ts() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    // Theory requests take a run config as `run` does, a partial one with a preset: the facade's type.
    out.push_str("import type { ConfigInput } from '../config/types';\n");
    macro_rules! declare {
        ($($t:ty),* $(,)?) => {$(
            out.push('\n');
            out.push_str(&<$t as TS>::docs().unwrap_or_default());
            let decl = with_field_docs(<$t as TS>::decl(&cfg));
            // A "*/" in a Rust doc comment would end its JSDoc comment early.
            assert!(decl.lines().all(|l| !l.contains("*/") || l.trim() == "*/"), "a doc comment holds */: {decl}");
            out.push_str("export ");
            out.push_str(&decl);
            out.push('\n');
        )*};
    }
    use crate::{config::*, experiment::*, target::analysis::*, theory::*};
    declare!(
        Config,
        EtaRule,
        Batches,
        ReadoutBatch,
        Preprocess,
        Precision,
        InitW,
        InitA,
        Residual,
        Normalize,
        Sampler,
        RunResult,
        Resolved,
        TargetInfo,
        StepRecord,
        Errors,
        Baselines,
        LinearKernel,
        Timing,
        StageSeconds,
        crate::metrics::Overlap,
        crate::progress::Report,
        crate::error::ErrorKind,
        crate::error::ErrorBody,
        crate::progress::Stage,
        crate::target::Description,
        Method,
        HermiteTerm,
        LearnedDims,
        crate::activation::ActivationFacts,
        Answer,
        one_step::OneStepPoint,
        recursion::Drift,
        recursion::Recursion,
        recursion::RecursionStep,
        phase::PhaseDiagram,
        phase::PhaseRow,
        phase::GenericCell,
        readout_error::Spike,
        readout_error::ErrorPoint,
        readout_error::OrderParameters,
        readout_error::Solution,
        ErrorModels,
        TheoryModel,
        drawn::Drawn,
        OneStep,
        Drift,
        Overlaps,
        PhaseDiagram,
        ErrorCurve,
    );
    // `ResolvedConfig` in Rust: the fields with what resolve() sets made definite.
    out.push_str(
        "\n/** A resolved config, as a run reports it: the fields, with the batch size, learning rate and sampler \
         that `resolve` set. */\nexport type Config = Omit<ConfigFields, 'n' | 'learningRate' | 'sampler'> & {\n  \
         /** The batch size of each step. */\n  n: number;\n  /** The learning rate the step used (from eta and \
         etaRule). */\n  learningRate: number;\n  /** The sampler `auto` resolved to. */\n  sampler: Exclude<Sampler, \
         'auto'>;\n};\n",
    );
    out.push_str(
        "\n/** A resolved config and the planner's estimates beside it, as `resolveConfig` returns them. */\n",
    );
    out.push_str("export type ResolvedConfig = Config & PlannerEstimates;\n");
    let union = KINDS.iter().zip(REQUEST_TYPES).map(|(k, t)| format!("({{ kind: \"{k}\" }} & {t})"));
    out.push_str(&format!(
        "\n/** A theory request: its kind and that kind's fields. */\nexport type TheoryRequest = {};\n",
        union.collect::<Vec<_>>().join(" | ")
    ));
    out
}

/// `Config`'s declaration with each field's doc line from the field table (its one source), so that an
/// editor shows it on hover; other declarations unchanged.
fn with_field_docs(decl: String) -> String {
    if !decl.starts_with("type ConfigFields = {") {
        return decl;
    }
    fields::FIELDS.iter().fold(decl, |decl, f| {
        let (name, doc) = (f.name, f.doc);
        for sep in ["{ ", ", "] {
            if let Some(at) = decl.find(&format!("{sep}{name}: ")) {
                let at = at + sep.len();
                return format!("{}\n/**\n * {doc}\n */\n{}", &decl[..at], &decl[at..]);
            }
        }
        panic!("the table's field {name} is not in Config's declaration")
    })
}

fn fields_ts() -> String {
    let table = serde_json::to_string_pretty(&fields::table_json()).expect("serializes");
    format!(
        "{HEADER}\n/** Every config field (kind, range, choices, default, paper symbol, doc), in the order of docs/config.md. */\n\
         export const FIELD_TABLE = {table} as const;\n\n\
         /** The kinds of theory request the engine answers, in the order its messages list them. */\n\
         export const THEORY_KINDS = {kinds} as const;\n\n\
         /** Monte Carlo samples of a theory request that gives none. */\n\
         export const THEORY_DEFAULT_SAMPLES = {samples};\n",
        kinds = serde_json::to_string(&crate::theory::KINDS).expect("serializes"),
        samples = crate::theory::DEFAULT_SAMPLES,
    )
}

fn config_md() -> String {
    let table = fields::table_json();
    let mut out = String::from(
        "<!-- Generated from crates/core/src/config (the field table) by `npm run contract`; do not edit. -->\n\
         # Config reference\n\n\
         Every field of a run's config, as JSON/TypeScript (camelCase) and as a CLI flag (kebab-case). Defaults are \
         the engine's; the model and the paper's symbols are in [model.md](model.md). Give the batch size one way: \
         `n`, `kappa`, or `alpha` (with `ell`).\n\n\
         | field | flag | symbol | values | default | meaning |\n|---|---|---|---|---|---|\n",
    );
    for row in table.as_array().expect("array") {
        let name = row["name"].as_str().expect("name");
        let flag = fields::flag_of(name);
        let text = |key: &str| row[key].as_str().unwrap_or_default().to_string();
        let meaning =
            [text("doc"), text("details")].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(". ");
        let symbol = text("symbol");
        let default = match &row["default"] {
            serde_json::Value::Null => "—".to_string(),
            serde_json::Value::String(s) => format!("`{s}`"),
            v => v.to_string(),
        };
        out.push_str(&format!(
            "| `{name}` | `--{flag}` | {symbol} | {} | {default} | {} |\n",
            values(row),
            meaning.replace('|', "\\|")
        ));
    }
    out
}

/// A field's values in words: "integer ≥ 1, ≤ 4294967296", "`raw`, `p-d`", "number > 0".
fn values(row: &serde_json::Value) -> String {
    let bound = |key: &str, op: &str| row.get(key).and_then(|v| v.as_f64()).map(|v| format!("{op} {v}"));
    let mut parts = match row["kind"].as_str().expect("kind") {
        "int" => {
            vec![Some("integer".to_string()), bound("min", "≥"), bound("max", "≤"), bound("multipleOf", "multiple of")]
        }
        "number" => {
            let min = if row.get("exclusiveMin").is_some() { bound("min", ">") } else { bound("min", "≥") };
            vec![Some("number".to_string()), min, bound("max", "≤")]
        }
        "enum" => vec![Some(
            row["choices"]
                .as_array()
                .expect("choices")
                .iter()
                .map(|c| format!("`{}`", c.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", "),
        )],
        "seed" => vec![Some(format!("integer 0 … {}", fields::MAX_SEED))],
        "bool" => vec![Some("`true`, `false`".to_string())],
        _ => vec![Some("text".to_string())],
    };
    if row.get("nullable").is_some() {
        parts.push(Some("or `null`".to_string()));
    }
    parts.into_iter().flatten().collect::<Vec<_>>().join(", ")
}

/// Writes the files when GIANTSTEP_CONTRACT=write; otherwise fails on any difference.
#[test]
fn generated_files_are_current() {
    let write = std::env::var("GIANTSTEP_CONTRACT").is_ok_and(|v| v == "write");
    let mut stale = Vec::new();
    for (path, text) in [
        ("src/generated/engine.ts", types_ts()),
        ("src/generated/fields.ts", fields_ts()),
        ("docs/config.md", config_md()),
    ] {
        let file = repo().join(path);
        if write {
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, text).expect("write");
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    assert!(stale.is_empty(), "generated files out of date: {stale:?}; run `npm run contract` and commit them");
}
