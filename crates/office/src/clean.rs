//! Text from users on its way into a document.
//!
//! XML 1.0 forbids most C0 control characters (everything below U+0020
//! except tab, line feed and carriage return) and U+FFFE/U+FFFF; one of them
//! in `word/document.xml` makes the whole file unreadable. People paste them
//! without seeing them: Word's soft line break (Shift+Enter) is copied as
//! U+000B, a page break as U+000C. Those two become line breaks; the others
//! are dropped. Every string the report writes passes through [`clean`].

/// `s` with the characters XML 1.0 forbids removed, line breaks of every
/// kind (`\r\n`, `\r`, U+000B, U+000C, U+2028, U+2029) made `\n`, and the text
/// put in Unicode normal form C (what Word writes, and what the fonts' glyph
/// tables expect for Vietnamese letters).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    xhht_domain::text::nfc(&out)
}

/// Whether `c` may appear in an XML 1.0 document.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c0_control_character_is_removed_or_a_line_break() {
        for b in 0u32..0x20 {
            let c = char::from_u32(b).unwrap();
            let out = clean(&format!("a{c}b"));
            assert!(out.chars().all(xml_allowed), "{b:#04x} → {out:?}");
            let expected = match b {
                0x09 => "a\tb",
                0x0A..=0x0D => "a\nb",
                _ => "ab",
            };
            assert_eq!(out, expected, "{b:#04x}");
        }
    }

    #[test]
    fn windows_line_ends_are_one_break_and_letters_are_composed() {
        assert_eq!(clean("một\r\nhai\rba"), "một\nhai\nba");
        // "ộ" typed as o + combining circumflex + combining dot below.
        assert_eq!(clean("o\u{302}\u{323}"), "ộ");
        assert_eq!(clean("\u{FFFE}x\u{FFFF}"), "x");
    }
}
