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
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.to_string(), message: message.into() }
    }
    pub fn numerical(field: &str, message: impl Into<String>) -> Self {
        Error::Numerical { field: field.to_string(), message: message.into() }
    }
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::Numerical { field, .. } => Some(field),
            Error::Cancelled => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { field, message } | Error::Numerical { field, message } => {
                write!(f, "{field}: {message}")
            }
            Error::Cancelled => write!(f, "the run was aborted"),
        }
    }
}

impl std::error::Error for Error {}
