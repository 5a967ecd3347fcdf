//! One declaration per contract for its events: each becomes an `#[ink::event]` struct, and
//! the contract's event enum gathers them so the rules can return events as values.

/// Declares event structs and an enum (named first) with one variant per struct.
#[macro_export]
macro_rules! contract_events {
    (enum $enum:ident; $($(#[$doc:meta])* $name:ident { $($(#[$m:meta])* $field:ident : $ty:ty),* $(,)? })*) => {
        $(
            $(#[$doc])*
            #[ink::event]
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct $name { $($(#[$m])* pub $field: $ty),* }
        )*
        /// Any event of this contract.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $enum { $($name($name)),* }

        $(impl From<$name> for $enum {
            fn from(e: $name) -> Self { $enum::$name(e) }
        })*

        impl $enum {
            /// Emits the event from the contract executing now.
            pub fn emit(self) {
                match self {
                    $($enum::$name(e) => {
                        ink::env::emit_event::<ink::env::DefaultEnvironment, $name>(e)
                    })*
                }
            }
        }
    };
}
