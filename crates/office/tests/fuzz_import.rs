//! Fuzzing the spreadsheet import: mutated bytes of a real template, and
//! templates whose XML parts were mutated and zipped again (to get past the
//! zip layer's checksums), must never panic and never allocate beyond the
//! budget. CI runs a fixed number of cases (`PROPTEST_CASES`, default
//! below); run longer by hand with
//! `PROPTEST_CASES=20000 cargo test -p xhht-office --test fuzz_import`.
//! Findings and long runs are recorded in docs/FUZZING.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use xhht_domain::plan::{Plan, builtin};
use xhht_domain::values::{DataValue, UnitValues};
use xhht_office::import::read;
use xhht_office::template::unit_template;
use xhht_office::test_support::{entries, rezip};

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

const BUDGET: usize = 48 << 20;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(builtin)
}

/// A filled-in template, the seed every mutation starts from.
fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let plan = plan();
        let unit = plan.unit("00001").unwrap();
        let mut current = UnitValues::new();
        current.insert("pop_15_60".into(), DataValue::Number(9000.0));
        current.insert("literacy_level".into(), DataValue::Status("level_2".into()));
        current.insert("preschool_universal".into(), DataValue::Bool(true));
        unit_template(plan, unit, 2026, &UnitValues::new(), &current).unwrap()
    })
}

/// Reads `bytes` and checks the import stayed within the budget; the result
/// itself may be anything but a panic.
fn read_within_budget(bytes: &[u8]) -> Result<(), TestCaseError> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let _ = read(plan(), bytes);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    prop_assert!(peak < BUDGET, "the import took {} MiB", peak >> 20);
    Ok(())
}

/// Pieces of spreadsheet XML that reach the reader's corners.
const TOKENS: &[&str] = &[
    "<c r=\"E7\"><v>1</v></c>",
    "<c r=\"XFD1048576\"/>",
    "<c r=\"A0\"/>",
    "<c r=\"E7\" t=\"s\"><v>99999</v></c>",
    "<c r=\"E7\" t=\"s\"><v>-1</v></c>",
    "<c r=\"E8\" t=\"e\"><v>#DIV/0!</v></c>",
    "<c r=\"E9\" t=\"b\"><v>1</v></c>",
    "<c r=\"E9\" t=\"d\"><v>2026-13-45</v></c>",
    "<c r=\"E10\"><f>1+1</f></c>",
    "<c r=\"E10\"><f t=\"shared\" ref=\"E10:E99999\" si=\"0\">A1</f></c>",
    "<c r=\"E11\" t=\"inlineStr\"><is><t>xóa</t></is></c>",
    "<v>1e308</v>",
    "<v>NaN</v>",
    "<row r=\"99999\">",
    "<row r=\"0\">",
    "</row>",
    "</sheetData>",
    "<sheetData>",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "&a;",
    "&amp;",
    "&#0;",
    "&#xFFFF;",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "uniqueCount=\"4000000000\"",
    "<si><t>x</t></si>",
    "\"",
    "<",
    ">",
    "\u{0}",
    "đ",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Token(usize, usize),
    Bytes(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Token(a, t)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Edit::Bytes(a, b)),
    ]
}

fn apply(data: &mut Vec<u8>, edits: &[Edit]) {
    for e in edits {
        let at = |a: usize| if data.is_empty() { 0 } else { a % (data.len() + 1) };
        match e {
            Edit::Delete(a, n) => {
                let a = at(*a);
                let b = (a + n).min(data.len());
                data.drain(a..b);
            }
            Edit::Token(a, t) => {
                let a = at(*a);
                data.splice(a..a, TOKENS[*t].bytes());
            }
            Edit::Bytes(a, b) => {
                let a = at(*a);
                data.splice(a..a, b.iter().copied());
            }
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// The template's XML parts mutated and zipped again.
    #[test]
    fn mutated_parts_never_panic(part in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..8)) {
        let mut files = entries(seed());
        let i = part.index(files.len());
        apply(&mut files[i].1, &edits);
        read_within_budget(&rezip(&files))?;
    }

    /// The zip's own bytes mutated (flips, cuts, insertions).
    #[test]
    fn mutated_bytes_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        edits in prop::collection::vec(edit(), 0..3),
    ) {
        let mut bytes = seed().to_vec();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] ^= b;
        }
        apply(&mut bytes, &edits);
        read_within_budget(&bytes)?;
    }
}
