//! Latency statistics shared by every load mode.

use std::time::Duration;

/// Nearest-rank percentile `p` (1–100) of a sorted sample; zero for an empty one.
pub(crate) fn pct(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// A duration in milliseconds, for printing.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_of_a_sorted_sample() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(pct(&v, 50), Duration::from_millis(50));
        assert_eq!(pct(&v, 99), Duration::from_millis(99));
        assert_eq!(pct(&v, 100), Duration::from_millis(100));
        assert_eq!(pct(&v[..1], 50), Duration::from_millis(1));
    }

    #[test]
    fn an_empty_sample_has_zero_percentiles() {
        assert_eq!(pct(&[], 99), Duration::ZERO);
    }
}
