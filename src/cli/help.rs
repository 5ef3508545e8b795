//! Purpose: the command line's help in Japanese, for an operator whose terminal or
//! configuration is Japanese: every command's and argument's text, and clap's own
//! headings, in Japanese written as Japanese.

use clap::{Arg, ArgAction};

/// The Japanese help, by command (`""` for the program) and argument (`""` for the
/// command itself). The English is each item's doc comment.
const JAPANESE: &[(&str, &str, &str)] = &[
    (
        "",
        "",
        "カスハラの案件をサポート担当者から引き取り、責任者の判断まで Slack で進めるボットです。",
    ),
    (
        "serve",
        "",
        "ボットを起動します。Slack からのリクエストに応答し、ボットのメッセージを配信します。",
    ),
    (
        "demo",
        "",
        "内蔵の Slack スタンドインと一時ストアを使い、一連の流れをループバック上で実行して、\
         それぞれの人に表示される内容を出力します。Slack のワークスペースは不要です。",
    ),
    (
        "demo",
        "locale",
        "出力の言語（en または ja）。省略時は設定の i18n.locale、設定がなければ en です。",
    ),
    ("stats", "", "ストアの集計を表示します。"),
    (
        "stats",
        "json",
        "テキストの代わりに、JSON オブジェクトを1つ出力します。",
    ),
    (
        "report",
        "",
        "経営層向けの週次報告（既定は、直近の完了した週）を表示します。または、すぐに \
         slack.stats_channel へ投稿します（送られなかった週の再送など）。ボットの実行中\
         （ストアのディレクトリにある運用ソケット経由）でも停止中でも使えます。",
    ),
    (
        "report",
        "week",
        "対象の週。その週のいずれかの日付（2026-11-16 など）か ISO 週番号（2026-W47 など）で、\
         report.timezone で数えます。",
    ),
    (
        "report",
        "post",
        "表示する代わりに、グラフ付きで投稿します。ボットが停止中のときは SLACK_BOT_TOKEN が\
         必要です。",
    ),
    (
        "report",
        "chart",
        "報告を表示する代わりに、その週のグラフを PNG（凡例は設定の言語）で、\
         operations.output_dir の中の新しいファイルに書き出します。",
    ),
    (
        "acknowledgements",
        "",
        "会社の方針を読むべき方（people.staff_group のメンバー、設定がなければサポート\
         チャンネルのメンバー）と、現在の版を確認した方とその日時を一覧にします。ボットの\
         実行中（運用ソケット経由）でも停止中（SLACK_BOT_TOKEN が必要）でも使えます。",
    ),
    ("acknowledgements", "format", "text（既定）または csv。"),
    (
        "export",
        "",
        "監査用に、すべての案件を判断と経過とともに書き出します。CSV（日本語を含めて Excel \
         で開けます）または JSON です。見出しと区分名、判断名は設定の言語で書き出します。",
    ),
    ("export", "format", "csv または json。"),
    (
        "export",
        "since",
        "この日（2026-01-01 など、report.timezone の日付）以降に起票された案件だけを\
         書き出します。",
    ),
    (
        "export",
        "out",
        "書き出すファイル。operations.output_dir の中の新しい名前（相対パス、またはその中の\
         絶対パス）で、権限 0600 で作成します。省略時は標準出力です。ボットの実行中は、\
         ボット自身が書き込むため必須です。",
    ),
    (
        "compliance-report",
        "",
        "実施状況報告：カスタマーハラスメントへの対策として行ったことを、厚生労働省の指針が\
         定める5つの措置に沿って、集計値のみで設定の言語により示します。ボットの実行中\
         （運用ソケット経由）でも停止中でも使えます。停止中は、SLACK_BOT_TOKEN が設定されて\
         いる場合に限り、方針を確認したスタッフの人数を数えます。",
    ),
    (
        "compliance-report",
        "from",
        "対象期間の初日（2026-07-01 など、report.timezone の日付）。--from と --to を省くと\
         直前の完了した四半期、--from だけなら今日までです。",
    ),
    (
        "compliance-report",
        "to",
        "対象期間の末日（この日を含みます）。--to だけなら、その日を含む四半期の初日からです。",
    ),
    (
        "compliance-report",
        "format",
        "md（既定）、csv、json のいずれか。",
    ),
    (
        "compliance-report",
        "out",
        "書き出すファイル。operations.output_dir の中の新しい名前（相対パス、またはその中の\
         絶対パス）で、権限 0600 で作成します。省略時は標準出力です。",
    ),
    (
        "backup",
        "",
        "ストアの一貫したコピーを、新しいディレクトリに作成します。ボットが動いていなければ\
         直接、動いていれば運用ソケット（ストアのディレクトリにあります）を通じて作成します。",
    ),
    (
        "backup",
        "dir",
        "コピー先。operations.output_dir の中の新しい名前（相対パス、またはその中の絶対パス）\
         で、ディレクトリは権限 0700、ファイルは 0600 で作成します。",
    ),
    (
        "check-config",
        "",
        "設定と Slack のシークレットを確認し、問題があれば説明します。",
    ),
    (
        "*",
        "config",
        "TOML 形式の設定ファイル。既定は、作業ディレクトリに escalation-bot.toml があれば\
         それを使います。",
    ),
];

fn japanese_text(command: &str, arg: &str) -> Option<&'static str> {
    JAPANESE
        .iter()
        .find(|(c, a, _)| (*c == command || *c == "*") && *a == arg)
        .map(|(.., text)| *text)
}

/// `command` (reached through `path`) with its help, its arguments' help and clap's own
/// headings in Japanese; its subcommands likewise.
pub fn japanese(mut command: clap::Command, path: &[&str]) -> clap::Command {
    let name = path.last().copied().unwrap_or("");
    if let Some(about) = japanese_text(name, "") {
        command = command.about(about).long_about(None::<&str>);
    }
    let args: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "version")
        .collect();
    for id in args {
        if let Some(help) = japanese_text(name, &id) {
            command = command.mut_arg(id, |a| a.help(help).long_help(None::<&str>));
        }
    }
    // clap's headings end in a half-width colon: the template writes them instead.
    let mut template = String::from("{about-with-newline}\n使い方：{usage}\n");
    if command.get_subcommands().next().is_some() {
        template.push_str("\nコマンド：\n{subcommands}\n");
    }
    if command.get_positionals().next().is_some() {
        template.push_str("\n引数：\n{positionals}\n");
    }
    template.push_str("\nオプション：\n{options}{after-help}");
    command = command.help_template(template).disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("ヘルプを表示します"),
    );
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subcommands {
        let mut deeper = path.to_vec();
        deeper.push(&sub);
        command = command.mut_subcommand(&sub, |s| japanese(s, &deeper));
    }
    command
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};
    use escalation_bot::i18n::Locale;
    use escalation_bot::i18n::style::{Kind, violations};

    use super::super::{Cli, Command};
    use super::*;

    fn help(locale: Locale, args: &[&str]) -> String {
        let mut argv = vec!["escalation-bot"];
        argv.extend(args);
        argv.push("--help");
        match Cli::command_in(locale).try_get_matches_from(argv) {
            Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => e.to_string(),
            other => panic!("no help: {other:?}"),
        }
    }

    #[test]
    fn every_command_and_argument_has_japanese_help() {
        let command = Cli::command();
        let mut missing = Vec::new();
        if japanese_text("", "").is_none() {
            missing.push("the program".to_owned());
        }
        for sub in command.get_subcommands() {
            let name = sub.get_name();
            if japanese_text(name, "").is_none() {
                missing.push(name.to_owned());
            }
            for arg in sub.get_arguments() {
                if japanese_text(name, arg.get_id().as_str()).is_none() {
                    missing.push(format!("{name} {}", arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "no Japanese help for {missing:?}");
    }

    #[test]
    fn the_japanese_help_reads_as_japanese() {
        for args in [
            &[][..],
            &["serve"],
            &["demo"],
            &["stats"],
            &["report"],
            &["export"],
            &["compliance-report"],
            &["backup"],
            &["check-config"],
        ] {
            let text = help(Locale::Ja, args);
            for english in ["Usage", "Options", "Commands", "Print help", "Arguments"] {
                assert!(!text.contains(english), "{english} in {args:?}:\n{text}");
            }
            let found = violations(&text, Locale::Ja, true, Kind::Plain);
            assert!(found.is_empty(), "{args:?}: {found:?}\n{text}");
        }
        assert!(help(Locale::Ja, &["export"]).contains("監査用に"));
        assert!(help(Locale::En, &["export"]).contains("for audits"));
    }

    #[test]
    fn the_japanese_command_line_parses_like_the_english_one() {
        let argv = [
            "escalation-bot",
            "export",
            "--format",
            "csv",
            "--since",
            "2026-01-01",
        ];
        let matches = Cli::command_in(Locale::Ja).get_matches_from(argv);
        let cli = Cli::from_arg_matches(&matches).expect("parses");
        assert!(matches!(cli.command, Command::Export { ref format, .. } if format == "csv"));
    }
}
