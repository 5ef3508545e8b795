//! Purpose: `/escalate compliance [from [to]]`: the compliance summary (the last full
//! quarter, or the days given), only to the person who asked and only to an executive, a
//! manager or a member of the consultation desk; anyone else on the staff is told whom
//! to ask. It is gathered off the request (it reads every case, and asks Slack for the
//! staff to count who acknowledged the policy) and comes by the command's
//! `response_url`, with the monthly numbers as Block Kit data tables.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::UserId;
use crate::handlers::{Reply, ephemeral, internal_error};
use crate::operations::period_asked;
use crate::render;
use crate::report::compliance::ComplianceReport;
use crate::slack::api::CallError;

const DOING: &str = "gathering the compliance report";

/// Tells whoever asked that it failed, by the command's `response_url`.
async fn say(ctx: &Context, response_url: &str, text: String) {
    if let Err(e) = ctx
        .slack
        .respond(response_url, render::ephemeral(text))
        .await
    {
        tracing::warn!(error = %e, "could not answer /escalate compliance");
    }
}

pub fn summary(
    ctx: &Arc<Context>,
    user: &UserId,
    from: Option<&str>,
    to: Option<&str>,
    response_url: String,
) -> Reply {
    let t = ctx.look().t;
    if !ctx.settings.rules.roles.may_read_compliance(user) {
        return ephemeral(t.compliance_refused());
    }
    let now = ctx.clock.now();
    let Ok(period) = period_asked(&ctx.settings, from, to, now) else {
        return ephemeral(t.compliance_period_invalid());
    };
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let t = ctx.settings.locale.catalog();
        let staff = crate::operations::staff(&ctx.slack, &ctx.directory, &ctx.settings, now).await;
        let walker = ctx.clone();
        let gathered = tokio::task::spawn_blocking(move || {
            ComplianceReport::gather(&walker.store, &walker.settings, period, now, staff)
        })
        .await;
        let report = match gathered {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => return say(&ctx, &response_url, internal_error(&ctx, DOING, &e)).await,
            Err(e) => return say(&ctx, &response_url, internal_error(&ctx, DOING, &e)).await,
        };
        match ctx
            .slack
            .respond(&response_url, report.message(t, true))
            .await
        {
            // A workspace that does not take data tables yet gets the text alone.
            Err(CallError::Permanent { reason }) if reason == "invalid_blocks" => {
                if let Err(e) = ctx
                    .slack
                    .respond(&response_url, report.message(t, false))
                    .await
                {
                    tracing::warn!(error = %e, "could not answer /escalate compliance");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not answer /escalate compliance"),
            Ok(()) => {}
        }
    });
    Reply::Ack
}
