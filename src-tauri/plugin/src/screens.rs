//! The ready screens (sign-in, sign-up with recovery codes, forgotten password, second step,
//! lock with switch user, account settings, administrator, the private home and notes),
//! served to the app's windows on the plugin's own URI scheme, `latchkey://localhost/<page>`
//! (`http://latchkey.localhost/<page>` on Windows), when the app asks for them with
//! [`Builder::screens`](crate::Builder::screens).
//!
//! They are compiled into the plugin (with its `screens` feature, on by default) from its
//! `screens/` folder (Latchkey's own window shows
//! the same files) with their catalogs in English and Korean. Every answer carries the
//! screens' own strict Content-Security-Policy, whatever the app's own pages allow; the
//! app's CSP does not need to change. Once someone is signed in, the screens send the
//! window to the app's own page (`after_sign_in`), which the plugin writes into each
//! page's `<meta name="latchkey-home">`.

//!
//! ```
//! use tauri_plugin_latchkey::screens::{LANGUAGES, SCHEME};
//!
//! assert_eq!(SCHEME, "latchkey");
//! assert_eq!(LANGUAGES, [("en", "English"), ("ko", "한국어")]);
//! ```

use std::borrow::Cow;
use tauri::http::{header, Response, StatusCode};

include!(concat!(env!("OUT_DIR"), "/screens.rs"));

/// The URI scheme the screens are served on.
pub const SCHEME: &str = "latchkey";

/// The screens' Content-Security-Policy: nothing but their own files and the app's IPC.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self'; font-src 'self'; connect-src 'self' ipc: http://ipc.localhost; \
    object-src 'none'; base-uri 'none'; frame-src 'none'; frame-ancestors 'none'; \
    form-action 'none'";

/// The place in every page where the address of the page after sign-in is written.
const HOME_META: &str = r#"<meta name="latchkey-home" content="home.html">"#;

/// The place in every page where the app's name is written (the sentences say it).
const APP_META: &str = r#"<meta name="latchkey-app" content="Latchkey">"#;

/// Every page's stylesheet, after which the app's theme (if any) is linked.
const STYLESHEET: &str = r#"<link rel="stylesheet" href="style.css">"#;

/// What the app chose for the screens it is served.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScreensConfig {
    /// The app's page after sign-in, as a path among its files or a whole URL.
    pub(crate) after_sign_in: String,
    /// The app's stylesheet for the screens (`theme.css`), linked after theirs.
    pub(crate) theme: Option<String>,
}

/// Where the app's own files are served from, for an `after_sign_in` given as a path.
#[cfg(any(windows, target_os = "android"))]
const APP_ORIGIN: &str = "http://tauri.localhost/";
#[cfg(not(any(windows, target_os = "android")))]
const APP_ORIGIN: &str = "tauri://localhost/";

/// The address of the app's page after sign-in: `after_sign_in` as it is when it is a whole
/// URL, else that path on the development server (when there is one) or among the app's
/// own files.
pub(crate) fn home_address(after_sign_in: &str, dev_url: Option<&tauri::Url>) -> String {
    if after_sign_in.contains("://") {
        return after_sign_in.to_owned();
    }
    let path = after_sign_in.trim_start_matches('/');
    if let Some(url) = dev_url.filter(|_| tauri::is_dev()) {
        if let Ok(joined) = url.join(path) {
            return joined.to_string();
        }
    }
    format!("{APP_ORIGIN}{path}")
}

/// The file a request names, if the screens have it.
fn file(path: &str) -> Option<&'static [u8]> {
    let name = path.trim_start_matches('/');
    FILES
        .binary_search_by(|(candidate, _)| candidate.cmp(&name))
        .ok()
        .map(|index| FILES[index].1)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// `text` made safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What a page served to the app says of it: `home`, the address of its page after
/// sign-in; `theme`, its stylesheet for the screens; `name`, its name (the sentences that
/// name Latchkey in Latchkey's own window name the app instead).
pub(crate) struct AppView<'a> {
    pub(crate) home: &'a str,
    pub(crate) theme: Option<&'a str>,
    pub(crate) name: &'a str,
}

/// The answer to a request for `path` on the screens' scheme, for the app `app`.
pub(crate) fn respond(path: &str, app: &AppView<'_>) -> Response<Cow<'static, [u8]>> {
    let AppView { home, theme, name } = *app;
    let path = if path == "/" { "/index.html" } else { path };
    let themed = match theme {
        Some(css) if path == "/theme.css" => Some(Cow::Owned(css.as_bytes().to_vec())),
        _ => None,
    };
    let Some(contents) = themed.or_else(|| file(path).map(Cow::Borrowed)) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(header::CONTENT_SECURITY_POLICY, CSP)
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .body(Cow::Borrowed(&b"not found"[..]))
            .unwrap_or_else(|_| Response::new(Cow::Borrowed(&[][..])));
    };
    let body = if path.ends_with(".html") {
        let meta = format!(
            r#"<meta name="latchkey-home" content="{}">"#,
            attribute(home)
        );
        let named = format!(
            r#"<meta name="latchkey-app" content="{}">"#,
            attribute(name)
        );
        let mut page = String::from_utf8_lossy(&contents)
            .replacen(HOME_META, &meta, 1)
            .replacen(APP_META, &named, 1);
        if theme.is_some() {
            let linked = format!(r#"{STYLESHEET}<link rel="stylesheet" href="theme.css">"#);
            page = page.replacen(STYLESHEET, &linked, 1);
        }
        Cow::Owned(page.into_bytes())
    } else {
        contents
    };
    Response::builder()
        .header(header::CONTENT_TYPE, content_type(path))
        .header(header::CONTENT_SECURITY_POLICY, CSP)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_else(|_| Response::new(Cow::Borrowed(&[][..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(theme: Option<&str>) -> AppView<'_> {
        AppView {
            home: "x",
            theme,
            name: "Tally",
        }
    }

    #[test]
    fn every_page_has_the_place_for_the_home_address() {
        let pages: Vec<_> = FILES.iter().filter(|(n, _)| n.ends_with(".html")).collect();
        assert!(pages.len() >= 10, "{} pages", pages.len());
        for (name, contents) in pages {
            let text = String::from_utf8_lossy(contents);
            assert!(text.contains(HOME_META), "{name} has no home meta");
            assert!(text.contains(APP_META), "{name} has no app meta");
        }
    }

    #[test]
    fn pages_carry_the_app_page_and_a_strict_policy() {
        let answer = respond(
            "/login.html",
            &AppView {
                home: "tauri://localhost/app.html?a=1&b=\"2\"",
                theme: None,
                name: "Tally <&\">",
            },
        );
        assert_eq!(answer.status(), StatusCode::OK);
        let headers = answer.headers();
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CSP);
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html")));
        let page = String::from_utf8_lossy(answer.body());
        assert!(page.contains(r#"content="tauri://localhost/app.html?a=1&amp;b=&quot;2&quot;""#));
        assert!(!page.contains(HOME_META));
        assert!(page.contains(r#"<meta name="latchkey-app" content="Tally &lt;&amp;&quot;&gt;">"#));
        assert!(!page.contains(APP_META));
        assert!(!page.contains("theme.css"));
        assert!(!CSP.contains("unsafe"));
    }

    #[test]
    fn the_bindings_and_catalogs_are_served_and_nothing_else() {
        let bindings = respond("/latchkey.js", &app(None));
        assert_eq!(bindings.status(), StatusCode::OK);
        assert!(String::from_utf8_lossy(bindings.body()).contains("export class LatchkeyError"));
        assert_eq!(
            respond("/i18n/ko.json", &app(None)).status(),
            StatusCode::OK
        );
        assert_eq!(respond("/", &app(None)).status(), StatusCode::OK);
        for missing in [
            "/../Cargo.toml",
            "/nope.html",
            "/i18n/../../build.rs",
            "//etc/passwd",
        ] {
            let answer = respond(missing, &app(None));
            assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{missing}");
            assert_eq!(answer.headers()[header::CONTENT_SECURITY_POLICY], CSP);
        }
        assert!(LANGUAGES.iter().any(|(tag, _)| *tag == "ko"));
    }

    #[test]
    fn an_app_theme_is_linked_after_the_screens_stylesheet() {
        let css = ":root { --accent: #8a2be2; }";
        let page = respond("/signup.html", &app(Some(css)));
        let page = String::from_utf8_lossy(page.body()).into_owned();
        let (style, theme) = (page.find("style.css"), page.find("theme.css"));
        assert!(
            style.is_some() && theme.is_some() && style < theme,
            "{page}"
        );
        let served = respond("/theme.css", &app(Some(css)));
        assert_eq!(
            served.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        assert_eq!(served.body().as_ref(), css.as_bytes());
        assert_eq!(
            respond("/theme.css", &app(None)).status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn every_page_links_the_stylesheet_the_theme_follows() {
        for (name, contents) in FILES.iter().filter(|(n, _)| n.ends_with(".html")) {
            assert!(
                String::from_utf8_lossy(contents).contains(STYLESHEET),
                "{name}"
            );
        }
    }

    #[test]
    fn an_app_page_given_as_a_path_is_among_the_app_files() {
        assert_eq!(
            home_address("app.html", None),
            format!("{APP_ORIGIN}app.html")
        );
        assert_eq!(
            home_address("/app.html", None),
            format!("{APP_ORIGIN}app.html")
        );
        assert_eq!(home_address("https://x.test/a", None), "https://x.test/a");
    }
}
