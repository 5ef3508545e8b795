//! Purpose: the Japanese catalog (日本語), written as Japanese business software is: です・ます
//! throughout, people named 「<@U…>さん」, no 「あなた」 (Slack's own 「あなただけに表示されて
//! います」 aside), full-width punctuation (：、（）「」), times in the configured zone (日本時間
//! unless told otherwise). Category labels are short for pages and report rows; the MHLW
//! wording is the form's help text (`category_description`). The words are the README's
//! "Words" table: 契約解除, 措置なし（カスハラ非該当）, 担当, 責任者, 重大, 当社側の不備, 区分.

use std::fmt::Write;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::{
    Catalog, Markup, Money, Recorded, Trend, Untrusted, WeekSummary, duration_units,
    group_thousands, is_japan, mention, one_decimal, recorded_or_as_is, trend,
};
use crate::domain::compliance::{Compliance, Month, NotCounted, StaffList, Times};
use crate::domain::customer::CaseLine;
use crate::domain::export::Column;
use crate::domain::{
    Accommodation, CaseId, CaseState, Category, ChannelId, CheckInReply, Checks, Complaint,
    ConsultRefusal, ConsultState, ConsultationId, Contact, CustomerRecord, Decision, DutyToServe,
    Event, Facts, History, LegalReview, Measure, Medium, Notice, Outcome, Problem, PromiseFailed,
    Refusal, Severity, Source, Stamp, Step, Tallies, UserId, Week,
};

pub struct Ja;

/// A person, as Japanese workplace copy names them: 「@田中さん」.
fn san(user: &UserId) -> String {
    format!("{}さん", mention(user))
}

fn sans(users: &[UserId]) -> String {
    users.iter().map(san).collect::<Vec<_>>().join("、")
}

fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

/// 「11月30日（月）」, with the year when asked for.
fn day(date: Date, with_year: bool) -> String {
    let year = if with_year {
        format!("{}年", date.year())
    } else {
        String::new()
    };
    format!(
        "{year}{}月{}日（{}）",
        date.month(),
        date.day(),
        weekday(date.weekday())
    )
}

/// 「2026年11月30日（月）〜12月6日（日）」: the year once, or on both ends across New Year.
fn span(first: Date, last: Date) -> String {
    format!(
        "{}〜{}",
        day(first, true),
        day(last, first.year() != last.year())
    )
}

impl Ja {
    /// An outcome quoted inside a sentence: 「120,000円を返金のうえ契約解除」.
    fn quoted(&self, outcome: Outcome, currency: &str) -> String {
        format!("「{}」", self.outcome(outcome, currency))
    }
}

impl Catalog for Ja {
    fn category_name(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "暴力",
            Category::Threat => "脅迫",
            Category::VerbalAbuse => "暴言・侮辱",
            Category::Intimidation => "威圧的な言動",
            Category::Dogeza => "土下座の要求",
            Category::Persistent => "執拗な言動",
            Category::Restraint => "長時間の拘束",
            Category::Discrimination => "差別的な言動",
            Category::Sexual => "性的な言動",
            Category::PersonalAttack => "従業員個人への攻撃",
            Category::UnreasonableDemand => "不当な要求",
            Category::Other => "その他",
        }
    }

    fn severity_name(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => "重大",
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }

    fn measure_name(&self, measure: Measure) -> &'static str {
        match measure {
            Measure::Caution => "注意",
            Measure::Warning => "書面警告",
            Measure::ContactRestriction => "窓口・手段の限定",
            Measure::Suspension => "利用停止",
            Measure::Termination => "契約解除",
            Measure::Refund => "返金",
            Measure::FormalRequest => "先方への申し入れ",
            Measure::Police => "警察相談・被害届",
            Measure::Lawyer => "弁護士相談",
            Measure::NoAction => "措置なし（カスハラ非該当）",
        }
    }

    fn contact_name(&self, contact: Contact) -> &'static str {
        match contact {
            Contact::EmailOnly => "メールのみ",
            Contact::NamedContact => "窓口担当者を指定",
            Contact::FixedHours => "対応時間を限定",
        }
    }

    fn outcome(&self, outcome: Outcome, currency: &str) -> String {
        let money = |amount: Option<u64>| {
            self.money(Money {
                amount: amount.unwrap_or(0),
                currency,
            })
        };
        // The one combination Japanese says as one act: 「120,000円を返金のうえ契約解除」.
        if outcome.measures.len() == 2 && outcome.has(Measure::Refund) && outcome.terminates() {
            return format!("{}を返金のうえ契約解除", money(outcome.refund));
        }
        let parts: Vec<String> = outcome
            .measures
            .iter()
            .map(|measure| match measure {
                Measure::ContactRestriction if !outcome.contact.is_empty() => {
                    let how: Vec<&str> = outcome
                        .contact
                        .iter()
                        .map(|c| self.contact_name(c))
                        .collect();
                    format!("窓口・手段の限定（{}）", how.join("、"))
                }
                Measure::Suspension => match outcome.suspended_until {
                    Some(until) => format!("{}までの利用停止", day(until, true)),
                    None => "利用停止".into(),
                },
                Measure::Refund => format!("{}の返金", money(outcome.refund)),
                other => self.measure_name(other).into(),
            })
            .collect();
        parts.join("、")
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Caution => "注意",
            Step::WrittenWarning => "書面警告",
            Step::Suspension => "利用停止",
            Step::Termination => "契約解除",
            Step::AlreadyCutOff => "契約解除済み（記録のみ）",
        }
    }

    fn promise_failed_name(&self, answer: PromiseFailed) -> &'static str {
        match answer {
            PromiseFailed::Yes => "あり",
            PromiseFailed::No => "なし",
            PromiseFailed::Unsure => "不明",
        }
    }

    fn money(&self, money: Money<'_>) -> String {
        match money.currency {
            "JPY" => format!("{}円", group_thousands(money.amount)),
            other => format!(
                "{} {}",
                group_thousands(money.amount),
                Untrusted::new(other)
            ),
        }
    }

    fn guidance(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => {
                "身の安全を最優先してください。会話を終えてその場を離れ、危険を感じたら\
                 ためらわずに警察（110番）に通報してください。このお客様とは一人で会わないで\
                 ください。"
            }
            Category::Threat => {
                "身の安全を最優先してください。やり取りを終え、要求には応じないでください。\
                 生命、身体、財産への脅しがあれば警察（110番）に通報してください。メッセージや\
                 録音は消さずに残してください。"
            }
            Category::VerbalAbuse => {
                "暴言を聞き続ける必要はありません。「このようなご発言が続く場合は、対応を終了\
                 いたします」と一度お伝えし、続くようであれば終了してください。言い返さず、\
                 やり取りの記録を残してください。"
            }
            Category::Intimidation => {
                "落ち着いて距離を取ってください。電話やチャットは終了して構いません。その場では\
                 約束や譲歩をしないでください。"
            }
            Category::Dogeza => {
                "土下座など屈辱的な謝罪をする必要はありません。謝罪は当社に非がある点に限り、\
                 それを超える要求には応じないでください。"
            }
            Category::Persistent => {
                "新しい連絡の一つひとつに返信する必要はありません。窓口を一本化し、責任者から\
                 回答します。メッセージは消さずに残してください。"
            }
            Category::Restraint => {
                "進展のない長時間の対応は終了して構いません。終了の時刻をお伝えし、その時刻で\
                 終えてください。"
            }
            Category::Discrimination => {
                "差別的な言動に耐える必要はありません。やり取りを終えてください。詳細は非公開の\
                 エスカレーションチャンネルだけで扱います。"
            }
            Category::Sexual => {
                "対応を続ける必要はありません。やり取りを終えてください。詳細は非公開の\
                 エスカレーションチャンネルだけで扱います。"
            }
            Category::PersonalAttack => {
                "担当者個人に向けた要求（解雇の要求、連絡先の要求など）に答える必要はありません。\
                 責任者が対応します。ご自身の個人情報は伝えないでください。"
            }
            Category::UnreasonableDemand => {
                "契約上の不備は是正し、契約外のご要望には応じない方針です。その場では約束や\
                 譲歩をせず、「担当の者から改めてご連絡します」とお伝えください。回答は\
                 責任者が行います。"
            }
            Category::Other => {
                "この件のやり取りはここで止めてください。以降は責任者が対応します。経緯の記録は\
                 残してください。"
            }
        }
    }

    fn case_opened(&self, id: CaseId, category: Category) -> String {
        format!(
            "ご報告ありがとうございます。{id} として受け付けました。この件は責任者が\
             引き継ぎますので、これ以上このお客様に対応する必要はありません。\n\n\
             *対応のポイント*\n{}",
            self.guidance(category)
        )
    }

    fn usage(&self) -> String {
        // The labels cards and pages show, so what staff read is what they type.
        let words: Vec<&str> = Category::ALL
            .into_iter()
            .map(|c| self.category_name(c))
            .collect();
        format!(
            "*エスカレーションの方法*\n\
             • `/escalate [顧客ID] [区分] [内容]` で、すぐに案件を起票します。\n\
             • `/escalate` だけを送ると、入力フォームが開きます。\n\
             • `/escalate consult` で、案件にせず相談窓口に相談できます（カスハラか迷うとき\
             など）。顧客や区分の入力は不要で、ほかの人には伝わりません。\n\
             • `/escalate history [顧客ID]` で、そのお客様の履歴を表示します。\n\
             • `/escalate stats` で、集計を表示します。\n\
             • `/escalate policy` で、カスタマーハラスメントに関する当社の方針を表示し、確認した\
             ことを記録できます（マネージャーは `/escalate policy remind` で未確認の方にお願いを\
             送れます）。\n\
             • `/escalate compliance` で、責任者、マネージャー、相談窓口の方に、直前の四半期\
             （または指定した2つの日付の間）の実施状況を表示します。\n\
             *区分*\n{}\n\
             セクハラ、脅し、長電話、居座りなどの言い方や、英語の区分名（violence など）でも\
             指定できます。\n\
             *例*\n\
             `/escalate cust-42 暴言 電話で1時間にわたり担当者を罵倒した`",
            words.join("、")
        )
    }

    fn unknown_category(&self, given: Untrusted<'_>) -> String {
        format!(
            "「{given}」という区分はないため、何も記録していません。\n\n{}",
            self.usage()
        )
    }

    fn missing_customer(&self) -> String {
        format!(
            "どのお客様の件かが分からないため、まだ何も記録していません。\n\n{}",
            self.usage()
        )
    }

    fn missing_category(&self) -> String {
        format!(
            "カスハラの区分が分からないため、まだ何も記録していません。\n\n{}",
            self.usage()
        )
    }

    fn invalid_customer(&self, given: Untrusted<'_>) -> String {
        format!(
            "「{given}」は顧客IDとして使えないため、何も記録していません。アカウントIDなど、\
             空白を含まない64文字以内の文字列を入力してください。"
        )
    }

    fn summary_too_long(&self, max_chars: usize) -> String {
        format!(
            "内容が{}文字を超えているため、何も記録していません。短くするか、フォームから\
             入力してください。フォームは `/escalate` だけを送ると開きます。",
            group_thousands(max_chars as u64)
        )
    }

    fn form_unavailable(&self) -> String {
        format!(
            "フォームを開けませんでした。代わりに1行で起票できます。\n\n{}",
            self.usage()
        )
    }

    fn internal_error(&self, reference: &str) -> String {
        format!(
            "システムで問題が発生したため、記録されていない可能性があります。もう一度お試し\
             ください。繰り返し失敗する場合は、参照番号 `{reference}` を添えてマネージャーに\
             お知らせください。"
        )
    }

    fn staff_unverified(&self) -> String {
        "Slack アカウントを確認できなかったため、何も記録していません。少し時間をおいて、\
         もう一度お試しください。"
            .into()
    }

    fn records_refused(&self) -> String {
        "顧客の履歴と集計を見られるのは、責任者、マネージャー、承認者、サポートリーダーとして\
         登録された方だけです。必要な場合は、いずれかの方にご依頼ください。"
            .into()
    }

    fn history_header(&self, record: &CustomerRecord, currency: &str, zone: &TimeZone) -> String {
        let mut out = format!("*顧客 `{}` の履歴*\n", Untrusted::from(&record.id));
        match &record.cut_off {
            Some(cut) => {
                let _ = writeln!(
                    out,
                    "契約解除済みです（{}、{}）。",
                    self.when(cut.at, zone),
                    cut.case
                );
            }
            None => out.push_str("契約解除はしていません。\n"),
        }
        if let Some(until) = record.suspended_until {
            let _ = writeln!(out, "{}まで利用停止です。", day(until, true));
        }
        for kept in &record.kept_off {
            let _ = writeln!(
                out,
                "{}はこの顧客の担当から外れています（{} から）。",
                san(&kept.user),
                kept.case
            );
        }
        let _ = write!(
            out,
            "注意 {}件、書面警告 {}件、返金 {}件（合計 {}）",
            record.cautions,
            record.warnings,
            record.refunds,
            self.money(Money {
                amount: record.refund_total,
                currency
            })
        );
        out
    }

    fn history_case(&self, line: &CaseLine, private: bool, zone: &TimeZone) -> String {
        let outcome = match line.outcome {
            Some(measures) => measures
                .iter()
                .map(|m| self.measure_name(m))
                .collect::<Vec<_>>()
                .join("、"),
            None => "対応中".into(),
        };
        let category = if private {
            self.private_categories()
        } else {
            self.category_name(line.category)
        };
        format!(
            "• {}（{} 起票）：{category}、{outcome}",
            line.id,
            self.when(line.opened_at, zone)
        )
    }

    fn history_page(
        &self,
        customer: Untrusted<'_>,
        from: usize,
        to: usize,
        total: usize,
        next: Option<usize>,
    ) -> String {
        let shown = format!("全{total}件のうち、新しい順に{from}〜{to}件目を表示しています。");
        match next {
            Some(page) => format!(
                "{shown}それより前の案件は `/escalate history {customer} {page}` で表示できます。"
            ),
            None => shown,
        }
    }

    fn history_private_note(&self) -> &'static str {
        "要配慮区分の内容は、エスカレーションチャンネルでのみ表示します。"
    }

    fn no_history(&self, customer: Untrusted<'_>) -> String {
        format!("顧客 `{customer}` の案件はありません。")
    }

    fn tallies(&self, t: &Tallies, customer_count: Option<u64>, currency: &str) -> String {
        let cut_off = match customer_count {
            Some(total) => format!("{}社中 {}社", group_thousands(total), t.customers_cut_off),
            None => format!("{}社", t.customers_cut_off),
        };
        format!(
            "*エスカレーション集計*\n\
             案件：{}件（対応中 {}件）\n\
             注意：{}件\n\
             書面警告：{}件\n\
             窓口・手段の限定：{}件\n\
             利用停止：{}件\n\
             返金：{}件（合計 {}）\n\
             契約解除：{}件\n\
             先方への申し入れ：{}件\n\
             警察相談・被害届：{}件\n\
             弁護士相談：{}件\n\
             措置なし（カスハラ非該当）：{}件\n\
             契約解除した顧客：{cut_off}",
            t.cases_total,
            t.cases_open,
            t.cautions,
            t.warnings,
            t.contact_restrictions,
            t.suspensions,
            t.refunds,
            self.money(Money {
                amount: t.refund_total,
                currency
            }),
            t.terminations,
            t.formal_requests,
            t.police,
            t.lawyer,
            t.no_action,
        )
    }

    fn form_title(&self) -> &'static str {
        "カスハラのエスカレーション"
    }
    fn form_submit(&self) -> &'static str {
        "送信"
    }
    fn form_cancel(&self) -> &'static str {
        "キャンセル"
    }
    fn form_customer(&self) -> &'static str {
        "顧客ID"
    }
    fn form_customer_hint(&self) -> &'static str {
        "社内システムのアカウントIDなど、空白を含まない文字列を入力してください。"
    }
    fn form_category(&self) -> &'static str {
        "カスハラの区分"
    }
    fn form_severity(&self) -> &'static str {
        "深刻度"
    }
    fn form_severity_hint(&self) -> &'static str {
        "空欄の場合は、区分ごとの標準の深刻度になります。"
    }
    fn form_summary(&self) -> &'static str {
        "どのようなことがありましたか？"
    }
    fn form_promise_failed(&self) -> &'static str {
        "当社側に不備はありましたか？"
    }
    fn form_done_title(&self) -> &'static str {
        "受け付けました"
    }
    fn form_close(&self) -> &'static str {
        "閉じる"
    }

    fn card_title(&self, id: CaseId, category: Category) -> String {
        format!("{id}：{}", self.category_name(category))
    }
    fn card_customer(&self) -> &'static str {
        "顧客"
    }
    fn card_category(&self) -> &'static str {
        "区分"
    }
    fn card_severity(&self) -> &'static str {
        "深刻度"
    }
    fn card_reporter(&self) -> &'static str {
        "報告者"
    }
    fn card_opened(&self) -> &'static str {
        "起票日時"
    }
    fn card_promise_failed(&self) -> &'static str {
        "当社側の不備"
    }
    fn card_summary(&self) -> &'static str {
        "内容"
    }
    fn card_no_summary(&self) -> &'static str {
        "内容の記載がありません。報告者に確認してください。"
    }
    fn card_history(&self) -> &'static str {
        "このお客様の履歴"
    }

    fn history_line(&self, h: &History) -> String {
        if h.prior_cases == 0 && !h.cut_off {
            return "過去の案件はありません。".into();
        }
        let mut out = format!(
            "過去の案件 {}件（直近12か月で{}件）、書面警告 {}件。",
            h.prior_cases, h.prior_cases_last_12_months, h.warnings
        );
        if h.cut_off {
            out.push_str("すでに契約解除済みです。");
        }
        out
    }

    fn card_recommendation(&self) -> &'static str {
        "方針による推奨"
    }
    fn recommendation_note(&self) -> &'static str {
        "言動の履歴だけに基づく推奨で、どのお客様にも同じ基準を適用します。最終判断は責任者が\
         行います。"
    }
    fn card_customer_unknown(&self, reporter: &UserId) -> String {
        format!("未特定（{}に確認中）", san(reporter))
    }
    fn card_evidence(&self) -> &'static str {
        "対象のメッセージ"
    }
    fn evidence_link(&self) -> &'static str {
        "メッセージを開く"
    }
    fn identify_button(&self) -> &'static str {
        "顧客を指定"
    }
    fn ask_customer(&self, id: CaseId) -> String {
        format!(
            "ご報告ありがとうございます。{id} として受け付けました。この件は責任者が\
             引き継ぎます。このメッセージを送ったお客様を指定してください。過去の履歴に\
             照らして判断するために使います。"
        )
    }
    fn identify_title(&self) -> &'static str {
        "顧客を指定"
    }
    fn identify_intro(&self, id: CaseId) -> String {
        format!("{id} はどのお客様の件ですか？")
    }
    fn note_customer_identified(&self, customer: Untrusted<'_>, by: &UserId) -> String {
        format!("{}が顧客を `{customer}` に指定しました。", san(by))
    }
    fn form_quote(&self) -> &'static str {
        "対象のメッセージ"
    }
    fn already_escalated(&self, id: CaseId) -> String {
        format!("このメッセージは {id} としてエスカレーション済みです。責任者が対応しています。")
    }
    fn suggestion(&self, category: Category) -> String {
        format!(
            ":eyes: このメッセージはカスハラ（{}）に当たる可能性があります。該当する場合は\
             エスカレーションしてください。以降は責任者が引き継ぎます。",
            self.category_name(category)
        )
    }
    fn suggestion_button(&self) -> &'static str {
        "エスカレーションする"
    }
    fn suggestion_private_note(&self) -> &'static str {
        "あなただけに表示されています"
    }
    fn suggestion_by_dm(&self, channel: &ChannelId, permalink: Option<Untrusted<'_>>) -> String {
        let message = match permalink {
            Some(link) => link.link("メッセージ"),
            None => "メッセージ".to_owned(),
        };
        format!(
            "<#{channel}> の{message}についてのお知らせです。このチャンネルに参加されていない\
             ため、ダイレクトメッセージでお送りしています。"
        )
    }
    fn suggestion_repeated_within(&self, count: u32, window: jiff::SignedDuration) -> String {
        format!(
            ":eyes: このお客様からの連絡は、{}で{count}件になります（チャンネルを問わず、\
             メッセージ、ヘルプデスクの問い合わせ、エスカレーションを含みます）。執拗な連絡に\
             当たる場合はエスカレーションしてください。以降は責任者が引き継ぎます。",
            self.duration(window)
        )
    }
    fn ask_classification(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "メッセージの文面から、{id} を区分「{}」、深刻度「{}」として登録しました。\
             この内容でよいか確認し、違う場合は変更してください。身の危険がある場合は\
             「緊急事態です」を押してください。呼び出し先の全員にすぐ連絡します。",
            self.category_name(category),
            self.severity_name(severity)
        )
    }
    fn confirm_guess_button(&self) -> &'static str {
        "この内容で確定"
    }
    fn change_classification_button(&self) -> &'static str {
        "変更する"
    }
    fn emergency_button(&self) -> &'static str {
        "緊急事態です"
    }
    fn classify_title(&self) -> &'static str {
        "区分と深刻度"
    }
    fn classify_intro(&self, id: CaseId) -> String {
        format!("{id} の区分と深刻度を選んでください。")
    }
    fn classify_submit(&self) -> &'static str {
        "保存"
    }
    fn classified(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "ありがとうございます。{id} を区分「{}」、深刻度「{}」で登録しました。",
            self.category_name(category),
            self.severity_name(severity)
        )
    }
    fn emergency_recorded(&self, id: CaseId) -> String {
        format!(
            "{id} の深刻度を「{}」にしました。呼び出し先の全員にすぐ連絡しています。身の安全を\
             最優先してください。やり取りを終え、危険がある場合は警察（110番）に通報して\
             ください。",
            self.severity_name(Severity::Critical)
        )
    }
    fn card_unconfirmed(&self) -> &'static str {
        ":grey_question: 区分と深刻度は、メッセージの文面から推定したものです。報告者に確認を\
         依頼しています。"
    }
    fn note_classified(
        &self,
        by: &UserId,
        category: Category,
        severity: Severity,
        from: Option<(Category, Severity)>,
    ) -> String {
        match from {
            None => format!(
                "{}が区分と深刻度を確認しました。区分「{}」、深刻度「{}」です。",
                san(by),
                self.category_name(category),
                self.severity_name(severity)
            ),
            Some((was_category, was_severity)) => format!(
                "{}が区分と深刻度を変更しました。変更後は区分「{}」、深刻度「{}」、変更前は\
                 区分「{}」、深刻度「{}」です。",
                san(by),
                self.category_name(category),
                self.severity_name(severity),
                self.category_name(was_category),
                self.severity_name(was_severity)
            ),
        }
    }
    fn card_private(&self) -> &'static str {
        ":lock: 要配慮区分のため、詳細はこのチャンネルにだけ表示します。"
    }
    fn card_reporter_may_decide(&self) -> &'static str {
        ":information_source: 設定 `policy.reporter_may_decide` が有効なため、この案件の報告者も\
         担当して判断できます。"
    }

    fn status_open(&self, paging: Option<&UserId>) -> String {
        match paging {
            Some(user) => format!(
                ":rotating_light: *未対応* 担当者が決まるのを待っています。{}を呼び出しました。",
                san(user)
            ),
            None => ":rotating_light: *未対応* 担当者が決まるのを待っています。".into(),
        }
    }

    fn status_taken(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String {
        format!(
            ":raising_hand: {}が担当になりました（{}）。",
            san(by),
            self.when(at, zone)
        )
    }

    fn status_proposed(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            ":hourglass_flowing_sand: *承認待ち* {}が{}を提案しました。提案者以外の\
             承認者がスレッドで承認または却下します。",
            san(by),
            self.quoted(outcome, currency)
        )
    }

    fn status_closed(&self, d: &Decision, currency: &str, zone: &TimeZone) -> String {
        let who = match &d.approved {
            Some(a) => format!(
                "{}が決定し、{}が承認しました",
                san(&d.decided.by),
                san(&a.by)
            ),
            None => format!("{}が決定しました", san(&d.decided.by)),
        };
        format!(
            ":white_check_mark: *完了* 判断は{}です。{who}（{}、適用方針 {}）。",
            self.quoted(d.outcome, currency),
            self.when(d.final_stamp().at, zone),
            Untrusted::new(&d.policy_version)
        )
    }

    fn take_button(&self) -> &'static str {
        "この案件を担当する"
    }
    fn decide_confirm_title(&self) -> &'static str {
        "この判断を記録しますか？"
    }
    fn decide_confirm_text(&self, kind: Measure, id: CaseId) -> String {
        match kind {
            Measure::Termination => format!(
                "{id} のお客様との契約解除を提案します。提案者以外の承認者がスレッドで\
                 承認すると確定します。"
            ),
            _ => format!(
                "{id} を「{}」として記録し、完了します。",
                self.measure_name(kind)
            ),
        }
    }
    fn several_button(&self) -> &'static str {
        "複数・その他の措置…"
    }
    fn confirm_yes(&self) -> &'static str {
        "はい"
    }
    fn confirm_no(&self) -> &'static str {
        "キャンセル"
    }

    fn page(
        &self,
        id: CaseId,
        category: Category,
        customer: Option<Untrusted<'_>>,
        private: bool,
    ) -> String {
        let what = if private {
            "要配慮区分"
        } else {
            self.category_name(category)
        };
        match (customer, private) {
            // A private case's page names neither the customer nor what happened.
            (_, true) => format!(
                ":rotating_light: {id}（{what}）のご対応をお願いします。詳細はエスカレーション\
                 チャンネルでご確認ください。"
            ),
            (Some(customer), false) => {
                format!(":rotating_light: {id}（顧客 {customer}／{what}）のご対応をお願いします。")
            }
            (None, false) => {
                format!(":rotating_light: {id}（顧客は未特定／{what}）のご対応をお願いします。")
            }
        }
    }
    fn page_link(&self) -> &'static str {
        "案件のスレッドを開く"
    }

    fn note_paged(&self, to: &[UserId]) -> String {
        format!("{}を呼び出しました。", sans(to))
    }
    fn note_reminder(&self, id: CaseId, to: &[UserId], approval: bool) -> String {
        if approval {
            format!(
                ":bell: {}、{id} の提案が承認待ちです。ご確認をお願いします。",
                sans(to)
            )
        } else {
            format!(":bell: {}、{id} の判断が未了です。", sans(to))
        }
    }
    fn note_nobody_may_act(&self, id: CaseId, approval: bool) -> String {
        if approval {
            format!(
                ":warning: 設定上、{id} の提案を承認できる人がいないため、リマインドを停止しました。\
                 設定の people.approvers に承認者を登録してください。次回の起動時にリマインドを\
                 再開します。"
            )
        } else {
            format!(
                ":warning: 設定上、{id} を判断できる人がいないため、リマインドを停止しました。\
                 担当者を設定の people.executives に戻すか、people.managers に判断できる方を\
                 登録してください。次回の起動時にリマインドを再開します。"
            )
        }
    }
    fn here_alert(&self, id: CaseId, round: u32, of: u32) -> String {
        let base = format!(
            "<!here> :rotating_light: {id} の担当者がまだ決まっていません。呼び出し先の全員に\
             連絡済みです。責任者またはマネージャーの方は、担当をお願いします。"
        );
        if round >= of {
            format!(
                "{base}（{of}回中{round}回目の通知です。呼び出しはこれで終了しますが、担当者が\
                 決まるまで案件は未対応のままです。）"
            )
        } else {
            format!("{base}（{of}回中{round}回目の通知です。）")
        }
    }
    fn note_taken(&self, by: &UserId) -> String {
        format!("{}が担当になりました。呼び出しを停止します。", san(by))
    }
    fn note_proposal(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "{}が{}を提案しました。提案者以外の承認者が承認すると確定します。",
            san(by),
            self.quoted(outcome, currency)
        )
    }
    fn note_rejected(&self, by: &UserId, outcome: Outcome, currency: &str) -> String {
        format!(
            "{}が{}の提案を却下しました。案件は担当者に差し戻しました。",
            san(by),
            self.quoted(outcome, currency)
        )
    }
    fn note_closed(&self, d: &Decision, currency: &str, zone: &TimeZone) -> String {
        self.status_closed(d, currency, zone)
    }
    fn warning_draft_intro(&self, id: CaseId, to: &UserId) -> String {
        format!(
            "{}、{id} の書面警告の文案です。内容を確認し、必要に応じて修正のうえ、お客様へ\
             送付してください。ボットからお客様に送ることはありません。",
            san(to)
        )
    }
    fn warning_draft(
        &self,
        customer: Untrusted<'_>,
        day_of_case: Date,
        category: Category,
        clause: Option<Untrusted<'_>>,
        company: Option<Untrusted<'_>>,
    ) -> String {
        let clause = match clause {
            Some(clause) => clause.to_string(),
            None => "当社利用規約に定める禁止事項".into(),
        };
        let company = match company {
            Some(company) => company.to_string(),
            None => "〔会社名〕".into(),
        };
        format!(
            "件名：当社従業員への言動に関するご通知（警告）\n\n\
             {customer} 様\n\n\
             {}、当社従業員に対し、社会通念上許容される範囲を超える言動（{}）がありました。\
             このような言動は、{clause}に該当します。\n\
             今後同様の言動があった場合には、サービスのご利用停止または契約の解除を含む措置を\
             とることがあります。\n\
             本件についてのご連絡は、本書の差出人までお願いいたします。\n\n\
             {company}",
            day(day_of_case, true),
            self.category_name(category),
        )
    }
    fn approve_button(&self) -> &'static str {
        "承認"
    }
    fn reject_button(&self) -> &'static str {
        "却下"
    }
    fn proposal_approved(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "{}の提案を、{}が承認しました。",
            self.quoted(outcome, currency),
            san(by)
        )
    }
    fn proposal_rejected(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "{}の提案を、{}が却下しました。",
            self.quoted(outcome, currency),
            san(by)
        )
    }

    fn reporter_closed(&self, id: CaseId, outcome: Outcome, currency: &str) -> String {
        format!(
            "ご報告いただいた {id} は、責任者の判断により{}で完了しました。ご報告ありがとう\
             ございました。報告は、ご自身と同僚を守ることにつながります。報告したことで\
             不利益な扱いを受けることはありません。",
            self.quoted(outcome, currency)
        )
    }

    fn refusal(&self, refusal: &Refusal, id: CaseId, currency: &str) -> String {
        match refusal {
            Refusal::NotExecutiveOrManager => format!(
                "{id} を担当できるのは、責任者またはマネージャーとして登録された方だけです。\
                 変更はありません。"
            ),
            Refusal::AlreadyTakenBy(owner) => format!(
                "{id} はすでに{}が担当しています。変更はありません。",
                san(owner)
            ),
            Refusal::AlreadyYours => {
                format!("{id} はすでにご自身の担当です。変更はありません。")
            }
            Refusal::NotTakenYet => {
                format!(
                    "{id} の担当者がまだ決まっていません。先に担当してから判断してください。\
                     変更はありません。"
                )
            }
            Refusal::NotOwnerOrManager { owner } => format!(
                "{id} を判断できるのは、担当者の{}かマネージャーだけです。変更はありません。",
                san(owner)
            ),
            Refusal::ProposalPending => {
                format!("{id} の判断は、すでにスレッドで承認待ちです。変更はありません。")
            }
            Refusal::NothingToApprove => {
                format!("{id} に承認待ちの提案はありません。変更はありません。")
            }
            Refusal::ProposalReplaced => format!(
                "{id} のこの提案は却下され、新しい提案が承認待ちです。スレッドの最新の提案の\
                 ボタンを使ってください。変更はありません。"
            ),
            Refusal::ApproversOnly => format!(
                "{id} の提案を承認または却下できるのは、承認者として登録された方だけです。\
                 変更はありません。"
            ),
            Refusal::OwnProposal => format!(
                "{id} の判断はご自身の提案のため、ほかの承認者による承認または却下が必要です。\
                 変更はありません。"
            ),
            Refusal::OwnReport => format!(
                "{id} はご自身が報告した案件のため、担当、判断、承認はできません（職務の分離）。\
                 ほかの責任者が対応します。変更はありません。"
            ),
            Refusal::NoLongerEntitled => format!(
                "{id} を担当していますが、現在は責任者またはマネージャーとして登録されていない\
                 ため、判断できません。マネージャーが判断できます。変更はありません。"
            ),
            Refusal::AlreadyKeptOff => {
                format!("{id} の報告者は、すでにこの顧客の担当から外れています。変更はありません。")
            }
            Refusal::NotTheReporter => {
                format!("{id} のこの質問に回答できるのは報告者だけです。変更はありません。")
            }
            Refusal::NotInvolvedToAddFacts => format!(
                "{id} に事実を追記できるのは、報告者、担当者、マネージャー、相談窓口の方だけです。\
                 変更はありません。"
            ),
            Refusal::CheckInNotAsked => {
                format!("{id} について、まだ声かけをしていません。変更はありません。")
            }
            Refusal::CheckInAnswered => format!(
                "{id} については、すでに回答をいただいています。相談窓口には、いつでも \
                 `/escalate consult` で相談できます。変更はありません。"
            ),
            Refusal::CheckInOver => format!(
                "{id} についての声かけは終了しています。相談窓口には、いつでも `/escalate consult` で\
                 相談できます。変更はありません。"
            ),
            Refusal::NoDesk => format!(
                "{id} について相談できる相談窓口が設定されていません。誰に相談すればよいか、\
                 マネージャーに確認してください。変更はありません。"
            ),
            Refusal::NothingToAdd => {
                "追記する事実を一つ以上入力してください。変更はありません。".into()
            }
            Refusal::NotInvolvedToRecordPrevention => format!(
                "{id} の再発防止策を記録できるのは、担当者、マネージャー、相談窓口の方だけです。\
                 変更はありません。"
            ),
            Refusal::NotDecidedYet => format!(
                "{id} はまだ判断されていません。再発防止策は判断の際に記入するか、判断の後に\
                 記録してください。変更はありません。"
            ),
            Refusal::PreventionEmpty => {
                "再発防止策が空欄です。同じことが起きないように変えることを記入してください。\
                 変更はありません。"
                    .into()
            }
            Refusal::Archived => format!(
                "{id} は完了から1週間以上たって保管済みのため、記録を変更できません。\
                 変更はありません。"
            ),
            Refusal::ChecksMissing => format!(
                "{id} の利用停止と契約解除は、事前確認に回答してから提案します。カードのボタンから\
                 操作してください。変更はありません。"
            ),
            Refusal::LegalReviewPending => format!(
                "{id} は法務確認の回答待ちです。提案メッセージのボタンで回答があるまで承認できません。\
                 変更はありません。"
            ),
            Refusal::NoLegalReviewPending => {
                format!("{id} に回答待ちの法務確認はありません。変更はありません。")
            }
            Refusal::NotInvolvedToAnswer => format!(
                "{id} の法務確認に回答できるのは、担当者、提案者、マネージャー、承認者だけです。変更はありません。"
            ),
            Refusal::Incomplete(problem) => {
                format!("{}変更はありません。", self.outcome_problem(*problem))
            }
            Refusal::CustomerUnknown => format!(
                "先に {id} の顧客を指定してください。措置なし以外の措置は顧客に対して行うもの\
                 です。変更はありません。"
            ),
            Refusal::CustomerAlreadyKnown(customer) => format!(
                "{id} の顧客は、すでに `{}` に指定されています。変更はありません。",
                Untrusted::from(customer)
            ),
            Refusal::NotInvolved => format!(
                "{id} の顧客を指定できるのは、報告者と、責任者またはマネージャーとして登録された\
                 方だけです。変更はありません。"
            ),
            Refusal::NotInvolvedToClassify => format!(
                "{id} の区分を設定できるのは、報告者と、責任者またはマネージャーとして登録された\
                 方だけです。変更はありません。"
            ),
            Refusal::ClassificationUnchanged { category, severity } => format!(
                "{id} はすでに区分「{}」、深刻度「{}」で登録されています。変更はありません。",
                self.category_name(*category),
                self.severity_name(*severity)
            ),
            Refusal::Closed { outcome } => format!(
                "{id} はすでに{}で完了しています。変更はありません。",
                self.quoted(*outcome, currency)
            ),
        }
    }

    fn no_such_case(&self, id: Untrusted<'_>) -> String {
        format!("案件 {id} は見つかりません。変更はありません。")
    }

    fn outcome_title(&self) -> &'static str {
        "判断の記録"
    }
    fn outcome_measures(&self) -> &'static str {
        "措置"
    }
    fn outcome_measures_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "複数選択できます。利用停止、契約解除、{}を超える返金には、承認者による承認が必要\
             です。「措置なし（カスハラ非該当）」は他の措置と併せて選べません。",
            self.money(approval_over)
        )
    }
    fn outcome_until(&self) -> &'static str {
        "利用停止の終了日（利用停止の場合）"
    }
    fn outcome_contact(&self) -> &'static str {
        "限定の内容（窓口・手段の限定の場合）"
    }
    fn outcome_problem(&self, problem: Problem) -> String {
        match problem {
            Problem::Empty => "措置を一つ以上選んでください。".into(),
            Problem::NoActionCombined => {
                "「措置なし（カスハラ非該当）」は他の措置と併せて選べません。".into()
            }
            Problem::AmountMissing => "返金には0より大きい金額を入力してください。".into(),
            Problem::DateMissing => "利用停止には終了日を選んでください。".into(),
        }
    }
    fn until_invalid(&self) -> String {
        "明日以降の日付を選んでください。".into()
    }
    fn refund_amount(&self, currency: &str) -> String {
        match currency {
            "JPY" => "金額（円）".into(),
            other => format!("金額（{other}）"),
        }
    }
    fn refund_amount_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "返金の場合に、整数で入力してください。{}を超える返金には、承認者による承認が\
             必要です。",
            self.money(approval_over)
        )
    }
    fn outcome_submit(&self) -> &'static str {
        "記録する"
    }
    fn outcome_intro(&self, id: CaseId) -> String {
        format!("{id} のお客様への措置を、該当するものすべて選んでください。")
    }
    fn amount_invalid(&self) -> String {
        "0より大きい整数を、数字だけで入力してください。".into()
    }

    fn care_at_submission(
        &self,
        policy_url: Option<Untrusted<'_>>,
        support_url: Option<Untrusted<'_>>,
    ) -> String {
        let mut out = "報告したことで不利益な扱いを受けることはありません。".to_owned();
        if let Some(url) = policy_url {
            out.push_str(&format!(
                "カスタマーハラスメントに対する当社の方針は{}にあります。",
                url.link("こちら")
            ));
        }
        if let Some(url) = support_url {
            out.push_str(&format!(
                "誰かに相談したいときは、EAP、産業医、相談窓口をご利用ください：{}。",
                url.link("相談先")
            ));
        }
        out
    }
    fn keep_off_button(&self) -> &'static str {
        "報告者をこの顧客の担当から外す"
    }
    fn card_kept_off(&self, reporter: &UserId) -> String {
        format!(
            "{}はこの顧客の担当から外れています（担当替え）。今後は別の方が対応します。",
            san(reporter)
        )
    }
    fn note_kept_off(&self, by: &UserId, reporter: &UserId) -> String {
        format!(
            "{}が{}をこの顧客の担当から外しました（担当替え）。顧客の履歴にも表示されます。",
            san(by),
            san(reporter)
        )
    }
    fn urgent_page(&self, id: CaseId, reporter: &UserId) -> String {
        format!(
            ":rotating_light: {id}：{}から、今すぐ誰かに来てほしいと連絡がありました。すぐに\
             駆けつけるか、連絡してください。",
            san(reporter)
        )
    }
    fn safety_question(&self) -> &'static str {
        "今、安全な場所にいますか。近くに誰かいますか。"
    }
    fn safe_button(&self) -> &'static str {
        "安全です"
    }
    fn need_someone_button(&self) -> &'static str {
        "今すぐ誰かに来てほしい"
    }
    fn safety_recorded(&self, id: CaseId, safe: bool) -> String {
        if safe {
            format!("ありがとうございます。{id} は責任者が担当します。無理をせず休んでください。")
        } else {
            format!(
                "{id} について、今すぐ責任者に連絡しています。危険を感じたら、その場を離れて\
                 110番に通報してください。"
            )
        }
    }
    fn note_safety(&self, by: &UserId, safe: bool) -> String {
        if safe {
            format!("{}は安全とのことです。", san(by))
        } else {
            format!(
                ":rotating_light: {}から、今すぐ誰かに来てほしいと連絡がありました。対応できる方全員を\
                 呼び出しました。",
                san(by)
            )
        }
    }

    fn medium_name(&self, medium: Medium) -> &'static str {
        match medium {
            Medium::Phone => "電話",
            Medium::Email => "メール",
            Medium::Chat => "チャット",
            Medium::InPerson => "対面",
            Medium::Sns => "SNS",
            Medium::Other => "その他",
        }
    }
    fn form_when(&self) -> &'static str {
        "いつ起きましたか"
    }
    fn form_when_hint(&self) -> &'static str {
        "空欄の場合は現在の日時になります。以下はすべて任意で、後から追記できます。"
    }
    fn form_medium(&self) -> &'static str {
        "手段"
    }
    fn form_minutes(&self) -> &'static str {
        "時間（分）"
    }
    fn form_words(&self) -> &'static str {
        "相手の発言（そのままの言葉）"
    }
    fn form_wants(&self) -> &'static str {
        "会社に求める対応"
    }
    fn form_present(&self) -> &'static str {
        "その場にいた人"
    }
    fn form_evidence(&self) -> &'static str {
        "証拠のリンク"
    }
    fn form_evidence_hint(&self) -> &'static str {
        "1行に1つ。メッセージのリンク（リンクをコピー）や、Slackで共有したファイルのリンクです。"
    }
    fn form_facts_note(&self) -> &'static str {
        "その後の出来事や変わったこと"
    }
    fn minutes_invalid(&self) -> String {
        "分数を整数で入力してください（最長1週間）。".into()
    }
    fn facts_lines(&self, f: &Facts, zone: &TimeZone) -> String {
        let mut lines: Vec<String> = Vec::new();
        if let Some(at) = f.occurred_at {
            lines.push(format!("*日時* {}", self.when(at, zone)));
        }
        match (f.medium, f.minutes) {
            (Some(m), Some(n)) => lines.push(format!("*手段* {}、{n}分", self.medium_name(m))),
            (Some(m), None) => lines.push(format!("*手段* {}", self.medium_name(m))),
            (None, Some(n)) => lines.push(format!("*時間* {n}分")),
            (None, None) => {}
        }
        if let Some(words) = &f.words {
            let quoted: Vec<String> = words
                .lines()
                .map(|l| format!("> {}", Untrusted::new(l)))
                .collect();
            lines.push(format!("*相手の発言*\n{}", quoted.join("\n")));
        }
        if let Some(wants) = &f.wants {
            lines.push(format!("*会社に求める対応* {}", Untrusted::new(wants)));
        }
        if let Some(present) = &f.present {
            lines.push(format!("*その場にいた人* {}", Untrusted::new(present)));
        }
        if !f.evidence.is_empty() {
            let links: Vec<String> = f
                .evidence
                .iter()
                .enumerate()
                .map(|(n, l)| Untrusted::new(l).link(&format!("リンク{}", n + 1)))
                .collect();
            lines.push(format!("*証拠* {}", links.join("、")));
        }
        if let Some(note) = &f.note {
            lines.push(format!("*追記* {}", Untrusted::new(note)));
        }
        lines.join("\n")
    }
    fn card_facts(&self) -> &'static str {
        "記録"
    }
    fn card_addition(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String {
        format!("{}が{}に追記：", san(by), self.when(at, zone))
    }
    fn add_facts_button(&self) -> &'static str {
        "事実を追記"
    }
    fn add_facts_title(&self) -> &'static str {
        "事実の追記"
    }
    fn add_facts_intro(&self, id: CaseId) -> String {
        format!(
            "{id} に追記します。追記した内容は、お名前と日時とともに、これまでの記録と並べて\
             残ります。分かる範囲で入力してください。"
        )
    }
    fn note_facts_added(&self, by: &UserId, facts: &str) -> String {
        format!("{}が事実を追記しました。\n{facts}", san(by))
    }
    fn correct_classification_button(&self) -> &'static str {
        "区分・深刻度を訂正"
    }

    fn checks_title(&self) -> &'static str {
        "利用停止・契約解除の事前確認"
    }
    fn checks_intro(&self, id: CaseId, outcome: Outcome, currency: &str) -> String {
        format!(
            "{id} で{}を提案する前に、次の点を確認してください。回答は承認者に表示され、\
             判断の記録に残ります。",
            self.quoted(outcome, currency)
        )
    }
    fn check_complaint(&self) -> &'static str {
        "背景に正当な苦情はありますか。ある場合、回答済みですか"
    }
    fn check_accommodation(&self) -> &'static str {
        "合理的配慮（障害者差別解消法）を検討しましたか"
    }
    fn check_duty_to_serve(&self) -> &'static str {
        "サービス提供を続ける義務（ライフライン、規制業種など）はありますか"
    }
    fn check_clause(&self) -> &'static str {
        "根拠とする利用規約の条項"
    }
    fn check_legal(&self) -> &'static str {
        "法務確認"
    }
    fn complaint_name(&self, answer: Complaint) -> &'static str {
        match answer {
            Complaint::None => "正当な苦情はない",
            Complaint::Answered => "あり、回答済み",
            Complaint::Unanswered => "あり、未回答",
        }
    }
    fn accommodation_name(&self, answer: Accommodation) -> &'static str {
        match answer {
            Accommodation::Considered => "検討した",
            Accommodation::NotRelevant => "該当しない（障害をうかがわせる事情はない）",
            Accommodation::NotConsidered => "検討していない",
        }
    }
    fn duty_to_serve_name(&self, answer: DutyToServe) -> &'static str {
        match answer {
            DutyToServe::No => "ない",
            DutyToServe::Yes => "ある",
            DutyToServe::Unsure => "不明",
        }
    }
    fn legal_name(&self, answer: LegalReview) -> &'static str {
        match answer {
            LegalReview::Reviewed => "確認済み",
            LegalReview::NotNeeded => "不要",
            LegalReview::Pending => "確認中（回答があるまで承認できません）",
        }
    }
    fn default_terms_clause(&self) -> &'static str {
        "利用規約の禁止事項"
    }
    fn checks_summary(&self, c: &Checks) -> String {
        let mark = |concern: bool| if concern { " :warning:" } else { "" };
        format!(
            "*事前確認*\n\
             正当な苦情：{}{}\n\
             合理的配慮：{}{}\n\
             提供を続ける義務：{}{}\n\
             根拠条項：{}\n\
             法務確認：{}{}",
            self.complaint_name(c.complaint),
            mark(c.complaint == Complaint::Unanswered),
            self.accommodation_name(c.accommodation),
            mark(c.accommodation == Accommodation::NotConsidered),
            self.duty_to_serve_name(c.duty_to_serve),
            mark(c.duty_to_serve != DutyToServe::No),
            Untrusted::new(&c.clause),
            self.legal_name(c.legal),
            mark(c.legal == LegalReview::Pending),
        )
    }
    fn legal_button(&self, answer: LegalReview) -> &'static str {
        match answer {
            LegalReview::Reviewed => "法務確認済み",
            LegalReview::NotNeeded => "法務確認は不要",
            LegalReview::Pending => "法務確認中",
        }
    }
    fn note_legal_answered(&self, by: &UserId, answer: LegalReview) -> String {
        format!(
            "{}が法務確認に回答しました：{}。",
            san(by),
            self.legal_name(answer)
        )
    }

    fn weekly_report(&self, r: &WeekSummary, currency: &str) -> String {
        let s = &r.stats;
        let monday = r.week.monday();
        let sunday = monday.saturating_add(6.days());
        let zone = if r.zone == "Asia/Tokyo" {
            "日本時間".to_owned()
        } else {
            format!("タイムゾーン {}", Untrusted::new(&r.zone))
        };
        let mut out = format!(
            "*週次エスカレーション報告*\n集計期間：{}、{zone}\n",
            span(monday, sunday)
        );
        let _ = write!(out, "*新規案件* {}件", s.opened);
        if let Some((direction, mean)) = trend(s.opened, &r.trend) {
            let list: Vec<String> = r.trend.iter().map(|n| format!("{n}件")).collect();
            let word = match direction {
                Trend::Up => "から増加",
                Trend::Down => "から減少",
                Trend::Level => "と同じ",
            };
            let _ = write!(
                out,
                "（前{weeks}週の平均 {}件{word}。前{weeks}週は古い順に {}）",
                one_decimal(mean),
                list.join("、"),
                weeks = r.trend.len(),
            );
        }
        out.push('\n');
        let (public, private) = s.categories_for_report();
        let mut parts: Vec<String> = public
            .iter()
            .map(|(c, n)| format!("{} {n}件", self.category_name(*c)))
            .collect();
        if private > 0 {
            parts.push(format!(
                "{} {private}件（内訳は非表示）",
                self.private_categories()
            ));
        }
        if parts.is_empty() {
            parts.push("なし".into());
        }
        let _ = writeln!(out, "*区分別* {}", parts.join("、"));
        let mut parts: Vec<String> = Vec::new();
        for measure in Measure::ALL {
            let n = s.decided(measure);
            // 段階的な措置、返金、措置なしは常に、その他は件数があるときだけ示す。
            let always = matches!(
                measure,
                Measure::Caution
                    | Measure::Warning
                    | Measure::Suspension
                    | Measure::Termination
                    | Measure::Refund
                    | Measure::NoAction
            );
            if n == 0 && !always {
                continue;
            }
            let name = self.measure_name(measure);
            if measure == Measure::Refund {
                parts.push(format!(
                    "{name} {n}件（{}）",
                    self.money(Money {
                        amount: s.refund_total,
                        currency
                    })
                ));
            } else {
                parts.push(format!("{name} {n}件"));
            }
        }
        let _ = writeln!(
            out,
            "*判断* {}件\n内訳：{}",
            s.decided_total(),
            parts.join("、")
        );
        // 複数の措置を含む判断は措置ごとに数える: 言わなければ内訳の合計が総数を超える。
        match s.combined {
            0 => {}
            n => {
                let _ = writeln!(out, "うち{n}件は複数の措置を含み、措置ごとに数えています。");
            }
        }
        for (label, spread, none) in [
            (
                "担当決定までの時間",
                r.to_taken,
                "今週担当が決まった案件はありません",
            ),
            (
                "判断までの時間",
                r.to_decided,
                "今週判断した案件はありません",
            ),
        ] {
            match spread {
                Some(x) => writeln!(
                    out,
                    "*{label}* 中央値 {}、9割が{}（{}件）",
                    self.duration(x.median),
                    // 「1分未満」 is a bound already: no 以内 after it.
                    match self.duration(x.p90) {
                        under if under.ends_with("未満") => under,
                        d => format!("{d}以内"),
                    },
                    x.count
                ),
                None => writeln!(out, "*{label}* {none}"),
            }
            .ok();
        }
        let _ = write!(out, "*未完了の案件（現時点）* {}件", r.open_now);
        if let Some(age) = r.oldest_open {
            let _ = write!(out, "（最も古い案件は起票から {}）", self.duration(age));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "*再発* 過去に案件がある顧客から {}件（累計で案件が2件以上の顧客 {}社）",
            s.repeat_cases, r.repeat_customers
        );
        let all_time = match r.customer_count {
            Some(total) => format!("{}社中 {}社", group_thousands(total), r.cut_off_total),
            None => format!("{}社", r.cut_off_total),
        };
        let _ = writeln!(
            out,
            "*契約解除した顧客* 今週 {}社、累計 {all_time}",
            s.cut_off
        );
        // 件数だけを示す。相談の内容は相談窓口の外には出さない。
        let c = s.consultations;
        let _ = write!(
            out,
            "*相談件数* 受付 {}件、助言して終了 {}件、案件化 {}件",
            c.opened, c.closed, c.converted
        );
        out
    }

    fn policy_view(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        summary: Option<Untrusted<'_>>,
        url: Option<Untrusted<'_>>,
        acknowledged: Option<Timestamp>,
        zone: &TimeZone,
    ) -> String {
        let mut out = format!("*カスタマーハラスメントに関する当社の方針* 版：{version}\n");
        match summary {
            Some(summary) => out.push_str(&summary.to_string()),
            None => out.push_str(
                "当社は、お客様による従業員へのハラスメントを容認しません。被害にあったときは \
                 `/escalate` で報告してください。責任者が対応を引き継ぎます。報告したことで\
                 不利益を受けることはなく、正当な苦情には引き続き対応します。",
            ),
        }
        if let Some(url) = url {
            let _ = write!(out, "\n全文：{}", url.link("方針の全文"));
        }
        match acknowledged {
            Some(at) => {
                let _ = write!(
                    out,
                    "\n{}さんは{}にこの版を確認済みです。",
                    mention(user),
                    self.datetime(at, zone)
                );
            }
            None => out.push_str("\n読み終えたら、下のボタンで確認したことをお知らせください。"),
        }
        out
    }

    fn policy_ack_button(&self) -> &'static str {
        "確認しました"
    }

    fn policy_acknowledged(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        at: Timestamp,
        zone: &TimeZone,
    ) -> String {
        format!(
            "{}さん、ありがとうございます。方針（版：{version}）を{}に確認したことを記録しました。",
            mention(user),
            self.datetime(at, zone)
        )
    }

    fn policy_version_changed(&self, clicked: Untrusted<'_>, version: Untrusted<'_>) -> String {
        format!(
            "このボタンは方針の版 {clicked} のものです。現在の版は {version} のため、何も記録して\
             いません。下の最新の版をお読みください。"
        )
    }

    fn policy_reminder_intro(&self, user: &UserId) -> String {
        format!(
            "{}さん、カスタマーハラスメントに関する当社の方針をお読みいただき、確認したことを\
             お知らせください。",
            mention(user)
        )
    }

    fn policy_remind_refused(&self) -> String {
        "方針の確認のお願いを送れるのは、マネージャーと相談窓口の担当者です。変更はありません。"
            .into()
    }

    fn policy_remind_started(&self, version: Untrusted<'_>) -> String {
        format!(
            "方針（版：{version}）をまだ確認していない方を調べています。お願いを送り終えたら、\
             送った人数をお知らせします。"
        )
    }

    fn policy_remind_done(
        &self,
        version: Untrusted<'_>,
        sent: usize,
        recent: usize,
        acknowledged: usize,
    ) -> String {
        format!(
            "方針（版：{version}）の確認のお願いを{sent}人に送りました。この1週間にお願い済みの\
             {recent}人には送っていません。確認済みの方は{acknowledged}人です。"
        )
    }

    fn policy_members_failed(&self, reason: Untrusted<'_>) -> String {
        format!(
            "Slack からスタッフの一覧を取得できなかったため（{reason}）、お願いは送っていません。\
             変更はありません。"
        )
    }

    fn acknowledgement_headers(&self) -> [&'static str; 4] {
        ["Slack ユーザー", "名前", "方針の版", "確認日時"]
    }

    fn acknowledgement_not_yet(&self) -> &'static str {
        "未確認"
    }

    fn acknowledgement_summary(&self, version: &str, done: usize, total: usize) -> String {
        format!("方針（版：{version}）を確認済みの方は、{total}人中{done}人です。")
    }

    fn chart_comment(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!(
            "{}までの{weeks}週間の、区分別の新規案件数です。横軸の日付は各週の月曜日です。",
            day(sunday, true),
        )
    }

    fn chart_title(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!("{}までの{weeks}週間の区分別新規案件", day(sunday, false))
    }

    fn chart_x_axis(&self) -> &'static str {
        "週（月曜日の日付）"
    }

    fn chart_y_axis(&self) -> &'static str {
        "新規案件の件数"
    }

    fn chart_no_cases(&self) -> &'static str {
        "案件なし"
    }

    fn chart_table_caption(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!(
            "{}までの{weeks}週間の、区分別の新規案件数",
            day(sunday, true)
        )
    }

    fn chart_week_column(&self) -> &'static str {
        "週（月曜日）"
    }

    fn chart_total_column(&self) -> &'static str {
        "合計"
    }

    fn private_categories(&self) -> &'static str {
        "要配慮区分"
    }

    fn duration(&self, d: jiff::SignedDuration) -> String {
        match duration_units(d) {
            (0, 0, 0) => "1分未満".into(),
            (0, 0, m) => format!("{m}分"),
            (0, h, 0) => format!("{h}時間"),
            (0, h, m) => format!("{h}時間{m}分"),
            (d, 0, _) => format!("{d}日"),
            (d, h, _) => format!("{d}日{h}時間"),
        }
    }

    fn unknown_command(&self, command: Untrusted<'_>) -> String {
        format!(
            "`{command}` はこのボットのコマンドではないため、何も記録していません。\
             エスカレーションには `/escalate` を使ってください。使い方は `/escalate help` で\
             表示できます。"
        )
    }

    fn org_install_unsupported(&self) -> String {
        "このボットはワークスペースごとにインストールするもので、Enterprise Grid の組織全体への\
         インストールには対応していないため、何も記録していません。Slack の管理者に、\
         このワークスペースへのインストールを依頼してください。"
            .into()
    }

    fn stale_form_title(&self) -> &'static str {
        "古いフォームです"
    }

    fn stale_form(&self) -> String {
        "このフォームは以前のバージョンのもののため、何も記録していません。\
         閉じてから `/escalate` で新しいフォームを開き直してください。"
            .into()
    }

    fn stale_shortcut(&self) -> String {
        "このショートカットは以前のバージョンのもののため、何も記録していません。\
         ショートカット「このメッセージをエスカレーション」か、コマンド `/escalate` を\
         使ってください。"
            .into()
    }

    fn evidence_unreadable(&self) -> &'static str {
        "ボットがこのメッセージを読み取れなかったため、引用はありません（チャンネルに参加していない、\
         権限が不足している、またはメッセージが削除された可能性があります）。\
         メッセージを開いて確認してください。"
    }

    fn reaction_not_recorded(&self, reaction: Untrusted<'_>) -> String {
        format!(
            ":{reaction}: のリアクションから案件を起票できなかったため、責任者にはまだ伝わって\
             いません。お手数ですが、代わりに `/escalate` でエスカレーションしてください。"
        )
    }

    fn category_description(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "身体的な攻撃（暴行、傷害、物を投げる、物を壊すなど）",
            Category::Threat => {
                "脅迫（危害の予告、SNSなどで晒すという脅し、訴訟をちらつかせた威嚇）"
            }
            Category::VerbalAbuse => "精神的な攻撃（暴言、侮辱、中傷、名誉毀損）",
            Category::Intimidation => "威圧的な言動（大声、恫喝、机をたたくなど）",
            Category::Dogeza => "土下座など、屈辱的な謝罪の要求",
            Category::Persistent => "継続的、執拗な言動（同じ要求や連絡の繰り返し）",
            Category::Restraint => "拘束的な行動（長時間の電話、居座り、帰らせない）",
            Category::Discrimination => "国籍、性別、障害などを理由とする差別的な言動",
            Category::Sexual => "性的な言動（セクハラ、つきまとい）",
            Category::PersonalAttack => {
                "従業員個人への攻撃や要求（解雇の要求、個人情報の詮索や晒し）"
            }
            Category::UnreasonableDemand => {
                "不当、過剰な要求（契約外の金銭、無償作業、時間外対応）"
            }
            Category::Other => "上記のいずれにも当たらないもの",
        }
    }

    fn form_promise_failed_hint(&self) -> &'static str {
        "契約や約束どおりに提供できていなかった点があれば「あり」を選んでください。正当な苦情で\
         あっても、言動が社会通念上の限度を超えていればカスハラに当たります。"
    }

    fn person(&self, user: &UserId) -> String {
        san(user)
    }

    fn datetime(&self, at: Timestamp, zone: &TimeZone) -> String {
        let local = at.to_zoned(zone.clone());
        let text = local.strftime("%Y年%-m月%-d日 %H:%M").to_string();
        if is_japan(zone) {
            text
        } else {
            format!("{text} {}", local.strftime("%Z"))
        }
    }

    fn column_name(&self, column: Column) -> &'static str {
        match column {
            Column::Case => "案件ID",
            Column::OpenedAt => "起票日時",
            Column::Customer => "顧客ID",
            Column::Category => "区分",
            Column::CategoryId => "区分ID",
            Column::Severity => "深刻度",
            Column::Source => "起票の方法",
            Column::Reporter => "報告者ID",
            Column::ReportedFrom => "報告元チャンネルID",
            Column::PromiseFailed => "当社側の不備",
            Column::Summary => "内容",
            Column::Evidence => "対象のメッセージ",
            Column::State => "状態",
            Column::TakenBy => "担当者ID",
            Column::TakenAt => "担当日時",
            Column::Outcome => "判断",
            Column::OutcomeId => "判断ID",
            Column::RefundAmount => "返金額",
            Column::Currency => "通貨",
            Column::DecidedBy => "決定者ID",
            Column::DecidedAt => "決定日時",
            Column::ApprovedBy => "承認者ID",
            Column::ApprovedAt => "承認日時",
            Column::PolicyVersion => "方針のバージョン",
            Column::Timeline => "経過",
            Column::TimelineIds => "経過ID",
        }
    }

    fn source_name(&self, source: Source) -> &'static str {
        match source {
            Source::Command => "スラッシュコマンド",
            Source::Form => "フォーム",
            Source::Shortcut => "メッセージのショートカット",
            Source::Reaction => "リアクション",
            Source::Suggestion => "ボットの提案",
            Source::Consultation => "相談からの案件化",
        }
    }

    fn state_name(&self, state: &CaseState) -> &'static str {
        match state {
            CaseState::Open => "未対応",
            CaseState::Taken { .. } => "担当者が判断中",
            CaseState::Proposed { .. } => "承認待ち",
            CaseState::Closed { .. } => "完了",
        }
    }

    fn audit_event(&self, event: &Event, currency: &str) -> (&'static str, String) {
        let outcome = |o: Outcome| self.outcome(o, currency);
        // 再発防止策は記入されたとおりに示す（保存期間で消去された案件は空で、示すものがない）。
        let prevention = |note: Option<&str>| match note.filter(|n| !n.is_empty()) {
            Some(note) => format!("。再発防止策：{note}"),
            None => String::new(),
        };
        match event {
            Event::Opened { .. } => ("起票", String::new()),
            Event::Taken { .. } => ("担当", String::new()),
            Event::Proposed { proposal } => (
                "提案",
                outcome(proposal.outcome) + &prevention(proposal.prevention.as_deref()),
            ),
            Event::LegalAnswered { answer, .. } => {
                ("法務確認", self.legal_name(*answer).to_owned())
            }
            // 内容は判断の記録にあり、履歴には誰が記録したかだけを残す。
            Event::PreventionRecorded { edited, .. } => (
                if *edited {
                    "再発防止策の編集"
                } else {
                    "再発防止策の記録"
                },
                String::new(),
            ),
            Event::CheckInAnswered {
                reply,
                consultation,
                ..
            } => (
                "完了後の声かけへの回答",
                match (reply, consultation) {
                    (CheckInReply::Desk, Some(id)) => format!("相談窓口と話したい（{id}）"),
                    (CheckInReply::Desk, None) => "相談窓口と話したい".to_owned(),
                    (CheckInReply::Fine, _) => "大丈夫".to_owned(),
                    (CheckInReply::NoAnswer, _) => "回答なし".to_owned(),
                },
            ),
            Event::ReporterKeptOff { .. } => ("担当替え", String::new()),
            Event::SafetyAnswered { safe, .. } => (
                "安全の確認",
                if *safe {
                    "安全"
                } else {
                    "今すぐ誰かに来てほしい"
                }
                .to_owned(),
            ),
            Event::FactsAdded { facts, .. } => (
                "事実の追記",
                self.facts_lines(facts, &TimeZone::UTC).replace('\n', "／"),
            ),
            Event::Rejected { proposal, .. } => ("却下", outcome(proposal.outcome)),
            Event::Closed { decision } => (
                "完了",
                match &decision.approved {
                    Some(_) => format!(
                        "{}、提案者 {}",
                        outcome(decision.outcome),
                        decision.decided.by
                    ),
                    None => outcome(decision.outcome),
                } + &prevention(decision.prevention.as_deref()),
            ),
            Event::CustomerIdentified { customer, .. } => ("顧客の指定", customer.to_string()),
            Event::Classified {
                category,
                severity,
                from_category,
                from_severity,
                ..
            } => (
                "区分の確認",
                format!(
                    "{}、深刻度「{}」（変更前は{}、深刻度「{}」）",
                    self.category_name(*category),
                    self.severity_name(*severity),
                    self.category_name(*from_category),
                    self.severity_name(*from_severity)
                ),
            ),
            Event::Notified { notice, .. } => match notice {
                Notice::Paged { to } => ("呼び出し", ids(to)),
                Notice::Alerted { round, of } => ("@here 通知", format!("{of}回中{round}回目")),
                Notice::Reminded { to } => ("リマインド", ids(to)),
                Notice::Undelivered { what, reason } => (
                    "配信失敗",
                    format!(
                        "{}、{}",
                        recorded_or_as_is(self, Recorded::Delivery(what)),
                        self.undelivered_reason(reason)
                    ),
                ),
                Notice::Refused { action, reason, .. } => (
                    "操作の拒否",
                    format!(
                        "{}、理由：{}",
                        recorded_or_as_is(self, Recorded::Action(action)),
                        recorded_or_as_is(self, Recorded::RefusalReason(reason))
                    ),
                ),
                Notice::CheckedIn => ("報告者への完了後の声かけ", String::new()),
                Notice::CheckInUnanswered => ("完了後の声かけへの回答", "回答なし".to_owned()),
            },
        }
    }

    fn timeline_line(&self, at: &str, event: &str, by: &str, detail: &str) -> String {
        let mut line = format!("{at} {event}");
        if !by.is_empty() {
            let _ = write!(line, "（{by}）");
        }
        if !detail.is_empty() {
            let _ = write!(line, "：{detail}");
        }
        line
    }

    fn recorded(&self, name: Recorded<'_>) -> Option<&'static str> {
        Some(match name {
            Recorded::LogEntry(what) => match what {
                "not-staff" => "スタッフ以外の操作を拒否",
                "refused" => "操作の拒否",
                "backup" => "バックアップ",
                "export" => "エクスポート",
                "report-posted" => "週次報告の手動投稿",
                "operations-refused" => "運用ソケットへの接続を拒否",
                "retention-erased" => "保存期間を過ぎた案件の詳細を消去",
                _ => return None,
            },
            Recorded::Detail { what, name } => match (what, name) {
                (_, "case") => "案件",
                ("not-staff", "path") => "経路",
                (_, "path") => "保存先",
                (_, "reason") => "理由",
                (_, "action") => "操作",
                (_, "pid") => "プロセスID",
                (_, "cases") => "案件数",
                (_, "records") => "記録数",
                (_, "format") => "形式",
                (_, "since") => "対象の開始日",
                (_, "week") => "対象週",
                (_, "ids") => "案件ID",
                (_, "people") => "人数",
                (_, "closed-before") => "この日時より前に完了した案件",
                (_, "retention") => "保存期間",
                _ => return None,
            },
            Recorded::Action(action) => match action {
                "take" => "担当",
                "decide" => "判断",
                "approve" => "承認",
                "reject" => "却下",
                "name-customer" => "顧客の指定",
                "classify" => "区分の設定",
                "add-facts" => "事実の追記",
                "record-prevention" => "再発防止策の記録",
                "answer-safety" => "安全確認への回答",
                "keep-reporter-off" => "担当替え",
                "answer-legal" => "法務確認への回答",
                "answer-check-in" => "完了後の声かけへの回答",
                "consultation-answered" => "相談者と話したことの記録",
                "consultation-close" => "相談の終了",
                "consultation-convert" => "相談の案件化",
                _ => return None,
            },
            Recorded::RefusalReason(reason) => match reason {
                "not-executive-or-manager" => "責任者にもマネージャーにも未登録",
                "not-owner-or-manager" => "担当者でもマネージャーでもない",
                "no-longer-entitled" => "担当者だが、責任者の登録から外れている",
                "own-report" => "自身が報告した案件（職務の分離）",
                "approvers-only" => "承認者として未登録",
                "own-proposal" => "自身の提案",
                "not-involved" | "not-involved-to-classify" => {
                    "報告者でも責任者でもマネージャーでもない"
                }
                "not-involved-to-add-facts" => {
                    "報告者でも担当者でもマネージャーでも相談窓口の方でもない"
                }
                "not-involved-to-record-prevention" => {
                    "担当者でもマネージャーでも相談窓口の方でもない"
                }
                "desk-only" => "相談窓口の方ではない",
                "chosen-only" => "相談者が指名した方ではない",
                "own-consultation" => "自身の相談",
                "not-involved-in-consultation" => "相談者でも相談窓口の方でもない",
                "not-involved-to-answer" => "担当者でも提案者でもマネージャーでも承認者でもない",
                "not-the-reporter" => "案件の報告者ではない",
                _ => return None,
            },
            Recorded::NotStaff(reason) => match reason {
                "unknown" => "Slackで確認できないユーザー",
                "deactivated" => "無効化されたアカウント",
                "bot" => "ボットまたはアプリ",
                "other-workspace" => "他社のワークスペースのユーザー（Slackコネクト）",
                "guest" => "マルチチャンネルゲスト",
                "single-channel-guest" => "シングルチャンネルゲスト",
                _ => return None,
            },
            Recorded::Path(path) => match path {
                "reaction" => "リアクション",
                "shortcut" => "メッセージのショートカット",
                "command" => "スラッシュコマンド",
                "form" => "フォーム",
                "name-customer" => "顧客の指定",
                "button" => "ボタン",
                "suggested" => "ボットの提案のボタン",
                "suggestion" => "ボットの提案",
                "acknowledgement" => "受付の連絡",
                "page" => "呼び出し",
                "closing-message" => "完了の連絡",
                _ => return None,
            },
            Recorded::Delivery(what) => match what {
                "post-card" => "案件カードの投稿",
                "update-card" => "案件カードの更新",
                "update-pages" => "呼び出しメッセージの更新",
                "page" => "呼び出し",
                "urgent" => "緊急の連絡",
                "update-proposal" => "提案メッセージの更新",
                "check-in" => "報告者への完了後の声かけ",
                "update-check-in" => "完了後の声かけの更新",
                "post-consultation" => "相談窓口への相談の送付",
                "update-consultation" => "相談の表示の更新",
                "consultation-note" => "相談のスレッドへの記録",
                "consultation-outcome" => "相談者への結果の連絡",
                "here-alert" => "@here 通知",
                "thread-note" => "スレッドへの記録",
                "resolve-proposal" => "提案メッセージの更新",
                "notify-reporter" => "報告者への完了の連絡",
                "acknowledge" => "報告者への受付の連絡",
                _ => return None,
            },
            Recorded::Value(value) => match value {
                "standard output" => "画面に出力",
                "not the bot's user" => "ボットの実行ユーザーではない",
                _ => return None,
            },
        })
    }

    fn log_details(&self, details: &[(String, String)]) -> String {
        details
            .iter()
            .map(|(name, value)| format!("{name}：{value}"))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn undelivered_reason(&self, reason: &str) -> String {
        if let Some((attempts, last)) = super::gave_up(reason) {
            return match last {
                Some(last) => format!("{attempts}回試みて断念、最後のエラーは {last}"),
                None => format!("{attempts}回試みて断念"),
            };
        }
        match reason {
            "the case does not exist" => "案件が存在しない".into(),
            "the case card was never posted" => "案件カードが投稿されていない".into(),
            "the proposal message was never posted" => "提案メッセージが投稿されていない".into(),
            // Slack's error code (`channel_not_found`), kept as an id.
            code => format!("エラー {code}"),
        }
    }
    fn consult_button(&self) -> &'static str {
        "相談したい・カスハラか迷う"
    }
    fn consult_offer(&self) -> &'static str {
        "カスハラかどうか迷うときや、まず助言がほしいときは、相談窓口に相談できます。顧客や区分の\
         入力は不要で、ほかの人には伝わりません。"
    }
    fn consult_title(&self) -> &'static str {
        "相談窓口への相談"
    }
    fn consult_intro(&self) -> String {
        "この内容は相談窓口にだけ届きます。責任者の呼び出しはなく、顧客や区分の入力も不要です。\
         必須は何があったかだけで、ほかは分かる範囲で入力してください。相談したことで不利益な\
         扱いを受けることはありません。"
            .into()
    }
    fn consult_with(&self) -> &'static str {
        "相談したい相手"
    }
    fn consult_with_hint(&self) -> &'static str {
        "選んだ方にだけ内容が伝わります（同性の方を選ぶなど）。"
    }
    fn consult_with_anyone(&self) -> &'static str {
        "相談窓口の誰でもよい"
    }
    fn consult_summary(&self) -> &'static str {
        "何があったか、相談したいこと"
    }
    fn consult_summary_missing(&self) -> String {
        "何があったかを一言でも入力してください。何も記録していません。".into()
    }
    fn consult_opened(&self, id: ConsultationId, with: Option<&UserId>) -> String {
        let to = match with {
            Some(with) => format!("ご指名の{}", san(with)),
            None => "相談窓口".to_owned(),
        };
        format!(
            "ご相談ありがとうございます。{id} として{to}に届けました。ほかの人には伝わらず、\
             責任者の呼び出しもありません。相談窓口から連絡があります。"
        )
    }
    fn consult_no_desk(&self) -> String {
        "相談窓口が設定されていないため、何も記録していません。誰に相談すればよいかを\
         マネージャーに確認してください。案件としてのエスカレーションは、これまでどおり \
         `/escalate` でできます。"
            .into()
    }
    fn consult_card_title(&self, id: ConsultationId) -> String {
        format!("相談 {id}")
    }
    fn consult_card_private(&self) -> &'static str {
        "相談窓口限りの内容です。窓口の外には共有しないでください。このスレッドで返信するか、\
         相談者に直接連絡してください。"
    }
    fn consult_card_chosen(&self, with: &UserId) -> String {
        format!(
            "相談者は{}を相談相手に指名しました。詳細はその方にだけ届いています。",
            san(with)
        )
    }
    fn consult_card_about(&self, case: CaseId, from_check_in: bool) -> String {
        if from_check_in {
            format!(
                "{case} の報告者が、案件の完了後の声かけに対して、相談窓口と話したいと回答しました。"
            )
        } else {
            format!("{case} についての相談です。この案件は責任者がすでに対応しています。")
        }
    }
    fn consult_card_with_member(&self, id: ConsultationId, with: &UserId) -> String {
        format!(
            "{id} は、相談者が指名した{}が対応します。詳細はその方にだけ届いています。",
            san(with)
        )
    }
    fn consult_status(
        &self,
        state: &ConsultState,
        first_answer: Option<&Stamp>,
        zone: &TimeZone,
    ) -> String {
        match state {
            ConsultState::Open => match first_answer {
                Some(first) => format!(
                    ":speech_balloon: *受付中* {}が最初に対応しました（{}）。",
                    san(&first.by),
                    self.when(first.at, zone)
                ),
                None => ":speech_balloon: *受付中* 相談窓口の対応を待っています。".into(),
            },
            ConsultState::Closed { by } => format!(
                ":white_check_mark: *終了* {}が助言して終了しました（{}）。",
                san(&by.by),
                self.when(by.at, zone)
            ),
            ConsultState::Converted { by, case } => format!(
                ":arrow_right: *案件化* {}が {case} として案件にしました（{}）。",
                san(&by.by),
                self.when(by.at, zone)
            ),
        }
    }
    fn consult_answered_button(&self) -> &'static str {
        "相談者と話した"
    }
    fn consult_close_button(&self) -> &'static str {
        "終了：助言済み"
    }
    fn consult_convert_button(&self) -> &'static str {
        "案件にする"
    }
    fn consult_note_answered(&self, by: &UserId) -> String {
        format!("{}が相談者と話しました。", san(by))
    }
    fn consult_note_closed(&self, by: &UserId) -> String {
        format!("{}が助言して終了しました。", san(by))
    }
    fn consult_note_converted(&self, by: &UserId, case: CaseId) -> String {
        format!(
            "{}が {case} として案件にしました。通常の案件と同じく責任者を呼び出します。",
            san(by)
        )
    }
    fn consult_closed_to_reporter(&self, id: ConsultationId) -> String {
        format!(
            "ご相談いただいた {id} は、相談窓口が助言して終了しました。また相談したいときは、\
             いつでも `/escalate consult` で相談窓口に相談できます。相談したことで不利益な扱いを\
             受けることはありません。"
        )
    }
    fn consult_converted_to_reporter(&self, id: ConsultationId, case: CaseId) -> String {
        format!(
            "ご相談いただいた {id} は、相談窓口が案件 {case} にしました。この件は責任者が\
             引き継ぎますので、これ以上このお客様に対応する必要はありません。報告したことで\
             不利益な扱いを受けることはありません。"
        )
    }
    fn consult_refusal(&self, refusal: &ConsultRefusal, id: ConsultationId) -> String {
        match refusal {
            ConsultRefusal::DeskOnly => {
                format!("{id} でこの操作ができるのは相談窓口の方だけです。変更はありません。")
            }
            ConsultRefusal::ChosenOnly(with) => format!(
                "{id} は相談者が{}を指名しているため、この操作ができるのはその方だけです。\
                 変更はありません。",
                san(with)
            ),
            ConsultRefusal::OwnConsultation => format!(
                "{id} はご自身の相談のため、相談窓口のほかの方が対応します。変更はありません。"
            ),
            ConsultRefusal::NotInvolvedToAddFacts => format!(
                "{id} に事実を追記できるのは、相談者と相談窓口の方だけです。変更はありません。"
            ),
            ConsultRefusal::Closed => format!("{id} はすでに終了しています。変更はありません。"),
            ConsultRefusal::Converted(case) => {
                format!("{id} はすでに案件 {case} になっています。変更はありません。")
            }
            ConsultRefusal::AlreadyAnswered => format!(
                "{id} への相談窓口の最初の対応は、すでに記録されています。変更はありません。"
            ),
            ConsultRefusal::NothingToAdd => {
                "追記する事実を一つ以上入力してください。変更はありません。".into()
            }
        }
    }
    fn no_such_consultation(&self, id: Untrusted<'_>) -> String {
        format!("相談 {id} は見つかりません。変更はありません。")
    }
    fn consult_add_facts_intro(&self, id: ConsultationId) -> String {
        format!(
            "{id} に追記します。追記した内容は、お名前と日時とともに、これまでの記録と並べて\
             残ります。分かる範囲で入力してください。"
        )
    }
    fn convert_title(&self) -> &'static str {
        "案件にする"
    }
    fn convert_intro(&self, id: ConsultationId) -> String {
        format!(
            "{id} を、記録と相談者をそのまま引き継いで案件にします。通常の案件と同じく責任者を\
             呼び出します。案件には区分が必要です。顧客は今でも後からでも指定できます。"
        )
    }
    fn convert_customer_hint(&self) -> &'static str {
        "任意です。報告者や責任者が後から指定することもできます。"
    }
    fn card_from_consultation(&self, id: ConsultationId, by: &UserId) -> String {
        format!("相談 {id} から{}が案件にしました。", san(by))
    }
    fn check_in(&self, id: CaseId, desk: bool) -> String {
        let desk = if desk {
            "相談窓口と話したいときは、下のボタンからお知らせください。回答は案件の記録に残ります。"
        } else {
            "回答は案件の記録に残ります。"
        };
        format!(
            "ご報告いただいた {id} は完了しています。その後、いかがですか。誰かに相談したい\
             ことはありますか。{desk}"
        )
    }
    fn check_in_fine_button(&self) -> &'static str {
        "大丈夫です"
    }
    fn check_in_desk_button(&self) -> &'static str {
        "相談窓口と話したい"
    }
    fn check_in_answered(
        &self,
        id: CaseId,
        reply: CheckInReply,
        consultation: Option<ConsultationId>,
    ) -> String {
        let later = "いつでも `/escalate consult` で相談窓口に相談できます。";
        match (reply, consultation) {
            (CheckInReply::Fine, _) => format!(
                "{id} についてお知らせいただき、ありがとうございます。気持ちが変わったときは、\
                 {later}"
            ),
            (CheckInReply::Desk, Some(consultation)) => format!(
                "ありがとうございます。{consultation} として相談窓口に届けました。{id} について、\
                 相談窓口から連絡があります。"
            ),
            (CheckInReply::Desk, None) => {
                format!("ありがとうございます。{id} について、相談窓口から連絡があります。")
            }
            (CheckInReply::NoAnswer, _) => {
                format!("{id} についての声かけは終了しました。誰かに相談したいときは、{later}")
            }
        }
    }

    fn form_prevention(&self) -> &'static str {
        "再発防止策"
    }

    fn form_prevention_hint(&self) -> &'static str {
        "任意です。同じことが起きないように変えること（この顧客の電話は二人で対応する、応対の\
         手順を見直すなど）を記入してください。判断とともに記録されます。実施状況報告では記録の\
         有無だけを数え、内容は表示しません。"
    }

    fn card_prevention(&self) -> &'static str {
        "再発防止策"
    }

    fn prevention_button(&self, edit: bool) -> &'static str {
        if edit {
            "再発防止策を編集"
        } else {
            "再発防止策を記録"
        }
    }

    fn prevention_title(&self) -> &'static str {
        "再発防止策"
    }

    fn prevention_intro(&self, id: CaseId, edit: bool) -> String {
        if edit {
            format!(
                "{id} の再発防止策を編集します。保存すると、これまでの内容は置き換わります。\
                 誰がいつ変更したかは記録に残ります。"
            )
        } else {
            format!(
                "{id} の再発防止策を記録します。同じことが起きないように変えること（この顧客の\
                 電話は二人で対応する、応対の手順を見直すなど）を記入してください。判断とともに\
                 記録され、実施状況報告では記録の有無だけを数え、内容は表示しません。"
            )
        }
    }

    fn compliance_report(&self, c: &Compliance, markup: Markup) -> String {
        let zone = TimeZone::get(&c.zone).unwrap_or(TimeZone::UTC);
        let ymd = |d: Date| format!("{}年{}月{}日", d.year(), d.month(), d.day());
        let date = |at: Timestamp| ymd(at.to_zoned(zone.clone()).date());
        let times = |label: &str, times: Option<Times>, none: &str| match times {
            Some(x) => format!(
                "- {label}：中央値 {}、9割が{}（{}件）",
                self.duration(x.median()),
                // 「1分未満」 is a bound already: no 以内 after it.
                match self.duration(x.p90()) {
                    under if under.ends_with("未満") => under,
                    d => format!("{d}以内"),
                },
                x.count
            ),
            None => format!("- {label}：{none}"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            markup.title("カスタマーハラスメント対策の実施状況報告")
        );
        let zone_name = if c.zone == "Asia/Tokyo" {
            "日本時間".to_owned()
        } else {
            format!("タイムゾーン {}", Untrusted::new(&c.zone))
        };
        let _ = writeln!(
            out,
            "対象期間：{}〜{}（{zone_name}）。作成日時：{}",
            ymd(c.period.from),
            ymd(c.period.to),
            self.datetime(c.made_at, &zone)
        );
        out.push_str(
            "集計値のみを、厚生労働省の指針が定める5つの措置に沿って示します。氏名、要配慮区分の\
             案件の内容、自由記述は含みません。\n",
        );

        let p = &c.policy;
        let _ = writeln!(out, "\n{}", markup.heading("1. 方針の明確化と周知"));
        let version = Untrusted::new(&p.version);
        match &p.document_url {
            Some(url) => {
                let _ = writeln!(
                    out,
                    "- 現行の方針：版 {version}。全文：{}",
                    markup.link(Untrusted::new(url), "方針の全文")
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "- 現行の方針：版 {version}。方針の文書の場所は設定されていません\
                     （policy.document_url）。"
                );
            }
        }
        match (p.first_acknowledged_at, p.last_acknowledged_at) {
            (Some(first), Some(last)) => {
                let _ = writeln!(
                    out,
                    "- 現行の版の確認：{}人が確認済み（うち対象期間中 {}人）。最初の確認は{}、\
                     最新の確認は{}です。",
                    p.acknowledged,
                    p.acknowledged_in_period,
                    date(first),
                    date(last)
                );
            }
            _ => out.push_str("- 現行の版を確認したスタッフはまだいません。\n"),
        }
        match (
            p.staff,
            p.staff_acknowledged,
            p.staff_from,
            p.staff_counted_at,
        ) {
            (Some(staff), Some(done), Some(from), Some(at)) => {
                let _ = writeln!(
                    out,
                    "- スタッフの確認状況：スタッフ{staff}人のうち{done}人が現行の版を確認済みです。\
                     スタッフの人数は、{}のメンバーからゲスト、社外の方、ボットを除いたもので、\
                     {} 時点の Slack の一覧によります。",
                    match from {
                        StaffList::UserGroup =>
                            "スタッフ用のユーザーグループ（people.staff_group）",
                        StaffList::SupportChannels =>
                            "サポートチャンネル（slack.support_channels）",
                    },
                    self.datetime(at, &zone)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "- スタッフ数は数えていません。{}",
                    match &p.staff_not_counted {
                        Some(NotCounted::SlackFailed(reason)) => format!(
                            "Slack からスタッフの一覧を取得できませんでした（{}）。",
                            Untrusted::new(reason)
                        ),
                        _ => "ボットが停止中で、SLACK_BOT_TOKEN も設定されていなかったためです。"
                            .into(),
                    }
                );
            }
        }
        if p.decided_under.is_empty() {
            out.push_str("- 対象期間中の判断はないため、適用された方針の版はありません。\n");
        } else {
            let list: Vec<String> = p
                .decided_under
                .iter()
                .map(|(v, n)| format!("{}（{n}件）", Untrusted::new(v)))
                .collect();
            let _ = writeln!(
                out,
                "- 対象期間中の判断に適用された方針の版：{}",
                list.join("、")
            );
        }

        let d = &c.consultation;
        let _ = writeln!(out, "\n{}", markup.heading("2. 相談体制の整備"));
        if d.desk_members == 0 {
            out.push_str("- 相談窓口は設定されていません（people.consultation_desk）。\n");
        } else {
            let _ = writeln!(
                out,
                "- 相談窓口：担当者 {}人。相談は{}に届き、窓口の外には共有されません。",
                d.desk_members,
                if d.desk_channel {
                    "窓口専用の非公開チャンネル"
                } else {
                    "各担当者へのダイレクトメッセージ"
                }
            );
        }
        let _ = writeln!(
            out,
            "- 相談件数：受付 {}件、初回対応 {}件、助言して終了 {}件、案件化 {}件",
            d.opened, d.answered, d.closed, d.converted
        );
        let _ = writeln!(
            out,
            "{}",
            times(
                "初回対応までの時間",
                d.to_first_answer,
                "対象期間中の初回対応はありません"
            )
        );

        let r = &c.response;
        let _ = writeln!(out, "\n{}", markup.heading("3. 事後の迅速・適切な対応"));
        let mut parts: Vec<String> = r
            .by_category
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| format!("{} {n}件", self.category_name(*c)))
            .collect();
        if r.private_categories > 0 {
            parts.push(format!(
                "{} {}件（内訳は非表示）",
                self.private_categories(),
                r.private_categories
            ));
        }
        if parts.is_empty() {
            parts.push("なし".into());
        }
        let _ = writeln!(
            out,
            "- 新規案件：{}件。区分別：{}",
            r.opened,
            parts.join("、")
        );
        let _ = writeln!(
            out,
            "- 判断した案件：{}件。うち措置あり {}件、措置なし（カスハラ非該当） {}件。\
             カスハラに当たらないと判断した苦情も、その判断として記録しています。",
            r.decided, r.acted_on, r.no_action
        );
        let measures: Vec<String> = Measure::ALL
            .into_iter()
            .map(|m| {
                let n = r.measures.get(&m).copied().unwrap_or(0);
                if m == Measure::Refund {
                    format!(
                        "{} {n}件（{}）",
                        self.measure_name(m),
                        self.money(Money {
                            amount: r.refund_total,
                            currency: &r.currency
                        })
                    )
                } else {
                    format!("{} {n}件", self.measure_name(m))
                }
            })
            .collect();
        let _ = writeln!(out, "- 措置別：{}", measures.join("、"));
        if r.combined > 0 {
            let _ = writeln!(
                out,
                "- うち{}件は複数の措置を含み、措置ごとに数えています。",
                r.combined
            );
        }
        let _ = writeln!(
            out,
            "{}",
            times(
                "担当決定までの時間",
                r.to_taken,
                "対象期間中に担当が決まった案件はありません"
            )
        );
        let _ = writeln!(
            out,
            "{}",
            times(
                "判断までの時間",
                r.to_decided,
                "対象期間中に判断した案件はありません"
            )
        );
        let k = &r.checks;
        if k.decisions == 0 {
            out.push_str("- 利用停止と契約解除の事前確認：対象期間中に該当する判断はありません\n");
        } else {
            let _ = writeln!(
                out,
                "- 利用停止と契約解除の事前確認：該当する判断 {}件、うち事前確認に回答済み {}件。\
                 法務確認済み {}件、法務確認不要 {}件、承認者に注意を促した回答のある判断 {}件",
                k.decisions, k.answered, k.legal_reviewed, k.legal_not_needed, k.with_concerns
            );
        }
        let _ = writeln!(
            out,
            "- 再発：過去に案件がある顧客からの案件 {}件。対象期間中に案件があり、期間末までに\
             案件が2件以上となった顧客 {}社",
            r.repeat_cases, r.repeat_customers
        );
        let _ = writeln!(
            out,
            "- 再発防止策：判断{}件のうち{}件に記録あり",
            r.decided, r.prevention_notes
        );
        out.push_str("- 月別の数値：下の表のとおりです。\n");

        let rules = &c.deterrence;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("4. 抑止のための措置（現在のルール）")
        );
        let steps: Vec<String> = rules
            .ladder
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let earlier = match (s.earlier_cases, i + 1 == rules.ladder.len()) {
                    (0, _) => "過去の案件なし".to_owned(),
                    (n, true) => format!("{n}件以上"),
                    (n, false) => format!("{n}件"),
                };
                format!("{earlier}は{}", self.step_name(s.step))
            })
            .collect();
        let _ = writeln!(
            out,
            "- 段階的な措置：顧客の過去の言動だけで判断します（直近{}日に起票した案件を数え、\
             措置なしで終えた案件は除きます）。{}。深刻度が重大の案件（暴力、脅迫など）は、\
             過去の案件にかかわらず{}から検討します。",
            rules.ladder_window_days,
            steps.join("、"),
            self.step_name(rules.critical_starts_at)
        );
        let _ = writeln!(
            out,
            "- 承認：利用停止と契約解除はすべて、返金は{}を超えるものが、承認者{}人（{}）の\
             いずれかの承認を要します。提案者本人は承認できません。",
            self.money(Money {
                amount: rules.refund_approval_over,
                currency: &r.currency
            }),
            rules.approvers,
            if rules.approvers_are_managers {
                "マネージャーと同じ"
            } else {
                "people.approvers で指定"
            }
        );
        let _ = writeln!(
            out,
            "- 対応体制：責任者{}人を順に呼び出し（{}で次の人へ、その後エスカレーションチャンネルに\
             {}回通知）、マネージャー{}人。担当が決まって判断が未了の案件は{}ごとに催促します。",
            rules.executives,
            self.duration(SignedDuration::from_secs(rules.page_after_seconds)),
            rules.alert_rounds,
            rules.managers,
            self.duration(SignedDuration::from_secs(rules.decision_reminder_seconds))
        );
        out.push_str(if rules.reporter_may_decide {
            "- 職務の分離は解除されています（policy.reporter_may_decide）。報告した本人も自分の\
             案件を担当し、判断できます。\n"
        } else {
            "- 職務の分離：案件を報告した本人は、その案件の担当、判断、承認を行いません。\n"
        });
        out.push_str(
            "- 利用停止と契約解除の前に、提案者が事前確認（正当な苦情の有無、合理的配慮、提供を\
             続ける義務、根拠条項、法務確認）に回答します。\n",
        );

        let care = &c.care;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("5. 併せて講ずべき措置（被害者への配慮とプライバシー）")
        );
        let _ = writeln!(
            out,
            "- 完了後の声かけ（{}）：送信 {}件。回答は「大丈夫です」 {}件、「相談窓口と話したい」 \
             {}件、回答なし {}件",
            match care.check_in_after_seconds {
                Some(s) => format!("完了から{}後", self.duration(SignedDuration::from_secs(s))),
                None => "現在は停止中".into(),
            },
            care.check_ins_sent,
            care.check_ins_fine,
            care.check_ins_desk,
            care.check_ins_unanswered
        );
        let _ = writeln!(
            out,
            "- 重大な案件の報告者からの「今すぐ誰かに来てほしい」：{}件",
            care.needed_someone
        );
        let _ = writeln!(
            out,
            "- 担当替え（報告者を顧客の担当から外したもの）：{}件",
            care.reporters_kept_off
        );
        let _ = writeln!(
            out,
            "- 要配慮区分の案件：{}件。件数のみを示し、内容はエスカレーションチャンネルの外には\
             出しません。",
            care.private_cases
        );
        let _ = writeln!(
            out,
            "- 監査ログより：エクスポート {}件、バックアップ {}件、保存期間による消去 {}回",
            care.exports, care.backups, care.retention_passes
        );
        if care.retention == "forever" {
            out.push_str(
                "- 保存期間：store.retention の設定は forever です。完了した案件の詳細を消去\
                 しません。\n",
            );
        } else {
            let _ = writeln!(
                out,
                "- 保存期間：store.retention の設定は {} です。完了した案件は、完了からこの期間が\
                 過ぎると詳細を消去し、件数のみを残します。",
                Untrusted::new(&care.retention)
            );
        }
        out
    }

    fn compliance_month(&self, month: Month) -> String {
        format!("{}年{}月", month.year, month.month)
    }

    fn compliance_table(&self, by_category: bool) -> &'static str {
        if by_category {
            "月ごとの区分別新規案件"
        } else {
            "月ごとの件数"
        }
    }

    fn compliance_csv_headers(&self) -> [&'static str; 6] {
        ["指針の措置", "項目ID", "月", "内訳ID", "項目", "値"]
    }

    fn compliance_item(&self, item: &str, detail: Option<&str>) -> Option<String> {
        let name = match item {
            "period.from" => "対象期間の初日",
            "period.to" => "対象期間の末日",
            "zone" => "タイムゾーン",
            "made_at" => "作成日時",
            "policy.version" => "現行の方針の版",
            "policy.document_url" => "方針の文書",
            "policy.acknowledged" => "現行の版を確認済みの人数",
            "policy.acknowledged_in_period" => "うち対象期間中の確認",
            "policy.first_acknowledged_at" => "最初の確認",
            "policy.last_acknowledged_at" => "最新の確認",
            "policy.staff" => "Slack から取得したスタッフ数",
            "policy.staff_acknowledged" => "うち現行の版を確認済み",
            "policy.staff_from" => "スタッフの一覧の取得元",
            "policy.staff_counted_at" => "スタッフの一覧の取得日時",
            "policy.staff_not_counted" => "スタッフ数を数えなかった理由",
            "policy.decided_under" => "判断に適用された方針の版",
            "consultation.desk_members" => "相談窓口の担当者数",
            "consultation.desk_channel" => "窓口専用チャンネルで受付",
            "consultation.opened" => "相談の受付",
            "consultation.answered" => "相談の初回対応",
            "consultation.closed" => "助言して終了",
            "consultation.converted" => "案件化",
            "consultation.to_first_answer.count" => "初回対応までの時間を測った件数",
            "consultation.to_first_answer.median_seconds" => "初回対応までの時間の中央値（秒）",
            "consultation.to_first_answer.p90_seconds" => "初回対応までの時間、9割がこの秒数以内",
            "response.opened" => "新規案件",
            "response.by_category" => "区分別の新規案件",
            "response.private_categories" => "要配慮区分の案件",
            "response.decided" => "判断した案件",
            "response.acted_on" => "措置あり",
            "response.no_action" => "措置なし（カスハラ非該当）",
            "response.measures" => "措置を含む判断",
            "response.combined" => "複数の措置を含む判断",
            "response.refund_total" => "返金額の合計",
            "response.currency" => "通貨",
            "response.to_taken.count" => "担当が決まった案件",
            "response.to_taken.median_seconds" => "担当決定までの時間の中央値（秒）",
            "response.to_taken.p90_seconds" => "担当決定までの時間、9割がこの秒数以内",
            "response.to_decided.count" => "判断までの時間を測った案件",
            "response.to_decided.median_seconds" => "判断までの時間の中央値（秒）",
            "response.to_decided.p90_seconds" => "判断までの時間、9割がこの秒数以内",
            "response.checks.decisions" => "利用停止と契約解除の判断",
            "response.checks.answered" => "事前確認に回答済み",
            "response.checks.legal_reviewed" => "法務確認済み",
            "response.checks.legal_not_needed" => "法務確認不要",
            "response.checks.with_concerns" => "承認者に注意を促した回答あり",
            "response.repeat_cases" => "過去に案件がある顧客からの案件",
            "response.repeat_customers" => "案件が2件以上の顧客",
            "response.prevention_notes" => "再発防止策を記録した判断",
            "deterrence.ladder" => "段階的な措置（過去の案件数別）",
            "deterrence.ladder_window_days" => "段階の判断に数える期間（日）",
            "deterrence.critical_starts_at" => "深刻度が重大の案件で検討する措置",
            "deterrence.refund_approval_over" => "承認が必要な返金（この額を超えるもの）",
            "deterrence.approvers" => "承認者の人数",
            "deterrence.approvers_are_managers" => "承認者はマネージャーと同じ",
            "deterrence.executives" => "呼び出す責任者の人数",
            "deterrence.managers" => "マネージャーの人数",
            "deterrence.reporter_may_decide" => "報告者が自分の案件を判断できる",
            "deterrence.page_after_seconds" => "次の責任者を呼び出すまで（秒）",
            "deterrence.alert_rounds" => "エスカレーションチャンネルへの通知回数",
            "deterrence.decision_reminder_seconds" => "判断の催促の間隔（秒）",
            "care.check_ins_sent" => "完了後の声かけの送信",
            "care.check_ins_fine" => "声かけへの回答：大丈夫です",
            "care.check_ins_desk" => "声かけへの回答：相談窓口と話したい",
            "care.check_ins_unanswered" => "声かけへの回答なし",
            "care.needed_someone" => "今すぐ誰かに来てほしいとの回答",
            "care.reporters_kept_off" => "担当替え",
            "care.private_cases" => "要配慮区分の案件",
            "care.exports" => "エクスポート",
            "care.backups" => "バックアップ",
            "care.retention_passes" => "保存期間による消去",
            "care.retention" => "保存期間（store.retention）",
            "care.check_in_after_seconds" => "完了後の声かけまでの時間（秒）",
            "months.month" => "月",
            "months.opened" => "新規案件",
            "months.by_category" => "区分別の新規案件",
            "months.private_categories" => "要配慮区分",
            "months.decided" => "判断",
            "months.acted_on" => "措置あり",
            "months.no_action" => "措置なし（カスハラ非該当）",
            "months.consultations" => "相談",
            _ => return None,
        };
        Some(match detail {
            Some(detail) => format!("{name}：{detail}"),
            None => name.to_owned(),
        })
    }

    fn compliance_refused(&self) -> String {
        "実施状況の集計を見られるのは、責任者、マネージャー、相談窓口の担当者として登録された方\
         だけです。必要な場合は、いずれかの方にご依頼ください。変更はありません。"
            .into()
    }

    fn compliance_period_invalid(&self) -> String {
        "期間は `/escalate compliance 2026-07-01 2026-09-30` のように、初日と末日の2つの日付で\
         指定してください（8年以内）。日付を省くと、直前の四半期を集計します。"
            .into()
    }
}

fn ids(users: &[UserId]) -> String {
    users
        .iter()
        .map(UserId::to_string)
        .collect::<Vec<_>>()
        .join("、")
}
