//! One declaration per contract for its events: each becomes an `#[ink::event]` struct, and
//! the contract's `Event` enum gathers them so the rules can return events as values.

/// Declares event structs and an `Event` enum with one variant per struct.
#[macro_export]
macro_rules! contract_events {
    ($($(#[$doc:meta])* $name:ident { $($(#[$m:meta])* $field:ident : $ty:ty),* $(,)? })*) => {
        $(
            $(#[$doc])*
            #[ink::event]
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct $name { $($(#[$m])* pub $field: $ty),* }
        )*
        /// Any event of this contract.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Event { $($name($name)),* }
    };
}
