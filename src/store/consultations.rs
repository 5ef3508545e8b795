//! Purpose: the transactions that change consultations: opening one, a desk member's
//! action (answered, closed, turned into a case, facts added) and the desk's first reply
//! seen in the thread. Each writes the consultation, its audit entry, the weekly counts and
//! the deliveries it causes together, in the same transaction as the case it may open, so a
//! consultation turned into a case (or opened by a check-in) is both or neither.

use super::journal::TransactionalTree;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::cases::Tx;
use super::{
    Once, Store, StoreError, TxResult, decode, encode, into_store_error, keys, outbox, report,
    tx_decode,
};
use crate::domain::{
    AnsweredBy, ChannelId, ConsultAction, ConsultEvent, ConsultRefusal, Consultation,
    ConsultationId, Effect, FromConsultation, NewCase, NewConsultation, Notice, Rules, Source,
    Stamp,
};

/// One line of a consultation's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultEntry {
    pub consultation: ConsultationId,
    pub event: ConsultEvent,
}

/// A consultation `open_consultation` returns: new, or the one an earlier identical request
/// opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedConsultation {
    pub consultation: Consultation,
    /// True when the request was a replay (same trigger or form) and nothing was written.
    pub replayed: bool,
}

/// Why something asked of a consultation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ConsultFailed {
    #[error("no consultation {0}")]
    NoSuchConsultation(ConsultationId),
    #[error("refused on {0}: {1:?}")]
    Refused(ConsultationId, ConsultRefusal),
    /// Nobody on the desk can be reached: none is configured, or it is only the reporter.
    #[error("no consultation desk to reach")]
    NoDesk,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Appends `event` to the consultation's audit trail, inside the transaction.
pub(super) fn log(
    audit: &TransactionalTree,
    id: ConsultationId,
    event: &ConsultEvent,
) -> TxResult<()> {
    let entry = ConsultEntry {
        consultation: id,
        event: event.clone(),
    };
    audit.insert(
        &keys::consult_audit(id, audit.generate_id()?),
        encode(&entry),
    )?;
    Ok(())
}

impl Tx<'_> {
    fn consultation(&self, id: ConsultationId) -> TxResult<Option<Consultation>> {
        self.consultations
            .get(keys::consultation(id))?
            .map(|v| tx_decode("consultation_by_id", &v))
            .transpose()
    }

    fn put_consultation(&self, consultation: &Consultation) -> TxResult<()> {
        self.consultations
            .insert(&keys::consultation(consultation.id), encode(consultation))?;
        Ok(())
    }

    /// Records `event` on `consultation`: the record, its audit entry, the weekly counts and
    /// the deliveries that follow.
    fn consultation_event(
        &self,
        consultation: &mut Consultation,
        event: &ConsultEvent,
        at: Timestamp,
    ) -> TxResult<()> {
        consultation.record(event);
        self.put_consultation(consultation)?;
        log(self.consult_audit, consultation.id, event)?;
        report::count_consultation(self.report, self.zone, event)?;
        for effect in Effect::for_consultation(event, consultation) {
            outbox::enqueue_consultation(&self.outbox, consultation, effect, at)?;
        }
        Ok(())
    }

    /// Opens a consultation: numbers it, decides where it goes, records it and queues its
    /// posts. `None` (and nothing written) when nobody on the desk can be reached.
    pub(super) fn open_consultation(
        &self,
        new: &NewConsultation,
        at: Timestamp,
        rules: &Rules,
    ) -> TxResult<Option<Consultation>> {
        let destinations =
            Consultation::destinations_for(&new.reporter, new.chosen.as_ref(), &rules.roles.desk);
        if destinations.is_empty() {
            return Ok(None);
        }
        let number = match self.meta.get(keys::NEXT_CONSULTATION)? {
            Some(v) => keys::u64_value(&v).ok_or_else(|| {
                sled::transaction::ConflictableTransactionError::Abort(super::Abort::Corrupt(
                    "meta",
                    format!("next_consultation is {} bytes, not 8", v.len()),
                ))
            })?,
            None => 1,
        };
        self.meta.insert(
            keys::NEXT_CONSULTATION,
            &keys::seq(number.saturating_add(1)),
        )?;
        let mut consultation = Consultation::open(
            ConsultationId::new(number),
            new.clone(),
            at,
            &rules.roles.desk,
        );
        let event = ConsultEvent::Opened {
            by: Stamp {
                by: new.reporter.clone(),
                at,
            },
        };
        self.consultation_event(&mut consultation, &event, at)?;
        Ok(Some(consultation))
    }
}

impl Store {
    /// Opens a consultation, once per request (`once` as for `open_case`), and flushes.
    pub async fn open_consultation(
        &self,
        new: NewConsultation,
        at: Timestamp,
        rules: &Rules,
        once: Option<(&str, &str)>,
    ) -> Result<OpenedConsultation, ConsultFailed> {
        let once_key = once.map(|(kind, id)| keys::once(&format!("consult-{kind}"), id));
        let opened = self
            .transaction(|tx| {
                if let Some(key) = &once_key
                    && let Some(bytes) = tx.once.get(key)?
                {
                    let earlier: Once = tx_decode("once_by_key", &bytes)?;
                    if let Some(id) = earlier.consultation
                        && let Some(consultation) = tx.consultation(id)?
                    {
                        return Ok(Some(OpenedConsultation {
                            consultation,
                            replayed: true,
                        }));
                    }
                }
                let Some(consultation) = tx.open_consultation(&new, at, rules)? else {
                    return Ok(None);
                };
                if let Some(key) = &once_key {
                    tx.once.insert(
                        key.as_slice(),
                        encode(&Once {
                            at,
                            case: None,
                            consultation: Some(consultation.id),
                        }),
                    )?;
                }
                Ok(Some(OpenedConsultation {
                    consultation,
                    replayed: false,
                }))
            })
            .map_err(into_store_error)?;
        let Some(opened) = opened else {
            return Err(ConsultFailed::NoDesk);
        };
        if !opened.replayed {
            self.committed().await?;
        }
        Ok(opened)
    }

    /// Applies a person's action to a consultation atomically. Turning it into a case opens
    /// the case in the same transaction (its card, its pages), keeping the consultation's
    /// record and reporter, and links both ways. A refusal changes nothing; one about who
    /// may act is written to the consultation's audit trail.
    pub async fn consult(
        &self,
        id: ConsultationId,
        action: ConsultAction,
        actor: Stamp,
        rules: &Rules,
    ) -> Result<(Consultation, ConsultEvent), ConsultFailed> {
        let done = self
            .transaction(|tx| {
                let Some(mut consultation) = tx.consultation(id)? else {
                    return Ok(Err(ConsultFailed::NoSuchConsultation(id)));
                };
                if let Err(refusal) = consultation.check(&action, &actor.by, &rules.roles) {
                    if let Some(reason) = refusal.about_rights() {
                        let notice = Notice::Refused {
                            by: actor.by.clone(),
                            action: action.name().to_owned(),
                            reason: reason.to_owned(),
                        };
                        log(
                            tx.consult_audit,
                            id,
                            &ConsultEvent::Notified {
                                notice,
                                at: actor.at,
                            },
                        )?;
                    }
                    return Ok(Err(ConsultFailed::Refused(id, refusal)));
                }
                let mut opened = None;
                let event = match &action {
                    ConsultAction::Answered => ConsultEvent::Answered {
                        by: actor.clone(),
                        how: AnsweredBy::Button,
                    },
                    ConsultAction::Close => ConsultEvent::Closed { by: actor.clone() },
                    ConsultAction::AddFacts(facts) => ConsultEvent::FactsAdded {
                        facts: facts.clone(),
                        by: actor.clone(),
                    },
                    ConsultAction::Convert(conversion) => {
                        let new = NewCase {
                            customer: conversion.customer.clone(),
                            category: conversion.category,
                            severity: conversion.severity,
                            promise_failed: None,
                            summary: consultation.summary.clone(),
                            reporter: consultation.reporter.clone(),
                            reported_from: consultation.reported_from.clone(),
                            evidence: consultation.evidence.clone(),
                            source: Source::Consultation,
                            facts: consultation.facts.clone(),
                        };
                        let mut case = tx.open_case(&new, actor.at, rules)?;
                        let timer = case.next;
                        case.consultation = Some(FromConsultation {
                            id,
                            by: actor.by.clone(),
                        });
                        case.additions = consultation.additions.clone();
                        tx.put_case(&case, timer)?;
                        let event = ConsultEvent::Converted {
                            by: actor.clone(),
                            case: case.id,
                        };
                        opened = Some(case);
                        event
                    }
                };
                tx.consultation_event(&mut consultation, &event, actor.at)?;
                Ok(Ok((consultation, event, opened)))
            })
            .map_err(into_store_error)?;
        let (consultation, event, opened) = match done {
            Ok(done) => done,
            Err(failed) => {
                self.flush().await?;
                return Err(failed);
            }
        };
        if let Some(case) = &opened {
            self.count_contact(case, actor.at)?;
        }
        self.committed().await?;
        Ok((consultation, event))
    }

    /// A reply in a consultation's thread: if a desk member who may act on it wrote it,
    /// and the desk had not answered yet, it is the desk's first answer. Returns the
    /// consultation it answered, if it did.
    pub async fn consultation_replied(
        &self,
        channel: &ChannelId,
        thread_ts: &str,
        by: Stamp,
        rules: &Rules,
    ) -> Result<Option<ConsultationId>, StoreError> {
        let Some(bytes) = self
            .consult_threads
            .get(keys::thread(channel.as_str(), thread_ts))?
        else {
            return Ok(None);
        };
        let Some(number) = keys::u64_value(&bytes) else {
            return Err(StoreError::Corrupt {
                tree: "consultation_by_thread",
                reason: "a consultation number that is not 8 bytes".into(),
            });
        };
        let id = ConsultationId::new(number);
        let answered = self
            .transaction(|tx| {
                let Some(mut consultation) = tx.consultation(id)? else {
                    return Ok(false);
                };
                if consultation
                    .check(&ConsultAction::Answered, &by.by, &rules.roles)
                    .is_err()
                {
                    return Ok(false);
                }
                let event = ConsultEvent::Answered {
                    by: by.clone(),
                    how: AnsweredBy::ThreadReply,
                };
                tx.consultation_event(&mut consultation, &event, by.at)?;
                Ok(true)
            })
            .map_err(into_store_error)?;
        if !answered {
            return Ok(None);
        }
        self.committed().await?;
        Ok(Some(id))
    }

    /// Puts on the consultation's audit trail that `actor` was refused `action` for
    /// `reason`, changing nothing else: for a refusal decided before `consult` is reached
    /// (the button opening the form that turns it into a case).
    pub async fn note_consultation_refused(
        &self,
        id: ConsultationId,
        actor: &Stamp,
        action: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let event = ConsultEvent::Notified {
            notice: Notice::Refused {
                by: actor.by.clone(),
                action: action.to_owned(),
                reason: reason.to_owned(),
            },
            at: actor.at,
        };
        self.transaction(|tx| log(tx.consult_audit, id, &event))
            .map_err(into_store_error)?;
        self.flush().await
    }

    pub fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>, StoreError> {
        self.consultations
            .get(keys::consultation(id))?
            .map(|v| decode("consultation_by_id", &v))
            .transpose()
    }

    /// Every consultation, in number order.
    pub fn consultations(&self) -> impl Iterator<Item = Result<Consultation, StoreError>> + '_ {
        self.consultations.iter().map(|kv| {
            kv.map_err(StoreError::from)
                .and_then(|(_, v)| decode("consultation_by_id", &v))
        })
    }

    /// What happened to one consultation, oldest first.
    pub fn consultation_timeline(
        &self,
        id: ConsultationId,
    ) -> Result<Vec<ConsultEvent>, StoreError> {
        self.consult_audit
            .scan_prefix(keys::consultation(id))
            .map(|kv| {
                let (_, v) = kv?;
                decode::<ConsultEntry>("audit_by_consultation", &v).map(|e| e.event)
            })
            .collect()
    }
}
