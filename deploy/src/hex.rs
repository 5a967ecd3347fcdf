//! `0x`-hex (de)serialisation of byte strings, for manifests and JSON APIs.

use serde::{de::Error, Deserialize, Deserializer, Serializer};

/// `0x`-prefixed lower-case hex of `bytes`.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

/// Bytes of a hex string, with or without `0x`.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    ::hex::decode(digits).map_err(|e| format!("not hex: {e}"))
}

/// Exactly `N` bytes of a hex string.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], String> {
    let bytes = decode(text)?;
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| format!("wrong length: {len} bytes, not {N}"))
}

/// Serde field adapter for anything byte-like (`Vec<u8>`, `[u8; N]`).
pub mod hexa {
    use super::*;

    pub fn serialize<S: Serializer, T: AsRef<[u8]>>(bytes: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<Vec<u8>>>(
        d: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = decode(&text).map_err(D::Error::custom)?;
        let len = bytes.len();
        T::try_from(bytes).map_err(|_| D::Error::custom(format!("wrong length: {len} bytes")))
    }
}

/// Serde field adapter for lists of 32-byte hashes.
pub mod hex_list {
    use super::*;

    pub fn serialize<S: Serializer>(list: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(encode))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| decode_array::<32>(text).map_err(D::Error::custom))
            .collect()
    }
}
