//! Purpose: where "now" comes from, and how jobs wait for a moment. Production reads the
//! system clock; tests move a manual clock by hand (or use tokio's pausable clock), so
//! re-paging after 15 minutes is tested without waiting 15 minutes.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Resolves once `now()` has reached `at` (at once if it has).
    fn sleep_until(&self, at: Timestamp) -> Sleep<'_>;
}

fn until(now: Timestamp, at: Timestamp) -> Duration {
    Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO)
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep_until(&self, at: Timestamp) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(until(self.now(), at)))
    }
}

/// Wall-clock time that advances with tokio's clock: `base` plus the tokio time elapsed
/// since creation. Under `tokio::time::pause()` it moves only when tokio's time does.
pub struct TokioClock {
    base: Timestamp,
    start: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(base: Timestamp) -> Self {
        TokioClock {
            base,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = SignedDuration::try_from(self.start.elapsed()).unwrap_or(SignedDuration::MAX);
        self.base.saturating_add(elapsed).unwrap_or(Timestamp::MAX)
    }

    fn sleep_until(&self, at: Timestamp) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(until(self.now(), at)))
    }
}

/// A clock that moves only when told to. Sleepers wake as soon as it passes their moment.
pub struct ManualClock {
    now: watch::Sender<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: watch::Sender::new(start),
        }
    }

    pub fn advance(&self, by: SignedDuration) {
        self.now
            .send_modify(|now| *now = now.checked_add(by).unwrap_or(Timestamp::MAX));
    }

    pub fn set(&self, to: Timestamp) {
        self.now.send_replace(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.borrow()
    }

    fn sleep_until(&self, at: Timestamp) -> Sleep<'_> {
        let mut changes = self.now.subscribe();
        Box::pin(async move {
            // Err: the clock is gone, so nothing will ever wake us; wait forever.
            if changes.wait_for(|now| *now >= at).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_wakes_sleepers_when_advanced_past_their_moment() {
        let start = Timestamp::from_second(1_800_000_000).unwrap();
        let clock = std::sync::Arc::new(ManualClock::new(start));
        let waiter = {
            let clock = clock.clone();
            tokio::spawn(async move {
                clock
                    .sleep_until(start + SignedDuration::from_mins(15))
                    .await;
                clock.now()
            })
        };
        clock.advance(SignedDuration::from_mins(10));
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        clock.advance(SignedDuration::from_mins(10));
        let woke_at = waiter.await.unwrap();
        assert_eq!(woke_at, start + SignedDuration::from_mins(20));
    }
}
