//! Addresses of links that leave the book, written so that reading systems,
//! PDF viewers and EPUBCheck accept them: characters URLs forbid are
//! percent-encoded, and an address no reader could follow (or that would run
//! code, such as `javascript:`) is not made a link at all, in either backend.

/// The schemes a link out of the book may use: registered with IANA (the
/// list EPUBCheck knows) and handed by reading systems to another
/// application. `javascript:`, `data:` and `file:` are deliberately absent.
const SCHEMES: [&str; 10] = [
    "http", "https", "ftp", "mailto", "tel", "news", "irc", "urn", "sip", "xmpp",
];

/// Schemes whose addresses name a host after `//`, which must be a valid
/// host name.
const WITH_HOST: [&str; 3] = ["http", "https", "ftp"];

/// Why an address is not written as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The address has no scheme (`//host/path`) or one not in the list.
    Scheme(String),
    /// The host is empty or not a host name (`https://../`).
    Host(String),
    /// The port is not a number from 0 to 65535.
    Port(String),
    /// Nothing follows the scheme (`mailto:`).
    Empty,
}

impl Refused {
    /// The warning's sentence, naming the address.
    pub fn message(&self, url: &str) -> String {
        match self {
            Refused::Scheme(scheme) if scheme.is_empty() => {
                format!("the link to `{url}` has no scheme such as https:, so it is not linked")
            }
            Refused::Scheme(scheme) => format!(
                "the link to `{url}` uses the scheme `{scheme}:`, which reading systems do not \
                 open, so it is not linked"
            ),
            Refused::Host(host) => {
                format!("the link to `{url}` names no valid host (`{host}`), so it is not linked")
            }
            Refused::Port(port) => format!(
                "the link to `{url}` names the port `{port}`, which is not one from 0 to 65535, \
                 so it is not linked"
            ),
            Refused::Empty => {
                format!("the link to `{url}` has no address after its scheme, so it is not linked")
            }
        }
    }
}

/// The `href` of a link to `url`: `url` with every character a URL may not
/// hold percent-encoded (as CommonMark renderers do), or why it cannot be a
/// link.
pub fn href(url: &str) -> Result<String, Refused> {
    let url = url.trim();
    let scheme = match url.split_once(':') {
        Some((scheme, _)) if !url.starts_with("//") => scheme.to_ascii_lowercase(),
        _ => String::new(),
    };
    if !SCHEMES.contains(&scheme.as_str()) {
        return Err(Refused::Scheme(scheme));
    }
    if url[scheme.len() + 1..].trim().is_empty() {
        return Err(Refused::Empty);
    }
    let encoded = encode(url);
    if WITH_HOST.contains(&scheme.as_str()) {
        let rest = &encoded[scheme.len() + 1..];
        let authority = rest
            .strip_prefix("//")
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .unwrap_or("");
        let (host, port) = host_and_port(authority);
        if !is_host_name(host) {
            return Err(Refused::Host(host.to_string()));
        }
        if port.is_some_and(|port| !port.is_empty() && port.parse::<u16>().is_err()) {
            return Err(Refused::Port(port.unwrap_or_default().to_string()));
        }
    }
    Ok(encoded)
}

/// The host of an authority and its port, when it names one: without the
/// user before `@`. A port is the digits after the last `:` (outside an
/// IPv6 address's brackets).
fn host_and_port(authority: &str) -> (&str, Option<&str>) {
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (name, Some(port)),
        _ => (host, None),
    }
}

/// Whether `host` is a host name (labels of letters, digits and hyphens,
/// a final dot allowed) or a bracketed IPv6 address. Percent escapes are
/// refused: a host must be written as it is.
fn is_host_name(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        return inner.strip_suffix(']').is_some_and(|ip| {
            !ip.is_empty()
                && ip
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        });
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Percent-encodes every character but letters, digits, the URL
/// delimiters and escapes already written (`%20`); a second `#` is encoded
/// too, since a fragment cannot hold one.
fn encode(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut fragment = false;
    for (at, c) in url.char_indices() {
        let kept = match c {
            '#' if !fragment => {
                fragment = true;
                true
            }
            '%' => bytes
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
            c if c.is_ascii_alphanumeric() => true,
            ';' | '/' | '?' | ':' | '@' | '&' | '=' | '+' | '$' | ',' | '-' | '_' | '.' | '!'
            | '~' | '*' | '\'' | '(' | ')' => true,
            _ => false,
        };
        if kept {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_encoded_and_escapes_kept() {
        assert_eq!(
            href("https://example.com/\\[\\").as_deref(),
            Ok("https://example.com/%5C%5B%5C")
        );
        assert_eq!(
            href("https://example.com/?search=](uri)").as_deref(),
            Ok("https://example.com/?search=%5D(uri)")
        );
        assert_eq!(
            href("https://example.com/a b%20c%zz#x#y").as_deref(),
            Ok("https://example.com/a%20b%20c%25zz#x%23y")
        );
        assert_eq!(
            href("HTTPS://ex.com/é").as_deref(),
            Ok("HTTPS://ex.com/%C3%A9")
        );
        assert_eq!(
            href("mailto:foo@bar.example").as_deref(),
            Ok("mailto:foo@bar.example")
        );
    }

    #[test]
    fn unknown_schemes_and_bad_hosts_are_refused() {
        for (url, refused) in [
            ("a+b+c:d", Refused::Scheme("a+b+c".into())),
            (
                "made-up-scheme://foo,bar",
                Refused::Scheme("made-up-scheme".into()),
            ),
            ("localhost:5001/foo", Refused::Scheme("localhost".into())),
            ("javascript:alert(1)", Refused::Scheme("javascript".into())),
            ("//example.com/a", Refused::Scheme(String::new())),
            ("https://../", Refused::Host("..".into())),
            ("https:///path", Refused::Host(String::new())),
            ("http://a\\b/", Refused::Host("a%5Cb".into())),
            ("http://[::1]:80/", Refused::Host("%5B::1%5D".into())),
            (
                "https://example.com:99999999/",
                Refused::Port("99999999".into()),
            ),
            ("https://example.com:65536/", Refused::Port("65536".into())),
            ("mailto:", Refused::Empty),
            ("tel: ", Refused::Empty),
        ] {
            assert_eq!(href(url), Err(refused), "{url}");
        }
    }

    #[test]
    fn hosts_with_users_ports_and_brackets_pass() {
        for url in [
            "https://user:pw@example.com:8080/x",
            "https://example.com./",
            "https://example.com:/",
            "https://example.com:65535/",
            "ftp://files.example.org",
        ] {
            assert!(href(url).is_ok(), "{url}");
        }
    }
}
