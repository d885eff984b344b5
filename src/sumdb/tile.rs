//! Tiles (`golang.org/x/mod/sumdb/tlog/tile.go`): the log's stored hashes served as static
//! files of up to 256 hashes, and reading hashes from them so that every hash returned is
//! proven to belong to a signed tree.

use super::error::SumdbError;
use super::tlog::{
    Hash, Tree, fold_subtrees, node_hash, split_stored_hash_index, stored_hash_index,
    subtree_indexes,
};

/// Tile height: a tile spans 8 levels of the tree, as sum.golang.org serves them.
pub(crate) const HEIGHT: u32 = 8;
const FULL_WIDTH: u64 = 1 << HEIGHT;
const INCONSISTENT: &str = "downloaded inconsistent tile";

/// `width` consecutive hashes of tree level `8 * level`, starting at hash `256 * n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Tile {
    pub level: u32,
    pub n: u64,
    pub width: u64,
}

impl Tile {
    /// `tile/8/<level>/<n in 3-digit groups, all but the last x-prefixed>[.p/<width>]`.
    pub(crate) fn path(&self) -> String {
        let mut n = self.n;
        let mut digits = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            digits = format!("x{:03}/{digits}", n % 1000);
        }
        let partial = if self.is_full() {
            String::new()
        } else {
            format!(".p/{}", self.width)
        };
        format!("tile/{HEIGHT}/{}/{digits}{partial}", self.level)
    }

    pub(crate) fn is_full(&self) -> bool {
        self.width == FULL_WIDTH
    }

    pub(crate) fn full(self) -> Tile {
        Tile {
            width: FULL_WIDTH,
            ..self
        }
    }

    /// The narrowest tile holding stored hash `index`, and the byte range of the tile data
    /// whose hash is that stored hash.
    fn for_index(index: u64) -> (Tile, std::ops::Range<usize>) {
        let (level, n) = split_stored_hash_index(index);
        let tile_level = level / HEIGHT;
        let level = level % HEIGHT; // within the tile
        let tile_n = (n << level) >> HEIGHT;
        let n = n - ((tile_n << HEIGHT) >> level); // within the tile, at `level`
        let tile = Tile {
            level: tile_level,
            n: tile_n,
            width: (n + 1) << level,
        };
        let range = (n << level) as usize * 32..((n + 1) << level) as usize * 32;
        (tile, range)
    }

    /// The `k`th ancestor of this tile (k = 0: itself) as it exists in a tree of `size`
    /// records: full, or partial at the tree's edge; None past the edge.
    pub(crate) fn parent(self, k: u32, size: u64) -> Option<Tile> {
        let level = self.level + k;
        let n = self.n.checked_shr(k * HEIGHT).unwrap_or(0);
        let available = size.checked_shr(level * HEIGHT).unwrap_or(0);
        let start = n << HEIGHT;
        (start < available).then(|| Tile {
            level,
            n,
            width: FULL_WIDTH.min(available - start),
        })
    }
}

/// The hash of the subtree whose bottom row is `data` (2^k hashes).
fn tile_hash(data: &[u8]) -> Hash {
    if data.len() == 32 {
        return data.try_into().expect("32 bytes");
    }
    let (left, right) = data.split_at(data.len() / 2);
    node_hash(&tile_hash(left), &tile_hash(right))
}

/// Stored hash `index` from `data` of `tile`, which must be the tile holding it (or wider).
fn hash_from_tile(tile: &Tile, data: &[u8], index: u64) -> Result<Hash, SumdbError> {
    let (needed, range) = Tile::for_index(index);
    if tile.level != needed.level || tile.n != needed.n || tile.width < needed.width {
        return Err(SumdbError::security(format!(
            "bad math in tile reader: index {index} is in {} not {}",
            needed.path(),
            tile.path()
        )));
    }
    Ok(tile_hash(&data[range]))
}

/// Where tiles come from, raw; `read_hashes` authenticates them.
pub(crate) trait TileSource {
    /// The data of each tile, in order, or why it could not be had.
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, SumdbError>;
    /// These tiles were just proven to be part of a signed tree.
    fn save_tiles(&self, tiles: &[Tile], data: &[Vec<u8>]);
}

/// The stored hashes at `indexes` of `tree`, read from tiles that are first proven against the
/// tree's signed root (Go's `tileHashReader.ReadHashes`): the tiles holding the tree's
/// complete subtrees must fold to the root, and every other tile must hash to the entry its
/// parent tile has for it.
pub(crate) fn read_hashes(
    tree: &Tree,
    indexes: &[u64],
    source: &impl TileSource,
) -> Result<Vec<Hash>, SumdbError> {
    let bad_math =
        || SumdbError::security(format!("bad math in tile reader for tree#{}", tree.size));
    let mut tiles: Vec<Tile> = Vec::new();
    let position = |tiles: &[Tile], tile: &Tile| tiles.iter().position(|t| t == tile);

    // The tiles whose hashes recompute the root; once they do, they are authenticated.
    let subtrees = subtree_indexes(tree.size);
    let mut subtree_tiles = Vec::new();
    for &index in &subtrees {
        let tile = Tile::for_index(index)
            .0
            .parent(0, tree.size)
            .ok_or_else(bad_math)?;
        let at = position(&tiles, &tile).unwrap_or_else(|| {
            tiles.push(tile);
            tiles.len() - 1
        });
        subtree_tiles.push(at);
    }
    let root_tiles = tiles.len();

    // The tiles holding the requested hashes, each after the parents that authenticate it.
    let mut index_tiles = Vec::new();
    for &index in indexes {
        if index >= stored_hash_index(0, tree.size) {
            return Err(SumdbError::security("indexes not in tree"));
        }
        let tile = Tile::for_index(index).0;
        let mut k = 0;
        let mut at = loop {
            let parent = tile.parent(k, tree.size).ok_or_else(bad_math)?;
            if let Some(at) = position(&tiles, &parent) {
                break at;
            }
            k += 1;
        };
        for k in (0..k).rev() {
            let parent = tile.parent(k, tree.size).ok_or_else(bad_math)?;
            if !parent.is_full() {
                return Err(bad_math()); // a tile with a parent tile is complete
            }
            tiles.push(parent);
            at = tiles.len() - 1;
        }
        index_tiles.push(at);
    }

    let data = source.read_tiles(&tiles)?;
    if data.len() != tiles.len() {
        return Err(bad_math());
    }
    for (tile, data) in tiles.iter().zip(&data) {
        if data.len() as u64 != tile.width * 32 {
            return Err(SumdbError::security(format!(
                "malformed tile {}: {} bytes, want {}",
                tile.path(),
                data.len(),
                tile.width * 32
            )));
        }
    }

    let subtree_hashes = subtrees
        .iter()
        .zip(&subtree_tiles)
        .map(|(&index, &at)| hash_from_tile(&tiles[at], &data[at], index))
        .collect::<Result<Vec<Hash>, SumdbError>>()?;
    if fold_subtrees(&subtree_hashes) != tree.hash {
        return Err(SumdbError::security(INCONSISTENT));
    }
    // Parents come before their children, so each parent is authenticated when used. Go
    // starts this loop at the number of subtrees instead of the number of their tiles, which
    // leaves some tiles unchecked; every tile after the root tiles is checked here.
    for (tile, tile_data) in tiles.iter().zip(&data).skip(root_tiles) {
        let parent = tile.parent(1, tree.size).ok_or_else(bad_math)?;
        let at = position(&tiles, &parent).ok_or_else(bad_math)?;
        let index = stored_hash_index(parent.level * HEIGHT, tile.n);
        if hash_from_tile(&parent, &data[at], index)? != tile_hash(tile_data) {
            return Err(SumdbError::security(INCONSISTENT));
        }
    }
    source.save_tiles(&tiles, &data);

    indexes
        .iter()
        .zip(&index_tiles)
        .map(|(&index, &at)| hash_from_tile(&tiles[at], &data[at], index))
        .collect()
}

/// The hash of the first `size` records, read from tiles proven against `tree` (a tree of at
/// least `size` records): Go's `tlog.TreeHash(size, TileHashReader(tree))`.
pub(crate) fn tree_hash_within(
    tree: &Tree,
    size: u64,
    source: &impl TileSource,
) -> Result<Hash, SumdbError> {
    if size == 0 {
        return Ok([0; 32]);
    }
    let hashes = read_hashes(tree, &subtree_indexes(size), source)?;
    Ok(fold_subtrees(&hashes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let tile = |level, n, width| Tile { level, n, width }.path();
        assert_eq!(tile(4, 1234067, 1), "tile/8/4/x001/x234/067.p/1");
        assert_eq!(tile(4, 1234067, 256), "tile/8/4/x001/x234/067");
        assert_eq!(tile(0, 0, 256), "tile/8/0/000");
        assert_eq!(tile(0, 2, 189), "tile/8/0/002.p/189");
        assert_eq!(tile(1, 999, 2), "tile/8/1/999.p/2");
        assert_eq!(tile(2, 1000, 256), "tile/8/2/x001/000");
    }

    #[test]
    fn tile_for_index() {
        // Record 700 of a tree of 701 is in the 189-wide partial tile 002 (as sum.golang.org
        // clients fetch it), and level 9's first hash in level-1 tile 000.
        let (tile, range) = Tile::for_index(stored_hash_index(0, 700));
        assert_eq!(
            (tile, range),
            (
                Tile {
                    level: 0,
                    n: 2,
                    width: 189
                },
                188 * 32..189 * 32
            )
        );
        assert_eq!(tile.parent(0, 701), Some(tile));
        assert_eq!(
            Tile::for_index(stored_hash_index(9, 0)).0.parent(0, 701),
            Some(Tile {
                level: 1,
                n: 0,
                width: 2
            })
        );
        // Level 4 inside a tile: 16 leaves hash to it.
        let (tile, range) = Tile::for_index(stored_hash_index(4, 17));
        assert_eq!(
            (tile, range),
            (
                Tile {
                    level: 0,
                    n: 1,
                    width: 32
                },
                16 * 32..32 * 32
            )
        );
        // Parents are partial at the tree's edge and absent past it.
        let leaf = Tile {
            level: 0,
            n: 300,
            width: 256,
        };
        assert_eq!(
            leaf.parent(1, 70000),
            Some(Tile {
                level: 1,
                n: 1,
                width: 17
            })
        );
        assert_eq!(
            leaf.parent(2, 70000),
            Some(Tile {
                level: 2,
                n: 0,
                width: 1
            })
        );
        assert_eq!(leaf.parent(2, 65535), None);
        assert_eq!(leaf.parent(9, u64::MAX), None);
    }

    #[test]
    fn tile_hash_is_the_subtree_root() {
        let leaves: Vec<Hash> = (0u8..4).map(|i| [i; 32]).collect();
        let data = leaves.concat();
        let want = node_hash(
            &node_hash(&leaves[0], &leaves[1]),
            &node_hash(&leaves[2], &leaves[3]),
        );
        assert_eq!(tile_hash(&data), want);
    }
}
