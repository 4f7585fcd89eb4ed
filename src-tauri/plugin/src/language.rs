//! Which language the window is shown in: the signed-in person's choice, else the one this
//! OS account chose on the sign-in screen, else the operating system's (`LC_ALL`,
//! `LC_MESSAGES`, `LANG` on Linux; the user's locale on macOS and Windows), among the
//! languages the window has words for; English when none of those fits.

use crate::models::{LanguageView, Profile};
use crate::service::{blocking, AuthService};
use latchkey_engine::AuthError;

impl AuthService {
    /// The language to show now, for the person with `profile` (or nobody).
    ///
    /// # Errors
    /// A storage code.
    pub(crate) async fn language(&self, profile: Option<&Profile>) -> Result<String, AuthError> {
        let accounts = self.accounts().await?;
        let user = profile.map(|p| p.user_id.clone());
        let (person, os_user) = blocking(move || -> Result<_, AuthError> {
            let person = match user {
                Some(id) => accounts.user_language(&id)?,
                None => None,
            };
            Ok((person, accounts.os_user_language()?))
        })
        .await??;
        Ok(pick(self.languages(), [person, os_user, system_language()]))
    }

    /// Shows the window in `language` from now on: for the signed-in person at the keyboard,
    /// or, on the sign-in screen, for this OS account. Returns the language.
    ///
    /// # Errors
    /// `INVALID_INPUT` for a language the window has no words for; a storage code.
    pub async fn set_language(&self, language: String) -> Result<String, AuthError> {
        if !self.languages().iter().any(|l| l.tag == language) {
            return Err(AuthError::InvalidInput);
        }
        self.ensure_restored().await?;
        let person = self
            .desk()
            .active()
            .filter(|p| p.locked_at.is_none())
            .map(|p| p.user_id.clone());
        let accounts = self.accounts().await?;
        let chosen = language.clone();
        blocking(move || match person {
            Some(user_id) => accounts.set_user_language(&user_id, &chosen),
            None => accounts.set_os_user_language(&chosen),
        })
        .await??;
        Ok(language)
    }
}

/// The operating system's language for messages: on Linux and the other Unix systems but
/// macOS, the POSIX order (`LC_ALL`, then `LC_MESSAGES`, then `LANG`; `C` and `POSIX` say
/// nothing); elsewhere, or when none is set, the user's locale as the system reports it.
fn system_language() -> Option<String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    if let Some(tag) = messages_locale(|name| std::env::var(name).ok()) {
        return Some(tag);
    }
    sys_locale::get_locale()
}

/// The first of `LC_ALL`, `LC_MESSAGES`, `LANG` that names a language, read through `var`.
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
fn messages_locale(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(var)
        .find(|v| !v.is_empty())
        .filter(|v| !matches!(v.split('.').next(), Some("C" | "POSIX")))
}

/// The first of `wanted` (tags like `ko`, `ko-KR`, `ko_KR.UTF-8`) that `available` has, by
/// its primary language; else English if available, else the first available.
pub(crate) fn pick<const N: usize>(
    available: &[LanguageView],
    wanted: [Option<String>; N],
) -> String {
    let primary = |tag: &str| {
        tag.split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    wanted
        .iter()
        .flatten()
        .find_map(|want| {
            available
                .iter()
                .find(|l| l.tag.eq_ignore_ascii_case(want))
                .or_else(|| available.iter().find(|l| primary(&l.tag) == primary(want)))
        })
        .or_else(|| available.iter().find(|l| l.tag == "en"))
        .or_else(|| available.first())
        .map_or_else(|| "en".to_owned(), |l| l.tag.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Vec<LanguageView> {
        ["en", "ko"]
            .iter()
            .map(|t| LanguageView {
                tag: (*t).into(),
                name: (*t).into(),
            })
            .collect()
    }

    #[test]
    fn the_person_then_the_os_account_then_the_system() {
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            pick(&langs(), [some("ko"), some("en"), some("en-US")]),
            "ko"
        );
        assert_eq!(
            pick(&langs(), [None, some("en"), some("ko_KR.UTF-8")]),
            "en"
        );
        assert_eq!(pick(&langs(), [None, None, some("ko-KR")]), "ko");
        assert_eq!(pick(&langs(), [None, None, some("de-DE")]), "en");
        assert_eq!(pick(&langs(), [some("fr"), None, None]), "en");
    }

    /// `LC_MESSAGES` speaks for messages unless `LC_ALL` overrides it; `LANG` comes last.
    #[test]
    fn messages_follow_lc_all_then_lc_messages_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let ko = Some("ko_KR.UTF-8".to_owned());
        assert_eq!(
            messages_locale(env(&[
                ("LANG", "en_US.UTF-8"),
                ("LC_MESSAGES", "ko_KR.UTF-8")
            ])),
            ko
        );
        assert_eq!(
            messages_locale(env(&[("LC_ALL", "ko_KR.UTF-8"), ("LC_MESSAGES", "en_US")])),
            ko
        );
        assert_eq!(
            messages_locale(env(&[("LC_MESSAGES", ""), ("LANG", "ko_KR.UTF-8")])),
            ko
        );
        assert_eq!(messages_locale(env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(messages_locale(env(&[])), None);
    }
}
