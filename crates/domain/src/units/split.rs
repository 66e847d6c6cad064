//! An administrator's split of one old unit among its partial successors.

use std::collections::BTreeSet;

use super::{LinkKind, SuccessorLink, UnitKey};

/// Why a split was refused (nothing is changed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitProblem {
    #[error("cần tên thước đo của tỷ lệ (ví dụ population)")]
    NoMeasure,
    #[error("đơn vị {0} không có liên kết kế thừa một phần: đơn vị nhập nguyên vẹn có tỷ lệ 100%")]
    NotSplit(UnitKey),
    #[error("mỗi đơn vị kế thừa chỉ được nêu một lần")]
    Repeated,
    #[error("cần tỷ lệ cho đúng các đơn vị nhận một phần của {from}: {}", list(expected))]
    WrongSuccessors { from: UnitKey, expected: Vec<UnitKey> },
    #[error("tỷ lệ cho {0} phải từ 0 đến 100% (nhận được {1})")]
    OutOfRange(UnitKey, f64),
    #[error("các tỷ lệ của {0} cộng lại phải bằng 100% (đang là {pct:.2}%)", pct = .1 * 100.0)]
    NotWhole(UnitKey, f64),
}

fn list(keys: &[UnitKey]) -> String {
    keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// A split must name each partial successor once, with shares in 0..=1
/// adding up to the whole.
pub fn check_split(
    from: &UnitKey,
    measure: &str,
    links: &[SuccessorLink],
    shares: &[(UnitKey, f64)],
) -> Result<(), SplitProblem> {
    if measure.trim().is_empty() {
        return Err(SplitProblem::NoMeasure);
    }
    let partial: BTreeSet<&UnitKey> = links
        .iter()
        .filter(|l| l.kind == LinkKind::Partial)
        .map(|l| &l.to)
        .collect();
    if partial.is_empty() {
        return Err(SplitProblem::NotSplit(from.clone()));
    }
    let given: BTreeSet<&UnitKey> = shares.iter().map(|(k, _)| k).collect();
    if given.len() != shares.len() {
        return Err(SplitProblem::Repeated);
    }
    if given != partial {
        return Err(SplitProblem::WrongSuccessors {
            from: from.clone(),
            expected: partial.into_iter().cloned().collect(),
        });
    }
    if let Some((k, v)) = shares.iter().find(|(_, v)| !(0.0..=1.0).contains(v) || v.is_nan()) {
        return Err(SplitProblem::OutOfRange(k.clone(), *v));
    }
    let total: f64 = shares.iter().map(|(_, v)| v).sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(SplitProblem::NotWhole(from.clone(), total));
    }
    Ok(())
}
