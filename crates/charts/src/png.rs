//! PNG from the same SVG, for Word documents (which cannot show SVG charts
//! everywhere). Text is drawn with the system's fonts; install one with
//! Vietnamese letters (Noto Sans or DejaVu Sans) where documents are made.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
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
}
