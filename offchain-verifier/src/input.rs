//! Reading and writing items: JSON lines (one item per line, byte strings in hex) and a SCALE
//! file (a magic header, then records of Compact length ‖ SCALE item). A malformed record is
//! reported with its line (or record) number and skipped; the rest is read on.

use dynamis_proofs::{Hash, Item};
use scale::{Compact, Decode, Encode, IoReader};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read as _, Write};

/// First bytes of a SCALE item file.
pub const SCALE_MAGIC: &[u8; 6] = b"DYNIT\x01";

/// The longest line or SCALE record read (the largest well-formed item, a 4,096-byte message
/// or leaf with a 64-hash path, is under 16 KiB as a JSON line): a longer one is reported and
/// skipped without being held in memory.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// Why one record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{unit} {number}: {reason}")]
pub struct RecordError {
    /// "line" (JSON lines) or "record" (SCALE).
    pub unit: &'static str,
    /// 1-based line of the file (JSON lines) or record (SCALE).
    pub number: usize,
    /// 0-based place among the file's records (as [`Read::records`] counts them).
    pub record: usize,
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

/// The items read, in order, and the records skipped. A file's records are its non-blank lines
/// (JSON lines) or its length-prefixed records (SCALE), numbered from 0 in file order, the
/// malformed ones included: that number is an item's index for `prove` and in the verdicts.
#[derive(Debug, Default)]
pub struct Read {
    pub items: Vec<Item>,
    /// The record number of each of `items`.
    pub records: Vec<usize>,
    pub errors: Vec<RecordError>,
    /// Records in the input, well-formed or not.
    pub count: usize,
}

impl Read {
    fn push(&mut self, unit: &'static str, number: usize, parsed: Result<Item, String>) {
        let record = self.count;
        self.count += 1;
        match parsed {
            Ok(item) => {
                self.items.push(item);
                self.records.push(record);
            }
            Err(reason) => self.errors.push(RecordError {
                unit,
                number,
                record,
                reason,
            }),
        }
    }

    /// Where record `record` of the input is among `items`, if it was well formed.
    pub fn item_of(&self, record: usize) -> Option<usize> {
        self.records.binary_search(&record).ok()
    }

    /// Why record `record` was skipped, if it was.
    pub fn error_of(&self, record: usize) -> Option<&RecordError> {
        self.errors.iter().find(|e| e.record == record)
    }
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

/// Reads one line (without its `\n`, or `\r\n`) into `line`, keeping at most `max` bytes;
/// `None` at the end of the input, else whether the line was longer than `max` (the rest of
/// it is consumed, not kept).
fn next_line(
    input: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (chunk, end) = match buf.iter().position(|b| *b == b'\n') {
            Some(at) => (&buf[..at], Some(at + 1)),
            None => (buf, None),
        };
        if line.len() + chunk.len() <= max {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
        }
        let used = end.unwrap_or(buf.len());
        input.consume(used);
        if end.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(too_long));
        }
    }
}

/// Reads JSON lines, streaming; blank lines are skipped. A line that is not UTF-8, not an
/// item, or longer than [`MAX_RECORD_BYTES`] is reported by its number and the rest is read.
pub fn read_jsonl(mut input: impl BufRead) -> Result<Read, ReadError> {
    let mut read = Read::default();
    let mut line = Vec::new();
    let mut number = 0;
    while let Some(too_long) = next_line(&mut input, &mut line, MAX_RECORD_BYTES)? {
        number += 1;
        let parsed = if too_long {
            Err(format!("longer than {MAX_RECORD_BYTES} bytes"))
        } else {
            match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => parse_json(text),
                Err(e) => Err(format!("not UTF-8 (byte {})", e.valid_up_to() + 1)),
            }
        };
        read.push("line", number, parsed);
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

/// Reads a SCALE item file held in memory (its magic header optional).
pub fn read_scale(bytes: &[u8]) -> Result<Read, ReadError> {
    read_scale_records(bytes.strip_prefix(SCALE_MAGIC.as_slice()).unwrap_or(bytes))
}

/// Reads SCALE records (after the magic header), streaming. A record that is not an item or
/// longer than [`MAX_RECORD_BYTES`] is reported and skipped; a truncated one ends the read.
pub fn read_scale_records(mut input: impl BufRead) -> Result<Read, ReadError> {
    let mut read = Read::default();
    let mut number = 0;
    while !input.fill_buf()?.is_empty() {
        number += 1;
        let len = Compact::<u32>::decode(&mut IoReader(&mut input))
            .map_err(|_| ReadError::Truncated(number))?;
        let len = u64::from(len.0);
        let mut body = Vec::new();
        let parsed = if len > MAX_RECORD_BYTES as u64 {
            let skipped = std::io::copy(&mut (&mut input).take(len), &mut std::io::sink())?;
            if skipped < len {
                return Err(ReadError::Truncated(number));
            }
            Err(format!("{len} bytes, more than {MAX_RECORD_BYTES}"))
        } else {
            (&mut input).take(len).read_to_end(&mut body)?;
            if (body.len() as u64) < len {
                return Err(ReadError::Truncated(number));
            }
            decode_item(&body)
        };
        read.push("record", number, parsed);
    }
    Ok(read)
}

/// Reads a file in whichever format it is in (SCALE files start with [`SCALE_MAGIC`]),
/// streaming it: only the items are held, never the whole file.
pub fn read_file(path: &std::path::Path) -> Result<Read, ReadError> {
    let file = std::fs::File::open(path)?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let head = input.fill_buf()?;
    if head.starts_with(SCALE_MAGIC) {
        input.consume(SCALE_MAGIC.len());
        read_scale_records(input)
    } else {
        read_jsonl(input)
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
