//! The config field table: kind, range, choices, paper symbol and documentation of every field. Each row
//! is written beside its field in `Config`'s declaration (`config_with_fields!` in config/mod.rs), which
//! names it; this module holds the row type and the checks. The engine checks every config against the
//! table (`check_given` as given, `check` once resolved): it is the one validator. The binding exports it
//! (`table_json`), and `npm run contract` generates from it the TypeScript table (CLI flags, `ConfigInput`)
//! and docs/config.md. Defaults are not repeated here: they are `Config::default()`'s.
use super::Config;
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;

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

pub(super) const MAX_DIM: u64 = 1 << 32;
/// The largest batch size n (and n_test, n_readout): far past memory, small enough that no size product overflows.
pub const MAX_N: u64 = 1_000_000_000_000;
pub const MAX_SEED: u64 = (1 << 53) - 1;

pub(super) const fn int(min: u64, max: Option<u64>) -> Kind {
    Kind::Int { min, max, multiple_of: None }
}
pub(super) const fn number(min: Option<f64>, max: Option<f64>) -> Kind {
    Kind::Number { min, max, exclusive_min: false }
}
pub(super) const fn positive(max: Option<f64>) -> Kind {
    Kind::Number { min: Some(0.0), max, exclusive_min: true }
}
pub(super) const fn choices(choices: &'static [&'static str]) -> Kind {
    Kind::Enum { choices }
}

/// A field's row without its name, which `config_with_fields!` takes from the field itself.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    kind: Kind,
    nullable: bool,
    symbol: &'static str,
    doc: &'static str,
    details: &'static str,
}

impl Row {
    fn named(self, name: &'static str) -> Field {
        let Row { kind, nullable, symbol, doc, details } = self;
        Field { name, kind, nullable, symbol, doc, details }
    }
}

/// The row of a user's field: kind and range, paper symbol ("" for none), one line for `--help`, more
/// for docs/config.md ("" when the line says it all).
pub(super) const fn row(kind: Kind, symbol: &'static str, doc: &'static str, details: &'static str) -> Option<Row> {
    Some(Row { kind, nullable: false, symbol, doc, details })
}

/// `row` for a field where `null` is a value of its own (not "unset").
pub(super) const fn nullable_row(
    kind: Kind,
    symbol: &'static str,
    doc: &'static str,
    details: &'static str,
) -> Option<Row> {
    Some(Row { kind, nullable: true, symbol, doc, details })
}

/// The JSON name of a field: its Rust name in camelCase, as serde's `rename_all = "camelCase"` writes it.
fn camel_case(rust_name: &str) -> &'static str {
    let mut parts = rust_name.split('_');
    let mut name = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let mut chars = part.chars();
        name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        name.push_str(chars.as_str());
    }
    // Once per field, for the table that lives as long as the process.
    Box::leak(name.into_boxed_str())
}

/// Every config field's row, in the order of `Config` (docs/config.md and `--help` list them so). Each row
/// sits beside its field in `config_with_fields!` (config/mod.rs), which names it after the field.
pub static FIELDS: std::sync::LazyLock<Vec<Field>> = std::sync::LazyLock::new(|| {
    super::FIELD_ROWS.iter().filter_map(|(rust_name, row)| row.map(|row| row.named(camel_case(rust_name)))).collect()
});

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

/// How a config is read: as a user gives it (only the table's fields; `null` only where a field takes it
/// as a value), or as the engine wrote it resolved (also `learningRate`, and `null` for the ways of
/// setting a size that were left unset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Given,
    Resolved,
}

/// Checks a config before serde reads it: a JSON object whose every key is a field and whose every value
/// is of its field's kind and in its range. The one validator of config fields: the TypeScript side sends
/// every config it takes (flags, grid values, files, the API) here, so a bad value gets one message
/// wherever it came from. A whole number written as a float (`1e3`) is made the integer it is, so serde
/// reads what the table accepted.
pub fn check_given(value: &mut Value, reading: Reading) -> Result<()> {
    let Value::Object(map) = value else {
        return Err(Error::invalid(
            "config",
            format!("must be an object of config fields such as {{\"d\": 512, \"p\": 1024}}, not {}", describe(value)),
        ));
    };
    for (key, v) in map.iter_mut() {
        if reading == Reading::Resolved && key == "learningRate" {
            continue;
        }
        let f = FIELDS.iter().find(|f| f.name == key).ok_or_else(|| unknown_field(key))?;
        if matches!(f.kind, Kind::Int { .. } | Kind::Seed) {
            make_integer(v);
        }
        check_kind(f, v, reading)?;
        check_value(f, v)?;
    }
    Ok(())
}

/// A float with no fractional part, in u64's range, as the integer it is.
fn make_integer(v: &mut Value) {
    if let Some(x) =
        v.as_f64().filter(|x| v.is_f64() && x.fract() == 0.0 && *x >= 0.0 && *x < 18_446_744_073_709_551_616.0)
    {
        *v = Value::from(x as u64);
    }
}

/// Reads JSON text, naming `root` when it is not JSON.
pub fn parse_json(json: &str, root: &str) -> Result<Value> {
    serde_json::from_str(json).map_err(|e| Error::invalid(root, format!("is not valid JSON: {e}")))
}

fn unknown_field(key: &str) -> Error {
    let known = FIELDS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    // A key that is no identifier ("", "a\nb") is named by the config, as a JSON string, so the message
    // stays one line.
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || "_$-".contains(c)) {
        let shown = serde_json::to_string(key).expect("strings serialize");
        return Error::invalid("config", format!("unknown config field {shown}; known fields: {known}"));
    }
    Error::invalid(key, format!("unknown config field '{key}' (flag --{}); known fields: {known}", flag_of(key)))
}

/// The kebab-case flag of a field: nTest → n-test.
pub fn flag_of(name: &str) -> String {
    name.chars().fold(String::new(), |mut flag, c| {
        if c.is_ascii_uppercase() {
            flag.push('-');
        }
        flag.push(c.to_ascii_lowercase());
        flag
    })
}

/// The value's JSON type matches the field's kind (ranges are `check_value`'s).
fn check_kind(f: &Field, v: &Value, reading: Reading) -> Result<()> {
    let fits = match (f.kind, v) {
        (_, Value::Null) => f.nullable || (reading == Reading::Resolved && UNSET_SIZES.contains(&f.name)),
        (Kind::Int { .. } | Kind::Seed, Value::Number(x)) => x.as_f64().is_some_and(|x| x.fract() == 0.0),
        (Kind::Enum { choices }, Value::String(s)) => choices.contains(&s.as_str()),
        (Kind::Number { .. }, Value::Number(_)) | (Kind::String, Value::String(_)) | (Kind::Bool, Value::Bool(_)) => {
            true
        }
        _ => false,
    };
    if fits {
        return Ok(());
    }
    let or_null = if f.nullable { " or null" } else { "" };
    Err(Error::invalid(f.name, format!("must be {}{or_null}, not {}", expected(f.kind), describe(v))))
}

fn expected(kind: Kind) -> String {
    match kind {
        Kind::Int { .. } => "an integer".into(),
        Kind::Number { .. } => "a finite number".into(),
        Kind::Enum { choices } => format!("one of {}", choices.join(", ")),
        Kind::String => "a string".into(),
        Kind::Bool => "true or false".into(),
        Kind::Seed => SEED_RANGE.into(),
    }
}

const SEED_RANGE: &str = "an integer from 0 to 9007199254740991 (2^53 - 1, exact in JavaScript)";

/// A value in a few words for a message, on one line: `a number (1.5)`, `a string ("abc")`, `an array`.
/// The TypeScript side sends a value JSON cannot carry (a function, NaN) as `{"$js": "a function"}`.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(x) => format!("a number ({x})"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ellipsis = if short.len() < s.len() { "…" } else { "" };
            format!("a string ({}{ellipsis})", serde_json::to_string(&short).expect("strings serialize"))
        }
        Value::Array(_) => "an array".into(),
        Value::Object(map) => match map.get("$js").and_then(Value::as_str) {
            Some(kind) if map.len() == 1 && kind.chars().count() <= 60 && !kind.chars().any(char::is_control) => {
                kind.into()
            }
            _ => "an object".into(),
        },
    }
}

/// Sizes that may be left unset (null): the batch's three ways, and the readout's own.
const UNSET_SIZES: [&str; 5] = ["n", "kappa", "alpha", "ell", "alphaReadout"];

/// A value of the field's kind against its range (`null` for a field that may be unset passes).
fn check_value(f: &Field, v: &Value) -> Result<()> {
    let fail = |message: String| Err(Error::invalid(f.name, message));
    match (f.kind, v) {
        (_, Value::Null) if f.nullable || UNSET_SIZES.contains(&f.name) => Ok(()),
        (Kind::Int { min, max, multiple_of }, v) => {
            // NaN (no number) fails the first test.
            let x = v.as_f64().unwrap_or(f64::NAN);
            if x.is_nan() || x < min as f64 {
                fail(format!("must be >= {min}, got {x}"))
            } else if max.is_some_and(|max| x > max as f64) {
                fail(format!("must be <= {}, got {x}", max.unwrap_or_default()))
            } else if multiple_of.is_some_and(|m| !(x as u64).is_multiple_of(m)) {
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
        (Kind::Seed, v) if v.as_u64().is_none_or(|s| s > MAX_SEED) => fail(format!("must be {SEED_RANGE}")),
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
        for f in FIELDS.iter() {
            let Kind::Enum { choices } = f.kind else { continue };
            for c in choices {
                Config::from_json(&format!(r#"{{"{}":"{c}"}}"#, f.name)).unwrap();
            }
            // serde itself, past the table's check.
            let err = serde_json::from_str::<Config>(&format!(r#"{{"{}":"bogus"}}"#, f.name)).unwrap_err().to_string();
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

    /// The one validator: each kind's wrong type, a range, an unknown key; `from_json` and a theory
    /// request's config give the same message as `check_given`.
    #[test]
    fn given_values_are_checked_by_kind_with_one_message() {
        let given = |json: &str| check_given(&mut parse_json(json, "config").unwrap(), Reading::Given).unwrap_err();
        for (json, field, message) in [
            (r#"{"d":1.5}"#, "d", "must be an integer, not a number (1.5)"),
            (r#"{"d":"abc"}"#, "d", r#"must be an integer, not a string ("abc")"#),
            (r#"{"d":-1}"#, "d", "must be >= 1, got -1"),
            (r#"{"d":4294967297}"#, "d", "must be <= 4294967296, got 4294967297"),
            (r#"{"eta":true}"#, "eta", "must be a finite number, not a boolean (true)"),
            (r#"{"eta":{"$js":"a number (NaN)"}}"#, "eta", "must be a finite number, not a number (NaN)"),
            (r#"{"eta":{"$js":"x\ny"}}"#, "eta", "must be a finite number, not an object"),
            (r#"{"symmetric":"yes"}"#, "symmetric", r#"must be true or false, not a string ("yes")"#),
            (r#"{"sampler":"x"}"#, "sampler", r#"must be one of auto, full, projected, not a string ("x")"#),
            (r#"{"initSeed":[1]}"#, "initSeed", &format!("must be {SEED_RANGE} or null, not an array")),
            (r#"{"seed":-2}"#, "seed", &format!("must be {SEED_RANGE}")),
            (r#"{"p":null}"#, "p", "must be an integer, not null"),
        ] {
            let err = given(json);
            assert_eq!((err.field(), err.message()), (Some(field), message), "{json}");
            let from_json = Config::from_json(json).unwrap_err();
            assert_eq!(from_json, err, "{json}");
        }
        let unknown = given(r#"{"nTests":1}"#);
        assert_eq!(unknown.field(), Some("nTests"));
        assert!(unknown
            .message()
            .starts_with("unknown config field 'nTests' (flag --n-tests); known fields: d, p, n,"));
        assert_eq!(given(r#"{"a b":1}"#).field(), Some("config"));
        assert_eq!(
            given("[1]").message(),
            "must be an object of config fields such as {\"d\": 512, \"p\": 1024}, not an array"
        );
        // A resolved config holds unset sizes as null and its learning rate; a user's may not.
        let resolved = r#"{"n":null,"initSeed":null,"learningRate":2}"#;
        check_given(&mut parse_json(resolved, "config").unwrap(), Reading::Resolved).unwrap();
        assert_eq!(given(r#"{"n":null}"#).message(), "must be an integer, not null");
        assert_eq!(given(r#"{"learningRate":2}"#).field(), Some("learningRate"));
        // Whole numbers written as floats are the integers they are; trackNeurons has a bound.
        let mut floats = parse_json(r#"{"d":1e3,"seed":2.0,"nTest":-0.0}"#, "config").unwrap();
        check_given(&mut floats, Reading::Given).unwrap();
        assert_eq!(floats["d"], serde_json::json!(1000));
        assert_eq!(Config::from_given_json(r#"{"d":1e3,"seed":2.0}"#).unwrap().d, 1000);
        assert_eq!(given(r#"{"trackNeurons":1e20}"#).message(), "must be <= 4294967296, got 100000000000000000000");
        let request = crate::theory::Request::from_json(r#"{"kind":"error","config":{"d":1.5}}"#).unwrap_err();
        assert_eq!((request.field(), request.message()), (Some("config.d"), "must be an integer, not a number (1.5)"));
        let list = Config::list_from_given_json(r#"[{"d":2},{"p":"x"}]"#).unwrap_err();
        assert_eq!(
            (list.field(), list.message()),
            (Some("p"), r#"config 1 of the group: must be an integer, not a string ("x")"#)
        );
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
        // κ's default, which only resolve() applies, is in the text --help shows, from the same literal.
        let kappa_doc = row("kappa")["doc"].as_str().unwrap().to_string();
        assert!(kappa_doc.contains(&super::super::DEFAULT_KAPPA.to_string()), "{kappa_doc}");
        let resolved = Config { d: 100, ..Config::default() }.resolve().unwrap();
        assert_eq!((resolved.kappa, resolved.n()), (Some(super::super::DEFAULT_KAPPA), 1995));
    }
}
