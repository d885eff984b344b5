//! The transparency log (`golang.org/x/mod/sumdb/tlog`): RFC 6962 hashes, the numbering of
//! stored hashes, tree heads and records.

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use sha2::{Digest, Sha256};

pub(crate) type Hash = [u8; 32];

/// The hash of a record: SHA-256(0x00 ‖ text).
pub(crate) fn record_hash(text: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(text)
        .finalize()
        .into()
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub(crate) fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// Where the `n`th hash of `level` sits in the dense order a log stores its hashes in: each
/// record's leaf hash, followed by the hashes of the subtrees it completes.
pub(crate) fn stored_hash_index(level: u32, n: u64) -> u64 {
    // The n'th hash of level L is stored right after the (2n+1)'th hash of level L-1.
    let mut n = ((n + 1) << level) - 1;
    let mut index = 0;
    while n > 0 {
        index += n;
        n >>= 1;
    }
    index + u64::from(level)
}

/// The inverse of [`stored_hash_index`]: `(level, n)`.
pub(crate) fn split_stored_hash_index(index: u64) -> (u32, u64) {
    // stored_hash_index(0, n) < 2n, so the record that stored this hash is near index/2.
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    // Each record n stores 1 + trailing_zeros(n+1) hashes.
    loop {
        let next = index_n + 1 + u64::from((n + 1).trailing_zeros());
        if next > index {
            break;
        }
        n += 1;
        index_n = next;
    }
    let level = (index - index_n) as u32;
    (level, n >> level)
}

/// The stored hashes of the complete subtrees that make up the tree of `size` records, left to
/// right, largest first (RFC 6962 §2.1 splits).
pub(crate) fn subtree_indexes(size: u64) -> Vec<u64> {
    let mut indexes = Vec::new();
    let mut lo = 0;
    while lo < size {
        let level = (size - lo).ilog2();
        indexes.push(stored_hash_index(level, lo >> level));
        lo += 1 << level;
    }
    indexes
}

/// The root hash from the subtree hashes [`subtree_indexes`] names; all zeros for no records.
pub(crate) fn fold_subtrees(hashes: &[Hash]) -> Hash {
    let Some((last, rest)) = hashes.split_last() else {
        return [0; 32];
    };
    rest.iter()
        .rev()
        .fold(*last, |right, left| node_hash(left, &right))
}

/// A tree head: the number of records and the root hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tree {
    pub size: u64,
    pub hash: Hash,
}

impl Tree {
    /// Parses `go.sum database tree\n<size>\n<base64 hash>\n`, ignoring any further lines, as
    /// Go's `tlog.ParseTree` does.
    pub(crate) fn parse(text: &str) -> Option<Tree> {
        let rest = text.strip_prefix("go.sum database tree\n")?;
        if text.len() > 1_000_000 || text.matches('\n').count() < 3 {
            return None;
        }
        let mut lines = rest.splitn(3, '\n');
        let size_line = lines.next()?;
        let size: i64 = size_line.parse().ok()?;
        if size < 0 || size.to_string() != size_line {
            return None;
        }
        let hash = BASE64_STANDARD.decode(lines.next()?).ok()?;
        Some(Tree {
            size: size as u64,
            hash: hash.try_into().ok()?,
        })
    }

    #[cfg(test)]
    pub(crate) fn format(&self) -> String {
        format!(
            "go.sum database tree\n{}\n{}\n",
            self.size,
            BASE64_STANDARD.encode(self.hash)
        )
    }
}

/// Splits a lookup response into record id, record text and the rest (the signed tree note),
/// by Go's `tlog.ParseRecord` rules. Negative ids, which Go parses, are rejected.
pub(crate) fn parse_record(msg: &[u8]) -> Option<(u64, &[u8], &[u8])> {
    let newline = msg.iter().position(|&b| b == b'\n')?;
    let id: u64 = std::str::from_utf8(&msg[..newline]).ok()?.parse().ok()?;
    if id > i64::MAX as u64 {
        return None;
    }
    let msg = &msg[newline + 1..];
    let end = msg.windows(2).position(|w| w == b"\n\n")?;
    let (text, rest) = (&msg[..=end], &msg[end + 2..]);
    is_valid_record_text(text).then_some((id, text, rest))
}

/// UTF-8, no control characters but `\n`, no blank line, ends in `\n`.
fn is_valid_record_text(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|text| {
        text.ends_with('\n')
            && !text.contains("\n\n")
            && !text.contains(|c: char| c < ' ' && c != '\n')
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// RFC 6962's Merkle tree hash, straight from its recursive definition.
    fn naive_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => [0; 32],
            1 => leaves[0],
            n => {
                let k = 1 << (n - 1).ilog2();
                node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn stored_hash_index_matches_gos_layout() {
        // Record 0 stores (0,0); record 1 stores (0,1),(1,0); record 2 stores (0,2);
        // record 3 stores (0,3),(1,1),(2,0); record 4 stores (0,4).
        let order = [
            (0, 0),
            (0, 1),
            (1, 0),
            (0, 2),
            (0, 3),
            (1, 1),
            (2, 0),
            (0, 4),
        ];
        for (index, (level, n)) in order.into_iter().enumerate() {
            assert_eq!(stored_hash_index(level, n), index as u64);
            assert_eq!(split_stored_hash_index(index as u64), (level, n));
        }
        for index in (0..20_000).chain([1 << 40, (1 << 40) + 39, 57_811_000_123]) {
            let (level, n) = split_stored_hash_index(index);
            assert_eq!(stored_hash_index(level, n), index);
        }
    }

    #[test]
    fn subtree_fold_is_the_rfc6962_root() {
        let leaves: Vec<Hash> = (0u32..300).map(|i| record_hash(&i.to_be_bytes())).collect();
        // Hashes by stored index, built as a log appends them.
        let mut stored: Vec<Hash> = Vec::new();
        for n in 0..leaves.len() as u64 {
            let mut hash = leaves[n as usize];
            stored.push(hash);
            for level in 0..(n + 1).trailing_zeros() {
                let left = stored[stored_hash_index(level, (n >> level) - 1) as usize];
                hash = node_hash(&left, &hash);
                stored.push(hash);
            }
        }
        for size in 0..=leaves.len() {
            let hashes: Vec<Hash> = subtree_indexes(size as u64)
                .iter()
                .map(|&i| stored[i as usize])
                .collect();
            assert_eq!(
                fold_subtrees(&hashes),
                naive_root(&leaves[..size]),
                "{size}"
            );
        }
    }

    #[test]
    fn tree_notes() {
        let tree = Tree {
            size: 28905453,
            hash: [7; 32],
        };
        assert_eq!(Tree::parse(&tree.format()), Some(tree));
        assert_eq!(Tree::parse(&(tree.format() + "extra\n")), Some(tree));
        let text = tree.format();
        for bad in [
            text.replace("28905453", "028905453"),
            text.replace("28905453", "+28905453"),
            text.replace("28905453", "-1"),
            text.replace("tree\n", "tree v2\n"),
            text.replace("=\n", "="),
            text.replace("Bwc", "Bw"),
        ] {
            assert_eq!(Tree::parse(&bad), None, "{bad:?}");
        }
    }

    /// The real lookup response for go1.21.9's toolchain module (toolchain-proxy.md §2.1).
    pub(crate) const REAL_LOOKUP: &str = "24929362
golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=
golang.org/toolchain v0.0.1-go1.21.9.linux-amd64/go.mod h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=

go.sum database tree
28905453
f3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=

— sum.golang.org Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=
";

    #[test]
    fn real_record_parses_and_hashes() {
        let (id, text, rest) = parse_record(REAL_LOOKUP.as_bytes()).unwrap();
        assert_eq!(id, 24929362);
        assert!(text.starts_with(b"golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 h1:"));
        assert!(rest.starts_with(b"go.sum database tree\n28905453\n"));
        assert_eq!(
            BASE64_STANDARD.encode(record_hash(text)),
            "A/+TP2a1pyCJM2jsWxhtn8S+e4UYsO5MYbxns1Xhj+o="
        );
    }

    #[test]
    fn record_rules() {
        assert_eq!(
            parse_record(b"7\na b\nc d\n\nrest"),
            Some((7, &b"a b\nc d\n"[..], &b"rest"[..]))
        );
        for bad in [
            &b"-1\na\n\n"[..],
            b"x\na\n\n",
            b"7",
            b"7\na\n",
            b"7\na\tb\n\n",
            b"7\n\xff\n\n",
        ] {
            assert_eq!(
                parse_record(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
