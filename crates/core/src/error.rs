//! One error type for the whole core: every message names the config field it is about (when there is
//! one) and what to do, so the binding can hand it to users unchanged.
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A config value is invalid; `field` is its camelCase name.
    Invalid { field: String, message: String },
    /// The run was cancelled through its cancel flag.
    Cancelled,
    /// A numerical failure (e.g. the step diverged); `field` names the knob to turn.
    Numerical { field: String, message: String },
    /// The run would need more than the machine allows (memory); `field` names what to reduce.
    Resource { field: String, message: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.to_string(), message: message.into() }
    }
    pub fn numerical(field: &str, message: impl Into<String>) -> Self {
        Error::Numerical { field: field.to_string(), message: message.into() }
    }
    pub fn resource(field: &str, message: impl Into<String>) -> Self {
        Error::Resource { field: field.to_string(), message: message.into() }
    }
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::Numerical { field, .. } | Error::Resource { field, .. } => {
                Some(field)
            }
            Error::Cancelled => None,
        }
    }
    /// The message without the field, as users read it after `field: `.
    pub fn message(&self) -> &str {
        match self {
            Error::Invalid { message, .. } | Error::Numerical { message, .. } | Error::Resource { message, .. } => {
                message
            }
            Error::Cancelled => "the run was aborted",
        }
    }
    /// The same error with `context` before its message (e.g. which run of a group it is about).
    pub fn within(self, context: &str) -> Self {
        match self {
            Error::Invalid { field, message } => Error::Invalid { field, message: format!("{context}: {message}") },
            Error::Numerical { field, message } => Error::Numerical { field, message: format!("{context}: {message}") },
            Error::Resource { field, message } => Error::Resource { field, message: format!("{context}: {message}") },
            Error::Cancelled => Error::Cancelled,
        }
    }
    /// What went wrong, for callers that react differently.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid { .. } => ErrorKind::Config,
            Error::Numerical { .. } => ErrorKind::Numerical,
            Error::Resource { .. } => ErrorKind::Resource,
            Error::Cancelled => ErrorKind::Cancelled,
        }
    }

    /// The error as it crosses to a caller (the binding sends it as JSON).
    pub fn body(&self) -> ErrorBody {
        ErrorBody { kind: self.kind(), field: self.field().map(str::to_string), message: self.message().to_string() }
    }
}

/// The kinds of error the engine reports; the facade maps each to its error class (src/engine.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "EngineErrorKind"))]
pub enum ErrorKind {
    /// Bad input, naming the field.
    Config,
    /// A numerical failure as the run ran (the step diverged), naming the knob to turn.
    Numerical,
    /// More than the machine allows (memory), naming what to reduce.
    Resource,
    /// The call was cancelled through its cancel flag.
    Cancelled,
    /// A panic the binding caught: a bug, never the caller's input.
    Internal,
}

/// An engine error as data: what the binding sends as the JS error's message (JSON).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "EngineErrorBody"))]
pub struct ErrorBody {
    pub kind: ErrorKind,
    /// The field or option at fault, or null.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { field, message }
            | Error::Numerical { field, message }
            | Error::Resource { field, message } => {
                write!(f, "{field}: {message}")
            }
            Error::Cancelled => write!(f, "the run was aborted"),
        }
    }
}

impl std::error::Error for Error {}

/// `Err(Error::Cancelled)` once `cancel` is set: the check between the stages of a long computation.
pub fn checkpoint(cancel: &std::sync::atomic::AtomicBool) -> Result<()> {
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_as_kind_field_and_message() {
        let json = |e: Error| serde_json::to_value(e.body()).unwrap();
        assert_eq!(
            json(Error::invalid("d", "must be >= 1, got -3")),
            serde_json::json!({"kind": "config", "field": "d", "message": "must be >= 1, got -3"})
        );
        assert_eq!(json(Error::numerical("eta", "lower eta"))["kind"], "numerical");
        assert_eq!(json(Error::resource("p", "give a smaller p"))["kind"], "resource");
        assert_eq!(
            json(Error::Cancelled),
            serde_json::json!({"kind": "cancelled", "field": null, "message": "the run was aborted"})
        );
    }
}
