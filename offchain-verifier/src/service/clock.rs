//! When a block the driver waits for is due. An attestation can be finalised once the block
//! after its challenge window is in; polling for that at `watch.poll_ms` left every batch final
//! up to a poll late (on a 50 ms sandbox chain with a 200 ms poll, most of the window again).
//! The driver reads the head once per pass; this keeps the first sighting of each new head and
//! says how long to sleep until a given block.

use std::{
    collections::VecDeque,
    time::{Duration, Instant},
};

/// The first sightings of the last few heads the driver read.
#[derive(Debug, Default, Clone)]
pub struct BlockClock {
    /// (head, when it was first seen), oldest first, at most [`SPAN`]: a sighting comes late
    /// by up to a pass, so the interval is measured over the whole span (the lateness divided
    /// by the blocks in between) and a block is expected from the least late sighting.
    seen: VecDeque<(u32, Instant)>,
}

/// Sightings kept: the interval follows a chain that changes pace within this many heads.
const SPAN: usize = 16;

/// The shortest pause [`BlockClock::pause`] gives.
pub const MIN_PAUSE: Duration = Duration::from_millis(5);

impl BlockClock {
    /// The head read at `at`.
    pub fn observe(&mut self, block: u32, at: Instant) {
        match self.seen.back() {
            Some((head, _)) if block == *head => {}
            Some((head, _)) if block > *head => {
                self.seen.push_back((block, at));
                if self.seen.len() > SPAN {
                    self.seen.pop_front();
                }
            }
            // First read, or the head went back (a reorg, a restarted dev chain).
            _ => {
                self.seen.clear();
                self.seen.push_back((block, at));
            }
        }
    }

    /// The time per block over the sightings kept (unknown before the head has moved once).
    pub fn interval(&self) -> Option<Duration> {
        let (first, since) = self.seen.front()?;
        let (last, until) = self.seen.back()?;
        let blocks = last.checked_sub(*first).filter(|n| *n > 0)?;
        Some(until.saturating_duration_since(*since) / blocks)
    }

    /// How long from `at` until `block` is expected: `None` while the interval is unknown or
    /// when `block` is in already (then there is no block to wait for).
    pub fn until(&self, block: u32, at: Instant) -> Option<Duration> {
        let (head, _) = self.seen.back()?;
        if block <= *head {
            return None;
        }
        let interval = self.interval()?;
        let due = self
            .seen
            .iter()
            .filter_map(|(b, t)| t.checked_add(interval.checked_mul(block - b)?))
            .min()?;
        Some(due.saturating_duration_since(at))
    }

    /// The pause before the driver's next pass when it waits for `block` (if any): until the
    /// block is due, at most `idle`. A block overdue is looked for again after a quarter of an
    /// interval (at least [`MIN_PAUSE`]): no busy loop on a late block.
    pub fn pause(&self, block: Option<u32>, at: Instant, idle: Duration) -> Duration {
        let (Some(block), Some(interval)) = (block, self.interval()) else {
            return idle;
        };
        self.until(block, at)
            .map_or(idle, |d| d.max(interval / 4).max(MIN_PAUSE).min(idle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_block_is_expected_an_interval_after_the_last() {
        let t0 = Instant::now();
        let mut clock = BlockClock::default();
        clock.observe(10, t0);
        assert_eq!(clock.until(12, t0), None, "no interval known yet");
        clock.observe(10, t0 + 30 * MS);
        clock.observe(11, t0 + 50 * MS);
        assert_eq!(clock.interval(), Some(50 * MS));
        assert_eq!(clock.until(14, t0 + 60 * MS), Some(140 * MS));
        // A block that is in already is not waited for.
        assert_eq!(clock.until(11, t0 + 60 * MS), None);
        assert_eq!(clock.until(9, t0 + 60 * MS), None);
        // Overdue: no time left.
        assert_eq!(clock.until(12, t0 + 500 * MS), Some(Duration::ZERO));
    }

    #[test]
    fn a_late_sighting_is_divided_by_the_span_and_the_least_late_one_sets_the_time() {
        let t0 = Instant::now();
        let mut clock = BlockClock::default();
        // Blocks every 50 ms from t0; block 3 is seen 40 ms late, block 5 in time.
        clock.observe(1, t0);
        clock.observe(3, t0 + 140 * MS);
        clock.observe(5, t0 + 200 * MS);
        assert_eq!(clock.interval(), Some(50 * MS));
        assert_eq!(clock.until(6, t0 + 200 * MS), Some(50 * MS));
        // Block 8 seen 45 ms late: the interval drifts by 45/7 ms, and block 9 is expected
        // from the sighting of block 5 (the earliest of the four predictions), not from the
        // late one of block 8.
        clock.observe(8, t0 + 395 * MS);
        let interval = clock.interval().expect("interval");
        assert_eq!(interval, 395 * MS / 7);
        assert_eq!(
            clock.until(9, t0 + 395 * MS),
            Some((t0 + 200 * MS + 4 * interval) - (t0 + 395 * MS))
        );
    }

    #[test]
    fn only_the_last_heads_count_and_a_head_that_goes_back_starts_over() {
        let t0 = Instant::now();
        let mut clock = BlockClock::default();
        // Slow blocks, then fast ones: after SPAN fast heads the slow ones are forgotten.
        clock.observe(0, t0);
        clock.observe(1, t0 + 6_000 * MS);
        for n in 2..=(SPAN as u32 + 1) {
            clock.observe(n, t0 + 6_000 * MS + (n - 1) * 10 * MS);
        }
        assert_eq!(clock.interval(), Some(10 * MS));
        clock.observe(3, t0 + 9_000 * MS);
        assert_eq!(clock.interval(), None);
        assert_eq!(clock.until(4, t0 + 9_000 * MS), None);
    }

    #[test]
    fn the_pause_waits_for_the_block_within_the_idle_poll() {
        let t0 = Instant::now();
        let idle = 200 * MS;
        let mut clock = BlockClock::default();
        assert_eq!(clock.pause(Some(5), t0, idle), idle, "nothing known: poll");
        clock.observe(1, t0);
        clock.observe(2, t0 + 50 * MS);
        assert_eq!(clock.pause(None, t0 + 50 * MS, idle), idle);
        assert_eq!(clock.pause(Some(3), t0 + 60 * MS, idle), 40 * MS);
        assert_eq!(clock.pause(Some(20), t0 + 60 * MS, idle), idle);
        // Overdue: a quarter of a block, not a busy loop; in already: the idle poll.
        assert_eq!(
            clock.pause(Some(3), t0 + 900 * MS, idle),
            12_500 * Duration::from_micros(1)
        );
        assert_eq!(clock.pause(Some(2), t0 + 900 * MS, idle), idle);
        // On a fast chain the pause is at least MIN_PAUSE.
        let mut fast = BlockClock::default();
        fast.observe(1, t0);
        fast.observe(2, t0 + 4 * MS);
        assert_eq!(fast.pause(Some(3), t0 + 100 * MS, idle), MIN_PAUSE);
    }
}
