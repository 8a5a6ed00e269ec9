//! Endpoint names for tools that record full URLs (hey, ab, vegeta, JMeter
//! without labels): without grouping, every `/users/123` would be its own
//! endpoint. Numeric, UUID and long hex path segments become `{id}`, and the
//! query string is dropped except for parameters the SLA file keeps.

/// How to turn URLs into endpoint names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Naming {
    /// Leave URLs as they are (`--no-generalize`).
    pub keep_urls: bool,
    /// Query parameters to keep, as `name=` (from SLA patterns such as `/v1/deployments?status=`).
    pub keep_params: Vec<String>,
}

impl Naming {
    /// The endpoint name for `url`: path only (scheme and host dropped), ids
    /// collapsed to `{id}`, query parameters dropped unless kept, and kept
    /// ones grouped by name (`?status={status}`).
    pub fn name(&self, url: &str) -> String {
        if self.keep_urls {
            return url.to_string();
        }
        let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path_and_query = if url.contains("://") {
            without_scheme
                .find('/')
                .map_or("/", |i| &without_scheme[i..])
        } else {
            without_scheme
        };
        let (path, query) = path_and_query
            .split_once('?')
            .map_or((path_and_query, None), |(p, q)| (p, Some(q)));
        let path = path.split_once('#').map_or(path, |(p, _)| p);
        let mut out = String::with_capacity(path.len());
        for (i, seg) in path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(if is_id(seg) { "{id}" } else { seg });
        }
        if out.is_empty() {
            out.push('/');
        }
        if let Some(q) = query {
            let kept: Vec<String> = q
                .split('&')
                .filter_map(|kv| {
                    let key = kv.split('=').next().unwrap_or("");
                    self.keep_params
                        .iter()
                        .any(|k| k.trim_end_matches('=') == key)
                        .then(|| format!("{key}={{{key}}}"))
                })
                .collect();
            if !kept.is_empty() {
                out.push('?');
                out.push_str(&kept.join("&"));
            }
        }
        out
    }
}

/// A path segment that identifies one resource: all digits, a UUID, or a
/// long hex string (object ids, hashes).
fn is_id(seg: &str) -> bool {
    if seg.is_empty() {
        return false;
    }
    let digits = seg.bytes().all(|b| b.is_ascii_digit());
    let uuid = seg.len() == 36
        && seg.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    let hex = seg.len() >= 16
        && seg.bytes().all(|b| b.is_ascii_hexdigit())
        && seg.bytes().any(|b| b.is_ascii_digit());
    digits || uuid || hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_collapse_and_hosts_and_queries_go() {
        let n = Naming::default();
        assert_eq!(
            n.name(
                "http://127.0.0.1:8089/v1/deployments/f6fadfa7-e5c1-4b62-9362-da5cc13da58a/scale"
            ),
            "/v1/deployments/{id}/scale"
        );
        assert_eq!(
            n.name("https://api.example.com/users/12345?token=abc"),
            "/users/{id}"
        );
        assert_eq!(n.name("/objects/5f2b3c4d5e6f7a8b9c0d1e2f"), "/objects/{id}");
        assert_eq!(n.name("/v1/deployments"), "/v1/deployments");
        assert_eq!(n.name("/v2/items"), "/v2/items", "version segments stay");
        assert_eq!(n.name("http://host"), "/");
        assert_eq!(n.name("/cafe/beef"), "/cafe/beef", "short hex words stay");
    }

    #[test]
    fn kept_query_parameters_group_by_name() {
        let n = Naming {
            keep_urls: false,
            keep_params: vec!["status=".into()],
        };
        assert_eq!(
            n.name("/v1/deployments?status=running&limit=5"),
            "/v1/deployments?status={status}"
        );
        assert_eq!(n.name("/v1/deployments?limit=5"), "/v1/deployments");
    }

    #[test]
    fn no_generalize_keeps_urls() {
        let n = Naming {
            keep_urls: true,
            keep_params: vec![],
        };
        assert_eq!(n.name("http://h/users/1?x=2"), "http://h/users/1?x=2");
    }
}
