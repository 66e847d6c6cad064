//! PNG from the same SVG, for Word documents (which cannot show SVG charts
//! everywhere). Text is drawn with the system's fonts; install one with
//! Vietnamese letters (Noto Sans or DejaVu Sans) where documents are made.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The families the charts draw with (the SVG asks for Noto Sans, then
/// Arial; DejaVu Sans is the fallback every Debian has).
const FAMILIES: [&str; 3] = ["DejaVu Sans", "Noto Sans", "Arial"];

/// The system's faces of [`FAMILIES`], read into memory once. A face left
/// as a file is read again from disk at every glyph lookup (fontdb without
/// memory maps): that was most of a Word report's time. Other system fonts
/// are left out, unless none of these is installed.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut system = usvg::fontdb::Database::new();
        system.load_system_fonts();
        let mut files = std::collections::BTreeSet::new();
        for face in system.faces() {
            let ours = face.families.iter().any(|(name, _)| FAMILIES.contains(&name.as_str()));
            if let (true, usvg::fontdb::Source::File(path)) = (ours, &face.source) {
                files.insert(path.clone());
            }
        }
        let mut db = usvg::fontdb::Database::new();
        for path in &files {
            if let Ok(data) = std::fs::read(path) {
                db.load_font_data(data);
            }
        }
        if db.is_empty() {
            db = system;
        }
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Renders `svg` at `scale` times its size. `None` if the SVG cannot be read
/// (a bug: our charts always can) or the system has no font at all.
pub fn svg_to_png(svg: &str, scale: f32) -> Option<Vec<u8>> {
    let opt = usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).ok()?;
    let size = tree.size().to_int_size().scale_by(scale)?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LineChart, Unit};

    #[test]
    fn a_chart_becomes_a_png() {
        let c = LineChart {
            title: "Tỷ lệ".into(),
            y_label: "%".into(),
            unit: Unit::Percent,
            years: vec![2021, 2022],
            values: vec![Some(50.0), Some(60.0)],
            targets: vec![(2022, 70.0)],
            provisional: vec![],
        };
        let png = svg_to_png(&c.svg(), 2.0).expect("rendered");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // 720 × 320 at twice the size.
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert_eq!(width, 1440);
    }

    #[test]
    fn the_chart_fonts_are_read_once_into_memory() {
        let db = fonts();
        let dejavu = db.faces().any(|f| f.families.iter().any(|(n, _)| n == "DejaVu Sans"));
        if !dejavu {
            eprintln!("SKIPPED: DejaVu Sans is not installed (apt-get install fonts-dejavu-core)");
            return;
        }
        for face in db.faces() {
            assert!(
                matches!(face.source, usvg::fontdb::Source::Binary(_)),
                "{:?} is read from disk at every glyph",
                face.families
            );
        }
    }
}
