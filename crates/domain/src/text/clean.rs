//! One cleaning rule for every piece of text a user types, whatever the
//! screen or file it comes from, so both databases store the same bytes and
//! the Word and Excel files we write are always valid XML.
//!
//! The rule: NFC; `\r\n`, a lone `\r`, Word's soft line break (`\x0b`, what
//! Shift+Enter pastes) and a form feed become `\n`; every other character
//! XML 1.0 forbids (NUL and the rest of C0 but tab and line feed, U+FFFE,
//! U+FFFF) is refused with its position; surrounding spaces are trimmed;
//! one-line fields (names, reasons) fold any run of spaces, tabs and line
//! breaks into one space; each kind of field has a length limit (in
//! characters, after NFC).

use unicode_normalization::UnicodeNormalization;

/// The kinds of text users type; each has its own length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A report's narrative section (results, difficulties, proposals).
    Narrative,
    /// The explanation of a report's warnings.
    Explanation,
    /// The reason given for a change (return, reopen, extension…).
    Reason,
    /// A person's name as shown.
    DisplayName,
    /// A login name: ASCII letters, digits and `. _ -`, lowercased.
    Username,
    /// The value of a `text` data element.
    Value,
    /// A section of the area's report as a reviewer writes it.
    ReportSection,
}

impl TextKind {
    /// The most characters a field of this kind holds.
    pub fn max_chars(self) -> usize {
        match self {
            Self::Narrative => 20_000,
            Self::Explanation => 5_000,
            Self::Reason => 1_000,
            Self::DisplayName => 100,
            Self::Username => 40,
            Self::Value => 2_000,
            // Section II gathers every unit's passages.
            Self::ReportSection => 60_000,
        }
    }

    /// The fewest characters (after trimming) a field of this kind holds.
    pub fn min_chars(self) -> usize {
        match self {
            Self::Username => 3,
            Self::DisplayName => 1,
            _ => 0,
        }
    }

    /// Whether line breaks are kept (otherwise they become spaces).
    pub fn multiline(self) -> bool {
        matches!(
            self,
            Self::Narrative | Self::Explanation | Self::Value | Self::ReportSection
        )
    }

    /// The field's name in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Narrative => "Nội dung báo cáo",
            Self::Explanation => "Phần giải trình",
            Self::Reason => "Lý do",
            Self::DisplayName => "Họ tên",
            Self::Username => "Tên đăng nhập",
            Self::Value => "Nội dung",
            Self::ReportSection => "Nội dung mục báo cáo",
        }
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// A character XML 1.0 forbids, at a 1-based character position.
    Forbidden {
        kind: TextKind,
        position: usize,
        code: u32,
    },
    TooLong {
        kind: TextKind,
        max: usize,
        len: usize,
    },
    TooShort {
        kind: TextKind,
        min: usize,
    },
    /// A username with a character other than ASCII letters, digits, `. _ -`.
    UsernameCharacter {
        character: char,
    },
}

impl TextProblem {
    /// The problem in Vietnamese, for the person who typed the text.
    pub fn message(&self) -> String {
        match self {
            Self::Forbidden { kind, position, code } => format!(
                "{} có ký tự điều khiển không được phép (mã U+{code:04X}) ở vị trí thứ {position}; hãy xóa ký tự đó (thường do sao chép từ phần mềm khác).",
                kind.label()
            ),
            Self::TooLong { kind, max, len } => format!("{} dài {len} ký tự, quá giới hạn {max} ký tự.", kind.label()),
            Self::TooShort { kind, min: 1 } => format!("{} không được để trống.", kind.label()),
            Self::TooShort { kind, min } => format!("{} cần ít nhất {min} ký tự.", kind.label()),
            Self::UsernameCharacter { character } => {
                format!("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (có “{character}”).")
            }
        }
    }
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for TextProblem {}

/// Cleans `input` by the rule above for a field of `kind`.
pub fn clean(kind: TextKind, input: &str) -> Result<String, TextProblem> {
    // Refuse a huge input before normalising it: NFC never shrinks a text
    // below a quarter of its bytes, so this bound only cuts what is too long anyway.
    let byte_cap = kind.max_chars().saturating_mul(16);
    if input.len() > byte_cap {
        let len = input.chars().count();
        return Err(TextProblem::TooLong {
            kind,
            max: kind.max_chars(),
            len,
        });
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.nfc().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\r' => {
                if chars.peek().is_some_and(|(_, n)| *n == '\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{b}' | '\u{c}' => out.push('\n'),
            '\t' | '\n' => out.push(c),
            c if forbidden(c) => {
                return Err(TextProblem::Forbidden {
                    kind,
                    position: i + 1,
                    code: u32::from(c),
                });
            }
            c => out.push(c),
        }
    }
    let out = if kind.multiline() {
        out.trim().to_string()
    } else {
        one_line(&out)
    };
    let out = if kind == TextKind::Username {
        username(&out)?
    } else {
        out
    };
    let len = out.chars().count();
    if len > kind.max_chars() {
        return Err(TextProblem::TooLong {
            kind,
            max: kind.max_chars(),
            len,
        });
    }
    if len < kind.min_chars() {
        return Err(TextProblem::TooShort {
            kind,
            min: kind.min_chars(),
        });
    }
    Ok(out)
}

/// Characters outside XML 1.0's `Char` production (Rust strings hold no
/// surrogates, so only C0 controls and the two non-characters remain).
fn forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn username(s: &str) -> Result<String, TextProblem> {
    if let Some(character) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c))) {
        return Err(TextProblem::UsernameCharacter { character });
    }
    Ok(s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [TextKind; 6] = [
        TextKind::Narrative,
        TextKind::Explanation,
        TextKind::Reason,
        TextKind::DisplayName,
        TextKind::Username,
        TextKind::Value,
    ];

    #[test]
    fn every_c0_character_is_kept_mapped_or_refused() {
        for code in 0u32..0x20 {
            let c = char::from_u32(code).unwrap();
            let input = format!("ab{c}cd");
            let got = clean(TextKind::Narrative, &input);
            match c {
                '\t' => assert_eq!(got.as_deref(), Ok("ab\tcd")),
                '\n' | '\r' | '\u{b}' | '\u{c}' => assert_eq!(got.as_deref(), Ok("ab\ncd"), "U+{code:04X}"),
                _ => {
                    let Err(TextProblem::Forbidden {
                        position,
                        code: got_code,
                        ..
                    }) = got
                    else {
                        panic!("U+{code:04X} accepted: {got:?}");
                    };
                    assert_eq!((position, got_code), (3, code));
                }
            }
        }
    }

    #[test]
    fn nul_is_refused_in_every_kind_with_a_vietnamese_message() {
        for kind in ALL {
            let e = clean(kind, "abc\0def").unwrap_err();
            assert!(
                e.message().contains("U+0000") && e.message().contains("vị trí thứ 4"),
                "{}",
                e.message()
            );
        }
    }

    #[test]
    fn line_breaks_are_normalised() {
        assert_eq!(clean(TextKind::Narrative, "a\r\nb\rc\u{b}d\n").unwrap(), "a\nb\nc\nd");
        assert_eq!(clean(TextKind::Narrative, "a\r\n\r\nb").unwrap(), "a\n\nb");
        // One-line fields fold every kind of space into one.
        assert_eq!(
            clean(TextKind::DisplayName, "  Nguyễn\r\n Văn\t\tA ").unwrap(),
            "Nguyễn Văn A"
        );
        assert_eq!(clean(TextKind::Reason, "quá\u{b}hạn").unwrap(), "quá hạn");
    }

    #[test]
    fn nfc_is_applied() {
        assert_eq!(clean(TextKind::DisplayName, "Vie\u{0323}\u{0302}t").unwrap(), "Việt");
    }

    #[test]
    fn non_characters_are_refused_and_other_planes_kept() {
        assert!(clean(TextKind::Value, "a\u{fffe}").is_err());
        assert!(clean(TextKind::Value, "a\u{ffff}").is_err());
        assert_eq!(clean(TextKind::Value, "a\u{7f}\u{85}😀").unwrap(), "a\u{7f}\u{85}😀");
    }

    #[test]
    fn lengths_are_limited_per_kind() {
        for kind in ALL {
            let max = kind.max_chars();
            let ok = "a".repeat(max);
            assert_eq!(clean(kind, &ok).unwrap().len(), max, "{kind:?}");
            let e = clean(kind, &"a".repeat(max + 1)).unwrap_err();
            assert_eq!(
                e,
                TextProblem::TooLong {
                    kind,
                    max,
                    len: max + 1
                }
            );
            assert!(e.message().contains(&max.to_string()));
            // A huge paste is refused without normalising it first.
            assert!(matches!(
                clean(kind, &"ệ".repeat(max * 20)),
                Err(TextProblem::TooLong { .. })
            ));
        }
        // Vietnamese letters count as one character each, composed or not.
        let name = "Ệ".repeat(100);
        assert!(clean(TextKind::DisplayName, &name).is_ok());
        let decomposed: String = name.nfd().collect();
        assert_eq!(clean(TextKind::DisplayName, &decomposed).unwrap(), name);
    }

    #[test]
    fn required_fields_and_usernames() {
        assert_eq!(
            clean(TextKind::DisplayName, " \n ").unwrap_err().message(),
            "Họ tên không được để trống."
        );
        assert_eq!(clean(TextKind::Username, " Admin.PhucXa ").unwrap(), "admin.phucxa");
        assert!(clean(TextKind::Username, "ab").is_err());
        assert!(clean(TextKind::Username, "phúc").unwrap_err().message().contains("“ú”"));
        assert!(clean(TextKind::Username, "a b c").is_err());
        assert_eq!(clean(TextKind::Narrative, "").unwrap(), "");
    }

    #[test]
    fn cleaning_is_idempotent() {
        for s in ["a\r\nb", " x ", "Vie\u{0323}\u{0302}t\u{b}", "\t\tin\tdent"] {
            for kind in ALL {
                if let Ok(once) = clean(kind, s) {
                    assert_eq!(clean(kind, &once), Ok(once.clone()), "{kind:?} {s:?}");
                }
            }
        }
    }
}
