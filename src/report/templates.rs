//! The Tera templates: embedded in the binary, each replaceable by a file of
//! the same name in `--templates DIR`. Templates ending in `.html` are
//! autoescaped by Tera; the Markdown template escapes with the `md` filter.

use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;
use tera::Tera;

/// The embedded templates, by file name.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("report.md", include_str!("../../templates/report.md")),
    ("index.html", include_str!("../../templates/index.html")),
    ("run.html", include_str!("../../templates/run.html")),
    (
        "partials/_head.html",
        include_str!("../../templates/partials/_head.html"),
    ),
    (
        "partials/_matrix.html",
        include_str!("../../templates/partials/_matrix.html"),
    ),
    (
        "partials/_run.html",
        include_str!("../../templates/partials/_run.html"),
    ),
    (
        "partials/_resources.html",
        include_str!("../../templates/partials/_resources.html"),
    ),
    (
        "partials/_resources.md",
        include_str!("../../templates/partials/_resources.md"),
    ),
    ("style.css", include_str!("../../templates/style.css")),
    (
        "partials/_comparison.md",
        include_str!("../../templates/partials/_comparison.md"),
    ),
    (
        "partials/_comparison.html",
        include_str!("../../templates/partials/_comparison.html"),
    ),
    (
        "regression.md",
        include_str!("../../templates/regression.md"),
    ),
    ("trend.md", include_str!("../../templates/trend.md")),
    ("trend.html", include_str!("../../templates/trend.html")),
];

/// A loaded template set.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// The embedded templates, with files from `overrides` replacing them by name.
    pub fn load(overrides: Option<&Path>) -> anyhow::Result<Templates> {
        Templates::load_only(overrides, |_| true)
    }

    /// [`Templates::load`], parsing only the templates whose names `wanted`
    /// accepts: a build that writes no HTML parses none of its templates.
    pub fn load_only(
        overrides: Option<&Path>,
        wanted: impl Fn(&str) -> bool,
    ) -> anyhow::Result<Templates> {
        let mut sources: Vec<(String, String)> = Vec::new();
        for (name, text) in EMBEDDED.iter().filter(|(name, _)| wanted(name)) {
            let replaced = match overrides {
                Some(dir) if dir.join(name).is_file() => {
                    let p = dir.join(name);
                    Some(
                        std::fs::read_to_string(&p)
                            .with_context(|| format!("cannot read template {}", p.display()))?,
                    )
                }
                _ => None,
            };
            sources.push((
                name.to_string(),
                replaced.unwrap_or_else(|| text.to_string()),
            ));
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!("template error: {}", tera_chain(&e)))?;
        tera.register_filter("md", md_filter);
        tera.register_filter("no_mentions", no_mentions_filter);
        tera.register_filter("no_html", no_html_filter);
        Ok(Templates { tera })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> anyhow::Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| anyhow::anyhow!("rendering {name}: {}", tera_chain(&e)))
    }
}

/// Tera's errors hide the useful part in their source chain.
fn tera_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn md_filter(value: &tera::Value, _: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(super::format::markdown(&text)))
}

/// For Markdown the user wrote (run.toml notes): kept as Markdown, but `@`
/// cannot mention anyone.
fn no_mentions_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value.as_str().unwrap_or_default();
    Ok(tera::Value::String(text.replace('@', "@&#8203;")))
}

/// For Markdown the user wrote: raw HTML (`<img onerror=…>`) shown as text.
fn no_html_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value.as_str().unwrap_or_default();
    Ok(tera::Value::String(
        text.replace('<', "&lt;").replace('>', "&gt;"),
    ))
}

#[cfg(test)]
mod only_what_is_used {
    use super::*;

    #[test]
    fn templates_not_asked_for_are_not_parsed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "{% if broken %}").unwrap();
        let markdown = |name: &str| name.ends_with(".md");
        let t = Templates::load_only(Some(dir.path()), markdown).unwrap();
        assert!(t.tera.get_template_names().all(markdown));
        assert!(t.tera.get_template_names().any(|n| n == "report.md"));
        let e = Templates::load(Some(dir.path()))
            .err()
            .expect("index.html is parsed");
        assert!(e.to_string().contains("index.html"), "{e}");
        let none = Templates::load_only(Some(dir.path()), |_| false).unwrap();
        assert_eq!(none.tera.get_template_names().count(), 0);
    }
}
