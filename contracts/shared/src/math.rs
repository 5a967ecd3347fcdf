//! Fixed-point helpers: ratios in parts per billion (ppb), integer only, never overflowing.

/// One whole in parts per billion.
pub const PPB: u32 = 1_000_000_000;

/// `value × ppb / 10⁹`, rounded down, for any `value` and any `ppb` (also above 10⁹, for
/// multipliers): splitting `value` at 10⁹ keeps every intermediate product inside `u128`.
/// Saturates at `u128::MAX`.
pub fn mul_ppb(value: u128, ppb: u32) -> u128 {
    let whole = u128::from(PPB);
    let ppb = u128::from(ppb);
    // `whole` is not zero: the checked forms never take their fallback.
    let high = value.checked_div(whole).unwrap_or(0).saturating_mul(ppb);
    // Both factors are below 2^32 · 10⁹ < 2^62: the product fits.
    let low = value
        .checked_rem(whole)
        .unwrap_or(0)
        .saturating_mul(ppb)
        .checked_div(whole)
        .unwrap_or(0);
    high.saturating_add(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_ppb_is_exact_where_the_naive_product_fits() {
        for value in [
            0u128,
            1,
            999,
            1_000_000_000,
            123_456_789_012_345,
            10u128.pow(27),
        ] {
            for ppb in [
                0u32,
                1,
                10_000_000,
                500_000_000,
                PPB,
                1_500_000_000,
                u32::MAX,
            ] {
                let naive = value * u128::from(ppb) / u128::from(PPB);
                assert_eq!(mul_ppb(value, ppb), naive, "{value} × {ppb}");
            }
        }
    }

    #[test]
    fn mul_ppb_does_not_overflow_at_the_extremes() {
        // u128::MAX / 10⁹ × (2^32 − 1) ≫ u128::MAX: saturates instead of wrapping.
        assert_eq!(mul_ppb(u128::MAX, u32::MAX), u128::MAX);
        assert_eq!(mul_ppb(u128::MAX, PPB), u128::MAX);
        assert_eq!(mul_ppb(u128::MAX, 0), 0);
    }
}
