//! Reading and writing items: JSON lines (one item per line, byte strings in hex) and a SCALE
//! file (a magic header, then records of Compact length ‖ SCALE item). A malformed record is
//! reported with its line (or record) number and skipped; the rest is read on.

use dynamis_proofs::{Hash, Item};
use scale::{Compact, Decode, Encode};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// First bytes of a SCALE item file.
pub const SCALE_MAGIC: &[u8; 6] = b"DYNIT\x01";

/// Why one record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{unit} {number}: {reason}")]
pub struct RecordError {
    /// "line" (JSON lines) or "record" (SCALE).
    pub unit: &'static str,
    /// 1-based.
    pub number: usize,
    pub reason: String,
}

/// Why a whole file could not be read on.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("reading input: {0}")]
    Io(#[from] std::io::Error),
    #[error("record {0}: truncated length prefix or body; nothing after it can be read")]
    Truncated(usize),
}

/// The items read, in order, and the records skipped.
#[derive(Debug, Default)]
pub struct Read {
    pub items: Vec<Item>,
    pub errors: Vec<RecordError>,
}

/// Hex strings (`0x…`) for byte arrays, vectors and hash lists in JSON.
pub use dynamis_deploy::hex::{hex_list, hexa};

/// An item as one JSON object.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JsonItem {
    Ed25519 {
        #[serde(with = "hexa")]
        public: [u8; 32],
        #[serde(with = "hexa")]
        signature: [u8; 64],
        #[serde(with = "hexa")]
        message: Vec<u8>,
    },
    Sr25519 {
        #[serde(with = "hexa")]
        public: [u8; 32],
        #[serde(with = "hexa")]
        signature: [u8; 64],
        #[serde(with = "hexa")]
        message: Vec<u8>,
    },
    Ecdsa {
        #[serde(with = "hexa")]
        public: [u8; 33],
        #[serde(with = "hexa")]
        signature: [u8; 65],
        #[serde(with = "hexa")]
        message: Vec<u8>,
    },
    Inclusion {
        #[serde(with = "hexa")]
        leaf: Vec<u8>,
        index: u64,
        size: u64,
        #[serde(with = "hex_list")]
        proof: Vec<Hash>,
        #[serde(with = "hexa")]
        root: Hash,
    },
    HashChain {
        #[serde(with = "hexa")]
        start: Hash,
        count: u32,
        #[serde(with = "hexa")]
        end: Hash,
    },
}

impl From<JsonItem> for Item {
    fn from(j: JsonItem) -> Self {
        match j {
            JsonItem::Ed25519 {
                public,
                signature,
                message,
            } => Item::Ed25519 {
                public,
                signature,
                message,
            },
            JsonItem::Sr25519 {
                public,
                signature,
                message,
            } => Item::Sr25519 {
                public,
                signature,
                message,
            },
            JsonItem::Ecdsa {
                public,
                signature,
                message,
            } => Item::Ecdsa {
                public,
                signature,
                message,
            },
            JsonItem::Inclusion {
                leaf,
                index,
                size,
                proof,
                root,
            } => Item::Inclusion {
                leaf,
                index,
                size,
                proof,
                root,
            },
            JsonItem::HashChain { start, count, end } => Item::HashChain { start, count, end },
        }
    }
}

impl From<&Item> for JsonItem {
    fn from(i: &Item) -> Self {
        match i.clone() {
            Item::Ed25519 {
                public,
                signature,
                message,
            } => JsonItem::Ed25519 {
                public,
                signature,
                message,
            },
            Item::Sr25519 {
                public,
                signature,
                message,
            } => JsonItem::Sr25519 {
                public,
                signature,
                message,
            },
            Item::Ecdsa {
                public,
                signature,
                message,
            } => JsonItem::Ecdsa {
                public,
                signature,
                message,
            },
            Item::Inclusion {
                leaf,
                index,
                size,
                proof,
                root,
            } => JsonItem::Inclusion {
                leaf,
                index,
                size,
                proof,
                root,
            },
            Item::HashChain { start, count, end } => JsonItem::HashChain { start, count, end },
        }
    }
}

/// Parses one JSON line into a well-formed item.
pub fn parse_json(line: &str) -> Result<Item, String> {
    let item: Item = serde_json::from_str::<JsonItem>(line)
        .map_err(|e| {
            // serde's own "at line 1 column N" would read as a line of the file: keep the column.
            let text = e.to_string();
            let reason = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(r, _)| r);
            format!("{reason} (column {})", e.column())
        })?
        .into();
    item.well_formed()
        .map_err(|m| format!("outside the shared limits: {m:?}"))?;
    Ok(item)
}

/// One item as a JSON line (no newline).
pub fn to_json(item: &Item) -> String {
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string(&JsonItem::from(item)).unwrap_or_default()
}

/// Reads JSON lines; blank lines are skipped.
pub fn read_jsonl(input: impl BufRead) -> Result<Read, ReadError> {
    let mut read = Read::default();
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_json(&line) {
            Ok(item) => read.items.push(item),
            Err(reason) => read.errors.push(RecordError {
                unit: "line",
                number: n + 1,
                reason,
            }),
        }
    }
    Ok(read)
}

/// One item's SCALE encoding, whole (nothing after it) and inside the shared limits.
pub fn decode_item(mut bytes: &[u8]) -> Result<Item, String> {
    let item = Item::decode(&mut bytes).map_err(|e| format!("not a SCALE item: {e}"))?;
    if !bytes.is_empty() {
        return Err(format!("{} bytes after the item", bytes.len()));
    }
    item.well_formed()
        .map_err(|m| format!("outside the shared limits: {m:?}"))?;
    Ok(item)
}

/// Reads a SCALE item file (after its magic header).
pub fn read_scale(bytes: &[u8]) -> Result<Read, ReadError> {
    let mut rest = bytes.strip_prefix(SCALE_MAGIC.as_slice()).unwrap_or(bytes);
    let mut read = Read::default();
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let len = Compact::<u32>::decode(&mut rest).map_err(|_| ReadError::Truncated(number))?;
        let len = len.0 as usize;
        if rest.len() < len {
            return Err(ReadError::Truncated(number));
        }
        let (body, tail) = rest.split_at(len);
        rest = tail;
        match decode_item(body) {
            Ok(item) => read.items.push(item),
            Err(reason) => read.errors.push(RecordError {
                unit: "record",
                number,
                reason,
            }),
        }
    }
    Ok(read)
}

/// Reads a file in whichever format it is in (SCALE files start with [`SCALE_MAGIC`]).
pub fn read_file(path: &std::path::Path) -> Result<Read, ReadError> {
    let bytes = std::fs::read(path)?;
    if bytes.starts_with(SCALE_MAGIC) {
        read_scale(&bytes)
    } else {
        read_jsonl(bytes.as_slice())
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Jsonl,
    Scale,
}

/// Writes items in `format`.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
}

impl<W: Write> Writer<W> {
    pub fn new(mut out: W, format: Format) -> std::io::Result<Self> {
        if format == Format::Scale {
            out.write_all(SCALE_MAGIC)?;
        }
        Ok(Self { out, format })
    }

    pub fn write(&mut self, item: &Item) -> std::io::Result<()> {
        match self.format {
            Format::Jsonl => writeln!(self.out, "{}", to_json(item)),
            Format::Scale => {
                let body = item.encode();
                let len = u32::try_from(body.len()).map_err(std::io::Error::other)?;
                Compact(len).encode_to(&mut self.out);
                self.out.write_all(&body)
            }
        }
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
