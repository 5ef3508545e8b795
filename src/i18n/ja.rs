//! Purpose: the Japanese catalog (日本語). Polite です・ます throughout; category names
//! follow the MHLW manual's wording.

use std::fmt::Write;

use jiff::ToSpan;

use super::{
    Catalog, Money, Trend, duration_units, escape, group_thousands, mention, mentions, one_decimal,
    slack_time, trend,
};
use crate::domain::customer::CaseLine;
use crate::domain::{
    CaseId, Category, CustomerRecord, Decision, History, Outcome, OutcomeKind, PromiseFailed,
    Refusal, Severity, Step, Tallies, UserId, Week,
};
use crate::report::WeeklyReport;

pub struct Ja;

impl Catalog for Ja {
    fn category_name(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "身体的な攻撃（暴行・傷害）",
            Category::Threat => "脅迫",
            Category::VerbalAbuse => "精神的な攻撃（暴言・侮辱・中傷・名誉毀損）",
            Category::Intimidation => "威圧的な言動",
            Category::Dogeza => "土下座の要求",
            Category::Persistent => "継続的・執拗な言動",
            Category::Restraint => "拘束的な行動（長時間拘束・居座り）",
            Category::Discrimination => "差別的な言動",
            Category::Sexual => "性的な言動",
            Category::PersonalAttack => "従業員個人への攻撃・要求",
            Category::UnreasonableDemand => "不当・過剰な要求",
            Category::Other => "その他",
        }
    }

    fn severity_name(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => "緊急",
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }

    fn outcome_kind_name(&self, kind: OutcomeKind) -> &'static str {
        match kind {
            OutcomeKind::Warning => "警告",
            OutcomeKind::Refund => "返金",
            OutcomeKind::Termination => "取引停止",
            OutcomeKind::RefundAndTermination => "返金して取引停止",
            OutcomeKind::NoAction => "対応なし",
        }
    }

    fn outcome(&self, outcome: Outcome, currency: &str) -> String {
        let money = |amount| self.money(Money { amount, currency });
        match outcome {
            Outcome::Warning => "警告".into(),
            Outcome::Refund { amount } => format!("{}の返金", money(amount)),
            Outcome::Termination => "取引停止（お客様との取引を終了）".into(),
            Outcome::RefundAndTermination { amount } => {
                format!(
                    "{}を返金のうえ取引停止（お客様との取引を終了）",
                    money(amount)
                )
            }
            Outcome::NoAction => "対応なし（ハラスメントに当たらない）".into(),
        }
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Warning => "警告",
            Step::FinalWarning => "最終警告",
            Step::Termination => "取引停止",
            Step::AlreadyCutOff => "取引停止済み（記録のみ）",
        }
    }

    fn promise_failed_name(&self, answer: PromiseFailed) -> &'static str {
        match answer {
            PromiseFailed::Yes => "はい（当社に約束の不履行あり）",
            PromiseFailed::No => "いいえ",
            PromiseFailed::Unsure => "わからない",
        }
    }

    fn money(&self, money: Money<'_>) -> String {
        match money.currency {
            "JPY" => format!("{}円", group_thousands(money.amount)),
            other => format!("{} {other}", group_thousands(money.amount)),
        }
    }

    fn guidance(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => {
                "安全を最優先してください。会話を終え、その場を離れてください。身の危険があるときは\
                 警察（110番）に通報してください。このお客様と一人で会わないでください。"
            }
            Category::Threat => {
                "安全を最優先してください。会話を終え、交渉には応じないでください。生命や財産への\
                 脅しがあれば警察（110番）に通報してください。メッセージや録音は残してください。"
            }
            Category::VerbalAbuse => {
                "暴言を聞き続ける必要はありません。「続く場合は対応を終了します」と一度伝え、続けば\
                 終了してください。記録は残し、言い返さないでください。"
            }
            Category::Intimidation => {
                "落ち着いて距離を取ってください。電話やチャットは終了して構いません。圧力を受けて\
                 約束をしないでください。"
            }
            Category::Dogeza => {
                "土下座や屈辱的な謝罪は決してしないでください。謝罪は当社に実際の落ち度がある点に\
                 ついてのみ、一度だけにしてください。"
            }
            Category::Persistent => {
                "新しい連絡の一つひとつに返信しないでください。窓口を一本化して経営陣から回答します。\
                 メッセージは残してください。"
            }
            Category::Restraint => {
                "進展のない長時間の対応は終了して構いません。時間の区切りを伝え、それを守ってください。"
            }
            Category::Discrimination => {
                "差別的な言動は決して許されません。会話を終えてください。詳細は非公開の\
                 エスカレーションチャンネルだけで扱います。"
            }
            Category::Sexual => {
                "対応を続ける必要はありません。会話を終えてください。詳細は非公開の\
                 エスカレーションチャンネルだけで扱います。"
            }
            Category::PersonalAttack => {
                "あなた個人への要求（解雇の要求、連絡先の要求など）に答える必要はありません。\
                 経営陣が対応します。個人情報は伝えないでください。"
            }
            Category::UnreasonableDemand => {
                "契約を確認してください。約束して果たせなかったことは正し、約束していないことは\
                 行いません。追加の要求には応じず、回答は経営陣に任せてください。"
            }
            Category::Other => {
                "この件のやり取りはここで止めてください。以降は経営陣が引き継ぎます。起きたことの\
                 記録は残してください。"
            }
        }
    }

    fn case_opened(&self, id: CaseId, category: Category) -> String {
        format!(
            "*{id}* を受け付けました。この件は経営陣が引き継ぎます。このお客様のこの件に、\
             これ以上あなたが対応する必要はありません。報告ありがとうございます。\n\n\
             *今すべきこと:* {}",
            self.guidance(category)
        )
    }

    fn usage(&self) -> String {
        let mut categories = String::new();
        for c in Category::ALL {
            let _ = write!(categories, "`{}`（`{}`）、", c.short_ja(), c.slug());
        }
        let categories = categories.trim_end_matches('、');
        format!(
            "*エスカレーションの方法*\n\
             • `/escalate <顧客ID> <区分> <起きたこと>` ですぐに案件を起票します。\n\
             • `/escalate` だけを送るとフォームが開きます。\n\
             • `/escalate history <顧客ID>` でそのお客様の履歴を表示します。\n\
             • `/escalate stats` で集計を表示します。\n\
             区分: {categories}\n\
             例: `/escalate cust-42 暴言 電話で1時間にわたり担当者を罵倒した`"
        )
    }

    fn unknown_category(&self, given: &str) -> String {
        format!(
            "「{}」は区分として登録されていないため、何も記録していません。\n\n{}",
            escape(given),
            self.usage()
        )
    }

    fn missing_customer(&self) -> String {
        format!(
            "どのお客様の件か分からないため、まだ何も記録していません。\n\n{}",
            self.usage()
        )
    }

    fn missing_category(&self) -> String {
        format!(
            "ハラスメントの区分が分からないため、まだ何も記録していません。\n\n{}",
            self.usage()
        )
    }

    fn invalid_customer(&self, given: &str) -> String {
        format!(
            "「{}」は顧客IDとして使えません。アカウントIDのような、空白を含まない64文字以内の\
             文字列を指定してください。何も記録していません。",
            escape(given)
        )
    }

    fn summary_too_long(&self, max_chars: usize) -> String {
        format!(
            "説明が{max_chars}文字を超えているため、何も記録していません。短くするか、\
             `/escalate` だけを送ってフォームを使ってください。"
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
            "システム側で問題が発生し、記録されていない可能性があります。もう一度お試しください。\
             繰り返し失敗する場合は、`{reference}` を添えてマネージャーに伝えてください。"
        )
    }

    fn staff_unverified(&self) -> String {
        "Slack アカウントを確認できなかったため、何も記録していません。少し時間をおいて、\
         もう一度お試しください。"
            .into()
    }

    fn records_refused(&self) -> String {
        "顧客の履歴と集計を見られるのは、役員、マネージャー、承認者、サポートリーダーのみです。\
         必要な場合は、いずれかの方にご依頼ください。"
            .into()
    }

    fn history_header(&self, record: &CustomerRecord, currency: &str) -> String {
        let mut out = format!("*顧客 `{}` の履歴*\n", escape(record.id.as_str()));
        match &record.cut_off {
            Some(cut) => {
                let _ = writeln!(
                    out,
                    "{}に契約解除済み（{}）。",
                    slack_time(cut.at),
                    cut.case
                );
            }
            None => out.push_str("契約解除されていません。\n"),
        }
        let _ = write!(
            out,
            "警告：{}件、返金：{}件（合計 {}）",
            record.warnings,
            record.refunds,
            self.money(Money {
                amount: record.refund_total,
                currency
            })
        );
        out
    }

    fn history_case(&self, line: &CaseLine, private: bool) -> String {
        let outcome = match line.outcome {
            Some(kind) => self.outcome_kind_name(kind),
            None => "対応中",
        };
        let category = if private {
            "要配慮区分"
        } else {
            self.category_name(line.category)
        };
        format!(
            "• {}（{}）{category}：{outcome}",
            line.id,
            slack_time(line.opened_at)
        )
    }

    fn history_page(
        &self,
        customer: &str,
        from: usize,
        to: usize,
        total: usize,
        next: Option<usize>,
    ) -> String {
        let shown = format!("全{total}件のうち、新しい順に{from}〜{to}件目を表示しています。");
        match next {
            Some(page) => format!(
                "{shown}それより前の案件：`/escalate history {} {page}`",
                escape(customer)
            ),
            None => shown,
        }
    }

    fn history_private_note(&self) -> &'static str {
        "要配慮区分の内容は、エスカレーションチャンネルでのみ表示します。"
    }

    fn no_history(&self, customer: &str) -> String {
        format!("顧客 `{}` の案件はありません。", escape(customer))
    }

    fn tallies(&self, t: &Tallies, customer_count: Option<u64>, currency: &str) -> String {
        let cut_off = match customer_count {
            Some(total) => format!("{}社中 {}社", group_thousands(total), t.customers_cut_off),
            None => format!("{}社", t.customers_cut_off),
        };
        format!(
            "*エスカレーション集計*\n\
             案件: {}件（対応中 {}件）\n\
             警告: {}件\n\
             返金: {}件（合計 {}）\n\
             取引停止: {}件\n\
             対応なし: {}件\n\
             取引停止した顧客: {cut_off}",
            t.cases_total,
            t.cases_open,
            t.warnings,
            t.refunds,
            self.money(Money {
                amount: t.refund_total,
                currency
            }),
            t.terminations,
            t.no_action,
        )
    }

    fn form_title(&self) -> &'static str {
        "カスハラのエスカレーション"
    }
    fn form_submit(&self) -> &'static str {
        "エスカレーション"
    }
    fn form_cancel(&self) -> &'static str {
        "キャンセル"
    }
    fn form_customer(&self) -> &'static str {
        "顧客ID"
    }
    fn form_customer_hint(&self) -> &'static str {
        "社内システムのアカウントIDなど、空白を含まない文字列。"
    }
    fn form_category(&self) -> &'static str {
        "ハラスメントの区分"
    }
    fn form_severity(&self) -> &'static str {
        "深刻度"
    }
    fn form_severity_hint(&self) -> &'static str {
        "空欄の場合は区分の標準の深刻度になります。"
    }
    fn form_summary(&self) -> &'static str {
        "何が起きましたか？"
    }
    fn form_promise_failed(&self) -> &'static str {
        "当社が約束を果たせなかった点はありますか？"
    }
    fn form_done_title(&self) -> &'static str {
        "受け付けました"
    }
    fn form_close(&self) -> &'static str {
        "閉じる"
    }

    fn card_title(&self, id: CaseId, category: Category) -> String {
        format!("{id}: {}", self.category_name(category))
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
        "起票"
    }
    fn card_promise_failed(&self) -> &'static str {
        "当社の約束不履行"
    }
    fn card_summary(&self) -> &'static str {
        "起きたこと"
    }
    fn card_no_summary(&self) -> &'static str {
        "説明がありません。報告者に確認してください。"
    }
    fn card_history(&self) -> &'static str {
        "これまでの履歴"
    }

    fn history_line(&self, h: &History) -> String {
        if h.prior_cases == 0 && !h.cut_off {
            return "過去の案件はありません。".into();
        }
        let mut out = format!(
            "過去の案件 {}件（直近12か月 {}件）、警告 {}件。",
            h.prior_cases, h.prior_cases_last_12_months, h.warnings
        );
        if h.cut_off {
            out.push_str("すでに取引停止済みです。");
        }
        out
    }

    fn card_recommendation(&self) -> &'static str {
        "方針による推奨"
    }
    fn recommendation_note(&self) -> &'static str {
        "言動の履歴だけに基づき、どのお客様にも同じ基準で推奨します。判断するのは人です。"
    }
    fn card_customer_unknown(&self, reporter: &UserId) -> String {
        format!("_未特定（{}に確認中）_", mention(reporter))
    }
    fn card_evidence(&self) -> &'static str {
        "対象のメッセージ"
    }
    fn evidence_link(&self) -> &'static str {
        "メッセージを開く"
    }
    fn identify_button(&self) -> &'static str {
        "顧客を指定する"
    }
    fn ask_customer(&self, id: CaseId) -> String {
        format!(
            "*{id}* を受け付けました。この件は経営陣が引き継ぎます。このメッセージを書いたのは\
             どのお客様ですか？ 過去の履歴に照らして判断できるよう、顧客を指定してください。\
             この表示はあなたにだけ見えています。"
        )
    }
    fn identify_title(&self) -> &'static str {
        "顧客を指定"
    }
    fn identify_intro(&self, id: CaseId) -> String {
        format!("*{id}* はどのお客様の件ですか？")
    }
    fn note_customer_identified(&self, customer: &str, by: &UserId) -> String {
        format!(
            "{}が顧客を指定しました: `{}`。",
            mention(by),
            escape(customer)
        )
    }
    fn form_quote(&self) -> &'static str {
        "対象のメッセージ"
    }
    fn already_escalated(&self, id: CaseId) -> String {
        format!(
            "このメッセージはすでに *{id}* としてエスカレーション済みです。経営陣が対応しています。"
        )
    }
    fn suggestion(&self, category: Category) -> String {
        format!(
            ":eyes: このメッセージはハラスメント（{}）の可能性があります。該当する場合は\
             エスカレーションしてください。以降は経営陣が引き継ぎます。この表示はあなたにだけ\
             見えています。",
            self.category_name(category)
        )
    }
    fn suggestion_button(&self) -> &'static str {
        "エスカレーション"
    }
    fn suggestion_private_note(&self) -> &'static str {
        "この提案はお客様には見えません。"
    }
    fn suggestion_by_dm(&self, channel: &str, permalink: Option<&str>) -> String {
        let message = match permalink {
            Some(link) => format!("<{link}|メッセージ>"),
            None => "メッセージ".to_owned(),
        };
        format!(
            "<#{channel}> の{message}について（このチャンネルに参加していないため、\
             ここでお知らせします）:"
        )
    }
    fn suggestion_repeated_within(&self, count: u32, window: jiff::SignedDuration) -> String {
        format!(
            ":eyes: このお客様からの連絡は、{}で{count}件になります（チャンネルを問わず、\
             メッセージ、ヘルプデスクの問い合わせ、エスカレーションを含みます）。執拗な連絡に\
             なっている場合はエスカレーションしてください。以降は責任者が引き継ぎます。",
            self.duration(window)
        )
    }
    fn ask_classification(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "メッセージの文面から、*{id}* を区分「{}」、深刻度「{}」として登録しました。\
             この内容でよいか確認し、違う場合は変更してください。身の危険がある場合は\
             「緊急事態です」を押してください。全員にすぐ呼び出しが届きます。",
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
        format!("*{id}* の区分と深刻度を選んでください。")
    }
    fn classify_submit(&self) -> &'static str {
        "保存"
    }
    fn classified(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "ありがとうございます。*{id}* を区分「{}」、深刻度「{}」で登録しました。",
            self.category_name(category),
            self.severity_name(severity)
        )
    }
    fn emergency_recorded(&self, id: CaseId) -> String {
        format!(
            "*{id}* の深刻度を「{}」にしました。全員をすぐに呼び出しています。身の安全を最優先に\
             してください。会話を終わらせ、危険がある場合は警察（110番）に通報してください。",
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
                "{}さんが区分を確認しました：{}、深刻度{}。",
                mention(by),
                self.category_name(category),
                self.severity_name(severity)
            ),
            Some((was_category, was_severity)) => format!(
                "{}さんが区分と深刻度を変更しました：{}、{}（変更前：{}、{}）。",
                mention(by),
                self.category_name(category),
                self.severity_name(severity),
                self.category_name(was_category),
                self.severity_name(was_severity)
            ),
        }
    }
    fn card_private(&self) -> &'static str {
        ":lock: 非公開の区分です。詳細はこのチャンネルにだけ表示します。"
    }
    fn card_reporter_may_decide(&self) -> &'static str {
        ":information_source: `policy.reporter_may_decide` が有効なため、この案件の報告者も\
         担当と判断ができます。"
    }

    fn status_open(&self, paging: Option<&UserId>) -> String {
        match paging {
            Some(user) => format!(
                ":rotating_light: *未対応*: 担当者を待っています。{}を呼び出しました。",
                mention(user)
            ),
            None => ":rotating_light: *未対応*: 担当者を待っています。".into(),
        }
    }

    fn status_taken(&self, by: &UserId, at: jiff::Timestamp) -> String {
        format!(
            ":raising_hand: {}に{}が*引き受けました*。",
            slack_time(at),
            mention(by)
        )
    }

    fn status_proposed(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            ":hourglass_flowing_sand: *承認待ち*: {}が{}を提案しました。提案者以外の承認者が\
             スレッドで承認または却下します。",
            mention(by),
            self.outcome(outcome, currency)
        )
    }

    fn status_closed(&self, d: &Decision, currency: &str) -> String {
        let approved = match &d.approved {
            Some(a) => format!("、{}が承認", mention(&a.by)),
            None => String::new(),
        };
        format!(
            ":white_check_mark: *完了*: {}（{}が決定{approved}、{}）。方針 {}。",
            self.outcome(d.outcome, currency),
            mention(&d.decided.by),
            slack_time(d.final_stamp().at),
            escape(&d.policy_version)
        )
    }

    fn take_button(&self) -> &'static str {
        "この案件を引き受ける"
    }
    fn decide_confirm_title(&self) -> &'static str {
        "この判断を記録しますか？"
    }
    fn decide_confirm_text(&self, kind: OutcomeKind, id: CaseId) -> String {
        match kind {
            OutcomeKind::Termination => format!(
                "{id} のお客様との取引停止を提案します。提案者以外の承認者がスレッドで\
                 承認する必要があります。"
            ),
            _ => format!("{id} を「{}」で完了します。", self.outcome_kind_name(kind)),
        }
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
        customer: Option<&str>,
        private: bool,
    ) -> String {
        let Some(customer) = customer else {
            return format!(
                ":rotating_light: *{id}* に経営陣の対応が必要です: まだ特定されていない顧客による{}。",
                if private {
                    "非公開の区分の案件"
                } else {
                    self.category_name(category)
                }
            );
        };
        if private {
            format!(
                ":rotating_light: *{id}* に経営陣の対応が必要です。非公開の区分のため、詳細は\
                 エスカレーションチャンネルにあります。"
            )
        } else {
            format!(
                ":rotating_light: *{id}* に経営陣の対応が必要です: 顧客 `{}` による{}。",
                escape(customer),
                self.category_name(category)
            )
        }
    }
    fn page_link(&self) -> &'static str {
        "案件のスレッドを開く"
    }

    fn note_paged(&self, to: &[UserId]) -> String {
        format!("{}を呼び出しました。", mentions(to))
    }
    fn note_reminder(&self, id: CaseId, to: &[UserId], approval: bool) -> String {
        if approval {
            format!(
                ":bell: {} {id} の提案はまだ承認者の承認を待っています。",
                mentions(to)
            )
        } else {
            format!(":bell: {} {id} はまだ判断を待っています。", mentions(to))
        }
    }
    fn here_alert(&self, id: CaseId, round: u32, of: u32) -> String {
        let base = format!(
            "<!here> :rotating_light: {id} はまだ誰も引き受けていません。経営陣全員を呼び出し済みです。\
             経営陣またはマネージャーの方は引き受けてください。"
        );
        if round >= of {
            format!(
                "{base}（{of}回中{round}回目の通知）呼び出しはこれで終わりますが、誰かが引き受ける\
                 まで案件は未対応のままです。"
            )
        } else {
            format!("{base}（{of}回中{round}回目の通知）")
        }
    }
    fn note_taken(&self, by: &UserId) -> String {
        format!(
            "{}が案件を引き受けました。呼び出しを止めます。",
            mention(by)
        )
    }
    fn note_proposal(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "{}が{}を提案しています。提案者以外の承認者の承認が必要です。",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_rejected(&self, by: &UserId, outcome: Outcome, currency: &str) -> String {
        format!(
            "{}が{}の提案を却下しました。案件は引き受けた人に戻ります。",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_closed(&self, d: &Decision, currency: &str) -> String {
        self.status_closed(d, currency)
    }
    fn approve_button(&self) -> &'static str {
        "承認"
    }
    fn reject_button(&self) -> &'static str {
        "却下"
    }
    fn proposal_approved(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "提案: {}。{}が*承認*しました。",
            self.outcome(outcome, currency),
            mention(by)
        )
    }
    fn proposal_rejected(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "提案: {}。{}が*却下*しました。",
            self.outcome(outcome, currency),
            mention(by)
        )
    }

    fn reporter_closed(&self, id: CaseId, outcome: Outcome, currency: &str) -> String {
        format!(
            "あなたが報告した *{id}* は完了しました。経営陣の判断は{}です。声を上げてくださって\
             ありがとうございます。報告はあなたと同僚を守るもので、報告したことで不利益を\
             受けることはありません。",
            self.outcome(outcome, currency)
        )
    }

    fn refusal(&self, refusal: &Refusal, id: CaseId, currency: &str) -> String {
        match refusal {
            Refusal::NotExecutiveOrManager => format!(
                "案件を引き受けられるのは経営陣とマネージャーだけです。{id} は変更されていません。"
            ),
            Refusal::AlreadyTakenBy(owner) => format!(
                "{id} はすでに{}が引き受けています。変更はありません。",
                mention(owner)
            ),
            Refusal::AlreadyYours => {
                format!("{id} はすでにあなたが引き受けています。変更はありません。")
            }
            Refusal::NotTakenYet => {
                format!("{id} はまだ誰も引き受けていません。先に引き受けてから判断してください。")
            }
            Refusal::NotOwnerOrManager { owner } => format!(
                "{id} を判断できるのは、引き受けた{}かマネージャーだけです。変更はありません。",
                mention(owner)
            ),
            Refusal::ProposalPending => {
                format!("{id} の判断はすでにスレッドで承認者の承認を待っています。")
            }
            Refusal::NothingToApprove => {
                format!("{id} に承認待ちの提案はありません。変更はありません。")
            }
            Refusal::ProposalReplaced => format!(
                "{id} のその提案は却下され、新しい提案が承認を待っています。スレッドの最新の提案の\
                 ボタンを使ってください。変更はありません。"
            ),
            Refusal::ApproversOnly => format!(
                "{id} の提案を承認または却下できるのは、承認者（`people.approvers`）のみです。\
                 変更はありません。"
            ),
            Refusal::OwnProposal => format!(
                "{id} の判断はご自身が提案したものなので、ほかの承認者が承認または却下する\
                 必要があります。変更はありません。"
            ),
            Refusal::OwnReport => format!(
                "{id} はご自身が報告した案件のため、担当、判断、承認はできません（職務の分離）。\
                 ほかの責任者が対応します。変更はありません。"
            ),
            Refusal::NoLongerEntitled => format!(
                "{id} の担当者ですが、現在は役員またはマネージャーとして設定されていないため、\
                 判断はできません。マネージャーが判断できます。変更はありません。"
            ),
            Refusal::AmountMustBePositive => "返金額は0より大きくしてください。".into(),
            Refusal::CustomerUnknown => format!(
                "先に {id} の顧客を指定してください。警告・返金・取引停止は顧客に対して行うものです。\
                 変更はありません。"
            ),
            Refusal::CustomerAlreadyKnown(customer) => format!(
                "{id} の顧客はすでに指定されています: `{}`。変更はありません。",
                escape(customer.as_str())
            ),
            Refusal::NotInvolved => {
                format!("{id} の顧客を指定できるのは、報告者・経営陣・マネージャーだけです。")
            }
            Refusal::NotInvolvedToClassify => {
                format!("{id} の区分を設定できるのは、報告者、責任者、マネージャーだけです。")
            }
            Refusal::ClassificationUnchanged { category, severity } => format!(
                "{id} はすでに区分「{}」、深刻度「{}」で登録されています。変更はありません。",
                self.category_name(*category),
                self.severity_name(*severity)
            ),
            Refusal::Closed { outcome } => format!(
                "{id} はすでに{}で完了しています。変更はありません。",
                self.outcome(*outcome, currency)
            ),
        }
    }

    fn no_such_case(&self, id: &str) -> String {
        format!("案件 {} は存在しません。変更はありません。", escape(id))
    }

    fn refund_title(&self) -> &'static str {
        "返金"
    }
    fn refund_amount(&self, currency: &str) -> String {
        format!("金額（{currency}）")
    }
    fn refund_amount_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "整数で入力してください。{}を超える返金には承認者の承認が必要です。",
            self.money(approval_over)
        )
    }
    fn refund_submit(&self) -> &'static str {
        "記録する"
    }
    fn refund_intro(&self, id: CaseId, kind: OutcomeKind) -> String {
        format!(
            "*{id}*: {}。返金額はいくらですか？",
            self.outcome_kind_name(kind)
        )
    }
    fn amount_invalid(&self) -> String {
        "0より大きい整数を、数字だけで入力してください。".into()
    }

    fn weekly_report(&self, r: &WeeklyReport, currency: &str) -> String {
        let s = &r.figures.stats;
        let monday = r.week.monday();
        let sunday = monday.saturating_add(6.days());
        let mut out = format!(
            "*週次エスカレーション報告 {}*（{}〜{}、{} の暦）\n",
            r.week,
            monday.strftime("%Y年%-m月%-d日（月）"),
            sunday.strftime("%-m月%-d日（日）"),
            r.zone
        );
        let _ = write!(out, "*新規案件:* {}件", s.opened);
        if let Some((direction, mean)) = trend(s.opened, &r.trend) {
            let list: Vec<String> = r.trend.iter().map(|n| format!("{n}件")).collect();
            let word = match direction {
                Trend::Up => "増加",
                Trend::Down => "減少",
                Trend::Level => "横ばい",
            };
            let _ = write!(
                out,
                "（前{}週の平均 {}件から{word}：{}）",
                r.trend.len(),
                one_decimal(mean),
                list.join("、")
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
        let _ = writeln!(out, "*種類別:* {}", parts.join("・"));
        let _ = writeln!(
            out,
            "*決定:* {}件（警告 {}件、返金 {}件（{}）、取引停止 {}件、対応なし {}件）{}",
            s.decided_total(),
            s.decided(OutcomeKind::Warning),
            s.refunds,
            self.money(Money {
                amount: s.refund_total,
                currency
            }),
            r.terminations(),
            s.decided(OutcomeKind::NoAction),
            // 返金と取引停止の両方に数えた件数（内訳の合計が総数を超えるため）。
            match s.decided(OutcomeKind::RefundAndTermination) {
                0 => String::new(),
                both => format!("。うち {both}件は返金と取引停止の両方"),
            },
        );
        for (label, spread, none) in [
            (
                "引き継ぎまでの時間",
                r.figures.to_taken,
                "今週引き継がれた案件はありません",
            ),
            (
                "決定までの時間",
                r.figures.to_decided,
                "今週決定した案件はありません",
            ),
        ] {
            match spread {
                Some(x) => writeln!(
                    out,
                    "*{label}:* 中央値 {}、90パーセンタイル {}（{}件）",
                    self.duration(x.median),
                    self.duration(x.p90),
                    x.count
                ),
                None => writeln!(out, "*{label}:* {none}"),
            }
            .ok();
        }
        let _ = write!(out, "*未解決の案件（現在）:* {}件", r.open_now);
        if let Some(age) = r.oldest_open {
            let _ = write!(out, "、最も古いものは {}経過", self.duration(age));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "*繰り返しの顧客:* 今週の案件のうち {}件は過去にも案件のある顧客から。\
             累計で {}社が2件以上",
            s.repeat_cases, r.repeat_customers
        );
        let all_time = match r.customer_count {
            Some(total) => format!("{}社中 {}社", group_thousands(total), r.cut_off_total),
            None => format!("{}社", r.cut_off_total),
        };
        let _ = write!(
            out,
            "*取引停止した顧客:* 今週 {}社、累計 {all_time}",
            s.cut_off
        );
        out
    }

    fn chart_comment(&self, week: Week, weeks: usize, legend: &[String]) -> String {
        format!(
            "{week}までの{weeks}週間の新規案件数（種類別）: {}",
            legend.join("・")
        )
    }

    fn private_categories(&self) -> &'static str {
        "プライバシーに配慮する種類"
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

    fn unknown_command(&self, command: &str) -> String {
        format!(
            "`{}` はこのボットのコマンドではないため、何も記録していません。\
             エスカレーションには `/escalate` を使ってください（使い方は `/escalate help` で表示されます）。",
            escape(command)
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
         「Escalate this message」ショートカットか `/escalate` を使ってください。"
            .into()
    }

    fn evidence_unreadable(&self) -> &'static str {
        "ボットがこのメッセージを読み取れなかったため、引用はありません（チャンネルに参加していない、\
         権限が不足している、またはメッセージが削除された可能性があります）。\
         メッセージを開いて確認してください。"
    }

    fn reaction_not_recorded(&self, reaction: &str) -> String {
        format!(
            ":{}: のリアクションから案件を起票できなかったため、責任者にはまだ伝わっていません。\
             お手数ですが `/escalate` でエスカレーションしてください。",
            escape(reaction)
        )
    }
}
