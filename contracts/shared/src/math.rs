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

/// ⌊√n⌋, exact for every `u128` (Newton's method from an upper bound, integer only).
pub fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    // 2^⌈bits/2⌉ ≥ √n: Newton's iteration decreases monotonically from there to ⌊√n⌋.
    let bits = 128u32.saturating_sub(n.leading_zeros());
    let mut x: u128 = 1u128 << bits.div_ceil(2).min(127);
    loop {
        // x ≥ 1 throughout: the divisions are defined.
        let y = x.saturating_add(n.checked_div(x).unwrap_or(0)) >> 1;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// The smaller of two values, in a const context (`Ord::min` is not const).
pub const fn min128(a: u128, b: u128) -> u128 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two values, in a const context.
pub const fn max128(a: u128, b: u128) -> u128 {
    if a > b {
        a
    } else {
        b
    }
}

/// [`min128`] for `u32`.
pub const fn min32(a: u32, b: u32) -> u32 {
    if a < b {
        a
    } else {
        b
    }
}

/// [`max128`] for `u32`.
pub const fn max32(a: u32, b: u32) -> u32 {
    if a > b {
        a
    } else {
        b
    }
}

/// Whether every field of `value` lies inside `[min, max]`, field by field (a parameter set
/// checked against the hard bounds fixed at instantiation; unequal lengths are never inside).
pub fn inside(value: &[u128], min: &[u128], max: &[u128]) -> bool {
    value.len() == min.len()
        && min.len() == max.len()
        && value
            .iter()
            .zip(min.iter().zip(max.iter()))
            .all(|(v, (lo, hi))| lo <= v && v <= hi)
}

/// Whether every `min` field is at most its `max` field (bounds that leave room).
pub fn ordered(min: &[u128], max: &[u128]) -> bool {
    min.len() == max.len() && min.iter().zip(max.iter()).all(|(lo, hi)| lo <= hi)
}

/// Whether moving a parameter from `old` to `new` stays inside `[min, max]` and moves at most
/// `step_ppb` of the range `max − min` (rounded up, so a range of one can always move by one).
pub fn within_step(old: u128, new: u128, min: u128, max: u128, step_ppb: u32) -> bool {
    if new < min || new > max {
        return false;
    }
    let range = max.saturating_sub(min);
    let step = mul_ppb_ceil(range, step_ppb);
    new.abs_diff(old) <= step
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
        for value in [
            0u128,
            1,
            3,
            999,
            1_000_000_000,
            3 * 10u128.pow(20),
            10u128.pow(27),
        ] {
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

    #[test]
    fn isqrt_is_the_floor_of_the_square_root_everywhere() {
        for n in 0u128..10_000 {
            let r = isqrt(n);
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "{n}");
        }
        for r in [
            1u128 << 20,
            1u128 << 40,
            (1u128 << 63) - 1,
            1u128 << 63,
            u64::MAX as u128,
        ] {
            for n in [r * r - 1, r * r, r * r + 1] {
                let s = isqrt(n);
                assert!(s * s <= n, "{n}");
                assert!(
                    s.checked_add(1)
                        .map_or(true, |t| t.checked_mul(t).map_or(true, |t2| t2 > n)),
                    "{n}"
                );
            }
        }
        assert_eq!(isqrt(u128::MAX), u64::MAX as u128);
    }

    #[test]
    fn a_step_is_a_share_of_the_range_rounded_up() {
        // Range 100, 25 %: at most 25 either way, never outside the bounds.
        assert!(within_step(50, 75, 0, 100, 250_000_000));
        assert!(within_step(50, 25, 0, 100, 250_000_000));
        assert!(!within_step(50, 76, 0, 100, 250_000_000));
        assert!(!within_step(50, 24, 0, 100, 250_000_000));
        assert!(!within_step(90, 101, 0, 100, PPB));
        assert!(!within_step(10, 4, 5, 100, PPB));
        // A range of one moves by one.
        assert!(within_step(0, 1, 0, 1, 1));
        // A fixed parameter (min == max) cannot move.
        assert!(within_step(7, 7, 7, 7, PPB));
        assert!(!within_step(7, 8, 7, 7, PPB));
    }
}
