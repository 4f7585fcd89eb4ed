//! Who is signed in at this app: several people at once, each with a session, at most one
//! of them at the keyboard (*active*). Everyone but the active person is locked. Tokens live
//! here, in memory, and never reach the webview.

use latchkey_engine::SessionToken;

/// The most people signed in at once.
pub const MAX_PEOPLE: usize = 8;

/// One signed-in person.
#[derive(Clone)]
pub(crate) struct Person {
    /// The session's bearer token.
    pub(crate) token: SessionToken,
    /// The account.
    pub(crate) user_id: String,
    /// The name as typed at sign-up (shown on the lock and sign-in screens).
    pub(crate) username: String,
    /// The lowercased name that identifies the account (to resume by name).
    pub(crate) normalized: String,
    /// Whether the session is kept across restarts (its token is in the keyring).
    pub(crate) remember: bool,
    /// When this person signed in here (the oldest make room first).
    pub(crate) since: i64,
    /// Since when the session is locked, while it is (a mirror of the database's column).
    pub(crate) locked_at: Option<i64>,
}

/// Everyone signed in here, who is at the keyboard, and when the window last saw input.
#[derive(Default)]
pub(crate) struct Desk {
    people: Vec<Person>,
    active: Option<String>,
    /// When the window last reported input (ms of the service's clock).
    pub(crate) last_activity: i64,
}

impl Desk {
    /// The person at the keyboard (locked or not).
    pub(crate) fn active(&self) -> Option<&Person> {
        let id = self.active.as_deref()?;
        self.people.iter().find(|p| p.user_id == id)
    }

    /// Makes `user_id` (who must be here) the person at the keyboard, or nobody.
    pub(crate) fn set_active(&mut self, user_id: Option<&str>) {
        self.active = user_id.map(str::to_owned);
    }

    /// Everyone signed in here, in the order they signed in.
    pub(crate) fn people(&self) -> &[Person] {
        &self.people
    }

    /// The signed-in person with this lowercased name.
    pub(crate) fn by_name(&self, normalized: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.normalized == normalized)
    }

    /// A signed-in person by account.
    pub(crate) fn by_user_mut(&mut self, user_id: &str) -> Option<&mut Person> {
        self.people.iter_mut().find(|p| p.user_id == user_id)
    }

    /// Adds a person (replacing an earlier session of the same account, which is returned).
    pub(crate) fn add(&mut self, person: Person) -> Option<Person> {
        let replaced = self.remove(&person.user_id);
        self.people.push(person);
        replaced
    }

    /// Removes a person; returns them.
    pub(crate) fn remove(&mut self, user_id: &str) -> Option<Person> {
        let at = self.people.iter().position(|p| p.user_id == user_id)?;
        if self.active.as_deref() == Some(user_id) {
            self.active = None;
        }
        Some(self.people.remove(at))
    }

    /// Removes the person whose session has this token, if still here.
    pub(crate) fn remove_token(&mut self, token: &SessionToken) -> Option<Person> {
        let id = self
            .people
            .iter()
            .find(|p| &p.token == token)?
            .user_id
            .clone();
        self.remove(&id)
    }

    /// Who is here, who is at the keyboard and who is locked: equal fingerprints mean that
    /// nothing of that changed in between (see `first_answers.rs`).
    pub(crate) fn fingerprint(&self) -> (Option<String>, Vec<(String, Option<i64>)>) {
        (
            self.active.clone(),
            self.people
                .iter()
                .map(|p| (p.user_id.clone(), p.locked_at))
                .collect(),
        )
    }

    /// Removes everyone; returns them.
    pub(crate) fn take_all(&mut self) -> Vec<Person> {
        self.active = None;
        std::mem::take(&mut self.people)
    }

    /// Who must go to make room for one more, when the desk is full: the person locked the
    /// longest ago among those not kept, else among all locked ones.
    pub(crate) fn to_make_room(&self) -> Option<String> {
        if self.people.len() < MAX_PEOPLE {
            return None;
        }
        let locked = || self.people.iter().filter(|p| p.locked_at.is_some());
        locked()
            .filter(|p| !p.remember)
            .min_by_key(|p| p.since)
            .or_else(|| locked().min_by_key(|p| p.since))
            .or_else(|| self.people.iter().min_by_key(|p| p.since))
            .map(|p| p.user_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, since: i64, remember: bool, locked: bool) -> Person {
        Person {
            token: SessionToken::new(format!("token-{id}")),
            user_id: id.into(),
            username: id.into(),
            normalized: id.into(),
            remember,
            since,
            locked_at: locked.then_some(since),
        }
    }

    #[test]
    fn the_oldest_locked_unkept_person_makes_room() {
        let mut desk = Desk::default();
        for i in 0..MAX_PEOPLE {
            let id = format!("p{i}");
            desk.add(person(&id, i as i64, i % 2 == 0, i != 7));
        }
        // p1 is the oldest locked person who is not kept.
        assert_eq!(desk.to_make_room().as_deref(), Some("p1"));
        desk.remove("p1");
        assert_eq!(desk.to_make_room(), None);
    }

    #[test]
    fn removing_the_active_person_leaves_nobody_at_the_keyboard() {
        let mut desk = Desk::default();
        desk.add(person("a", 1, false, false));
        desk.set_active(Some("a"));
        assert_eq!(desk.active().map(|p| p.user_id.as_str()), Some("a"));
        desk.remove("a");
        assert!(desk.active().is_none());
    }
}
