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

/// A total would overflow or go below zero. Accounting totals use [`plus`] and [`minus`]
/// instead of saturating: a total below zero means the accounting is broken, and the call
/// must revert rather than hide it. Each contract's error converts it into its `Arithmetic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// The integer widths totals are kept in.
pub trait Checked: Sized {
    fn checked_plus(self, other: Self) -> Option<Self>;
    fn checked_minus(self, other: Self) -> Option<Self>;
}

macro_rules! checked {
    ($($t:ty),*) => {$(
        impl Checked for $t {
            fn checked_plus(self, other: Self) -> Option<Self> { self.checked_add(other) }
            fn checked_minus(self, other: Self) -> Option<Self> { self.checked_sub(other) }
        }
    )*};
}
checked!(u32, u64, u128);

/// `total + amount`, or [`Overflow`].
pub fn plus<T: Checked>(total: T, amount: T) -> Result<T, Overflow> {
    total.checked_plus(amount).ok_or(Overflow)
}

/// `total − amount`, or [`Overflow`] if it would go below zero.
pub fn minus<T: Checked>(total: T, amount: T) -> Result<T, Overflow> {
    total.checked_minus(amount).ok_or(Overflow)
}

/// `value × ppb / 10⁹`, rounded up (a threshold that a share must reach). Saturates at
/// `u128::MAX`.
pub fn mul_ppb_ceil(value: u128, ppb: u32) -> u128 {
    let down = mul_ppb(value, ppb);
    // The product is exact unless value × ppb leaves a remainder modulo 10⁹: that remainder
    // is (value mod 10⁹) × ppb mod 10⁹, both factors below 2^62 together.
    let whole = u128::from(PPB);
    let rest = value
        .checked_rem(whole)
        .unwrap_or(0)
        .saturating_mul(u128::from(ppb))
        .checked_rem(whole)
        .unwrap_or(0);
    if rest > 0 {
        down.saturating_add(1)
    } else {
        down
    }
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
    fn mul_ppb_ceil_rounds_up_exactly_when_there_is_a_remainder() {
        for value in [0u128, 1, 3, 999, 1_000_000_000, 3 * 10u128.pow(20), 10u128.pow(27)] {
            for ppb in [0u32, 1, 333_333_333, 666_666_666, PPB, 1_500_000_000] {
                let product = value * u128::from(ppb);
                let expected = product.div_ceil(u128::from(PPB));
                assert_eq!(mul_ppb_ceil(value, ppb), expected, "{value} × {ppb}");
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
