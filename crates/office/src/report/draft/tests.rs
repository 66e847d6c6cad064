use super::*;

fn n(group: i64, unit: &str, kind: NarrativeKind, text: &str) -> Narrative {
    Narrative {
        group,
        unit: unit.into(),
        kind,
        text: text.into(),
    }
}

fn o(number: i64, status: ProgressStatus) -> Outcome {
    Outcome {
        number,
        name: format!("Chỉ tiêu mẫu {number}"),
        status,
    }
}

#[test]
fn the_summary_counts_met_not_met_and_missing() {
    use ProgressStatus::*;
    let mut outcomes: Vec<Outcome> = (1..=12).map(|i| o(i, Achieved)).collect();
    outcomes.extend([o(13, OnTrack), o(14, Behind), o(15, Behind), o(16, NoData)]);
    let s = indicator_summary(&outcomes, Some(2025));
    assert_eq!(
        s,
        [
            "12/16 chỉ tiêu đạt hoặc vượt mục tiêu 2025; 3 chỉ tiêu chưa đạt (1 đúng tiến độ, 2 chậm tiến độ): \
          chỉ tiêu 13 (Chỉ tiêu mẫu 13); chỉ tiêu 14 (Chỉ tiêu mẫu 14); chỉ tiêu 15 (Chỉ tiêu mẫu 15); \
          1 chỉ tiêu chưa có số liệu: chỉ tiêu 16 (Chỉ tiêu mẫu 16)."
        ]
    );
    // A provisional value is named as such, neither met nor missed.
    let s = indicator_summary(&[o(1, Achieved), o(2, Provisional)], Some(2028));
    assert_eq!(
        s,
        [
            "1/2 chỉ tiêu đạt hoặc vượt mục tiêu 2028; 1 chỉ tiêu tạm tính, chưa đánh giá vì chưa đủ báo cáo \
          được duyệt: chỉ tiêu 2 (Chỉ tiêu mẫu 2)."
        ]
    );
    let all = indicator_summary(&[o(1, Achieved), o(2, Achieved)], Some(2030));
    assert_eq!(all, ["2/2 chỉ tiêu đạt hoặc vượt mục tiêu 2030."]);
    assert!(indicator_summary(&[], Some(2030)).is_empty());
}

#[test]
fn identical_sentences_are_merged_and_units_listed_once() {
    let same = "Kinh phí cho hoạt động còn hạn chế; một số tổ dân phố chưa cập nhật kịp số liệu.";
    let merged = merge([
        ("Phúc Xá", same),
        (
            "Kim Mã",
            "Kinh phí cho hoạt động  còn hạn chế; một số tổ dân phố chưa cập nhật kịp số liệu",
        ),
        ("Phúc Xá", same),
        (
            "Ngọc Hà",
            "Thiếu phòng học. Kinh phí cho hoạt động còn hạn chế; một số tổ dân phố chưa cập nhật kịp số liệu.",
        ),
    ]);
    assert_eq!(merged.len(), 2, "{merged:?}");
    assert_eq!(merged[0].units, ["Phúc Xá", "Kim Mã", "Ngọc Hà"]);
    assert_eq!(
        merged[0].text(),
        "Kinh phí cho hoạt động còn hạn chế; một số tổ dân phố chưa cập nhật kịp số liệu (Phúc Xá, Kim Mã, Ngọc Hà)."
    );
    assert_eq!(merged[1].text(), "Thiếu phòng học (Ngọc Hà).");
}

#[test]
fn sentences_split_at_full_stops_and_lines_but_not_abbreviations() {
    assert_eq!(
        sentences("- Mở 3 lớp tại TP. Hà Nội. Tổ chức 1.200 lượt học\n+ Hỗ trợ 5 người"),
        ["Mở 3 lớp tại TP. Hà Nội.", "Tổ chức 1.200 lượt học", "Hỗ trợ 5 người"]
    );
    assert!(sentences("  \n - \n").is_empty());
}

#[test]
fn narratives_are_grouped_in_plan_order_results_first() {
    let groups = vec![(1, "1. Tuyên truyền".to_string()), (2, "2. Học liệu".to_string())];
    let narratives = vec![
        n(2, "Kim Mã", NarrativeKind::Proposals, "Đề nghị bổ sung kinh phí."),
        n(2, "Kim Mã", NarrativeKind::Difficulties, "Thiếu kinh phí."),
        n(2, "Kim Mã", NarrativeKind::Results, "Đưa 40 tài liệu lên kho học liệu."),
        n(9, "Ngọc Hà", NarrativeKind::Results, "Việc khác."),
    ];
    let drafted = group_narratives(&groups, &narratives);
    assert_eq!(drafted.iter().map(|g| g.group).collect::<Vec<_>>(), [1, 2, 9]);
    assert!(drafted[0].results.is_empty());
    assert_eq!(
        drafted[1].results[0].text(),
        "Đưa 40 tài liệu lên kho học liệu (Kim Mã)."
    );
    assert_eq!(drafted[2].title, "Nội dung khác");
    let blocks = narrative_blocks(&drafted, NarrativeKind::Results, true);
    assert_eq!(blocks[0], Block::Subheading("1. Tuyên truyền".into()));
    assert_eq!(
        blocks[1],
        Block::Paragraph("Chưa có đơn vị báo cáo nội dung này.".into())
    );
    let proposals = narrative_blocks(&drafted, NarrativeKind::Proposals, false);
    assert_eq!(proposals.len(), 2, "only the group with proposals");
    // The same difficulty under two groups is said once, with both units.
    let across = group_narratives(
        &groups,
        &[
            n(1, "Phúc Xá", NarrativeKind::Difficulties, "Thiếu kinh phí."),
            n(2, "Kim Mã", NarrativeKind::Difficulties, "Thiếu kinh phí"),
        ],
    );
    assert_eq!(
        merged_across(&across, NarrativeKind::Difficulties),
        ["Thiếu kinh phí (Phúc Xá, Kim Mã)."]
    );
}

#[test]
fn a_review_compares_baseline_and_review_year() {
    let lines = vec![
        ReviewLine {
            number: 1,
            name: "Tỷ lệ biết chữ".into(),
            baseline: "98,9%".into(),
            review: "99,6%".into(),
            target: "99,5%".into(),
            met: Some(true),
        },
        ReviewLine {
            number: 2,
            name: "Số gia đình học tập".into(),
            baseline: "1.200".into(),
            review: "1.450".into(),
            target: "1.600".into(),
            met: Some(false),
        },
        ReviewLine {
            number: 3,
            name: "Tỷ lệ xã đạt chuẩn".into(),
            baseline: "—".into(),
            review: "—".into(),
            target: "100%".into(),
            met: None,
        },
    ];
    let t = review_table(&lines, 2020, 2025, 2025);
    assert_eq!(t.header[2], "Năm 2020 (gốc)");
    assert_eq!(t.rows[0][5], "Đạt");
    assert_eq!(t.rows[1][5], "Chưa đạt");
    assert_eq!(
        review_summary(&lines, 2020, 2025, 2025),
        [
            "So với năm gốc 2020, đến năm 2025 có 1/3 chỉ tiêu đạt mục tiêu 2025; 1 chỉ tiêu chưa đạt: \
          chỉ tiêu 2 (Số gia đình học tập); 1 chỉ tiêu chưa đủ số liệu để đánh giá: chỉ tiêu 3 (Tỷ lệ xã đạt chuẩn)."
        ]
    );
}

fn input<'a>(
    kind: ReportKind,
    outcomes: &'a [Outcome],
    narratives: &'a [Narrative],
    groups: &'a [(i64, String)],
) -> DraftInput<'a> {
    DraftInput {
        kind,
        year: 2025,
        baseline_year: 2020,
        target_year: Some(2025),
        next_period: if kind.is_review() {
            "giai đoạn 2026-2030".into()
        } else {
            "năm 2026".into()
        },
        completeness: &[],
        outcomes,
        indicator_table: Grid::default(),
        charts: Vec::new(),
        review: &[],
        groups,
        narratives,
        funding_sources: &[],
        funding_reported: &[],
    }
}

#[test]
fn the_skeleton_has_lessons_only_in_a_review() {
    let titles = |k| {
        sections(&input(k, &[], &[], &[]))
            .into_iter()
            .map(|s| s.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(ReportKind::Yearly),
        [
            "CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
            "KẾT QUẢ THỰC HIỆN",
            "ĐÁNH GIÁ CHUNG",
            "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026",
            "KIẾN NGHỊ, ĐỀ XUẤT"
        ]
    );
    let review = titles(ReportKind::MidTerm);
    assert_eq!(review.len(), 6);
    assert_eq!(review[3], "BÀI HỌC KINH NGHIỆM");
    assert_eq!(review[4], "PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN 2026-2030");
}

#[test]
fn sections_carry_the_data() {
    use ProgressStatus::*;
    let outcomes = [o(1, Achieved), o(2, Behind)];
    let groups = [(1, "1. Tuyên truyền".to_string())];
    let narratives = [
        n(1, "Phúc Xá", NarrativeKind::Difficulties, "Thiếu kinh phí."),
        n(1, "Kim Mã", NarrativeKind::Difficulties, "Thiếu kinh phí."),
        n(1, "Kim Mã", NarrativeKind::Proposals, "Đề nghị tập huấn."),
    ];
    let s = sections(&input(ReportKind::Yearly, &outcomes, &narratives, &groups));
    let text = format!("{s:?}");
    assert!(text.contains("1/2 chỉ tiêu đạt hoặc vượt mục tiêu 2025"));
    assert!(text.contains("Thiếu kinh phí (Phúc Xá, Kim Mã)."));
    assert!(
        s[4].blocks
            .contains(&Block::Bullets(vec!["Đề nghị tập huấn (Kim Mã).".into()]))
    );
    assert!(s[3].blocks.contains(&Block::Bullets(vec![
        "Tập trung thực hiện chỉ tiêu 2 (Chỉ tiêu mẫu 2).".into()
    ])));
}

#[test]
fn labels_round_trip() {
    for k in NarrativeKind::ALL {
        assert_eq!(NarrativeKind::from_label(k.label()), Some(k));
        assert_eq!(NarrativeKind::parse(k.code()), Some(k));
    }
    for s in [
        ProgressStatus::Achieved,
        ProgressStatus::OnTrack,
        ProgressStatus::Behind,
        ProgressStatus::NoData,
    ] {
        assert_eq!(status_from_label(status_label(s)), Some(s));
    }
}

#[test]
fn a_review_draws_lessons_commendations_and_the_next_period_from_the_period() {
    let review = [
        ReviewLine {
            number: 1,
            name: "Tỷ lệ biết chữ".into(),
            baseline: "97,0%".into(),
            review: "99,1%".into(),
            target: "99%".into(),
            met: Some(true),
        },
        ReviewLine {
            number: 2,
            name: "Số gia đình học tập".into(),
            baseline: "60%".into(),
            review: "70%".into(),
            target: "80%".into(),
            met: Some(false),
        },
    ];
    let groups = [(1, "1. Tuyên truyền".to_string())];
    let narratives = [
        n(1, "Phúc Xá", NarrativeKind::Proposals, "Đề nghị khen thưởng 3 tập thể."),
        n(1, "Kim Mã", NarrativeKind::Proposals, "Đề nghị tập huấn."),
    ];
    let mut d = input(ReportKind::MidTerm, &[], &narratives, &groups);
    d.review = &review;
    let s = sections(&d);
    let shown = |i: usize| format!("{:?}", s[i].blocks);
    // II: the comparison table with baseline and review year.
    assert!(shown(1).contains("Năm 2020 (gốc)"), "{}", shown(1));
    assert!(shown(1).contains("1/2 chỉ tiêu đạt mục tiêu 2025"));
    // IV: lessons name what the period met and missed.
    assert!(shown(3).contains("chỉ tiêu 1 (Tỷ lệ biết chữ)"));
    assert!(shown(3).contains("chỉ tiêu 2 (Số gia đình học tập)"));
    // V: the period's unmet target carries into the next period.
    assert!(shown(4).contains("Trong giai đoạn 2026-2030"));
    assert!(shown(4).contains("Tập trung thực hiện chỉ tiêu 2 (Số gia đình học tập)."));
    // VI: the commendation goes under its own heading, the rest before it.
    let blocks = &s[5].blocks;
    assert_eq!(blocks[0], Block::Bullets(vec!["Đề nghị tập huấn (Kim Mã).".into()]));
    assert_eq!(blocks[1], Block::Subheading("Đề xuất khen thưởng".into()));
    assert_eq!(
        blocks[2],
        Block::Bullets(vec!["Đề nghị khen thưởng 3 tập thể (Phúc Xá).".into()])
    );
}
