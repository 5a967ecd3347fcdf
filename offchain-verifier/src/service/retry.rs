//! Pauses between failed attempts: `backon`'s exponential schedule (doubling from
//! `retry.initial_ms` up to `retry.max_ms`, without end), for the driver, each waiting batch and
//! each withheld audit.

use super::config::RetryConfig;
use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use std::time::Duration;

/// The longest pause: `max_ms`, never below the first.
fn cap(retry: &RetryConfig) -> Duration {
    Duration::from_millis(retry.max_ms.max(retry.initial_ms.max(1)))
}

fn schedule(retry: &RetryConfig) -> ExponentialBuilder {
    let initial = retry.initial_ms.max(1);
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(initial))
        .with_max_delay(cap(retry))
        .with_factor(2.0)
        .without_max_times()
}

/// The pause before attempt `attempts + 1`, after `attempts` failures (at least one).
pub fn after(retry: &RetryConfig, attempts: u32) -> Duration {
    let nth = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
    schedule(retry).build().nth(nth).unwrap_or(cap(retry))
}

/// [`after`] in milliseconds, for times kept in the store.
pub fn after_ms(retry: &RetryConfig, attempts: u32) -> u64 {
    u64::try_from(after(retry, attempts).as_millis()).unwrap_or(u64::MAX)
}

/// Doubling pauses between failed attempts, reset by a success.
pub struct Backoff {
    retry: RetryConfig,
    pauses: ExponentialBackoff,
}

impl Backoff {
    pub fn new(retry: &RetryConfig) -> Self {
        Self {
            retry: *retry,
            pauses: schedule(retry).build(),
        }
    }

    pub fn reset(&mut self) {
        self.pauses = schedule(&self.retry).build();
    }

    pub fn next_pause(&mut self) -> Duration {
        self.pauses.next().unwrap_or(cap(&self.retry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_from_the_first_up_to_the_cap_and_a_success_starts_over() {
        let retry = RetryConfig {
            initial_ms: 100,
            max_ms: 1_000,
        };
        let mut backoff = Backoff::new(&retry);
        let ms: Vec<u128> = (0..7).map(|_| backoff.next_pause().as_millis()).collect();
        assert_eq!(ms, vec![100, 200, 400, 800, 1_000, 1_000, 1_000]);
        backoff.reset();
        assert_eq!(backoff.next_pause().as_millis(), 100);
        let nth: Vec<u128> = (1..=6).map(|n| after(&retry, n).as_millis()).collect();
        assert_eq!(nth, vec![100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(after(&retry, 0).as_millis(), 100);
        assert_eq!(after(&retry, u32::MAX).as_millis(), 1_000);
    }
}
