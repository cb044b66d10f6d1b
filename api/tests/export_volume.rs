//! A 100,000-row export is streamed: the server holds a page of rows at a
//! time, never the whole file. Measured by this process's peak resident
//! memory while the export downloads (the test server runs in this
//! process), read chunk by chunk so the client holds none of it.

mod common;

use diesel::connection::SimpleConnection;
use futures_util::StreamExt;

/// A figure of this process's memory from `/proc/self/status`, in bytes
/// (`RssAnon`: the heap and stacks now).
fn memory(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<usize>()
                .ok()
        })
        .map(|kb| kb * 1024)
        .expect(field)
}

/// The two backends' tests share the process: they measure one at a time.
static ONE_AT_A_TIME: futures_util::lock::Mutex<()> = futures_util::lock::Mutex::new(());

const SEEDED: i64 = 2_500;
const COPIES: i64 = 40;
const ROWS: i64 = SEEDED * COPIES;

/// 100,000 letters: a seeded history of 2,500 (valid rows, through the
/// seed's own code), each copied 39 times under new tracking codes (the
/// export reads only the letters and the directory).
fn hundred_thousand_letters(app: &common::TestApp) {
    let mut conn = app.db.pool().get().expect("connection");
    chapar::seed::seed(&mut conn, SEEDED as usize, 13).expect("seed");
    let columns = "counter_office_id, registered_by, applicant_kind, applicant_national_id, \
        applicant_first_name, applicant_last_name, applicant_father_name, applicant_organization_name, \
        applicant_representative_name, applicant_mobile, applicant_postal_code, applicant_address, \
        applicant_reference, recipient_agency_id, holder_agency_id, subject, body, priority, status, \
        version, due_at, answer_body, answer_agency_id, answered_at, search_text, created_at, \
        updated_at, classification";
    if app.backend == chapar::db::Backend::Postgres {
        // The copies need no search words (the export reads none), and
        // PostgreSQL indexing each copy's words was two thirds of the run.
        conn.batch_execute(
            "ALTER TABLE letters DISABLE TRIGGER letters_words; DROP INDEX letters_search",
        )
        .expect("no words for the copies");
    }
    conn.batch_execute(&format!(
        "WITH RECURSIVE copy(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM copy WHERE i < {}) \
         INSERT INTO letters (tracking_code, {columns}) \
         SELECT CAST(900000000000 + l.id * 100 + copy.i AS TEXT), {columns} FROM letters l, copy",
        COPIES - 1
    ))
    .expect("copies");
}

both_backends! {
    async fn a_hundred_thousand_rows_stream_without_sitting_in_memory(app) {
        let _turn = ONE_AT_A_TIME.lock().await;
        hundred_thousand_letters(&app);
        let admin = app.token("admin").await;

        // Anonymous memory (the heap), sampled as the file arrives: SQLite
        // reads its file through a memory map, whose pages are the kernel's
        // page cache and count in the resident size (`VmHWM`) as they are read.
        let before = memory("RssAnon:");
        let mut peak_anon = before;
        let mut res = app.server.get("/api/v1/letters/export").bearer_auth(&admin).send().await.expect("sent");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("content-length"), None, "streamed, no length known in advance");
        let (mut bytes, mut lines, mut chunks) = (0usize, 0i64, 0usize);
        while let Some(chunk) = res.next().await {
            let chunk = chunk.expect("chunk");
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count() as i64;
            chunks += 1;
            peak_anon = peak_anon.max(memory("RssAnon:"));
        }
        let peak = peak_anon.saturating_sub(before);
        assert_eq!(lines, ROWS + 1, "a header and every letter");
        assert!(chunks > 100, "sent page by page: {chunks} chunks");
        let mib = |n: usize| n as f64 / (1024.0 * 1024.0);
        println!("export of {ROWS} rows: {:.1} MiB sent, {:.1} MiB more heap at the peak", mib(bytes), mib(peak));
        assert!(bytes > 20 * 1024 * 1024, "{bytes} bytes");
        assert!(peak < bytes / 4, "the peak growth ({:.1} MiB) must stay far below the file ({:.1} MiB)", mib(peak), mib(bytes));
    }
}
