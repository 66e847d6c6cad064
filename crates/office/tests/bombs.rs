//! Hostile spreadsheets: each is refused with a clear Vietnamese message and
//! without allocating beyond a fixed budget. The files are made here, by
//! editing a real template's XML or zipping crafted parts.
//!
//! A counting allocator measures the peak memory each import takes; tests in
//! this binary run one at a time so the peak is the import's own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use xhht_domain::plan::builtin;
use xhht_domain::values::UnitValues;
use xhht_office::import::{ImportError, read};
use xhht_office::template::unit_template;
use xhht_office::test_support::{edit, entries, rezip};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The most an import may take above what was allocated before it.
const BUDGET: usize = 48 << 20;

/// Imports `bytes`, asserting the peak allocation stays within [`BUDGET`],
/// and returns the refusal's message.
fn refused(bytes: &[u8]) -> String {
    let plan = builtin();
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let got = read(&plan, bytes);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(peak < BUDGET, "the import took {} MiB", peak >> 20);
    match got {
        Err(ImportError::Refused(why)) => why,
        other => panic!("a hostile file was not refused: {other:?}"),
    }
}

fn template() -> Vec<u8> {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap()
}

/// Adds a row holding one cell at `address` to a sheet, optionally widening
/// the sheet's declared dimension to reach it (as Excel would).
fn far_cell(sheet: &str, address: &str, row: u32, widen: bool) -> Vec<u8> {
    edit(&template(), sheet, |x| {
        let cell =
            format!("<row r=\"{row}\"><c r=\"{address}\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>");
        let mut out = x.replacen("</sheetData>", &cell, 1);
        if widen {
            let start = out.find("<dimension ref=\"").unwrap() + 16;
            let end = start + out[start..].find('"').unwrap();
            out.replace_range(start..end, &format!("A1:{address}"));
        }
        out
    })
}

#[test]
fn a_cell_at_xfd1048576_in_the_hidden_sheet_is_refused() {
    // Before: the reader sized a grid of ~550 GB and the process aborted.
    for widen in [true, false] {
        let why = refused(&far_cell("xl/worksheets/sheet2.xml", "XFD1048576", 1_048_576, widen));
        assert!(why.contains("1048576"), "{why}");
        assert!(why.contains("ngoài vùng") || why.contains("vượt quá vùng"), "{why}");
    }
}

#[test]
fn a_cell_at_zz100000_in_the_report_sheet_is_refused() {
    // Before: accepted, with a 2.2 GB peak.
    let why = refused(&far_cell("xl/worksheets/sheet1.xml", "ZZ100000", 100_000, true));
    assert!(why.contains("ZZ100000"), "{why}");
    // Without the row's own number the position is still counted.
    let file = edit(&template(), "xl/worksheets/sheet1.xml", |x| {
        let cells = "<c t=\"inlineStr\"><is><t>x</t></is></c>".repeat(60);
        x.replacen("</sheetData>", &format!("<row r=\"30\">{cells}</row></sheetData>"), 1)
    });
    let why = refused(&file);
    assert!(why.contains("ngoài vùng"), "{why}");
}

/// A zip whose `part` unpacks to `mib` MiB of `fill` (written in chunks, so
/// making it takes little memory).
fn with_big_part(part: &str, mib: usize, fill: u8) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries(&template()) {
        if name == part {
            continue;
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let options = zip::write::SimpleFileOptions::default().compression_level(Some(9));
    out.start_file(part, options).unwrap();
    let chunk = vec![fill; 1 << 20];
    if part.ends_with(".xml") {
        out.write_all(b"<?xml version=\"1.0\"?><sst>").unwrap();
    }
    for _ in 0..mib {
        out.write_all(&chunk).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn zip_bombs_are_refused() {
    // 40 MiB of spaces in the shared strings, and of zeros in a picture.
    for (part, fill) in [("xl/sharedStrings.xml", b' '), ("xl/media/image1.png", 0)] {
        let bomb = with_big_part(part, 40, fill);
        assert!(bomb.len() < 1 << 20, "the bomb itself is small: {}", bomb.len());
        let why = refused(&bomb);
        assert!(why.contains("giải nén ra quá lớn"), "{why}");
    }
}

#[test]
fn billion_laughs_is_refused() {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&{prev};").repeat(10)));
    }
    dtd.push_str("]>");
    let file = edit(&template(), "xl/sharedStrings.xml", |x| {
        let body = x.split_once("?>").map_or(x, |(_, b)| b);
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{dtd}{}",
            body.replacen("<t>", "<t>&lol9;", 1)
        )
    });
    let why = refused(&file);
    assert!(why.contains("DOCTYPE"), "{why}");
}

#[test]
fn an_external_entity_is_refused() {
    let file = edit(&template(), "xl/worksheets/sheet2.xml", |x| {
        let body = x.split_once("?>").map_or(x, |(_, b)| b);
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
            body.replacen(
                "</sheetData>",
                "<row r=\"9\"><c r=\"A9\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData>",
                1
            )
        )
    });
    let why = refused(&file);
    assert!(why.contains("DOCTYPE"), "{why}");
}

#[test]
fn declared_counts_beyond_the_limits_are_refused() {
    // calamine reserves room for `uniqueCount` strings before reading them.
    let file = edit(&template(), "xl/sharedStrings.xml", |x| {
        let start = x.find("uniqueCount=\"").unwrap() + 13;
        let end = start + x[start..].find('"').unwrap();
        let mut out = x.to_string();
        out.replace_range(start..end, "4000000000");
        out
    });
    assert!(refused(&file).contains("chuỗi chữ"));
    let mut files = entries(&template());
    for i in 0..300 {
        files.push((format!("extra/{i}.bin"), vec![1]));
    }
    assert!(refused(&rezip(&files)).contains("thành phần"));
}

#[test]
fn other_hostile_files_are_refused() {
    assert!(refused(&vec![b'P'; 5 << 20]).contains("quá lớn"));
    assert!(refused(b"not a spreadsheet").contains("Excel"));
    assert!(refused(b"PK\x03\x04garbage").contains("Excel"));
    // UTF-16 hides the markup from a byte scan: refused as not UTF-8.
    let file = edit(&template(), "xl/workbook.xml", |x| {
        x.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1)
    });
    let why = refused(&file);
    assert!(why.contains("UTF-8") || why.contains("hỏng"), "{why}");
}

#[test]
fn a_real_template_imports_within_the_budget() {
    let plan = builtin();
    let xlsx = template();
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    read(&plan, &xlsx).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(peak < 8 << 20, "a real template took {} KiB", peak >> 10);
}
