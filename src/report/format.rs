//! The only place numbers become text. Every renderer and template shows
//! what these functions return, so a figure reads the same everywhere.

use crate::sla::target::Kind;

/// `"—"`: what the reports print for a figure the input does not hold.
pub const NOT_IN_INPUT: &str = "—";

/// Milliseconds: `0.42 ms`, `6.86 ms`, `16.4 ms`, `13 ms`, `1,200 ms`.
pub fn ms(v: f64) -> String {
    let digits = if v.fract() == 0.0 {
        0
    } else if v.abs() < 10.0 {
        2
    } else if v.abs() < 100.0 {
        1
    } else {
        0
    };
    format!("{} ms", decimal(v, digits))
}

/// `v` with `digits` decimals and thousands separators in the integer part.
fn decimal(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    match s.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", group_digits(int)),
        None => group_digits(&s),
    }
}

/// A fraction as a percentage: `0 %`, `0.003 %`, `2.54 %`, `100 %`.
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p == 0.0 {
        "0 %".to_string()
    } else if p == 100.0 {
        "100 %".to_string()
    } else if p.abs() < 0.0005 {
        // Never print a non-zero rate as 0.
        "< 0.001 %".to_string()
    } else if p.abs() < 0.1 {
        format!("{p:.3} %")
    } else {
        format!("{p:.2} %")
    }
}

/// Requests per second: `3.80 req/s`, `118.5 req/s`.
pub fn rps(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{} req/s", decimal(v, 1))
    } else {
        format!("{v:.2} req/s")
    }
}

/// A plain ratio: `1.43`.
pub fn ratio(v: f64) -> String {
    format!("{v:.2}")
}

/// A count with thousands separators: `1,772`.
pub fn count(n: u64) -> String {
    group_digits(&n.to_string())
}

/// A score out of 100: `80.0`.
pub fn score(v: f64) -> String {
    format!("{v:.1}")
}

/// A score range out of 100: `70.0–100.0`, or `80.0` when both ends agree.
pub fn score_range(low: f64, high: f64) -> String {
    if score(low) == score(high) {
        score(low)
    } else {
        format!("{}–{}", score(low), score(high))
    }
}

/// A grade range: `FAIR–EXCELLENT`, or `GOOD` when both ends agree.
pub fn grade_range(low: &str, high: &str) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}–{high}")
    }
}

/// Points of a rule that could not be judged: `0–15 / 15` (no credit at the
/// low end of the score, full credit at the high end).
pub fn points_open(weight: f64) -> String {
    format!("0–{} / {}", trim_number(weight), trim_number(weight))
}

/// A path for a report: relative to the working directory when it lies
/// under it, else the file name alone; never a machine's absolute path.
pub fn display_path(path: &str) -> String {
    let p = std::path::Path::new(path);
    if !p.is_absolute() {
        return path.to_string();
    }
    if let Some(rel) = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(std::path::Path::to_path_buf))
    {
        if !rel.as_os_str().is_empty() {
            return rel.display().to_string();
        }
    }
    p.file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// `text` with each of `paths` that occurs in it shown as [`display_path`]
/// shows it (a reader's note naming another file by the path it was given).
pub fn display_paths_in<'a>(text: &str, paths: impl Iterator<Item = &'a str>) -> String {
    let mut out = text.to_string();
    for p in paths {
        if std::path::Path::new(p).is_absolute() && out.contains(p) {
            out = out.replace(p, &display_path(p));
        }
    }
    out
}

/// `1 run`, `2 runs`: a count and its noun, pluralised with `s`.
pub fn plural(n: usize, noun: &str) -> String {
    format!(
        "{} {noun}{}",
        count(n as u64),
        if n == 1 { "" } else { "s" }
    )
}

/// Points earned of a weight: `7.5 / 10`.
pub fn points(points: f64, weight: f64) -> String {
    format!("{} / {}", trim_number(points), trim_number(weight))
}

/// A number without trailing zeros, at most 2 decimals: `7.5`, `40`, `0.33`.
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A duration in seconds: `45 s`, `10 min 5 s`, `2 h 3 min`.
pub fn duration(s: f64) -> String {
    if s < 60.0 && s.fract() != 0.0 && (s * 10.0).round() / 10.0 != s.round() {
        return format!("{s:.1} s");
    }
    let total = s.round() as u64;
    let (h, m, sec) = (total / 3600, (total % 3600) / 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{sec} s"),
        (0, _) if sec == 0 => format!("{m} min"),
        (0, _) => format!("{m} min {sec} s"),
        _ => format!("{h} h {m} min"),
    }
}

/// A measured value in the canonical unit of `kind`.
pub fn value(kind: Kind, v: f64) -> String {
    match kind {
        Kind::Latency => ms(v),
        Kind::Rate => percent(v),
        Kind::Throughput => rps(v),
        Kind::Ratio => ratio(v),
        Kind::Resource(unit) => resource(unit.unwrap_or_default(), v),
    }
}

/// A resource value: `85.2 %`, `1.25 GiB`, `14.7 MiB`, `512 B`, `1,430`.
pub fn resource(unit: crate::model::ResourceUnit, v: f64) -> String {
    use crate::model::ResourceUnit;
    match unit {
        ResourceUnit::Percent => format!("{} %", decimal(v, if v.abs() < 10.0 { 2 } else { 1 })),
        ResourceUnit::Bytes => {
            let units = ["B", "KiB", "MiB", "GiB", "TiB"];
            let mut x = v;
            let mut i = 0;
            while x.abs() >= 1024.0 && i < units.len() - 1 {
                x /= 1024.0;
                i += 1;
            }
            if i == 0 {
                format!("{} B", decimal(x, 0))
            } else {
                format!(
                    "{} {}",
                    decimal(x, if x.abs() < 10.0 { 2 } else { 1 }),
                    units[i]
                )
            }
        }
        ResourceUnit::Count => {
            if v.fract() == 0.0 {
                decimal(v, 0)
            } else {
                decimal(v, 2)
            }
        }
    }
}

/// `f` applied to a present figure, [`NOT_IN_INPUT`] for a missing one.
pub fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| NOT_IN_INPUT.to_string(), f)
}

/// [`percent`] of an optional fraction.
pub fn percent_opt(v: Option<f64>) -> String {
    opt(v, percent)
}

/// A Unix time as UTC: `2026-11-23 11:12:23 UTC`.
pub fn timestamp(unix_s: f64) -> String {
    chrono::DateTime::from_timestamp(unix_s.floor() as i64, 0).map_or_else(
        || format!("{unix_s}"),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// A date read without a time zone, as it was written (`2019-12-05 12:37:24,
/// zone unknown`).
pub fn timestamp_as_written(unix_s: f64) -> String {
    chrono::DateTime::from_timestamp(unix_s.floor() as i64, 0).map_or_else(
        || format!("{unix_s}"),
        |t| t.format("%Y-%m-%d %H:%M:%S, zone unknown").to_string(),
    )
}

fn group_digits(int: &str) -> String {
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Escapes text for a GitHub-flavoured Markdown table cell or line: table
/// pipes, emphasis and link characters, raw HTML, and `@` so names never
/// mention anyone.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A zero-width space after @ keeps GitHub from mentioning a user or team.
            '@' => out.push_str("@&#8203;"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    break_autolinks(&out)
}

/// `text` with GitHub's extended autolinks broken by a zero-width space
/// (`https:&#8203;//…`, `www&#8203;.…`): a name from an input file is text,
/// and must not become a link in report.md, regression.md or the step summary.
fn break_autolinks(text: &str) -> String {
    let text = text.replace("://", ":&#8203;//");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.to_ascii_lowercase().find("www.") {
        out.push_str(&rest[..i + 3]);
        out.push_str("&#8203;");
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// The run's notes as Markdown for report.md, under the rules the HTML
/// follows ([`notes_html`]): images become their alt text, and an entity
/// that decodes to `@` (`&#64;`, `&#x40;`, `&commat;`) becomes a plain `@`,
/// which the template's mention filter then defuses like any other.
pub fn notes_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // (range of the image in the source, its alt text)
    let mut images: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut depth = 0;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { .. }) => {
                if depth == 0 {
                    images.push((range, String::new()));
                }
                depth += 1;
            }
            Event::End(TagEnd::Image) => depth -= 1,
            Event::Text(t) | Event::Code(t) if depth > 0 => {
                if let Some(last) = images.last_mut() {
                    last.1.push_str(&t);
                }
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (range, alt) in images {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&markdown_inline(&alt));
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    at_entities_to_at(&out)
}

/// `text` escaped for Markdown prose (not a table): emphasis, link and
/// image characters, so an image's alt text stays text.
fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Every HTML entity that decodes to `@` replaced by `@`.
fn at_entities_to_at(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail[1..].find(';').map(|j| j + 1).filter(|&j| j <= 12);
        let decoded = end.and_then(|j| {
            let body = &tail[1..j];
            let code =
                if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = body.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else if body == "commat" {
                    Some(0x40)
                } else {
                    None
                };
            (code == Some(0x40)).then_some(j)
        });
        match decoded {
            Some(j) => {
                out.push('@');
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Renders Markdown notes to HTML. Raw HTML in the notes is shown as text,
/// never passed through, so a notes file cannot inject script into the report.
pub fn notes_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // Only web and mail links survive; images become their alt text, so the
    // report stays free of network requests and of `javascript:` URLs.
    let safe = |url: &str| {
        ["https://", "http://", "mailto:", "#"]
            .iter()
            .any(|p| url.starts_with(p))
    };
    let mut in_image = false;
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(move |e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Image { .. }) => {
            in_image = true;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            None
        }
        Event::Text(t) if in_image => Some(Event::Text(t)),
        _ if in_image => None,
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let ok = safe(dest_url);
            links.push(ok);
            ok.then_some(e)
        }
        Event::End(TagEnd::Link) => links.pop().unwrap_or(true).then_some(e),
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_everywhere() {
        assert_eq!(ms(6.86), "6.86 ms");
        assert_eq!(ms(16.443), "16.4 ms");
        assert_eq!(ms(13.0), "13 ms");
        assert_eq!(ms(50761.34), "50,761 ms");
        assert_eq!(ms(0.4213), "0.42 ms");
        assert_eq!(percent(0.0254), "2.54 %");
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(1.0 / 37219.0), "0.003 %");
        assert_eq!(percent(1.0 / 6_000_000.0), "< 0.001 %");
        assert_eq!(rps(3.8), "3.80 req/s");
        assert_eq!(rps(1118.467), "1,118.5 req/s");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(points(7.5, 10.0), "7.5 / 10");
        assert_eq!(duration(45.0), "45 s");
        assert_eq!(duration(59.94), "59.9 s");
        assert_eq!(duration(45.02), "45 s");
        assert_eq!(duration(605.0), "10 min 5 s");
        assert_eq!(duration(7380.0), "2 h 3 min");
        assert_eq!(timestamp(1795432343.0), "2026-11-23 11:12:23 UTC");
    }

    #[test]
    fn ranges_and_plurals() {
        assert_eq!(score_range(70.0, 100.0), "70.0–100.0");
        assert_eq!(score_range(80.0, 80.0), "80.0");
        assert_eq!(grade_range("GOOD", "GOOD"), "GOOD");
        assert_eq!(grade_range("FAIR", "EXCELLENT"), "FAIR–EXCELLENT");
        assert_eq!(points_open(15.0), "0–15 / 15");
        assert_eq!(
            (plural(1, "run"), plural(2, "run")),
            ("1 run".into(), "2 runs".into())
        );
    }

    #[test]
    fn no_absolute_machine_path_reaches_a_report() {
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("results/peak/peak_stats.csv");
        assert_eq!(
            display_path(&inside.display().to_string()),
            "results/peak/peak_stats.csv"
        );
        assert_eq!(display_path("/elsewhere/run/results.jtl"), "results.jtl");
        assert_eq!(
            display_path("sla/peak.toml"),
            "sla/peak.toml",
            "relative stays"
        );
        assert_eq!(
            display_paths_in(
                "the same log as /elsewhere/run/results.jtl (one compressed)",
                ["/elsewhere/run/results.jtl"].into_iter()
            ),
            "the same log as results.jtl (one compressed)"
        );
    }

    #[test]
    fn markdown_escaping_keeps_tables_and_people_safe() {
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("@team"), "@&#8203;team");
        assert_eq!(markdown("<script>"), "&lt;script&gt;");
        assert_eq!(markdown("/items/[id]"), "/items/\\[id\\]");
    }

    #[test]
    fn notes_keep_only_safe_links_and_no_images() {
        let html = notes_html(
            "[ok](https://example.com) [bad](javascript:alert(1)) ![logo](https://x.test/a.png)",
        );
        assert!(html.contains("<a href=\"https://example.com\">ok</a>"));
        assert!(!html.contains("javascript:") && html.contains("bad"));
        assert!(!html.contains("<img") && html.contains("logo"));
    }

    #[test]
    fn names_never_become_autolinks() {
        for name in [
            "GET https://evil.invalid/x",
            "http://a.b/c?d",
            "www.evil.invalid",
            "see WWW.Evil.invalid/x",
            "ftp://x.y",
        ] {
            let md = markdown(name);
            // GitHub's extended autolinks start at `scheme://` or `www.`.
            assert!(!md.contains("://"), "{name}: {md}");
            assert!(!md.to_ascii_lowercase().contains("www."), "{name}: {md}");
            // The text reads the same once the zero-width space is gone.
            assert_eq!(md.replace("&#8203;", ""), name, "{name}");
        }
    }

    #[test]
    fn notes_markdown_follows_the_html_rules() {
        let md = notes_markdown(
            "Logo ![the *logo*](https://x.invalid/t.png) here, [ref ![i](a.png)](https://ok.invalid).\n\n\
             Ping &#64;release-team, &#x40;ops, &#X40;qa, &commat;dev; keep &amp; &#65; &#64x;.\n",
        );
        assert!(!md.contains("!["), "{md}");
        assert!(md.contains("Logo the logo here"), "{md}");
        // A link stays a link; an image inside it becomes its text.
        assert!(md.contains("[ref i](https://ok.invalid)"), "{md}");
        assert!(md.contains("Ping @release-team, @ops, @qa, @dev;"), "{md}");
        assert!(md.contains("keep &amp; &#65; &#64x;."), "{md}");
        // The HTML says the same.
        let html = notes_html("![alt text](https://x.invalid/t.png) &#64;team");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("alt text"), "{html}");
    }

    #[test]
    fn notes_cannot_inject_html() {
        let html = notes_html("Hello *world* <script>alert(1)</script>");
        assert!(html.contains("<em>world</em>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
