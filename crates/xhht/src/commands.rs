use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xhht_domain::access::Role;
use xhht_domain::plan;
use xhht_domain::units::official;
use xhht_storage::{Conflict, Missing, NewUser, Stamp, StorageError, Store};
use xhht_web::AppState;

use crate::cli::{
    Cli, Command, DemoArgs, ImportArgs, InitArgs, PlanCommand, ReportArgs, ServeArgs, TemplateArgs, UnitsCommand,
    UnitsImportArgs, UserAddArgs, UserCommand,
};

const DEMO_DATABASE: &str = "sqlite:xhht-demo.sqlite";

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Demo(args) => demo(args).await,
        Command::Init(args) => init(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Plan(PlanCommand::Check { file }) => Ok(plan_check(&file)),
        Command::Plan(PlanCommand::Add { file, admin, db }) => crate::plans::add(&file, admin.as_deref(), &db).await,
        Command::Plan(PlanCommand::Upgrade { file, db }) => crate::plans::upgrade(&file, &db).await,
        Command::Plan(PlanCommand::List { db }) => crate::plans::list(&db).await,
        Command::Plan(PlanCommand::End { on, reason, db }) => crate::plans::end(&on, &reason, &db).await,
        Command::User(UserCommand::Add(args)) => user_add(args).await,
        Command::Template(args) => template(args).await,
        Command::Import(args) => import(args).await,
        Command::Report(args) => report(args).await,
        Command::Units(UnitsCommand::Import(args)) => units_import(args).await,
        Command::Backup(args) => crate::backup::backup(args).await,
        Command::Restore(args) => crate::backup::restore(args).await,
        Command::Audit(crate::cli::AuditCommand::Verify(args)) => crate::audit::verify(&args.db).await,
    }
}

fn plan_check(file: &std::path::Path) -> ExitCode {
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: không đọc được tệp: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    match plan::load(&source) {
        Ok(p) => {
            println!(
                "{}: hợp lệ — kế hoạch {} ({} đơn vị, {} chỉ số dữ liệu, {} chỉ tiêu, {} mục tiêu, {} quy tắc kiểm tra, {} số liệu kiểm tra mức thay đổi so với năm trước)",
                file.display(),
                p.info.number,
                p.org_units.len(),
                p.data_elements.len(),
                p.indicators.len(),
                p.targets.len(),
                p.validation_rules.len(),
                p.data_elements.iter().filter(|e| e.jump.is_some()).count()
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}:{}:{}: {}", file.display(), p.line, p.column, p.message);
            }
            eprintln!("{}: {} lỗi", file.display(), problems.len());
            ExitCode::FAILURE
        }
    }
}

async fn demo(args: DemoArgs) -> Result<ExitCode> {
    let url = args.database_url.unwrap_or_else(|| DEMO_DATABASE.to_string());
    let store = open_store(&url).await?;
    let started = std::time::Instant::now();
    if xhht_sample::load_reorganised_demo(&store, xhht_sample::SEED).await? {
        println!(
            "Đã tạo cơ sở dữ liệu mẫu {url} trong {} giây (dữ liệu mẫu, hạt giống {}).",
            xhht_domain::text::number(started.elapsed().as_secs_f64(), 1),
            xhht_sample::SEED
        );
    } else if !store.is_sample().await? {
        bail!("{url} đã có dữ liệu thật, không phải dữ liệu mẫu; dùng `xhht serve` thay cho `xhht demo`");
    } else {
        println!("Mở lại cơ sở dữ liệu mẫu {url}.");
    }
    if !store.has_units().await? {
        load_units(&store, "xhht demo").await?;
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let mut state = serving_state(store, &args.proxies).await?;
    reminding(&mut state, &args.remind)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("không lắng nghe được trên {}", args.listen))?;
    let addr = listener.local_addr()?;
    print_demo_logins(&state, addr);
    // Reminders and digests: at start, then every hour, beside the server.
    let _scheduler = xhht_web::spawn_scheduler(&state);
    xhht_web::serve(state, listener).await?;
    Ok(ExitCode::SUCCESS)
}

fn print_demo_logins(state: &AppState, addr: std::net::SocketAddr) {
    println!();
    println!("XHHT đang chạy tại http://{addr}/  (Ctrl-C để dừng)");
    println!("Đăng nhập: http://{addr}/login   Chọn kế hoạch: http://{addr}/ke-hoach");
    println!("Tài khoản mẫu (sample logins; chỉ dành cho bản trình diễn):");
    for slot in state.plans.iter() {
        let plan = &slot.plan;
        let ward_sample = plan.info.code == xhht_domain::plan::sample_ward().info.code;
        let prefix = if ward_sample { xhht_sample::WARD_PREFIX } else { "" };
        println!("Kế hoạch {} — {}:", plan.info.number, plan.info.issuing_body);
        for a in xhht_sample::accounts_for(plan, prefix) {
            let unit = plan.unit(&a.org_unit).map_or(a.org_unit.as_str(), |u| u.name.as_str());
            println!(
                "  {:<22} mật khẩu {:<10} {:<9} {}",
                a.username,
                a.password,
                a.role.as_str(),
                unit
            );
        }
    }
    println!();
}

async fn init(args: InitArgs) -> Result<ExitCode> {
    let url = database_url(&args.db.db())?;
    let source =
        std::fs::read_to_string(&args.plan).with_context(|| format!("không đọc được {}", args.plan.display()))?;
    let plan = match plan::load(&source) {
        Ok(p) => p,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}:{}:{}: {}", args.plan.display(), p.line, p.column, p.message);
            }
            bail!("tệp kế hoạch có {} lỗi, chưa tạo gì", problems.len());
        }
    };
    let store = open_store(&url).await?;
    let stamp = Stamp::now("xhht init").with_reason(format!("khởi tạo từ {}", args.plan.display()));
    store.install_plan(&plan, &source, &stamp).await?;
    let password = xhht_storage::random_password();
    let admin = NewUser {
        username: &args.admin,
        display_name: "Quản trị viên",
        password: &password,
        role: Role::Admin,
        org_unit: &plan.reporting.submit_to,
        must_change_password: true,
    };
    store.create_user(&stamp, &admin).await?;
    println!("Đã nạp kế hoạch {} vào {url}.", plan.info.number);
    load_units(&store, "xhht init").await?;
    println!("Quản trị viên: {}  mật khẩu: {password}", args.admin);
    println!("Lần đăng nhập đầu tiên sẽ yêu cầu đổi mật khẩu này. Chạy: xhht serve --database-url {url}");
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> Result<ExitCode> {
    let store = open_scoped(&args.db).await?;
    let mut state = serving_state(store, &args.proxies).await?;
    reminding(&mut state, &args.remind)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("không lắng nghe được trên {}", args.listen))?;
    println!("XHHT đang chạy tại http://{}/", listener.local_addr()?);
    // Reminders and digests: at start, then every hour, beside the server.
    let _scheduler = xhht_web::spawn_scheduler(&state);
    xhht_web::serve(state, listener).await?;
    Ok(ExitCode::SUCCESS)
}

/// The reminders' "today" (`--reminder-today`) and e-mail sender.
fn reminding(state: &mut AppState, args: &crate::cli::RemindArgs) -> Result<()> {
    state.mailer = mailer(args)?;
    if let Some(day) = &args.reminder_today {
        let day = xhht_domain::text::parse_date(day).map_err(|e| anyhow::anyhow!("--reminder-today “{day}”: {e}"))?;
        println!("Bộ nhắc hạn coi hôm nay là {}.", xhht_domain::text::date(day));
        state.clock = xhht_web::Clock(Some(day));
    }
    Ok(())
}

/// The e-mail sender `--smtp-*` describe, or none without a host.
fn mailer(args: &crate::cli::RemindArgs) -> Result<Option<std::sync::Arc<xhht_web::Mailer>>> {
    let Some(host) = args.smtp_host.clone().filter(|h| !h.trim().is_empty()) else {
        return Ok(None);
    };
    let security = xhht_web::SmtpSecurity::parse(&args.smtp_security)
        .with_context(|| format!("--smtp-security “{}”: chọn starttls, tls hoặc none", args.smtp_security))?;
    let from = args
        .smtp_from
        .clone()
        .context("--smtp-from: cần địa chỉ gửi khi có --smtp-host")?;
    let credentials = match (&args.smtp_user, &args.smtp_password) {
        (Some(u), Some(p)) => Some((u.clone(), p.clone())),
        (None, None) => None,
        _ => bail!("--smtp-user và --smtp-password phải đi cùng nhau"),
    };
    let settings = xhht_web::SmtpSettings {
        host,
        port: args.smtp_port,
        from,
        credentials,
        security,
        site_url: args.public_url.clone(),
    };
    let mailer = xhht_web::Mailer::new(&settings).map_err(anyhow::Error::msg)?;
    println!("Gửi e-mail nhắc hạn qua {}:{}.", settings.host, settings.port);
    Ok(Some(std::sync::Arc::new(mailer)))
}

async fn user_add(args: UserAddArgs) -> Result<ExitCode> {
    let Some(role) = Role::parse(&args.role) else {
        bail!(
            "vai trò “{}” không hợp lệ (có: admin, reviewer, reporter, viewer)",
            args.role
        );
    };
    use xhht_domain::text::{TextKind, clean};
    let username = clean(TextKind::Username, &args.username).map_err(|p| anyhow::anyhow!("{p}"))?;
    let store = open_scoped(&args.db).await?;
    let (plan, _) = store
        .load_plan()
        .await?
        .context("cơ sở dữ liệu chưa có kế hoạch (chạy `xhht init` trước)")?;
    let unit = plan
        .unit(&args.unit)
        .with_context(|| format!("không có đơn vị “{}” trong kế hoạch", args.unit))?;
    let display_name = args.display_name.unwrap_or_else(|| format!("Cán bộ {}", unit.name));
    let display_name = clean(TextKind::DisplayName, &display_name).map_err(|p| anyhow::anyhow!("{p}"))?;
    let password = xhht_storage::random_password();
    let user = NewUser {
        username: &username,
        display_name: &display_name,
        password: &password,
        role,
        org_unit: &unit.code,
        must_change_password: true,
    };
    match store.create_user(&Stamp::now("xhht user add"), &user).await {
        Err(StorageError::Conflict(Conflict::UsernameTaken { username })) => bail!("tên đăng nhập “{username}” đã có"),
        done => done?,
    };
    println!("Đã tạo tài khoản {username} ({}, {}).", role.as_str(), unit.name);
    println!("Mật khẩu: {password}   (chỉ hiện một lần; người dùng phải đổi ở lần đăng nhập đầu tiên)");
    Ok(ExitCode::SUCCESS)
}

async fn open_with_plan(db: crate::cli::DbArgs) -> Result<(Store, plan::Plan)> {
    let store = open_scoped(&db).await?;
    let (plan, _) = store
        .load_plan()
        .await?
        .context("cơ sở dữ liệu chưa có kế hoạch (chạy `xhht init` trước)")?;
    Ok((store, plan))
}

async fn template(args: TemplateArgs) -> Result<ExitCode> {
    let (store, plan) = open_with_plan(args.db).await?;
    let unit = plan
        .unit(&args.unit)
        .filter(|u| u.active_in(args.year) && plan.is_reporting_unit(u))
        .with_context(|| format!("không có đơn vị báo cáo “{}” trong năm {}", args.unit, args.year))?;
    let prev = store.approved_unit_values(&plan, &unit.code, args.year - 1).await?;
    let current = store.working_values(&plan, &unit.code, args.year).await?;
    let bytes = xhht_office::template::unit_template(&plan, unit, args.year, &prev, &current)?;
    std::fs::write(&args.out, bytes).with_context(|| format!("không ghi được {}", args.out.display()))?;
    println!(
        "Đã tạo {} — mẫu báo cáo năm {} của {}.",
        args.out.display(),
        args.year,
        unit.name
    );
    Ok(ExitCode::SUCCESS)
}

async fn import(args: ImportArgs) -> Result<ExitCode> {
    use xhht_office::import::{self, Draft, ImportError};
    let (store, plan) = open_with_plan(args.db).await?;
    let (year, file) = (args.year, args.file.display());
    if let Err(why) = plan.check_year(year) {
        bail!("{why}");
    }
    let unit = plan
        .unit(&args.unit)
        .filter(|u| u.active_in(year) && plan.is_reporting_unit(u))
        .with_context(|| format!("không có đơn vị báo cáo “{}” trong năm {year}", args.unit))?;
    let actor = match &args.user {
        Some(name) => writer(&store, name, &unit.code).await?,
        None => "xhht import".to_string(),
    };
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("không đọc được {file}"))?
        .len();
    if size > xhht_office::limits::LIMITS.file_bytes as u64 {
        bail!("{file}: tệp quá lớn ({size} byte), không phải mẫu báo cáo");
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("không đọc được {file}"))?;
    let current = store.working_values(&plan, &unit.code, year).await?;
    let prev = Some(store.approved_unit_values(&plan, &unit.code, year - 1).await?).filter(|v| !v.is_empty());
    let draft = Draft {
        unit: &unit.code,
        year,
        current: &current,
        prev: prev.as_ref(),
    };
    let checked = import::read(&plan, &bytes).and_then(|i| import::verify(&plan, &i, &draft).map(|()| i));
    let imported = match checked {
        Ok(i) => i,
        Err(ImportError::Refused(why)) => {
            eprintln!("{file}: {why}");
            return Ok(ExitCode::FAILURE);
        }
        Err(ImportError::Cells(problems)) => {
            problems.iter().for_each(|p| eprintln!("{file}: {p}"));
            eprintln!("{file}: {} ô sai, không lưu gì", problems.len());
            return Ok(ExitCode::FAILURE);
        }
    };
    let stamp = Stamp::now(actor).with_reason(format!("Nhập từ {file}"));
    let form = xhht_storage::FormChanges {
        values: imported.values,
        ..Default::default()
    };
    let changed = match store.save_form(&stamp, &unit.code, year, &form).await {
        Err(StorageError::Conflict(Conflict::NotEditable { .. })) => {
            bail!(
                "báo cáo năm {year} của đơn vị {} đã gửi hoặc đã duyệt, không sửa được",
                unit.code
            )
        }
        done => done?,
    };
    println!(
        "Đã nhập {changed} số liệu vào bản nháp năm {year} của đơn vị {}.",
        unit.code
    );
    Ok(ExitCode::SUCCESS)
}

/// The account an import is made for: it must exist, be enabled and be
/// allowed to write `unit`'s report, as on the web.
async fn writer(store: &Store, name: &str, unit: &str) -> Result<String> {
    use xhht_domain::access::Principal;
    let name =
        xhht_domain::text::clean(xhht_domain::text::TextKind::Username, name).map_err(|p| anyhow::anyhow!("{p}"))?;
    let row = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.username == name)
        .with_context(|| format!("không có tài khoản “{name}”"))?;
    let principal = Principal {
        role: row.role,
        org_unit: row.org_unit_code.clone(),
    };
    if row.disabled || !principal.can_write(unit) {
        bail!("tài khoản “{name}” không được sửa báo cáo của đơn vị “{unit}”");
    }
    Ok(name)
}

async fn report(args: ReportArgs) -> Result<ExitCode> {
    use xhht_office::report::ReportKind;
    let Some(kind) = ReportKind::parse(&args.kind) else {
        bail!("loại báo cáo “{}” không hợp lệ (có: nam, so-ket, tong-ket)", args.kind);
    };
    let (store, _) = open_with_plan(args.db).await?;
    let state = load_state(store).await?;
    check_report_year(&state.plan.reporting, args.year, kind)?;
    let bytes = xhht_web::yearly_report(&state, args.year, kind).await?;
    std::fs::write(&args.out, bytes).with_context(|| format!("không ghi được {}", args.out.display()))?;
    println!("Đã tạo {} — báo cáo năm {}.", args.out.display(), args.year);
    if let Some(path) = &args.annex {
        let table = xhht_web::annex(&state, args.year).await?;
        let bytes = xhht_office::annex::workbook(&table).context("không tạo được phụ lục Excel")?;
        std::fs::write(path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
        println!("Đã tạo {} — phụ lục năm {}.", path.display(), args.year);
    }
    Ok(ExitCode::SUCCESS)
}

/// A report only for a year of the plan, and a review only in a year the
/// plan holds that review.
fn check_report_year(r: &xhht_domain::plan::Reporting, year: i32, kind: xhht_office::report::ReportKind) -> Result<()> {
    use xhht_domain::plan::ReviewKind;
    if !(r.first_year..=r.last_year).contains(&year) {
        bail!(
            "năm {year} nằm ngoài thời gian của kế hoạch ({}-{})",
            r.first_year,
            r.last_year
        );
    }
    let Some(review) = kind.review() else {
        return Ok(());
    };
    if r.reviews.iter().any(|rv| rv.year == year && rv.kind == review) {
        return Ok(());
    }
    let name = |k: ReviewKind| match k {
        ReviewKind::MidTerm => "sơ kết",
        ReviewKind::Final => "tổng kết",
    };
    let planned: Vec<String> = r
        .reviews
        .iter()
        .map(|rv| format!("{} năm {}", name(rv.kind), rv.year))
        .collect();
    let planned = if planned.is_empty() {
        "kế hoạch không có đợt sơ kết, tổng kết nào".to_string()
    } else {
        format!("kế hoạch có: {}", planned.join(", "))
    };
    bail!("kế hoạch không có {} năm {year} ({planned})", name(review))
}

/// Loads the shipped register of administrative units (`xhht init`, `xhht demo`).
async fn load_units(store: &Store, actor: &str) -> Result<()> {
    let register = official::build(&official::EMBEDDED)
        .map_err(|p| anyhow::anyhow!("danh mục đơn vị hành chính có sẵn bị lỗi: {}", p.join("; ")))?;
    let stamp = Stamp::now(actor).with_reason("danh mục đơn vị hành chính có sẵn");
    let c = store.import_units(&stamp, &register).await?;
    println!("{}", import_summary(&c));
    Ok(())
}

fn import_summary(c: &xhht_storage::ImportCounts) -> String {
    format!(
        "Danh mục đơn vị hành chính: {} đơn vị ({} mới), {} liên kết cấp trên, {} liên kết kế thừa ({} mới), {} tỷ lệ dân số ước tính.",
        c.units, c.new_units, c.parent_links, c.links, c.new_links, c.estimated_shares
    )
}

/// `xhht units import [--from DIR]`: the shipped lists, or the same four
/// files from a folder (links-extra.csv may be absent).
async fn units_import(args: UnitsImportArgs) -> Result<ExitCode> {
    let url = database_url(&args.db)?;
    let texts: Option<Vec<String>> = match &args.from {
        None => None,
        Some(dir) => Some(
            official::FILE_NAMES
                .iter()
                .map(|name| {
                    let path = dir.join(name);
                    match std::fs::read_to_string(&path) {
                        Ok(t) => Ok(t),
                        Err(e) if *name == official::FILE_NAMES[3] && e.kind() == std::io::ErrorKind::NotFound => {
                            Ok("effective,old_code,old_name,new_code,new_name,kind,source\n".to_string())
                        }
                        Err(e) => Err(anyhow::anyhow!("không đọc được {}: {e}", path.display())),
                    }
                })
                .collect::<Result<_>>()?,
        ),
    };
    let files = match &texts {
        None => official::EMBEDDED,
        Some(t) => official::OfficialFiles {
            units_2024: &t[0],
            units_2025: &t[1],
            merges_2025: &t[2],
            links_extra: &t[3],
        },
    };
    let register = match official::build(&files) {
        Ok(r) => r,
        Err(problems) => {
            problems.iter().for_each(|p| eprintln!("{p}"));
            bail!("danh mục có {} lỗi, chưa nạp gì", problems.len());
        }
    };
    let store = open_store(&url).await?;
    let source = args
        .from
        .as_ref()
        .map_or_else(|| "danh mục có sẵn".to_string(), |d| d.display().to_string());
    let stamp = Stamp::now("xhht units import").with_reason(format!("nạp từ {source}"));
    let counts = store.import_units(&stamp, &register).await?;
    println!("{}", import_summary(&counts));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn database_url(db: &crate::cli::DbArgs) -> Result<String> {
    db.database_url
        .clone()
        .context("cần --database-url (hoặc biến môi trường DATABASE_URL)")
}

/// The database of `db`, scoped to its `--plan` (the first installed plan
/// when not given).
pub(crate) async fn open_scoped(db: &crate::cli::DbArgs) -> Result<Store> {
    let store = open_store(&database_url(db)?).await?;
    match &db.plan {
        None => Ok(store),
        Some(code) => match store.for_plan(code).await {
            Err(StorageError::NotFound(Missing::Plan)) => {
                let known: Vec<String> = store.plans().await?.into_iter().map(|p| p.code).collect();
                bail!("không có kế hoạch mã “{code}” (có: {})", known.join(", "))
            }
            scoped => Ok(scoped?),
        },
    }
}

pub(crate) async fn open_store(url: &str) -> Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {url}"))
}

/// The state a server starts with: its trusted proxies set, and the
/// sessions that expired while it was down purged.
async fn serving_state(store: Store, proxies: &crate::cli::ProxyArgs) -> Result<AppState> {
    let trusted = xhht_web::parse_trusted(&proxies.trusted_proxies).map_err(anyhow::Error::msg)?;
    let gone = store.purge_sessions(chrono::Utc::now()).await?;
    if gone > 0 {
        println!("Đã xóa {gone} phiên đăng nhập hết hạn.");
    }
    let mut state = load_state(store).await?;
    state.trusted_proxies = std::sync::Arc::new(trusted);
    // The audit trail is checked once at start; administrators see a banner
    // while it is broken (the server serves on: figures are still readable).
    let started = std::time::Instant::now();
    match state.check_audit().await? {
        Some(problem) => {
            tracing::warn!(%problem, "audit trail check failed");
            eprintln!("CẢNH BÁO: {problem}");
        }
        None => tracing::info!(took = ?started.elapsed(), "audit trail intact"),
    }
    crate::memory::release_startup_memory();
    Ok(state)
}

/// The web application's state, or a Vietnamese message when no plan is installed.
async fn load_state(store: Store) -> Result<AppState> {
    match AppState::load(store).await {
        Err(StorageError::NotFound(Missing::Plan)) => bail!("cơ sở dữ liệu chưa có kế hoạch (chạy `xhht init` trước)"),
        state => Ok(state?),
    }
}

#[cfg(test)]
mod report_year_tests {
    use xhht_office::report::ReportKind;

    #[test]
    fn reviews_only_in_their_years() {
        let plan = xhht_domain::plan::builtin();
        let r = &plan.reporting;
        let check = |y, k| super::check_report_year(r, y, k);
        assert!(check(2025, ReportKind::MidTerm).is_ok());
        assert!(check(2030, ReportKind::Final).is_ok());
        assert!(check(2026, ReportKind::Yearly).is_ok());
        let e = check(2026, ReportKind::MidTerm).unwrap_err().to_string();
        assert!(
            e.contains("không có sơ kết năm 2026") && e.contains("sơ kết năm 2025"),
            "{e}"
        );
        assert!(check(2025, ReportKind::Final).is_err());
        assert!(
            check(2031, ReportKind::Yearly)
                .unwrap_err()
                .to_string()
                .contains("ngoài thời gian")
        );
    }
}
