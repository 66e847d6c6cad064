//! `sqlx::migrate!` embeds the migration folders at compile time, but cargo
//! does not know to look there: without this, a migration added to a built
//! tree is missing from the next incremental build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
