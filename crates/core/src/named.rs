//! Reads JSON input into a typed struct, naming the field at fault from serde's structured errors: the
//! derive reports a missing or unknown field of the struct through `de::Error::missing_field` /
//! `unknown_field`, which `FieldError` keeps as data, and serde_path_to_error gives the path of a bad value
//! (`samples`, `config.p`). Nothing reads serde's English. Nested objects are read by serde_json, so their
//! own missing or unknown fields keep serde's wording under their path; the one nested object of a request,
//! its `config`, is checked field by field before (`fields::check_given`).
use crate::error::{Error, Result};
use serde::de::{self, value::MapDeserializer, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;
use std::fmt;

/// Why a JSON object did not read as the struct.
#[derive(Debug)]
enum FieldError {
    Missing(&'static str),
    Unknown {
        field: String,
        expected: &'static [&'static str],
    },
    /// A value's own error (its type or range), as serde_json words it.
    Value(String),
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::Missing(field) => write!(f, "missing field {field}"),
            FieldError::Unknown { field, .. } => write!(f, "unknown field {field}"),
            FieldError::Value(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for FieldError {}

impl de::Error for FieldError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        FieldError::Value(msg.to_string())
    }
    fn missing_field(field: &'static str) -> Self {
        FieldError::Missing(field)
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        FieldError::Unknown { field: field.to_string(), expected }
    }
}

/// A JSON value read with `FieldError` as its error type (serde_json's own errors become `Value`).
struct Json(Value);

impl<'de> IntoDeserializer<'de, FieldError> for Json {
    type Deserializer = Json;
    fn into_deserializer(self) -> Json {
        self
    }
}

/// Forwards each `deserialize_*` to serde_json's `Value`, keeping the visitor and mapping the error.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> std::result::Result<V::Value, FieldError> {
            de::Deserializer::$method(self.0, $($arg,)* visitor).map_err(|e| FieldError::Value(e.to_string()))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Json {
    type Error = FieldError;
    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_u8(); deserialize_u16(); deserialize_u32(); deserialize_u64();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str(); deserialize_string();
        deserialize_bytes(); deserialize_byte_buf(); deserialize_option(); deserialize_unit();
        deserialize_unit_struct(name: &'static str); deserialize_newtype_struct(name: &'static str);
        deserialize_seq(); deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]); deserialize_identifier();
        deserialize_ignored_any();
    }
}

/// Reads a JSON object as `T`, naming the field at fault: a missing or unknown field by its name, a bad
/// value by its path (`samples`, `config.p`), anything else (not an object) as `root`.
pub fn from_object<T: DeserializeOwned>(value: Value, root: &str) -> Result<T> {
    let Value::Object(entries) = value else {
        return Err(Error::invalid(root, "must be a JSON object"));
    };
    let de = MapDeserializer::new(entries.into_iter().map(|(k, v)| (k, Json(v))));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        match e.into_inner() {
            FieldError::Missing(field) => Error::invalid(field, "is required"),
            FieldError::Unknown { field, expected } => {
                Error::invalid(&field, format!("unknown field; known fields: {}", expected.join(", ")))
            }
            FieldError::Value(message) => Error::invalid(if path == "." { root } else { &path }, message),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Request {
        target: String,
        #[serde(default)]
        samples: usize,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        p: u32,
    }

    fn read(json: &str) -> Result<Request> {
        from_object(serde_json::from_str(json).unwrap(), "request")
    }

    #[test]
    fn names_the_field_at_fault() {
        assert!(read(r#"{"target": "u1", "inner": {"p": 3}}"#).is_ok());
        assert_eq!(read(r#"{"samples": 3}"#).unwrap_err(), Error::invalid("target", "is required"));
        let unknown = read(r#"{"target": "u1", "sample": 3}"#).unwrap_err();
        assert_eq!(unknown, Error::invalid("sample", "unknown field; known fields: target, samples, inner"));
        let Error::Invalid { field, message } = read(r#"{"target": "u1", "samples": -1}"#).unwrap_err() else {
            panic!("not invalid")
        };
        assert_eq!(field, "samples");
        assert!(message.contains("-1"), "{message}");
        let Error::Invalid { field, .. } = read(r#"{"target": "u1", "inner": {"p": "x"}}"#).unwrap_err() else {
            panic!("not invalid")
        };
        assert_eq!(field, "inner.p");
        let nested_unknown = read(r#"{"target": "u1", "inner": {"q": 1}}"#).unwrap_err();
        assert!(matches!(nested_unknown, Error::Invalid { ref field, .. } if field == "inner.q"), "{nested_unknown:?}");
        assert_eq!(
            from_object::<Request>(Value::Null, "request").unwrap_err(),
            Error::invalid("request", "must be a JSON object")
        );
    }
}
