//! What this verifier keeps as a co-signer and a watcher: the attestations it co-signed for
//! leaders (recorded before the signature leaves), and the audits that wait.

use super::*;

impl Store {
    /// Records an attestation co-signed for a peer (before the signature leaves).
    pub fn cosigned(&self, record: &CoSigned) -> Result<(), StoreError> {
        let w = self.write()?;
        let root = record.attestation.root.as_slice();
        w.open_table(COSIGNED)?
            .insert(root, record.encode().as_slice())?;
        w.open_table(COSIGNED_AT)?
            .insert((record.signed_ms, root), ())?;
        w.commit()?;
        Ok(())
    }

    /// Records (or, with `None`, ends) the pending audit of attestation `id`.
    pub fn set_audit(&self, id: u64, audit: Option<&PendingAudit>) -> Result<(), StoreError> {
        let w = self.write()?;
        {
            let mut table = w.open_table(AUDITS)?;
            match audit {
                Some(a) => {
                    table.insert(id, a.encode().as_slice())?;
                }
                None => {
                    table.remove(id)?;
                }
            }
        }
        w.commit()?;
        Ok(())
    }

    /// Every pending audit, by attestation id.
    pub fn audits(&self) -> Result<Vec<(u64, PendingAudit)>, StoreError> {
        let r = self.db.begin_read()?;
        let mut all = Vec::new();
        for entry in r.open_table(AUDITS)?.iter()? {
            let (id, value) = entry?;
            all.push((id.value(), decode("audits", value.value())?));
        }
        Ok(all)
    }
}
