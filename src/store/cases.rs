//! Purpose: the transactions that change cases: opening one, applying a person's action,
//! and firing a due timer. Each writes the case, its customer, the tallies and weekly
//! aggregates, the audit entry, the deliveries it causes and its next timer together, or
//! nothing at all.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use sled::transaction::ConflictableTransactionError;

use super::journal::{Apply, TransactionalTree};

use super::queue::QueueTx;
use super::{
    Abort, ActError, AuditEntry, Once, Store, StoreError, TxResult, encode, into_store_error, keys,
    outbox, report, tx_decode, tx_outcome,
};
use crate::domain::repeats::{Contactor, ts_time};
use crate::domain::{
    Action, Case, CaseId, CaseState, CheckInReply, ConsultSource, CustomerChange, CustomerId,
    CustomerRecord, Effect, Event, NewCase, NewConsultation, Note, Notice, Refusal, Rules,
    Scheduled, Source, Stamp, Tallies, check_in, paging,
};

/// A case `open_case` returns: new, or the one an earlier identical request opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub case: Case,
    /// True when the request was a replay (same trigger or form) and nothing was written.
    pub replayed: bool,
}

/// The trees a case (or consultation) transaction touches, together: a consultation turned
/// into a case, and a check-in that opens a consultation, change both at once.
pub(super) struct Tx<'a> {
    pub(super) meta: &'a TransactionalTree,
    pub(super) cases: &'a TransactionalTree,
    pub(super) customers: &'a TransactionalTree,
    pub(super) audit: &'a TransactionalTree,
    pub(super) outbox: QueueTx<'a>,
    pub(super) timers: &'a TransactionalTree,
    pub(super) once: &'a TransactionalTree,
    pub(super) report: &'a TransactionalTree,
    pub(super) consultations: &'a TransactionalTree,
    pub(super) consult_audit: &'a TransactionalTree,
    pub(super) zone: &'a TimeZone,
}

impl Tx<'_> {
    pub(super) fn case(&self, id: CaseId) -> TxResult<Case> {
        match self.cases.get(keys::case(id))? {
            Some(bytes) => tx_decode("case_by_id", &bytes),
            None => Err(ConflictableTransactionError::Abort(Abort::NoSuchCase(id))),
        }
    }

    fn customer(&self, id: &CustomerId) -> TxResult<CustomerRecord> {
        Ok(match self.customers.get(keys::customer(id))? {
            Some(v) => tx_decode("customer_by_id", &v)?,
            None => CustomerRecord::new(id.clone()),
        })
    }

    fn put_customer(&self, record: &CustomerRecord) -> TxResult<()> {
        self.customers
            .insert(keys::customer(&record.id), encode(record))?;
        Ok(())
    }

    /// Writes the case and keeps the timer index in step with `case.next`.
    pub(super) fn put_case(&self, case: &Case, previous: Option<Scheduled>) -> TxResult<()> {
        self.cases.insert(&keys::case(case.id), encode(case))?;
        if previous != case.next {
            if let Some(old) = previous {
                self.timers.remove(&keys::timer(old.due, case.id))?;
            }
            if let Some(new) = case.next {
                self.timers.insert(&keys::timer(new.due, case.id), &[])?;
            }
        }
        Ok(())
    }

    /// Counts the event in the tallies and the weekly aggregates, and logs it.
    fn record(&self, case: &Case, event: &Event, change: CustomerChange) -> TxResult<()> {
        let mut tallies: Tallies = match self.meta.get(keys::TALLIES)? {
            Some(v) => tx_decode("meta", &v)?,
            None => Tallies::default(),
        };
        tallies.record(event, change);
        self.meta.insert(keys::TALLIES, encode(&tallies))?;
        report::count(self.report, self.zone, case, event, change)?;
        log(self.audit, case.id, event)
    }

    fn enqueue(&self, case: &Case, effects: Vec<Effect>, at: Timestamp) -> TxResult<()> {
        for effect in effects {
            outbox::enqueue(&self.outbox, case, effect, at)?;
        }
        Ok(())
    }

    /// Opens a case: numbers it, judges it against the customer's history, records it,
    /// queues the card and the first pages and sets the paging timer.
    pub(super) fn open_case(&self, new: &NewCase, at: Timestamp, rules: &Rules) -> TxResult<Case> {
        // Absent: the first case. Unreadable: refuse rather than number from 1 again over
        // existing cases.
        let number = match self.meta.get(keys::NEXT_CASE)? {
            Some(v) => keys::u64_value(&v)
                .ok_or_else(|| corrupt_meta(format!("next_case is {} bytes, not 8", v.len())))?,
            None => 1,
        };
        let following = number
            .checked_add(1)
            .ok_or_else(|| corrupt_meta("next_case is at its maximum".into()))?;
        self.meta.insert(keys::NEXT_CASE, &keys::seq(following))?;
        let mut customer = match &new.customer {
            Some(id) => Some(self.customer(id)?),
            None => None,
        };
        let history = customer
            .as_ref()
            .map(|c| c.history_at(at))
            .unwrap_or_default();
        let mut case = Case::open(CaseId::new(number), new.clone(), at, history);
        let event = Event::Opened {
            by: Stamp {
                by: case.reporter.clone(),
                at,
            },
        };
        let mut effects = Effect::for_event(&event);
        let (pages, next) = paging::on_open(&case, &rules.roles, &rules.paging);
        effects.extend(pages);
        if case.source == Source::Reaction {
            effects.push(Effect::Acknowledge);
        }
        case.next = next;
        let mut change = CustomerChange::default();
        if let Some(customer) = &mut customer {
            customer.record(&case, &event);
            change.cases_now = Some(customer.cases.len());
            self.put_customer(customer)?;
        }
        self.put_case(&case, None)?;
        self.record(&case, &event, change)?;
        self.enqueue(&case, effects, at)?;
        Ok(case)
    }
}

/// Appends `event` to the case's audit trail, inside the transaction.
pub(super) fn log(audit: &TransactionalTree, case: CaseId, event: &Event) -> TxResult<()> {
    let entry = AuditEntry {
        case,
        event: event.clone(),
    };
    audit.insert(&keys::audit(case, audit.generate_id()?), encode(&entry))?;
    Ok(())
}

fn corrupt_meta(reason: String) -> ConflictableTransactionError<Abort> {
    ConflictableTransactionError::Abort(Abort::Corrupt("meta", reason))
}

impl Store {
    /// Runs `body` as one change over the trees a case touches, applied before it returns.
    pub(super) fn transaction<T>(
        &self,
        body: impl Fn(&Tx<'_>) -> TxResult<T>,
    ) -> Result<T, ActError> {
        self.case_change(Apply::Now, body)
    }

    /// Like `transaction`, but applied by the next flush, with the changes of the other
    /// requests waiting on it, as one batch (see `journal`). The caller must flush before
    /// it answers, and must not read the change back outside a change before that.
    pub(super) fn transaction_until_flush<T>(
        &self,
        body: impl Fn(&Tx<'_>) -> TxResult<T>,
    ) -> Result<T, ActError> {
        self.case_change(Apply::WithFlush, body)
    }

    fn case_change<T>(
        &self,
        when: Apply,
        body: impl Fn(&Tx<'_>) -> TxResult<T>,
    ) -> Result<T, ActError> {
        let _writing = self.writing();
        let result = self.journal.change(
            (
                &self.meta,
                &self.cases,
                &self.customers,
                &self.audit,
                &self.timers,
                &self.once,
                &self.report,
                &self.consultations,
                &self.consult_audit,
                // The queue last: it acts on the records above (see `journal`).
                &self.outbox.entries,
                &self.outbox.index,
            ),
            when,
            |(
                meta,
                cases,
                customers,
                audit,
                timers,
                once,
                report,
                consultations,
                consult_audit,
                entries,
                index,
            )| {
                body(&Tx {
                    meta,
                    cases,
                    customers,
                    audit,
                    outbox: QueueTx { entries, index },
                    timers,
                    once,
                    report,
                    consultations,
                    consult_audit,
                    zone: &self.zone,
                })
            },
        );
        tx_outcome(result)
    }

    /// After a committed change: make it durable, then wake the jobs that act on it.
    pub(super) async fn committed(&self) -> Result<(), StoreError> {
        self.flush().await?;
        self.outbox_ready.notify_one();
        self.timers_changed.notify_one();
        Ok(())
    }

    /// Opens a case: numbers it, judges it against the customer's history, records it,
    /// queues the card and the first pages, sets the paging timer, and flushes.
    ///
    /// `once` names the request (`("trigger", id)` for a slash command, `("view", id)` for
    /// a form): a replay of the same request returns the case it opened and writes nothing.
    pub async fn open_case(
        &self,
        new: NewCase,
        at: Timestamp,
        rules: &Rules,
        once: Option<(&str, &str)>,
    ) -> Result<Opened, StoreError> {
        let once_key = once.map(|(kind, id)| keys::once(kind, id));
        let opened = self
            .transaction_until_flush(|tx| {
                if let Some(key) = &once_key
                    && let Some(bytes) = tx.once.get(key)?
                {
                    let earlier: Once = tx_decode("once_by_key", &bytes)?;
                    if let Some(id) = earlier.case {
                        return Ok(Opened {
                            case: tx.case(id)?,
                            replayed: true,
                        });
                    }
                }
                let case = tx.open_case(&new, at, rules)?;
                if let Some(key) = &once_key {
                    tx.once.insert(
                        key.as_slice(),
                        encode(&Once {
                            at,
                            case: Some(case.id),
                            consultation: None,
                        }),
                    )?;
                }
                Ok(Opened {
                    case,
                    replayed: false,
                })
            })
            .map_err(into_store_error)?;
        if opened.replayed {
            // The first request may still be waiting for its flush: the replay is not
            // answered before the case it names is durable.
            self.flush().await?;
        } else {
            self.count_contact(&opened.case, at)?;
            self.committed().await?;
        }
        Ok(opened)
    }

    /// A case about a customer is a contact with them too (for repeated-contact
    /// suggestions): keyed by the flagged message when there is one, so a message counted
    /// when it was posted is not counted again when someone escalates it.
    pub(super) fn count_contact(&self, case: &Case, at: Timestamp) -> Result<(), StoreError> {
        let Some(customer) = &case.customer else {
            return Ok(());
        };
        let (origin, when) = match &case.evidence {
            Some(e) => (
                format!("{}:{}", e.channel, e.ts),
                ts_time(&e.ts).unwrap_or(at),
            ),
            None => (format!("case:{}", case.id), at),
        };
        self.record_contact(&Contactor::Customer(customer.clone()), &origin, when)
    }

    /// Applies a person's action to a case atomically: reads the case, lets the domain
    /// decide, and writes the new state, the customer record, the tallies, the audit entry,
    /// the deliveries and the next timer together. A refusal changes nothing; one about
    /// who may act (`Refusal::about_rights`) is written to the case's audit trail.
    pub async fn act(
        &self,
        id: CaseId,
        action: Action,
        actor: Stamp,
        rules: &Rules,
    ) -> Result<(Case, Event), ActError> {
        let acted = match self.transaction_until_flush(|tx| {
            let mut case = tx.case(id)?;
            let previous = case.next;
            let (state, mut event) =
                match case.apply(action.clone(), &actor, &rules.roles, &rules.policy) {
                    Ok(change) => change,
                    // Someone tried what their role (or separation of duties) does not
                    // allow: the case stays as it was, and its trail says who tried.
                    Err(refusal) if let Some(reason) = refusal.about_rights() => {
                        let notice = Notice::Refused {
                            by: actor.by.clone(),
                            action: action.name().to_owned(),
                            reason: reason.to_owned(),
                        };
                        log(
                            tx.audit,
                            case.id,
                            &Event::Notified {
                                notice,
                                at: actor.at,
                            },
                        )?;
                        return Ok(Err(refusal));
                    }
                    Err(refusal) => {
                        return Err(ConflictableTransactionError::Abort(Abort::Refused(refusal)));
                    }
                };
            // "I'd like to talk to the desk": the consultation opens with the answer.
            if let Event::CheckInAnswered {
                reply: CheckInReply::Desk,
                by,
                consultation,
            } = &mut event
            {
                let new = NewConsultation {
                    reporter: case.reporter.clone(),
                    summary: String::new(),
                    facts: Default::default(),
                    evidence: None,
                    reported_from: None,
                    chosen: None,
                    source: ConsultSource::CheckIn,
                    about: Some(case.id),
                };
                match tx.open_consultation(&new, by.at, rules)? {
                    Some(opened) => *consultation = Some(opened.id),
                    None => {
                        return Err(ConflictableTransactionError::Abort(Abort::Refused(
                            Refusal::NoDesk,
                        )));
                    }
                }
            }
            case.state = state;
            case.next = paging::after_event(&event, &rules.paging, previous);
            let mut change = CustomerChange::default();
            let mut effects = Effect::for_event(&event);
            match &event {
                Event::Classified {
                    category, severity, ..
                } => {
                    let was_everyone = paging::pages_everyone(&case);
                    case.set_classification(*category, *severity);
                    let (pages, next) = paging::after_classified(
                        was_everyone,
                        &case,
                        &rules.roles,
                        &rules.paging,
                        actor.at,
                    );
                    effects.extend(pages);
                    case.next = next;
                    if let Some(id) = &case.customer {
                        let mut customer = tx.customer(id)?;
                        customer.record(&case, &event);
                        tx.put_customer(&customer)?;
                    }
                }
                Event::CustomerIdentified { customer: id, .. } => {
                    let mut customer = tx.customer(id)?;
                    case.set_customer(id.clone(), customer.history_at(case.opened_at));
                    customer.record(&case, &event);
                    change.cases_now = Some(customer.cases.len());
                    tx.put_customer(&customer)?;
                }
                Event::Closed { .. } => {
                    if let Some(id) = &case.customer {
                        let mut customer = tx.customer(id)?;
                        let was_cut_off = customer.cut_off.is_some();
                        customer.record(&case, &event);
                        change.newly_cut_off = !was_cut_off && customer.cut_off.is_some();
                        tx.put_customer(&customer)?;
                    }
                }
                Event::FactsAdded { facts, by } => case.add_facts(facts.clone(), by.clone()),
                Event::CheckInAnswered {
                    reply,
                    by,
                    consultation,
                } => case.answer_check_in_with(*reply, by.at, *consultation),
                Event::ReporterKeptOff { .. } => {
                    case.reporter_kept_off = true;
                    if let Some(id) = &case.customer {
                        let mut customer = tx.customer(id)?;
                        customer.record(&case, &event);
                        tx.put_customer(&customer)?;
                    }
                }
                Event::SafetyAnswered { safe: false, .. } => {
                    effects.extend(paging::someone_now(&case, &rules.roles));
                }
                _ => {}
            }
            tx.put_case(&case, previous)?;
            tx.record(&case, &event, change)?;
            tx.enqueue(&case, effects, actor.at)?;
            Ok(Ok((case, event)))
        }) {
            Err(ActError::NoSuchCase(id)) => {
                return Err(self.refuse_archived(id, action, &actor, rules)?);
            }
            acted => acted?,
        };
        if let Ok((case, Event::CustomerIdentified { by, .. })) = &acted {
            self.count_contact(case, by.at)?;
        }
        self.committed().await?;
        acted.map_err(ActError::Refused)
    }

    /// Puts on the case's audit trail that `actor` was refused `action` for `reason`
    /// (someone without the right to it), changing nothing else: for refusals decided
    /// before `act` is reached (a refund button refused before its form opens). A case no
    /// longer live (archived) never changes again, so its refusal goes to the log outside
    /// cases instead, naming the case.
    pub async fn note_refused(
        &self,
        id: CaseId,
        actor: &Stamp,
        action: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let event = Event::Notified {
            notice: Notice::Refused {
                by: actor.by.clone(),
                action: action.to_owned(),
                reason: reason.to_owned(),
            },
            at: actor.at,
        };
        let on_case = self
            .transaction(|tx| {
                if tx.cases.get(keys::case(id))?.is_none() {
                    return Ok(false);
                }
                log(tx.audit, id, &event)?;
                Ok(true)
            })
            .map_err(into_store_error)?;
        if on_case {
            return self.flush().await;
        }
        let entry = super::LogEntry::new(actor.at, actor.by.as_str(), "refused")
            .with("case", id.to_string())
            .with("action", action)
            .with("reason", reason);
        self.log(&entry).await
    }

    /// Why an action on a case that is not among the live ones fails: the refusal a
    /// closed case gives, if it is archived, or that there is no such case.
    fn refuse_archived(
        &self,
        id: CaseId,
        action: Action,
        actor: &Stamp,
        rules: &Rules,
    ) -> Result<ActError, ActError> {
        let Some(archived) = self.archived(id)? else {
            return Ok(ActError::NoSuchCase(id));
        };
        let case = archived.case;
        let note = matches!(action, Action::RecordPrevention(_));
        Ok(
            match (
                case.apply(action, actor, &rules.roles, &rules.policy),
                &case.state,
            ) {
                (Err(refusal), _) => ActError::Refused(refusal),
                // A closed case takes a prevention note, but not once it is archived.
                (Ok(_), CaseState::Closed { .. }) if note => ActError::Refused(Refusal::Archived),
                // Only closed cases are archived, and a closed case refuses everything else.
                (Ok(_), CaseState::Closed { decision, .. }) => ActError::Refused(Refusal::Closed {
                    outcome: decision.outcome,
                }),
                (Ok(_), _) => ActError::NoSuchCase(id),
            },
        )
    }

    /// When the earliest pending timer is due, if any is pending.
    pub fn next_timer(&self) -> Result<Option<Timestamp>, StoreError> {
        Ok(self
            .timers
            .first()?
            .and_then(|(key, _)| keys::timer_from(&key))
            .map(|(due, _)| due))
    }

    /// Fires every timer due at `now` (up to `limit`): each in its own transaction that
    /// removes the timer, queues what it does and sets the next one, so a timer fires
    /// exactly once even across a crash. Returns how many fired.
    pub async fn fire_due_timers(
        &self,
        now: Timestamp,
        rules: &Rules,
        limit: usize,
    ) -> Result<usize, StoreError> {
        let mut fired = 0;
        while fired < limit {
            let Some((key, _)) = self.timers.first()? else {
                break;
            };
            let Some((due, id)) = keys::timer_from(&key) else {
                self.timers.remove(key)?;
                continue;
            };
            if due > now {
                break;
            }
            let stopped = self
                .transaction(|tx| {
                    let mut case = match tx.case(id) {
                        Ok(case) => case,
                        Err(ConflictableTransactionError::Abort(Abort::NoSuchCase(_))) => {
                            tx.timers.remove(&keys::timer(due, id))?;
                            return Ok(None);
                        }
                        Err(e) => return Err(e),
                    };
                    // Keys hold microseconds; timers may carry nanoseconds.
                    let Some(timer) = case
                        .next
                        .filter(|n| n.due.as_microsecond() == due.as_microsecond())
                    else {
                        // The index outlived the timer (it was replaced): drop the entry.
                        tx.timers.remove(&keys::timer(due, id))?;
                        return Ok(None);
                    };
                    let (effects, next, check_in) = if timer.timer.is_check_in() {
                        let (effects, notice, next) =
                            check_in::on_timer(&mut case, timer.timer, &rules.paging, now);
                        (effects, next, notice)
                    } else {
                        let (effects, next) =
                            paging::on_timer(&case, timer.timer, &rules.roles, &rules.paging, now);
                        (effects, next, None)
                    };
                    let stopped = effects.iter().find_map(|e| match e {
                        Effect::ThreadNote {
                            note: Note::NobodyMayAct { approval },
                        } => Some(*approval),
                        _ => None,
                    });
                    case.next = next;
                    for notice in paging::notices(&effects)
                        .into_iter()
                        .chain(check_in.clone())
                    {
                        log(tx.audit, case.id, &Event::Notified { notice, at: now })?;
                    }
                    tx.put_case(&case, Some(timer))?;
                    tx.enqueue(&case, effects, now)?;
                    Ok(stopped)
                })
                .map_err(into_store_error)?;
            if let Some(approval) = stopped {
                // Logged after the commit: a transaction may run its body more than once.
                let (may, key) = if approval {
                    ("approve", "people.approvers")
                } else {
                    ("decide", "people.executives or people.managers")
                };
                tracing::warn!(
                    case = %id,
                    "nobody in the configuration may {may} {id}; reminders stop until {key} \
                     names someone and the bot restarts"
                );
            }
            fired += 1;
        }
        if fired > 0 {
            self.committed().await?;
        }
        Ok(fired)
    }

    /// Schedules a reminder again for each taken or proposed case whose reminders stopped
    /// because nobody could act on it, now that the roles name someone who may
    /// (`paging::resumed`). Run at start-up, the only time the roles change. Returns the
    /// cases it rescheduled.
    pub async fn resume_reminders(
        &self,
        now: Timestamp,
        rules: &Rules,
    ) -> Result<Vec<CaseId>, StoreError> {
        let mut stalled = Vec::new();
        for case in self.live_cases() {
            let case = case?;
            if paging::resumed(&case, &rules.roles, now).is_some() {
                stalled.push(case.id);
            }
        }
        let mut resumed = Vec::new();
        for id in stalled {
            let done = self
                .transaction(|tx| {
                    let mut case = tx.case(id)?;
                    let Some(next) = paging::resumed(&case, &rules.roles, now) else {
                        return Ok(false);
                    };
                    case.next = Some(next);
                    tx.put_case(&case, None)?;
                    Ok(true)
                })
                .map_err(into_store_error)?;
            if done {
                resumed.push(id);
            }
        }
        if !resumed.is_empty() {
            self.committed().await?;
        }
        Ok(resumed)
    }
}
