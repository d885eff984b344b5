//! The one marked block `gvx setup` keeps in a start-up file, edited as bytes so that everything
//! outside it (encoding, BOM, CRLF line ends, a missing final newline) stays exactly as it was.
//!
//! The start marker records the two facts `--undo` needs to restore the file byte for byte:
//! `[new file]` (setup created the file, so undo deletes it when nothing else is left) and
//! `[newline added]` (the file did not end with a newline, so setup added one before the block).
//! Lines inside the block always end with `\n`: every shell reads that, while a `\r` would break
//! the block in sh-like shells.

use std::fmt;

pub const START: &str = "# >>> gvx >>>";
pub const END: &str = "# <<< gvx <<<";
const ABOUT: &str = " added by `gvx setup`; `gvx setup --undo` removes it";
const NEW_FILE: &str = " [new file]";
const JOINED: &str = " [newline added]";

/// Why a file's block cannot be edited safely.
#[derive(Debug, PartialEq, Eq)]
pub enum BlockError {
    /// A start marker without an end marker after it.
    Unterminated { line: usize },
    /// More than one block.
    Twice { line: usize },
    /// UTF-16 (PowerShell 5 writes it); appending UTF-8 would corrupt the file.
    Utf16,
    /// NUL bytes: UTF-16 or UTF-32 without a byte-order mark, or not text at all.
    NotText,
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockError::Unterminated { line } => {
                write!(
                    f,
                    "the gvx block starting at line {line} has no `{END}` line"
                )
            }
            BlockError::Twice { line } => write!(f, "a second gvx block starts at line {line}"),
            BlockError::Utf16 => f.write_str("the file is UTF-16, which gvx does not edit"),
            BlockError::NotText => f.write_str(
                "the file holds NUL bytes (UTF-16 or UTF-32 text, or binary data), which gvx does \
                 not edit",
            ),
        }
    }
}

/// Where the block is: bytes `start..end` (end includes the end marker's newline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    /// 1-based line numbers of the two markers.
    pub first_line: usize,
    pub last_line: usize,
    new_file: bool,
    joined: bool,
}

/// The lines of `text` with their byte offsets; each line keeps its `\n`.
fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut offset = 0;
    text.split_inclusive(|&b| b == b'\n').map(move |line| {
        let at = offset;
        offset += line.len();
        (at, line)
    })
}

fn is_marker(line: &[u8], marker: &str) -> bool {
    line.trim_ascii_start().starts_with(marker.as_bytes())
}

/// Whether gvx may edit `text` as bytes: any ASCII-compatible encoding (UTF-8, Latin-1, …) may
/// take the block; UTF-16 and UTF-32 (a byte-order mark, or NUL bytes) and binary data may not.
/// Such a file cannot hold gvx's block either, which is always UTF-8.
pub fn check_encoding(text: &[u8]) -> Result<(), BlockError> {
    if text.starts_with(&[0xFF, 0xFE]) || text.starts_with(&[0xFE, 0xFF]) {
        return Err(BlockError::Utf16);
    }
    if text.contains(&0) {
        return Err(BlockError::NotText);
    }
    Ok(())
}

/// Whether a file [`check_encoding`] refuses still shows gvx's start marker when read as
/// UTF-16 (little- or big-endian): a block that was converted along with the file, which only
/// the user can take out again.
pub fn marker_in_wide_text(text: &[u8]) -> bool {
    let decode = |big: bool| {
        let units = text.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    decode(false).contains(START) || decode(true).contains(START)
}

/// Finds the block, if any.
pub fn find(text: &[u8]) -> Result<Option<Found>, BlockError> {
    check_encoding(text)?;
    let mut found: Option<Found> = None;
    let mut open: Option<(usize, usize, &[u8])> = None;
    for (number, (at, line)) in lines(text).enumerate() {
        let number = number + 1;
        if let Some((start, first_line, header)) = open {
            if is_marker(line, END) {
                let header = String::from_utf8_lossy(header);
                found = Some(Found {
                    start,
                    end: at + line.len(),
                    first_line,
                    last_line: number,
                    new_file: header.contains(NEW_FILE.trim_start()),
                    joined: header.contains(JOINED.trim_start()),
                });
                open = None;
            }
        } else if is_marker(line, START) {
            if found.is_some() {
                return Err(BlockError::Twice { line: number });
            }
            open = Some((at, number, line));
        }
    }
    match open {
        Some((_, line, _)) => Err(BlockError::Unterminated { line }),
        None => Ok(found),
    }
}

/// The block's text, markers included.
fn render(body: &str, new_file: bool, joined: bool) -> String {
    let mut text = format!("{START}{ABOUT}");
    if new_file {
        text.push_str(NEW_FILE);
    }
    if joined {
        text.push_str(JOINED);
    }
    text.push('\n');
    text.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(END);
    text.push('\n');
    text
}

/// The file with the block holding `body`: `None` is a missing file. An existing block is
/// rewritten where it stands; otherwise the block is appended, so it runs after the file's
/// own lines.
pub fn with_block(original: Option<&[u8]>, body: &str) -> Result<Vec<u8>, BlockError> {
    let Some(text) = original else {
        return Ok(render(body, true, false).into_bytes());
    };
    if let Some(found) = find(text)? {
        let mut out = text[..found.start].to_vec();
        out.extend_from_slice(render(body, found.new_file, found.joined).as_bytes());
        out.extend_from_slice(&text[found.end..]);
        return Ok(out);
    }
    let joined = !text.is_empty() && !text.ends_with(b"\n");
    let mut out = text.to_vec();
    if joined {
        let crlf = text.windows(2).any(|w| w == b"\r\n");
        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    }
    out.extend_from_slice(render(body, false, joined).as_bytes());
    Ok(out)
}

/// The file without the block: `None` means delete it (setup created it and only the block is
/// left). A file without a block comes back unchanged.
pub fn without_block(text: &[u8]) -> Result<Option<Vec<u8>>, BlockError> {
    let Some(found) = find(text)? else {
        return Ok(Some(text.to_vec()));
    };
    let mut start = found.start;
    if found.joined && found.end == text.len() {
        let before = &text[..start];
        if before.ends_with(b"\r\n") {
            start -= 2;
        } else if before.ends_with(b"\n") {
            start -= 1;
        }
    }
    let mut out = text[..start].to_vec();
    out.extend_from_slice(&text[found.end..]);
    if found.new_file && out.is_empty() {
        return Ok(None);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "export PATH=/g/bin:$PATH\n";

    fn round_trip(original: &[u8]) {
        let added = with_block(Some(original), BODY).unwrap();
        assert!(
            added.starts_with(original),
            "outside the block is untouched"
        );
        assert_eq!(with_block(Some(&added), BODY).unwrap(), added, "idempotent");
        assert_eq!(without_block(&added).unwrap().as_deref(), Some(original));
    }

    #[test]
    fn restores_every_kind_of_file() {
        round_trip(b"");
        round_trip(b"alias l=ls\n");
        round_trip(b"alias l=ls");
        round_trip(b"a\r\nb\r\n");
        round_trip(b"a\r\nb");
        round_trip(b"\xEF\xBB\xBFalias l=ls\n");
        round_trip(b"caf\xE9 latin-1\n");
    }

    #[test]
    fn separator_follows_the_file() {
        let added = with_block(Some(b"a\r\nb"), BODY).unwrap();
        assert!(added.starts_with(b"a\r\nb\r\n# >>> gvx >>>"));
        assert!(String::from_utf8_lossy(&added).contains("[newline added]"));
    }

    #[test]
    fn created_files_are_deleted_again() {
        let created = with_block(None, BODY).unwrap();
        assert!(String::from_utf8_lossy(&created).contains("[new file]"));
        assert_eq!(without_block(&created).unwrap(), None);
        let mut later = created.clone();
        later.extend_from_slice(b"alias l=ls\n");
        assert_eq!(
            without_block(&later).unwrap().as_deref(),
            Some(&b"alias l=ls\n"[..])
        );
    }

    #[test]
    fn rewritten_in_place() {
        let added = with_block(Some(b"a"), "old\n").unwrap();
        let mut edited = added.clone();
        edited.extend_from_slice(b"after\n");
        let updated = with_block(Some(&edited), BODY).unwrap();
        let text = String::from_utf8(updated.clone()).unwrap();
        assert!(text.starts_with("a\n# >>> gvx >>>"));
        assert!(text.ends_with("# <<< gvx <<<\nafter\n"));
        assert!(!text.contains("old"));
        // Lines added after the block keep the separator so they do not join line `a`.
        assert_eq!(without_block(&updated).unwrap().unwrap(), b"a\nafter\n");
    }

    #[test]
    fn damaged_blocks_are_refused() {
        let text = b"x\n# >>> gvx >>>\nexport A=1\n";
        assert_eq!(
            with_block(Some(text), BODY),
            Err(BlockError::Unterminated { line: 2 })
        );
        let twice = [
            &with_block(None, BODY).unwrap()[..],
            &with_block(None, BODY).unwrap(),
        ]
        .concat();
        assert!(matches!(find(&twice), Err(BlockError::Twice { .. })));
        assert_eq!(find(b"\xFF\xFEa\x00"), Err(BlockError::Utf16));
    }

    #[test]
    fn files_that_are_not_ascii_compatible_are_refused() {
        let utf16 = |text: &str, big: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        let plain = utf16("export A=1\n", false);
        assert_eq!(find(&plain), Err(BlockError::NotText));
        assert_eq!(with_block(Some(&plain), BODY), Err(BlockError::NotText));
        assert_eq!(
            find(b"\x7fELF\x02\x01\x00\x00junk"),
            Err(BlockError::NotText)
        );
        assert!(!marker_in_wide_text(&plain));
        let block = String::from_utf8(with_block(Some(b"a\n"), BODY).unwrap()).unwrap();
        assert!(marker_in_wide_text(&utf16(&block, false)));
        assert!(marker_in_wide_text(
            &[&[0xFE, 0xFF][..], &utf16(&block, true)].concat()
        ));
        assert!(!marker_in_wide_text(&[0xFF, 0xFE, 0x00]));
    }
}
