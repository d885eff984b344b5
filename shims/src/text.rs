//! Text gvx does not control — pins, go.mod and go.work lines, the index, a server's answer —
//! made safe to print: control and bidirectional-override characters escaped, and cut to a
//! length that fits a message, so a hostile file can neither drive the terminal nor flood it.

/// Characters of untrusted text shown at most; the rest is summarised.
pub const MAX_SHOWN: usize = 120;

/// `text` as it may be printed: `\u{1b}` instead of an escape character, and at most
/// [`MAX_SHOWN`] characters followed by `… (N more characters)`.
pub fn untrusted(text: &str) -> String {
    untrusted_up_to(text, MAX_SHOWN)
}

/// [`untrusted`] with room for `max` characters, for a whole line a report quotes as evidence.
pub fn untrusted_up_to(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        if c.is_control() || is_bidi_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let rest = chars.count();
    if rest > 0 {
        out.push_str(&format!("… ({rest} more characters)"));
    }
    out
}

/// Characters that reorder how the text around them is displayed (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(untrusted("1.22\u{1b}[31mred"), "1.22\\u{1b}[31mred");
        assert_eq!(untrusted("a\rb\nc\td"), "a\\rb\\nc\\td");
        assert_eq!(untrusted("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(untrusted("go1.22.10 ünïcode"), "go1.22.10 ünïcode");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(10_000_000);
        let shown = untrusted(&long);
        assert!(shown.starts_with(&"x".repeat(MAX_SHOWN)));
        assert!(
            shown.ends_with("… (9999880 more characters)"),
            "{}",
            &shown[MAX_SHOWN..]
        );
        assert_eq!(untrusted(&"y".repeat(MAX_SHOWN)), "y".repeat(MAX_SHOWN));
    }
}
