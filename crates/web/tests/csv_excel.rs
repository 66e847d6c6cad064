//! CSV downloads for Excel on a Vietnamese Windows, through the real router
//! on SQLite and PostgreSQL.
//!
//! Test plan:
//! - an indicator's data with `?excel=vi` starts with a byte-order mark,
//!   parses with `;`, writes numbers with a decimal comma (the same numbers
//!   as the plain file), and fills `trang_thai` on every row with the
//!   assessment in words; the plain file keeps `,` and `.`;
//! - both files carry a Vietnamese name (`filename*`, RFC 5987) and an ASCII
//!   slug (`filename`);
//! - the API's CSVs take `excel=vi` too, and refuse another value;
//! - the page offers the "CSV cho Excel" link.

mod common;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;

/// Rows of a CSV body (after its byte-order mark) split on `delimiter`.
fn parse(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark");
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(&bytes[3..]);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

const ASSESSMENTS: [&str; 8] = [
    "Đạt",
    "Đúng tiến độ",
    "Chậm tiến độ",
    "Chưa có số liệu",
    "Không đạt",
    "Tạm tính",
    "Không áp dụng",
    "Năm gốc",
];

#[tokio::test]
async fn indicator_data_opens_in_vietnamese_excel() {
    let plan = builtin();
    // A numeric indicator with decimals: its values are shares.
    let ind = plan
        .indicators
        .iter()
        .find(|i| !i.is_status() && i.unit.as_deref() == Some("%"))
        .expect("a percentage indicator");
    for (store, app) in demo_apps("web_csv_excel").await {
        let b = store.backend();
        let anon = Client::default();
        let page = anon.get(&app, &format!("/chi-tieu/{}", ind.code)).await;
        assert!(
            page.body
                .contains(&format!("/chi-tieu/{}/du-lieu.csv?excel=vi", ind.code))
        );

        let plain = anon.get(&app, &format!("/chi-tieu/{}/du-lieu.csv", ind.code)).await;
        let excel = anon
            .get(&app, &format!("/chi-tieu/{}/du-lieu.csv?excel=vi", ind.code))
            .await;
        assert_eq!(excel.status, StatusCode::OK, "{b:?}");
        let (h1, plain_rows) = parse(&plain.bytes, b',');
        let (h2, excel_rows) = parse(&excel.bytes, b';');
        assert_eq!(h1, h2);
        assert!(h2.len() > 5, "{h2:?}: split on ;");
        assert_eq!(plain_rows.len(), excel_rows.len());
        let col = |name: &str| h2.iter().position(|h| h == name).unwrap();
        let (value, status) = (col("gia_tri"), col("trang_thai"));
        let mut decimals = 0;
        for (p, e) in plain_rows.iter().zip(&excel_rows) {
            assert_eq!(p.len(), e.len());
            assert!(!e[value].contains('.'), "{b:?}: {}", e[value]);
            decimals += usize::from(e[value].contains(','));
            if !p[value].is_empty() {
                let x: f64 = e[value].replace(',', ".").parse().unwrap();
                assert_eq!(x, p[value].parse::<f64>().unwrap(), "the same number");
            }
            assert!(
                ASSESSMENTS.contains(&e[status].as_str()),
                "{b:?}: trang_thai “{}”",
                e[status]
            );
            assert_eq!(p[status], e[status]);
        }
        assert!(decimals > 0, "{b:?}: some shares have decimals");
        assert!(
            excel_rows.iter().any(|r| r[status] != "Chưa có số liệu"),
            "approved years are assessed"
        );

        // Names: Vietnamese for people, a slug for old clients.
        let slug = xhht_domain::text::slug(&format!("Số liệu chỉ tiêu {} {}", ind.number, ind.name));
        for r in [&plain, &excel] {
            assert!(
                r.disposition.starts_with(&format!(
                    "attachment; filename=\"{slug}.csv\"; filename*=UTF-8''S%E1%BB%91%20li%E1%BB%87u"
                )),
                "{}",
                r.disposition
            );
        }

        // The API's files.
        let api = anon.get(&app, "/api/v1/indicators?year=2025&format=csv&excel=vi").await;
        assert_eq!(api.status, StatusCode::OK);
        let (header, rows) = parse(&api.bytes, b';');
        assert_eq!(header[..4], ["year", "org_unit", "indicator", "value"]);
        assert!(rows.iter().any(|r| r[3].contains(',')) && rows.iter().all(|r| !r[3].contains('.')));
        assert!(
            api.disposition
                .contains("filename*=UTF-8''Ch%E1%BB%89%20ti%C3%AAu%20n%C4%83m%202025")
        );
        let values = anon
            .get(&app, "/api/v1/data-values?year=2025&format=csv&excel=vi")
            .await;
        let (header, rows) = parse(&values.bytes, b';');
        assert_eq!(header, ["year", "org_unit", "element", "value"]);
        assert!(!rows.is_empty());
        let bad = anon.get(&app, "/api/v1/indicators?format=csv&excel=fr").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let bad = anon
            .get(&app, &format!("/chi-tieu/{}/du-lieu.csv?excel=fr", ind.code))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}
