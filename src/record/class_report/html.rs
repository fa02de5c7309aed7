//! A [`ClassReport`] as one self-contained HTML page: inline CSS and SVG
//! charts, no script, nothing fetched, so it can be mailed or opened from
//! disk.

use super::{ClassReport, ItemStats, LabStats, Progress, common_text};
use std::fmt::Write as _;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn completion_svg(labs: &[LabStats], learners: usize) -> String {
    let row = 22;
    let label_w = 220;
    let bar_w = 480;
    let h = row * labs.len() + 30;
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="completion-title" viewBox="0 0 {} {h}" width="100%" class="chart"><title id="completion-title">Learners who passed, are working on, and have not started each lab</title>"#,
        label_w + bar_w + 60
    );
    let scale = |n: usize| (bar_w * n) / learners.max(1);
    for (i, l) in labs.iter().enumerate() {
        let y = i * row;
        let (p, w) = (scale(l.passed), scale(l.in_progress));
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{}" width="{p}" height="16" class="passed"/><rect x="{}" y="{}" width="{w}" height="16" class="progress"/><rect x="{}" y="{}" width="{}" height="16" class="idle"/><text x="{}" y="{}" class="value">{}/{learners}</text>"#,
            label_w - 6,
            y + 13,
            esc(&l.title),
            y + 2,
            label_w + p,
            y + 2,
            label_w + p + w,
            y + 2,
            bar_w - p - w,
            label_w + bar_w + 6,
            y + 13,
            l.passed,
        );
    }
    let y = labs.len() * row + 14;
    let _ = write!(
        s,
        r#"<rect x="{label_w}" y="{y}" width="12" height="12" class="passed"/><text x="{}" y="{}" class="value">passed</text><rect x="{}" y="{y}" width="12" height="12" class="progress"/><text x="{}" y="{}" class="value">in progress</text><rect x="{}" y="{y}" width="12" height="12" class="idle"/><text x="{}" y="{}" class="value">not started</text></svg>"#,
        label_w + 16,
        y + 11,
        label_w + 90,
        label_w + 106,
        y + 11,
        label_w + 200,
        label_w + 216,
        y + 11,
    );
    s
}

/// How many learners have each tenth of all points.
fn histogram_svg(totals: &[u32]) -> String {
    let mut bins = [0usize; 10];
    for &t in totals {
        bins[((t / 10) as usize).min(9)] += 1;
    }
    let most = bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (50, 140);
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="scores-title" viewBox="0 0 {vw} {vh}" width="{vw}" class="chart"><title id="scores-title">How many learners have each share of all points</title>"#,
        vw = w * 10 + 20,
        vh = h + 40
    );
    for (i, &n) in bins.iter().enumerate() {
        let bar = (h * n) / most;
        let x = 10 + i * w;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{bar}" class="passed"/><text x="{}" y="{}" text-anchor="middle" class="value">{n}</text><text x="{}" y="{}" text-anchor="middle" class="label">{}–{}%</text>"#,
            x + 4,
            h - bar + 14,
            w - 8,
            x + w / 2,
            h - bar + 10,
            x + w / 2,
            h + 32,
            i * 10,
            if i == 9 { 100 } else { i * 10 + 9 },
        );
    }
    s.push_str("</svg>");
    s
}

/// Median time spent beside the lab's estimate.
fn time_svg(labs: &[LabStats]) -> String {
    let row = 22;
    let label_w = 220;
    let bar_w = 400;
    let most = labs
        .iter()
        .map(|l| {
            l.median_minutes
                .unwrap_or(0.0)
                .max(f64::from(l.estimate_minutes))
        })
        .fold(1.0, f64::max);
    let h = row * labs.len() + 30;
    let mut s = format!(
        r#"<svg role="img" aria-labelledby="time-title" viewBox="0 0 {} {h}" width="100%" class="chart"><title id="time-title">Median minutes spent on each lab, and the lab's estimate</title>"#,
        label_w + bar_w + 120
    );
    for (i, l) in labs.iter().enumerate() {
        let y = i * row;
        let spent = l.median_minutes.unwrap_or(0.0);
        let sw = (bar_w as f64 * spent / most) as usize;
        let ex = label_w + (bar_w as f64 * f64::from(l.estimate_minutes) / most) as usize;
        let over = spent > 1.5 * f64::from(l.estimate_minutes);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{}" width="{sw}" height="16" class="{}"/><line x1="{ex}" x2="{ex}" y1="{}" y2="{}" class="estimate"/><text x="{}" y="{}" class="value">{} / {} min</text>"#,
            label_w - 6,
            y + 13,
            esc(&l.title),
            y + 2,
            if over { "over" } else { "progress" },
            y,
            y + 20,
            label_w + bar_w + 6,
            y + 13,
            l.median_minutes.map_or("–".into(), |m| format!("{m:.0}")),
            l.estimate_minutes,
        );
    }
    let y = labs.len() * row + 14;
    let _ = write!(
        s,
        r#"<rect x="{label_w}" y="{y}" width="12" height="12" class="progress"/><text x="{}" y="{}" class="value">median time spent</text><rect x="{}" y="{y}" width="12" height="12" class="over"/><text x="{}" y="{}" class="value">over 1.5× the estimate</text><line x1="{}" x2="{}" y1="{y}" y2="{}" class="estimate"/><text x="{}" y="{}" class="value">estimate</text></svg>"#,
        label_w + 16,
        y + 11,
        label_w + 150,
        label_w + 166,
        y + 11,
        label_w + 330,
        label_w + 330,
        y + 12,
        label_w + 336,
        y + 11,
    );
    s
}

fn items_table(items: &[ItemStats], what: &str, common: &str) -> String {
    let mut s = format!(
        "<table><thead><tr><th>lab</th><th>{what}</th><th>got to it</th><th>failed</th><th>{common}</th></tr></thead><tbody>"
    );
    for i in items.iter().filter(|i| i.attempted > 0).take(15) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({:.0}%)</td><td>{}</td></tr>",
            esc(&i.lab),
            esc(&i.name),
            i.attempted,
            i.failed,
            i.failed_percent(),
            esc(&common_text(&i.common))
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The whole report as one self-contained page: inline CSS and SVG, no
/// script, nothing fetched.
pub fn html(report: &ClassReport, title: &str, generated: &str, notes: &[String]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>{CSS}</style></head><body><main><h1>{t}</h1><p class="lead">{} learner(s) · generated {} by sandlab {}</p>"#,
        report.learners,
        esc(generated),
        env!("CARGO_PKG_VERSION"),
        t = esc(title),
    );
    if !notes.is_empty() {
        s.push_str(r#"<div class="notes"><p>Not counted (did not verify by re-grading):</p><ul>"#);
        for n in notes {
            let _ = write!(s, "<li>{}</li>", esc(n));
        }
        s.push_str("</ul></div>");
    }
    next_session(&mut s, report);

    let _ = write!(
        s,
        "<section><h2>Completion per lab</h2>{}</section>",
        completion_svg(&report.labs, report.learners)
    );
    let _ = write!(
        s,
        "<section><h2>Score distribution</h2><p>Each learner's share of all points in all courses.</p>{}</section>",
        histogram_svg(&report.totals_percent)
    );
    let _ = write!(
        s,
        "<section><h2>Checks that fail most</h2>{}</section>",
        items_table(&report.checks, "check", "commonest verdicts")
    );
    if report.questions.iter().any(|q| q.attempted > 0) {
        let _ = write!(
            s,
            "<section><h2>Questions answered wrongly most</h2>{}</section>",
            items_table(&report.questions, "question", "commonest wrong answers")
        );
    }
    let _ = write!(
        s,
        "<section><h2>Time spent against the estimate</h2>{}</section>",
        time_svg(&report.labs)
    );
    learners_table(&mut s, &report.people);
    s.push_str("<p class=\"lead\">The same tables as CSV: labs.csv, checks.csv, questions.csv, learners.csv.</p></main></body></html>\n");
    s
}

/// "For the next session": the check and question that fail most, labs
/// taking much longer than estimated, and how many learners need a look.
fn next_session(s: &mut String, report: &ClassReport) {
    let behind: Vec<&Progress> = report
        .people
        .iter()
        .filter(|p| p.behind.is_some())
        .collect();
    let hardest_check = report
        .checks
        .iter()
        .find(|c| c.attempted > 0 && c.failed > 0);
    let hardest_question = report
        .questions
        .iter()
        .find(|c| c.attempted > 0 && c.failed > 0);
    s.push_str(r#"<section><h2>For the next session</h2><ul class="summary">"#);
    if let Some(c) = hardest_check {
        let _ = write!(
            s,
            "<li>The check that fails most: <strong>{}</strong> in {} ({} of {} learners; mostly {}).</li>",
            esc(&c.name),
            esc(&c.lab),
            c.failed,
            c.attempted,
            esc(&common_text(&c.common[..c.common.len().min(1)]))
        );
    }
    if let Some(q) = hardest_question {
        let _ = write!(
            s,
            "<li>The question answered wrongly most: <strong>{}</strong> in {} ({} of {}; commonest wrong answer {}).</li>",
            esc(&q.name),
            esc(&q.lab),
            q.failed,
            q.attempted,
            esc(&common_text(&q.common[..q.common.len().min(1)]))
        );
    }
    let slow: Vec<&LabStats> = report
        .labs
        .iter()
        .filter(|l| {
            l.median_minutes
                .is_some_and(|m| m > 1.5 * f64::from(l.estimate_minutes))
        })
        .collect();
    if !slow.is_empty() {
        let _ = write!(
            s,
            "<li>Taking much longer than estimated: {}.</li>",
            slow.iter()
                .map(|l| esc(&l.title))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let overdue = report.people.iter().filter(|p| p.overdue > 0).count();
    if overdue > 0 {
        let _ = write!(
            s,
            "<li>{overdue} learner(s) have labs past their due date.</li>"
        );
    }
    let _ = write!(
        s,
        "<li>{} learner(s) need a look (below).</li></ul></section>",
        behind.len()
    );
}

/// Every learner, those who need a look first.
fn learners_table(s: &mut String, people: &[Progress]) {
    s.push_str("<section><h2>Learners</h2><p>Those who need a look first: labs past their due date, fewer labs passed than half the class median, or no Check for a week while others worked.</p><table><thead><tr><th>learner</th><th>labs passed</th><th>points</th><th>last Check</th><th>overdue</th><th>passed late</th><th>needs a look</th></tr></thead><tbody>");
    for p in people {
        let _ = write!(
            s,
            "<tr{}><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if p.behind.is_some() {
                r#" class="behind""#
            } else {
                ""
            },
            esc(&p.name),
            p.passed,
            p.score,
            p.max_score,
            esc(p
                .last_activity
                .as_deref()
                .map_or("–", |d| d.get(..10).unwrap_or(d))),
            p.overdue,
            p.late,
            esc(p.behind.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table></section>");
}

const CSS: &str = "body{font:15px/1.5 system-ui,sans-serif;color:#1d1f21;background:#fbfbfa;margin:0}main{max-width:960px;margin:0 auto;padding:1.5rem}h1{margin:0}h2{margin-top:2rem;border-bottom:1px solid #d6d8db}.lead{color:#5c6166}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d6d8db;vertical-align:top}tr.behind td{background:#fdecea}.notes{background:#fff4d6;padding:.5rem 1rem;border-radius:6px}.chart{max-width:100%;height:auto}.chart .label,.chart .value{font-size:12px;fill:#1d1f21}.chart .passed{fill:#2e7d32}.chart .progress{fill:#1565c0}.chart .idle{fill:#d6d8db}.chart .over{fill:#b42318}.chart .estimate{stroke:#1d1f21;stroke-width:2}.summary li{margin:.3rem 0}";
