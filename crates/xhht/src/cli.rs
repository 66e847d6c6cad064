use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// XHHT — theo dõi kế hoạch xây dựng xã hội học tập (learning-society plans, end to end).
#[derive(Debug, Parser)]
#[command(name = "xhht", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Chạy bản trình diễn với dữ liệu mẫu (run the demo with sample data).
    Demo(DemoArgs),
    /// Tạo cơ sở dữ liệu mới từ một tệp kế hoạch (create a database from a plan file).
    Init(InitArgs),
    /// Chạy máy chủ web trên cơ sở dữ liệu có sẵn (serve an existing database).
    Serve(ServeArgs),
    /// Làm việc với tệp kế hoạch (plan files).
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Tạo mẫu Excel báo cáo của một đơn vị (an Excel template for a unit and year).
    Template(TemplateArgs),
    /// Nhập mẫu Excel đã điền vào bản nháp của đơn vị; in từng ô sai (import a filled template).
    Import(ImportArgs),
    /// Báo cáo tổng hợp năm (Word, theo Nghị định 30/2020) (the yearly report as .docx).
    Report(ReportArgs),
    /// Quản lý tài khoản (accounts).
    #[command(subcommand)]
    User(UserCommand),
    /// Sao lưu cơ sở dữ liệu SQLite khi máy chủ đang chạy (a consistent copy; PostgreSQL: pg_dump).
    Backup(BackupArgs),
    /// Khôi phục cơ sở dữ liệu SQLite từ bản sao lưu (restore a backup).
    Restore(RestoreArgs),
    /// Danh mục đơn vị hành chính theo thời gian (the dated register of administrative units).
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Nhật ký kiểm toán (the hash-chained audit trail).
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Kiểm tra chuỗi mã băm của nhật ký và đối chiếu số liệu chính thức với nhật ký;
    /// mã thoát khác 0 và nêu chỗ hỏng đầu tiên khi có (verify the trail and the official values).
    Verify(AuditVerifyArgs),
}

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub db: UrlArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Tệp sao lưu sẽ tạo (must not exist yet).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: UrlArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Tệp sao lưu (made by `xhht backup`).
    #[arg(long)]
    pub from: PathBuf,
    /// Ghi đè cơ sở dữ liệu đang có dữ liệu (overwrite a database that holds data).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub db: UrlArgs,
}

/// Who may name the client in `X-Forwarded-For`.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Địa chỉ proxy tin cậy, cách nhau bằng dấu phẩy (ví dụ 127.0.0.1,10.0.0.0/8):
    /// chỉ từ các địa chỉ này mới tin X-Forwarded-For (trusted reverse proxies).
    #[arg(long, env = "XHHT_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Nạp danh mục chính thức (trước và sau 1/7/2025); nạp lại không tạo bản trùng
    /// (load the official lists; importing again duplicates nothing).
    Import(UnitsImportArgs),
}

#[derive(Debug, Args)]
pub struct UnitsImportArgs {
    /// Thư mục chứa units-2024.csv, units-2025.csv, merges-2025-07-01.csv và links-extra.csv
    /// (mặc định: danh mục có sẵn trong chương trình).
    #[arg(long)]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Tạo tài khoản; in ra mật khẩu sinh ngẫu nhiên (create an account; prints a random password).
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Tên đăng nhập (username): chữ không dấu, số, . _ -
    #[arg(long)]
    pub username: String,
    /// Vai trò: admin | reviewer | reporter | viewer.
    #[arg(long)]
    pub role: String,
    /// Mã đơn vị trong kế hoạch (org-unit code), ví dụ 00001 hoặc PGDDT.
    #[arg(long)]
    pub unit: String,
    /// Họ tên hiển thị (display name).
    #[arg(long)]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// Cơ sở dữ liệu: sqlite:TỆP hoặc postgres://… (database URL).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Mã kế hoạch khi cơ sở dữ liệu có nhiều kế hoạch (default: the first installed).
    #[arg(long = "plan", env = "XHHT_PLAN")]
    pub plan: Option<String>,
}

/// The database alone (for commands where `--plan` means something else).
#[derive(Debug, Args)]
pub struct UrlArgs {
    /// Cơ sở dữ liệu: sqlite:TỆP hoặc postgres://… (database URL).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl UrlArgs {
    pub fn db(&self) -> DbArgs {
        DbArgs {
            database_url: self.database_url.clone(),
            plan: None,
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Địa chỉ lắng nghe (listen address).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Cơ sở dữ liệu của bản trình diễn (default: sqlite:xhht-demo.sqlite).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Chỉ tạo cơ sở dữ liệu mẫu rồi thoát (create the sample database and exit).
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub proxies: ProxyArgs,
    #[command(flatten)]
    pub remind: RemindArgs,
}

/// Reminders and digests: their "today", and their e-mail through an SMTP
/// server (none without a host).
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Ngày "hôm nay" của bộ nhắc hạn, dd/mm/yyyy (để xem thử nhắc hạn trong bản demo;
    /// mặc định: ngày hiện tại ở Việt Nam) (the reminders' today, for a demo).
    #[arg(long, env = "XHHT_REMINDER_TODAY")]
    pub reminder_today: Option<String>,
    /// Máy chủ SMTP; bỏ trống thì không gửi e-mail, chỉ thông báo trên hệ thống (SMTP host).
    #[arg(long, env = "XHHT_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Cổng SMTP (587 cho starttls, 465 cho tls).
    #[arg(long, env = "XHHT_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// Địa chỉ gửi, ví dụ "XHHT <xhht@phuong.gov.vn>" (sender).
    #[arg(long, env = "XHHT_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Tên đăng nhập SMTP, nếu máy chủ yêu cầu.
    #[arg(long, env = "XHHT_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// Mật khẩu SMTP (nên đặt qua biến môi trường XHHT_SMTP_PASSWORD).
    #[arg(long, env = "XHHT_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Bảo mật kết nối: starttls (mặc định), tls, hoặc none (chỉ cho máy chủ thư trên chính máy này).
    #[arg(long, env = "XHHT_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    /// Địa chỉ trang web như người dùng mở, để ghi đường dẫn trong e-mail (https://xhht.example.vn).
    #[arg(long, env = "XHHT_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Tệp kế hoạch (plan file, TOML).
    #[arg(long)]
    pub plan: PathBuf,
    #[command(flatten)]
    pub db: UrlArgs,
    /// Tên đăng nhập của quản trị viên đầu tiên (first administrator's username).
    #[arg(long, default_value = "admin")]
    pub admin: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub proxies: ProxyArgs,
    #[command(flatten)]
    pub remind: RemindArgs,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Kiểm tra một tệp kế hoạch; mã thoát 0 khi không có lỗi (check a plan file).
    Check {
        /// Tệp kế hoạch (plan file).
        file: PathBuf,
    },
    /// Nạp thêm một kế hoạch vào cơ sở dữ liệu (install another plan beside the others).
    Add {
        /// Tệp kế hoạch (plan file).
        file: PathBuf,
        /// Tên đăng nhập của quản trị viên kế hoạch mới (an administrator for the new plan).
        #[arg(long)]
        admin: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Cài phiên bản mới của một kế hoạch đã nạp; từ chối nếu bỏ mất dữ liệu đã nhập (upgrade a plan).
    Upgrade {
        /// Tệp kế hoạch, cùng mã kế hoạch (plan file with the same code).
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Ghi nhận kế hoạch kết thúc sớm, kèm lý do (record that a plan ended before its last year).
    End {
        /// Ngày kết thúc, YYYY-MM-DD (the last day the plan applied).
        #[arg(long)]
        on: String,
        /// Lý do (the reason, e.g. the reorganisation of 1/7/2025).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Liệt kê các kế hoạch trong cơ sở dữ liệu (list the installed plans).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Mã đơn vị (org-unit code).
    #[arg(long)]
    pub unit: String,
    /// Năm báo cáo (reporting year).
    #[arg(long)]
    pub year: i32,
    /// Tệp ra (.xlsx).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Tệp mẫu đã điền (.xlsx).
    pub file: PathBuf,
    /// Mã đơn vị của báo cáo được ghi (org-unit code); tệp của đơn vị khác bị từ chối.
    #[arg(long)]
    pub unit: String,
    /// Năm báo cáo (reporting year); tệp của năm khác bị từ chối.
    #[arg(long)]
    pub year: i32,
    /// Nhập thay cho tài khoản này (phải là người báo cáo của đơn vị); ghi vào nhật ký.
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Năm báo cáo (reporting year).
    #[arg(long)]
    pub year: i32,
    /// Tệp ra (.docx).
    #[arg(long)]
    pub out: PathBuf,
    /// nam (hằng năm), so-ket (sơ kết) hoặc tong-ket (tổng kết).
    #[arg(long, default_value = "nam")]
    pub kind: String,
    /// Phụ lục dạng Excel (.xlsx), nếu cần (the annex as a workbook).
    #[arg(long)]
    pub annex: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}
