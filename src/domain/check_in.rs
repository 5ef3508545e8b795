//! Purpose: the check-in after a case closes (被害者への配慮, after the fact): once
//! `care.check_in_after` has passed since the close, the reporter gets a private message
//! ("How are you? Would you like to talk to someone?") with "I'm fine" and "I'd like to
//! talk to the desk". The answer goes on the case's audit trail; "talk to the desk" opens
//! a consultation for them, linked to the case. With no answer after the same period
//! again, "no answer" is recorded and the message says the check-in is over. A case's one
//! timer (`Case::next`) carries both steps, so they survive a restart and happen once.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::case::{Case, CaseState, Notice};
use super::effect::Effect;
use super::ids::ConsultationId;
use super::paging::{PagingPolicy, Scheduled, Timer};

/// What the reporter answered, or that they did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckInReply {
    Fine,
    /// "I'd like to talk to the desk": a consultation was opened for them.
    Desk,
    /// Nothing came within the period: recorded by the bot.
    NoAnswer,
}

/// The answer, when it came, and the consultation it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInAnswer {
    pub reply: CheckInReply,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation: Option<ConsultationId>,
}

/// The check-in of a closed case: when it was sent, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub sent_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<CheckInAnswer>,
}

/// The check-in timer a case gets when it closes, if check-ins are on.
pub fn after_close(closed_at: Timestamp, policy: &PagingPolicy) -> Option<Scheduled> {
    policy.check_in_after.map(|after| Scheduled {
        due: closed_at.checked_add(after).unwrap_or(Timestamp::MAX),
        timer: Timer::CheckIn,
    })
}

/// What a check-in timer does to `case` at `now`: the message goes out (and the case
/// notes it was sent), or the period for an answer ends with none (and "no answer" is
/// recorded). Returns the deliveries, the audit notice and the next timer. A timer that no
/// longer fits (check-ins turned off since, a case not closed, an answer already given)
/// does nothing.
pub fn on_timer(
    case: &mut Case,
    timer: Timer,
    policy: &PagingPolicy,
    now: Timestamp,
) -> (Vec<Effect>, Option<Notice>, Option<Scheduled>) {
    let nothing = (Vec::new(), None, None);
    if !matches!(case.state, CaseState::Closed { .. }) {
        return nothing;
    }
    match timer {
        Timer::CheckIn => {
            // The setting in force now decides: turned off since the close, no message.
            let Some(after) = policy.check_in_after else {
                return nothing;
            };
            if case.check_in.is_some() {
                return nothing;
            }
            case.check_in = Some(CheckIn {
                sent_at: now,
                answer: None,
            });
            (
                vec![Effect::CheckIn],
                Some(Notice::CheckedIn),
                Some(Scheduled {
                    due: now.checked_add(after).unwrap_or(Timestamp::MAX),
                    timer: Timer::CheckInOver,
                }),
            )
        }
        Timer::CheckInOver => match &mut case.check_in {
            Some(check_in) if check_in.answer.is_none() => {
                check_in.answer = Some(CheckInAnswer {
                    reply: CheckInReply::NoAnswer,
                    at: now,
                    consultation: None,
                });
                (
                    vec![Effect::UpdateCheckIn],
                    Some(Notice::CheckInUnanswered),
                    None,
                )
            }
            _ => nothing,
        },
        Timer::Page { .. } | Timer::Here { .. } | Timer::Remind => nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{open_case, stamp};
    use crate::domain::{Decision, Outcome};
    use jiff::SignedDuration;

    fn closed() -> Case {
        let mut case = open_case();
        case.state = CaseState::Closed {
            owner: stamp("UEXEC1", 1),
            decision: Decision {
                outcome: Outcome::no_action(),
                decided: stamp("UEXEC1", 2),
                approved: None,
                policy_version: "1".into(),
                checks: None,
                prevention: None,
            },
        };
        case
    }

    #[test]
    fn the_check_in_goes_out_once_then_no_answer_is_recorded_once() {
        let policy = PagingPolicy::default();
        let days = SignedDuration::from_hours(72);
        assert_eq!(policy.check_in_after, Some(days), "3 days by default");
        let mut case = closed();
        let now = stamp("UEXEC1", 2).at + days;
        let (effects, notice, next) = on_timer(&mut case, Timer::CheckIn, &policy, now);
        assert_eq!(effects, [Effect::CheckIn]);
        assert_eq!(notice, Some(Notice::CheckedIn));
        assert_eq!(
            next.map(|n| (n.timer, n.due)),
            Some((Timer::CheckInOver, now + days))
        );
        let (again, ..) = on_timer(&mut case, Timer::CheckIn, &policy, now);
        assert!(again.is_empty(), "once only");
        let later = now + days;
        let (effects, notice, next) = on_timer(&mut case, Timer::CheckInOver, &policy, later);
        assert_eq!(effects, [Effect::UpdateCheckIn]);
        assert_eq!(notice, Some(Notice::CheckInUnanswered));
        assert_eq!(next, None);
        let answer = case.check_in.unwrap().answer.unwrap();
        assert_eq!(answer.reply, CheckInReply::NoAnswer);
    }

    #[test]
    fn an_answered_check_in_records_no_silence_and_off_sends_nothing() {
        let policy = PagingPolicy::default();
        let mut case = closed();
        case.check_in = Some(CheckIn {
            sent_at: stamp("UEXEC1", 3).at,
            answer: Some(CheckInAnswer {
                reply: CheckInReply::Fine,
                at: stamp("UAGENT1", 4).at,
                consultation: None,
            }),
        });
        let now = stamp("UEXEC1", 9).at;
        assert!(
            on_timer(&mut case, Timer::CheckInOver, &policy, now)
                .0
                .is_empty()
        );
        let off = PagingPolicy {
            check_in_after: None,
            ..PagingPolicy::default()
        };
        let mut fresh = closed();
        assert!(on_timer(&mut fresh, Timer::CheckIn, &off, now).0.is_empty());
        assert_eq!(after_close(now, &off), None);
        assert!(fresh.check_in.is_none());
    }
}
