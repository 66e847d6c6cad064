//! Pages of lists that grow without bound (accounts, a report's history):
//! `?trang=N` in the query string, [`PAGE_SIZE`] rows read per page with
//! `LIMIT`/`OFFSET` in SQL, and the "Trang trước / Trang sau" links.

use askama::Template;
use serde::Deserialize;

/// Rows on one page.
pub const PAGE_SIZE: i64 = 50;

/// `?trang=`: a page number from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PageNo(pub i64);

impl Default for PageNo {
    fn default() -> Self {
        Self(1)
    }
}

impl TryFrom<String> for PageNo {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.trim().parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Ok(Self(n)),
            _ => Err(format!("số trang “{raw}” không hợp lệ (từ 1 trở lên)")),
        }
    }
}

impl PageNo {
    /// The first row of the page.
    pub fn offset(self) -> i64 {
        (self.0 - 1) * PAGE_SIZE
    }
}

/// The links under a list: previous, the page numbers, next. Renders
/// nothing when everything fits on one page.
#[derive(Template, Debug, Clone, Default)]
#[template(path = "pager.html")]
pub struct Pager {
    pub number: i64,
    pub pages: i64,
    /// How many rows in all, as Vietnamese write it (1.234).
    pub total_text: String,
    /// (number, address) of every page to offer, 0 standing for a gap.
    pub links: Vec<(i64, String)>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Page `number` of `total` rows; `href` gives a page's address.
    pub fn new(number: PageNo, total: i64, href: impl Fn(i64) -> String) -> Self {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let number = number.0.min(pages);
        let shown = |n: i64| n == 1 || n == pages || (n - number).abs() <= 2;
        let mut links = Vec::new();
        for n in 1..=pages {
            if shown(n) {
                links.push((n, href(n)));
            } else if links.last().is_some_and(|(last, _)| *last != 0) {
                links.push((0, String::new()));
            }
        }
        Self {
            number,
            pages,
            total_text: xhht_domain::text::number(total as f64, 0),
            links,
            prev: (number > 1).then(|| href(number - 1)),
            next: (number < pages).then(|| href(number + 1)),
        }
    }

    /// The page actually shown (a number past the end shows the last page).
    pub fn page(&self) -> PageNo {
        PageNo(self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        let p = Pager::new(PageNo(1), 0, |n| format!("?trang={n}"));
        assert_eq!((p.pages, p.prev.clone(), p.next.clone()), (1, None, None));
        let p = Pager::new(PageNo(9), 120, |n| format!("?trang={n}"));
        assert_eq!(p.number, 3, "past the end shows the last page");
        assert_eq!(p.prev.as_deref(), Some("?trang=2"));
        assert_eq!(p.next, None);
        let p = Pager::new(PageNo(10), 50 * 20, |n| format!("?trang={n}"));
        let numbers: Vec<i64> = p.links.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![1, 0, 8, 9, 10, 11, 12, 0, 20]);
        assert_eq!(PageNo(3).offset(), 100);
        assert!(PageNo::try_from("0".to_string()).is_err() && PageNo::try_from("x".to_string()).is_err());
    }
}
