//! The answers the window's first page would ask for (`session`, and where the private
//! space stands), prepared once the start-up work is done and written into that page as it
//! is served, with the catalogs of its language, so that it draws without waiting for round
//! trips to Rust (they were most of the time between a kept person's start and their home).
//!
//! The answers are views the page may see anyway (no token, hash or key). They are taken at
//! most once, by the first page, and only while they are still true: the app's first page
//! is the first thing to talk to the plugin, so only what happens by itself at start-up can
//! change them (an OS lock, a notice for the window), and then nothing is written and the
//! page asks as usual. A page that finds no answers in it asks as usual.

pub use crate::held::FirstAnswers;
use crate::held::Prepared;
use crate::service::AuthService;
use serde::Serialize;

/// The id of the element that carries the answers (a JSON data block the page reads and
/// never runs: `<script type="application/json">`).
pub const ELEMENT_ID: &str = "latchkey-first-answers";

#[derive(Serialize)]
struct Answers {
    session: crate::models::SessionView,
    space: Option<crate::models::SpaceStatusView>,
}

/// `json` made safe inside a `<script>` element: no `<`, `>` or `&` can end it or start
/// markup (each is written as its `\u` escape, which JSON reads back unchanged).
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `page` (an HTML document) with `answers` and the `catalogs` given as (language tag,
/// catalog JSON) written into its head as one JSON object (`{ "session", "space", "words":
/// { tag: catalog } }`), right after its `<meta charset>` (before any script, so that every
/// script of the page finds it). A catalog that is not JSON is left out; a page without
/// that meta is returned unchanged.
///
/// ```
/// use tauri_plugin_latchkey::first_answers::{with_answers, FirstAnswers};
///
/// let page = r#"<head><meta charset="utf-8"><script src="a.js"></script></head>"#;
/// let answers = FirstAnswers { json: r#"{"name":"</script>"}"#.into(), language: "en".into() };
/// let served = with_answers(page, &answers, &[("en", br#"{"hi":"Hello"}"#)]);
/// assert!(served.starts_with(r#"<head><meta charset="utf-8"><script type="application/json" id="latchkey-first-answers">"#));
/// assert!(served.contains(r#"{"name":"\u003c/script\u003e","words":{"en":{"hi":"Hello"}}}"#));
/// assert_eq!(with_answers("<p>no head</p>", &answers, &[]), "<p>no head</p>");
/// let empty = FirstAnswers { json: "{}".into(), language: "en".into() };
/// let served = with_answers(r#"<meta charset="utf-8">"#, &empty, &[]);
/// assert!(served.contains(r#">{"words":{}}</script>"#));
/// ```
pub fn with_answers(page: &str, answers: &FirstAnswers, catalogs: &[(&str, &[u8])]) -> String {
    const CHARSET: &str = r#"<meta charset="utf-8">"#;
    let mut json = answers.json.trim_end().to_owned();
    if json.ends_with('}') {
        json.pop();
        let mut words = Vec::new();
        for (tag, catalog) in catalogs {
            let Ok(text) = std::str::from_utf8(catalog) else {
                continue;
            };
            if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                let tag = serde_json::to_string(tag).unwrap_or_default();
                words.push(format!("{tag}:{}", text.trim()));
            }
        }
        let comma = if json.ends_with('{') { "" } else { "," };
        json.push_str(&format!(r#"{comma}"words":{{{}}}}}"#, words.join(",")));
    }
    let block = format!(
        r#"{CHARSET}<script type="application/json" id="{ELEMENT_ID}">{}</script>"#,
        script_safe(&json)
    );
    page.replacen(CHARSET, &block, 1)
}

impl AuthService {
    /// Prepares the first page's answers (after the start-up work, which it waits for).
    /// Nothing is prepared while a notice waits (the start-up work may leave one, which the
    /// page's own question must take, since these answers may go unused) or when a question
    /// fails.
    pub async fn prepare_first_answers(&self) {
        if self.ensure_restored().await.is_err() || self.has_notice() {
            return;
        }
        let Ok(session) = self.session().await else {
            return;
        };
        let space = if session.signed_in {
            match self.private_space_status().await {
                Ok(space) => Some(space),
                Err(_) => return,
            }
        } else {
            None
        };
        let language = session.language.clone();
        let Ok(json) = serde_json::to_string(&Answers { session, space }) else {
            return;
        };
        let desk = self.desk().fingerprint();
        let answers = FirstAnswers { json, language };
        *self.first_answers.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Prepared { answers, desk });
    }

    /// The prepared answers, once: `None` when there are none, they were taken, or they are
    /// no longer true (who is here or their lock changed, or a notice waits).
    pub fn take_first_answers(&self) -> Option<FirstAnswers> {
        let prepared = self
            .first_answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        (prepared.desk == self.desk().fingerprint() && !self.has_notice())
            .then_some(prepared.answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_in_the_answers_can_close_the_element() {
        let json = serde_json::to_string(&serde_json::json!({
            "username": "</script><script>alert(1)</script>&amp;<!--"
        }))
        .unwrap_or_default();
        let answers = FirstAnswers {
            json,
            language: "en".into(),
        };
        let catalogs: [(&str, &[u8]); 2] = [("en", br#"{"a":"</script>"}"#), ("xx", b"not json")];
        let page = with_answers(
            r#"<head><meta charset="utf-8"></head>"#,
            &answers,
            &catalogs,
        );
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
        assert!(!page.contains("<!--"));
        let start = page.find('{').unwrap_or(0);
        let end = page.rfind('}').map_or(0, |i| i + 1);
        let back: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap_or_default();
        assert_eq!(
            back["username"],
            "</script><script>alert(1)</script>&amp;<!--"
        );
        assert_eq!(back["words"]["en"]["a"], "</script>");
        assert!(back["words"].get("xx").is_none());
    }
}
