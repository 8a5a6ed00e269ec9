//! Endpoint patterns (`scope`, `expected_failure.endpoint`): `METHOD NAME` or
//! `NAME`, matched exactly or as a glob where only `*` and `?` are wildcards.
//! Brackets are literal, because Locust names such as `/v1/items/[id]` are
//! common; that is why this is not the `glob` crate.

/// A compiled endpoint pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(String);

impl Pattern {
    /// Wraps the pattern text.
    pub fn new(text: &str) -> Pattern {
        Pattern(text.trim().to_string())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the pattern matches the endpoint's name, its `METHOD NAME`,
    /// or its display label.
    pub fn matches(&self, method: &str, name: &str) -> bool {
        let label = crate::model::endpoint_label(method, name);
        glob(&self.0, name) || glob(&self.0, &label) || glob(&self.0, &format!("{method} {name}"))
    }
}

/// `*` matches any run of characters (also `/`), `?` one character; everything
/// else is literal.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point for the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_treat_brackets_as_literal() {
        assert!(glob("/v1/items/[id]", "/v1/items/[id]"));
        assert!(!glob("/v1/items/[id]", "/v1/items/i"));
        assert!(glob("/v1/*", "/v1/a/b"));
        assert!(glob("/v?/x", "/v2/x"));
        assert!(!glob("/v1/*", "/v2/a"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
    }

    #[test]
    fn patterns_match_with_or_without_the_method() {
        let p = Pattern::new("GET /v1/*");
        assert!(p.matches("GET", "/v1/deployments"));
        assert!(p.matches("GET", "GET /v1/deployments"));
        assert!(!p.matches("POST", "/v1/deployments"));
        assert!(Pattern::new("/v1/deployments").matches("POST", "/v1/deployments"));
        assert!(Pattern::new("WF 1 create").matches("POST", "WF 1 create"));
    }
}
