//! Another contract's answer as the caller's own result: the callee's error wrapped in the
//! caller's error type, a call that failed outright (no contract there, trapped, undecodable)
//! as the caller's `CallFailed`.

/// An error type with a variant for a cross-contract call that failed outright.
pub trait CallFailed {
    const CALL_FAILED: Self;
}

/// A read of another contract (a message without an error of its own).
pub fn read<T, F: CallFailed>(
    result: Result<ink::MessageResult<T>, ink::env::Error>,
) -> Result<T, F> {
    match result {
        Ok(Ok(value)) => Ok(value),
        _ => Err(F::CALL_FAILED),
    }
}

/// A message of another contract that may refuse: its error wrapped by `wrap`.
pub fn settle<T, E, F: CallFailed>(
    result: Result<ink::MessageResult<Result<T, E>>, ink::env::Error>,
    wrap: fn(E) -> F,
) -> Result<T, F> {
    match result {
        Ok(Ok(inner)) => inner.map_err(wrap),
        _ => Err(F::CALL_FAILED),
    }
}
