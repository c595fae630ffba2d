//! When to ask again about a document, and how many calls may be made: the pause grows
//! with the document's age, and a token bucket caps the calls per minute.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// The pause before the next check of a document this old: a fresh upload is watched
/// closely, a week-old one a few times a day.
pub fn interval_for_age(age: Duration) -> Duration {
    let minutes = |m: u64| Duration::from_secs(m * 60);
    match age {
        a if a < minutes(2) => Duration::from_secs(15),
        a if a < minutes(10) => Duration::from_secs(30),
        a if a < minutes(60) => minutes(2),
        a if a < minutes(24 * 60) => minutes(15),
        a if a < minutes(7 * 24 * 60) => minutes(60),
        _ => minutes(6 * 60),
    }
}

/// The pause when a hook channel works (an event arrived within [`HOOKS_FRESH`]): the
/// platform announces InvoiceSent / InvoiceSentError itself, so the status call is only a
/// safety net and is asked far less often (the platform calls it a debugging aid).
pub fn interval_with_hooks(age: Duration) -> Duration {
    (interval_for_age(age) * 8).max(Duration::from_secs(15 * 60))
}

/// How recent the last hook event must be for the hook channel to count as working.
pub const HOOKS_FRESH: Duration = Duration::from_secs(24 * 60 * 60);

/// A token bucket: at most `per_minute` calls per minute on average, `burst` at once.
#[derive(Debug)]
pub struct CallBudget {
    per_minute: u32,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl CallBudget {
    /// A full bucket.
    pub fn new(per_minute: u32, burst: u32) -> CallBudget {
        let burst = f64::from(burst.max(1));
        CallBudget {
            per_minute: per_minute.max(1),
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Calls allowed per minute.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// The most calls that can have been made in `elapsed` (what a test checks against).
    pub fn ceiling(&self, elapsed: Duration) -> u64 {
        (self.burst + elapsed.as_secs_f64() * f64::from(self.per_minute) / 60.0).ceil() as u64
    }

    /// Waits for one call's token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut state = self.state.lock().await;
                let now = Instant::now();
                let rate = f64::from(self.per_minute) / 60.0;
                state.0 =
                    (state.0 + now.duration_since(state.1).as_secs_f64() * rate).min(self.burst);
                state.1 = now;
                if state.0 >= 1.0 {
                    state.0 -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - state.0) / rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_working_hooks_the_status_call_is_a_rare_safety_net() {
        for minutes in [0u64, 5, 30, 600, 3000, 20000] {
            let age = Duration::from_secs(minutes * 60);
            assert!(interval_with_hooks(age) >= interval_for_age(age) * 8);
            assert!(interval_with_hooks(age) >= Duration::from_secs(15 * 60));
        }
    }

    #[test]
    fn older_documents_are_asked_about_less_often() {
        let ages = [0, 300, 1800, 7200, 3 * 86_400, 30 * 86_400].map(Duration::from_secs);
        let pauses: Vec<Duration> = ages.iter().map(|a| interval_for_age(*a)).collect();
        assert!(pauses.windows(2).all(|w| w[0] < w[1]), "{pauses:?}");
    }

    #[tokio::test]
    async fn the_budget_caps_calls_per_minute() {
        let budget = CallBudget::new(600, 5);
        let start = Instant::now();
        for _ in 0..15 {
            budget.acquire().await;
        }
        // 5 at once, then ten per second: 10 more take about a second.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(950), "{took:?}");
        assert!(budget.ceiling(took) >= 15);
    }
}
