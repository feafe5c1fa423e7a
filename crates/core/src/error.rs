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
    /// What went wrong, for callers that react differently: `config`, `numerical`, `resource`, `cancelled`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "config",
            Error::Numerical { .. } => "numerical",
            Error::Resource { .. } => "resource",
            Error::Cancelled => "cancelled",
        }
    }
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
