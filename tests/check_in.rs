//! The check-in after a case closes (`care.check_in_after`), black-box with a clock the
//! tests move by hand: the reporter is asked privately how they are, once, even across a
//! restart; "I'm fine" and "I'd like to talk to the desk" are recorded on the case's audit
//! trail (the latter opens a consultation linked to the case); silence is recorded as "no
//! answer" after the same period again; "off" sends nothing.

mod common;

use std::sync::Arc;

use common::*;
use escalation_bot::clock::{Clock, ManualClock};
use escalation_bot::domain::{CaseId, CheckInReply, ConsultSource, Event, Notice, Timer};
use jiff::{SignedDuration, Timestamp};
use slack_standin::Message;

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

async fn bot_with_clock(
    tweak: fn(&mut escalation_bot::config::Settings),
) -> (TestBot, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        tweak,
        ..Options::default()
    })
    .await;
    bot.add_desk();
    (bot, clock)
}

/// Opens a case, takes and closes it with a caution; returns it once the reporter was
/// told it closed.
async fn closed_case(bot: &TestBot) -> CaseId {
    let id = bot.open_case("cust-1 verbal-abuse Shouted at me").await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:caution").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
    id
}

/// The check-in message the reporter got about case 1, as it reads now.
fn check_ins(bot: &TestBot) -> Vec<Message> {
    let Some(posted) = bot.case(CaseId::new(1)).posts.check_in else {
        return Vec::new();
    };
    bot.dms_to(AGENT)
        .into_iter()
        .filter(|m| m.ts == posted.ts)
        .collect()
}

fn answers(bot: &TestBot) -> Vec<Event> {
    bot.audit()
        .into_iter()
        .map(|e| e.event)
        .filter(|e| {
            matches!(
                e,
                Event::CheckInAnswered { .. }
                    | Event::Notified {
                        notice: Notice::CheckedIn | Notice::CheckInUnanswered,
                        ..
                    }
            )
        })
        .collect()
}

#[tokio::test]
async fn the_reporter_is_asked_once_after_three_days_even_across_a_restart() {
    let (mut bot, clock) = bot_with_clock(|s| desk(s, true)).await;
    let id = closed_case(&bot).await;
    assert_eq!(bot.case(id).next.map(|n| n.timer), Some(Timer::CheckIn));
    clock.advance(hours(72) - SignedDuration::from_mins(1));
    bot.catch_up().await;
    assert!(check_ins(&bot).is_empty(), "not before three days");

    // Due while the bot is down: it goes out when it starts, once.
    bot.shutdown().await;
    clock.advance(SignedDuration::from_mins(1));
    bot.restart().await;
    bot.catch_up().await;
    bot.restart().await;
    bot.catch_up().await;
    let asked = check_ins(&bot);
    let posted = bot
        .slack
        .sightings()
        .into_iter()
        .filter(|s| {
            matches!(s, slack_standin::web_api::Sighting::Posted(m)
                if m.text.contains("How are you now"))
        })
        .count();
    assert_eq!((asked.len(), posted), (1, 1), "once, whatever the restarts");
    let message = text_of(&asked[0]);
    assert!(
        message.contains("*ESC-1*, which you reported, has closed. How are you now?")
            && message.contains("check_in_fine")
            && message.contains("check_in_desk"),
        "{message}"
    );
    assert!(
        message.contains("will not be treated badly"),
        "the care sentences of the start: {message}"
    );
    assert!(
        bot.dms_to(EXEC1).len() == 1 && bot.thread(id).iter().all(|m| !m.text.contains("How are")),
        "only the reporter hears it"
    );

    // Someone else cannot answer for them.
    bot.click(AGENT2, &asked[0], "check_in_fine").await;
    let refused = bot.ephemeral_after(AGENT2, 0).await;
    assert!(
        refused.text.contains("Only the reporter"),
        "{}",
        refused.text
    );

    bot.click(AGENT, &asked[0], "check_in_fine").await;
    bot.settle().await;
    let answered = bot.case(id).check_in.unwrap().answer.unwrap();
    assert_eq!(answered.reply, CheckInReply::Fine);
    let now = text_of(&check_ins(&bot)[0]);
    assert!(
        now.contains("Thank you for letting us know") && !now.contains("check_in_fine"),
        "the message says what was recorded: {now}"
    );
    // A stale copy's second answer is refused; silence is never recorded over it.
    bot.click(AGENT, &asked[0], "check_in_desk").await;
    let refused = bot.ephemeral_after(AGENT, 0).await;
    assert!(
        refused.text.contains("already answered"),
        "{}",
        refused.text
    );
    clock.advance(hours(24 * 7));
    bot.catch_up().await;
    let recorded = answers(&bot);
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert!(matches!(
        recorded[1],
        Event::CheckInAnswered {
            reply: CheckInReply::Fine,
            ..
        }
    ));
    assert!(bot.store.consultations().next().is_none());
}

#[tokio::test]
async fn talking_to_the_desk_opens_a_consultation_linked_to_the_case() {
    let (bot, clock) = bot_with_clock(|s| desk(s, true)).await;
    let id = closed_case(&bot).await;
    clock.advance(hours(72));
    bot.catch_up().await;
    let asked = check_ins(&bot).remove(0);
    bot.click(AGENT, &asked, "check_in_desk").await;
    bot.settle().await;
    let consultation = bot.consultation(1);
    assert_eq!(consultation.about, Some(id));
    assert_eq!(consultation.source, ConsultSource::CheckIn);
    assert_eq!(consultation.reporter.as_str(), AGENT);
    let answer = bot.case(id).check_in.unwrap().answer.unwrap();
    assert_eq!(
        (answer.reply, answer.consultation),
        (CheckInReply::Desk, Some(consultation.id))
    );
    assert!(answers(&bot).iter().any(|e| matches!(
        e,
        Event::CheckInAnswered {
            reply: CheckInReply::Desk,
            consultation: Some(_),
            ..
        }
    )));
    let post = text_of(&bot.desk_posts()[0]);
    assert!(
        post.contains("The reporter of ESC-1 asked to talk to the desk"),
        "{post}"
    );
    let now = text_of(&check_ins(&bot)[0]);
    assert!(
        now.contains("*CON-1* is with the consultation desk"),
        "{now}"
    );
    let week = escalation_bot::domain::Week::of(clock.now(), bot.store.report_zone());
    assert_eq!(bot.store.week_stats(week).unwrap().consultations.opened, 1);
}

#[tokio::test]
async fn silence_is_recorded_as_no_answer_and_the_message_says_the_check_in_closed() {
    let (bot, clock) = bot_with_clock(|s| desk(s, false)).await;
    let id = closed_case(&bot).await;
    clock.advance(hours(72));
    bot.catch_up().await;
    let asked = check_ins(&bot).remove(0);
    clock.advance(hours(72));
    bot.catch_up().await;
    let recorded = answers(&bot);
    assert!(
        matches!(
            recorded.last(),
            Some(Event::Notified {
                notice: Notice::CheckInUnanswered,
                ..
            })
        ),
        "{recorded:?}"
    );
    assert_eq!(
        bot.case(id).check_in.unwrap().answer.unwrap().reply,
        CheckInReply::NoAnswer
    );
    assert_eq!(bot.case(id).next, None, "nothing more is scheduled");
    let now = text_of(&check_ins(&bot)[0]);
    assert!(
        now.contains("This check-in about ESC-1 has closed") && !now.contains("check_in_desk"),
        "{now}"
    );
    bot.click(AGENT, &asked, "check_in_desk").await;
    let refused = bot.ephemeral_after(AGENT, 0).await;
    assert!(refused.text.contains("has closed"), "{}", refused.text);
    assert!(bot.store.consultations().next().is_none());
    // With the check-in over, the closed case may move to the archive.
    clock.advance(hours(24 * 2));
    bot.catch_up().await;
    for _ in 0..500 {
        if bot.store.is_archived(id).unwrap() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(bot.store.is_archived(id).unwrap());
}

#[tokio::test]
async fn off_sends_no_check_in_and_without_a_desk_only_im_fine_is_offered() {
    let (bot, clock) = bot_with_clock(|s| s.rules.paging.check_in_after = None).await;
    let id = closed_case(&bot).await;
    assert_eq!(bot.case(id).next, None);
    clock.advance(hours(24 * 30));
    bot.catch_up().await;
    assert!(check_ins(&bot).is_empty());
    assert!(answers(&bot).is_empty());

    let (bot, clock) = bot_with_clock(|_| {}).await;
    closed_case(&bot).await;
    clock.advance(hours(72));
    bot.catch_up().await;
    let asked = text_of(&check_ins(&bot)[0]);
    assert!(
        asked.contains("check_in_fine") && !asked.contains("check_in_desk"),
        "{asked}"
    );
}
