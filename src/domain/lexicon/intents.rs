//! Purpose: what the lexicon looks for, one pattern per intent ("threatens to sue",
//! "demands a superior", "asks about the agent's body"), per category, in Japanese and
//! English. Patterns are regular expressions over the normalised spelling
//! (`domain::normalize`): lower case, hiragana for kana, no long-vowel marks, one space.
//! Each intent covers its conjugations and politeness levels; `unless` carries the context
//! that makes the words harmless ("kill the process", 紙くず, 天日に晒す).

use crate::domain::Category;

/// Context around a match that makes it harmless, as a regular expression.
#[derive(Debug, Clone, Copy)]
pub enum Unless {
    /// Ends the text just before the match.
    Before(&'static str),
    /// Starts the text just after the match.
    After(&'static str),
    /// Occurs anywhere in the sentence around the match.
    Near(&'static str),
    /// Occurs anywhere in the message: for context a customer gives in another sentence
    /// (スリーサイズを聞く機能はありますか？レディース服のネットショップです。).
    InMessage(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Intent {
    pub category: Category,
    /// What the customer means, for people reading a match.
    pub name: &'static str,
    pub pattern: &'static str,
    pub unless: &'static [Unless],
    /// Pressure that says little on its own ("or else", "you'd better"): it counts only
    /// when nothing more specific matched, whose category then wins.
    pub weak: bool,
}

/// Up to a sentence's end.
macro_rules! g {
    () => {
        "[^。!?.\n]"
    };
}

/// "I'll / I'm going to / I swear I'll ...": someone saying what they will do.
macro_rules! en_will {
    () => {
        r"(i'?ll|i will|i'?m (going to|gonna)|i am (going to|gonna)|gonna|i'?d (love|like) to|i want to|wanna|i swear i'?ll|i swear i will|let me)"
    };
}

macro_rules! en_we_will {
    () => {
        r"(i'?ll|i will|i'?m (going to|gonna)|i am (going to|gonna)|gonna|we'?ll|we will|we'?re (going to|gonna)|we are going to)"
    };
}

/// People at the company, as a target.
macro_rules! en_target {
    () => {
        r"(you|ya|u|him|her|them|your (\w+ )?(guy|guys|tech|techs|technician|rep|agent|staff|employee|engineer|people|team|boss|manager|ceo|face|head|teeth)|the next (person|guy|one|agent|rep)|someone|somebody|whoever|everyone|every one of you|all of you)\b"
    };
}

/// Calling, writing, showing up: ways of contacting us.
macro_rules! en_contact {
    () => {
        r"\b(call|calling|email|emailing|e mail|message|messaging|ping|pinging|text|texting|write|writing|post|posting|contact|contacting|ring|ringing|spam|spamming|bother|bothering|chase|chasing|hear from me)\b"
    };
}

/// Someone at the company, named or pointed at.
macro_rules! ja_staff {
    () => {
        "(担当者?|担当の(人|方|やつ|奴|女|男|子)|対応した(人|方|やつ|奴|女|男|者)|あいつ|そいつ|こいつ|奴|やつ|あの(人|女|男|子|担当|野郎)|さん|くん|君|ちゃん|社員|店員|窓口の(人|やつ|奴|女|男))"
    };
}

macro_rules! ja_superior {
    () => {
        "(上の(者|もの|人|ひと|やつ|奴|方)|上司|責任者|せきにんしゃ|社長|店長|部長|課長|支店長|所長|役員|偉い(人|やつ|奴|方)|えらい(人|ひと|やつ)|まねじゃ|上長)"
    };
}

macro_rules! ja_foreign {
    () => {
        "(外国人|外人|がいじん|中国人|韓国人|朝鮮人|黒人|ふりぴん人|べとなむ人|いんど人|ぶらじる人|ねぱる人|在日|しな人|支那人|よそ者)"
    };
}

macro_rules! ja_frequency {
    () => {
        r"(毎日|毎晩|毎朝|毎時間|毎週|(\d+|一|二|三|五|十|数)(時間|分|秒)(ごと|おき|置き|毎)|何度でも|何回でも|何百回でも|何千回でも|百回でも|千回でも|ずっと|一日中|夜中でも|深夜でも|夜中も|明日も明後日も|死ぬまで|しつこく|これからも毎)"
    };
}

macro_rules! ja_contact {
    () => {
        "(電話|でんわ|連絡|めるし|めるを|めるで|めるお|問い合わせ|問合せ|といあわせ|書き込|かきこ|かけ(ます|る|続)|行きます|いきます|伺います|押しかけ|おしかけ|来ます|ちゃっと|投稿|鳴らし|送り(ます|つけ|続))"
    };
}

/// Words saying that what spreads online is the customer's own data, which they report
/// rather than threaten with (顧客データがネットで拡散しています).
const OWN_DATA_SPREAD: &str =
    "(情報|でた|写真|画像|動画|住所|名前|番号|ふいる|内容)(が|も)|流出|漏洩|漏えい|漏れ";

/// Words around an offer to spread the word that make it praise, not a threat.
const PRAISE: &str = "(きゃんぺん|ぷれぜんと|新商品|新製品|おすすめ|宣伝|告知|嬉し|うれし|楽しみ|ありがと|応援|ぜひ|是非|いいね|素敵|すてき|最高|素晴らし|すばらし|\\bgreat\\b|\\blove\\b|\\bawesome\\b|\\bamazing\\b|\\bthanks\\b|\\bthank you\\b|\\brecommend)";

const fn i(category: Category, name: &'static str, pattern: &'static str) -> Intent {
    Intent {
        category,
        name,
        pattern,
        unless: &[],
        weak: false,
    }
}

const fn iu(
    category: Category,
    name: &'static str,
    pattern: &'static str,
    unless: &'static [Unless],
) -> Intent {
    Intent {
        category,
        name,
        pattern,
        unless,
        weak: false,
    }
}

const fn weak(
    category: Category,
    name: &'static str,
    pattern: &'static str,
    unless: &'static [Unless],
) -> Intent {
    Intent {
        category,
        name,
        pattern,
        unless,
        weak: true,
    }
}

use Category::*;
use Unless::{After, Before, InMessage, Near};

pub const INTENTS: &[Intent] = &[
    // ---------------------------------------------------------------- violence
    iu(
        Violence,
        "hit (殴る)",
        "(ぶん|ぶっ)?(殴|なぐ)(る|り|ら|ろ|れ|っ)",
        &[After("(書|がき)")],
    ),
    i(
        Violence,
        "kick (蹴る)",
        "蹴(る|り|ら|ろ|れ|っ|飛|倒)|けり(飛ば|とば|入れ|いれ)|けっ(飛ば|とば)",
    ),
    i(
        Violence,
        "beat up (ボコる, ぶちのめす, ひっぱたく)",
        "ぼこ(ぼこ)?に(し|す|さ)|ぼこ(る|ら)|ぶちのめ|たたきのめ|叩きのめ|ぶっ(飛|とば)|張り倒|はりたお|ひっぱた|引っ叩|しばき(倒|たお)|しばく(ぞ|わ|から)|どつ(く|き|い)|一発(殴|なぐ|入れ|いれ|くらわ|食らわ|お見舞い)",
    ),
    i(
        Violence,
        "stab or strangle (刺す, 首を絞める)",
        "刺(す|し(に|て|ても|殺|ちゃ|たろ)|さ(れ|せ)|そう)|(首|くび)(を)?(絞|締)め",
    ),
    i(
        Violence,
        "bring a weapon (包丁を持って行く)",
        "(包丁|ないふ|刃物|ばっと|凶器|鉄ぱいぷ)(を)?(持って|もって)(行|い|来|き|向か|むか)",
    ),
    iu(
        Violence,
        "I'll hit / punch / beat someone",
        concat!(
            r"\b",
            en_will!(),
            r"( \w+){0,5}? (punch|hit|slap|smack|kick|beat|stab|strangle|choke|smash|knock|deck|bash|whack|pound) ",
            en_target!()
        ),
        &[After(
            r"^ ?(up|off|out|back|an? (email|message|note|text|line|invite)|with (an?|the) (email|message|invoice|update|request|ticket|bill|quote|proposal|list|question)s?)\b",
        )],
    ),
    i(
        Violence,
        "beat someone up (to a pulp, the crap out of)",
        r"\bbeat (the (crap|shit|hell|living daylights|snot) out of|(\w+ ){0,3}to a pulp|(you|him|her|them|\w+) (up|senseless|black and blue))",
    ),
    i(
        Violence,
        "injure a body part (smash your teeth, break your legs)",
        r"\bsmash (your|his|her|their|ur) (\w+ )?(face|teeth|head|skull|nose|jaw)|\bpunch (you |him |her )?in the (mouth|face|teeth|nose|jaw|gut)|\b(break|snap) (your|his|her|their|ur) (legs?|arms?|neck|nose|jaw|bones|fingers)|\bslap (some )?sense into|\bwith my (fists|bare hands)\b|\bthrew (a|the|my) \w+ at (you|your|him|her|them)\b|\bneeds? a (good )?(punch|beating|slap|smack|kick)\b|\b(strangle|choke) (you|him|her|them|whoever|someone|your)\b",
    ),
    iu(
        Violence,
        "stab or shoot someone",
        r"\b(stab|shoot) (you|him|her|them|your \w+)\b",
        &[After(r"^ ?(an?|some|the|over|back|me|across)\b")],
    ),
    i(
        Violence,
        "bring a weapon",
        r"\b(with|bring|bringing|grab|grabbing) (a|my) (bat|baseball bat|knife|gun|crowbar|hammer)\b",
    ),
    // ---------------------------------------------------------------- threat
    i(
        Threat,
        "kill (殺す)",
        "(ぶっ|ぶ)?殺(す|し(て|に|ま|た|ちゃ|たろ)|さ(れ|せ)|そ|せ)|ぶっころ",
    ),
    iu(
        Threat,
        "kill, in kana (ころす)",
        "ころ(す|し(て|に|ま|た|ちゃ|たろ)|さ(れ|せ)|そう)",
        &[Before("(こ|と)$")],
    ),
    i(
        Threat,
        "remember this (覚えてろ)",
        "(覚|おぼ)え(てろ|とけ|ておけ|てお(け|れ)|てやが|てな(さ|よ)|ていろ)",
    ),
    i(
        Threat,
        "this won't end here (ただで済むと思うな)",
        "(済|す)む(と|なんて)(思|おも)(うな|ったら大間違い|ってん(の|じゃ)|ってる(の|んじゃ))|ただ(じゃ|では)(おか|済まさ|すまさ)",
    ),
    i(
        Threat,
        "be careful at night (夜道に気をつけろ)",
        "夜道(に|は|には)?(気を?つけ|きをつけ|注意)",
    ),
    i(
        Threat,
        "no telling what happens (どうなっても知らない)",
        "どうなっても(知|し)ら(ない|ん|ね)|(家族|子ども|子供|娘|息子|妻|奥さん)(が|は|を)?(どうなって|無事で)",
    ),
    iu(
        Threat,
        "expose online (晒す)",
        "(晒|さら)(す|し(て|ま|ちゃ|た|あげ|もの|者)|そう|せ|さ(れたい|せ(る|て|ます)))",
        &[
            Near("(天日|日光|日焼|日に|色あせ|色褪|紫外線|風雨|雨風|外気|水に)"),
            After("の(は|も)(まず|よくな|危|だめ|避け|やめ)"),
        ],
    ),
    iu(
        Threat,
        "spread it (拡散する)",
        // 拡散 said on its own, as a whole sentence, is the threat in one word.
        "拡散(して)?(やる|する(ぞ|から|わ|んで|ね|よ|しか|[。!]|$)|します(ね|よ|から|んで)?|しと(く|き)|しておく|しておき|しちゃ(う|い)|させ(て|ます|る)|しまく(る|り))|(^|[。!?\n])拡散(だ|だな|決定|確定|案件|な)?([。!?\n]|$)",
        &[Near(PRAISE), Near(OWN_DATA_SPREAD)],
    ),
    iu(
        Threat,
        "post it online (SNSに書き込んでやる)",
        concat!(
            "(sns|ねっと|ついった|twitter|口こみ|くちこみ|5ch|2ch|掲示板|れびゅ|ぐぐる|いんすた|てっくとっく|tiktok|youtube|ゆちゅぶ|ぶろぐ|ますこみ|週刊誌|てれび|新聞)",
            " ?(に|で|へ|とか|や)",
            g!(),
            "{0,14}",
            // 拡散し, not 拡散さ: 拡散されています is data that was spread, not a promise.
            "(書き込|かきこ|書い|書く|書か|上げ|あげ|載せ|のせ|流し|流す|ながす|ながし|投稿|公開|ばら|告発|たれこ|言いふら|いいふら|拡散(し|す|させ))",
            g!(),
            "{0,8}",
            "(やる|る(ぞ|から|わ|ね)|ます(ね|よ|から|んで)?|とく|ておく|させ)"
        ),
        &[Near(PRAISE), Near(OWN_DATA_SPREAD)],
    ),
    iu(
        Threat,
        "sue (訴える)",
        "(訴|うった)え(ます|る(ぞ|から|わ|んで|こと(に|も)|つもり|予定|準備|方向|用意)|ようと(思|おも|考|かんが)|させて(いただ|もら)|てやる|ても(いい|いいん)|られ(たい|ても)|たろ)",
        // 訴えるつもりはありません is a customer saying they will not.
        &[After("^(は|も|など|なんて)?(な|ありませ|ござい|無)")],
    ),
    i(
        Threat,
        "take it to court (裁判にする)",
        "裁判(に|を)(し|する|します|起こ|おこ|かけ|持ち込|もちこ)|裁判沙汰|法廷(で|に)(会|あ|争|持ち込)|訴訟(を)?(起こ|おこ|提起|し(ます|てやる)|する(ぞ|から|わ))",
    ),
    i(
        Threat,
        "go where it gets settled (出るところに出る)",
        // Without に the verb must follow (出るとこ出ようか), or 出るところで電話します would match.
        "(出|で)る(ところ|所|とこ)((に|へ)(出|で)|(出|で)(る|ます|よう|ましょ|させ|ても|たって|て(やる|もいい)))",
    ),
    i(
        Threat,
        "set a lawyer on you (弁護士を立てる)",
        "弁護士(を|に)?(立て|たて|通|つけ|付け|雇)|弁護士から(連絡|通知|書面)|内容証明(を)?(送|おく)",
    ),
    i(
        Threat,
        "you'll get hurt (痛い目を見るぞ)",
        "痛い目(を|に)?(見|み)(せ(る|て|てや)|ない(と|とわか)|たい(の|か|ら)|る(ぞ|ことに|から|はめ|よ))|痛い目に(あ|遭)(わせ|わす|いたい|う(ぞ|よ|ことに|から))",
    ),
    i(
        Threat,
        "you'll regret it (後悔させてやる)",
        "後悔(させ(てやる|る|ます)|する(ぞ|ことに|よ|からな)|しても(遅|知))",
    ),
    i(
        Threat,
        "burn or bomb (燃やす, 爆破)",
        "(燃|も)やし(てやる|に(行|い)く)|火を?(つけ|付け|放)(てやる|る(ぞ|から)|に(行|い))|放火|爆破(する|してやる|予告|します)|爆弾(を)?(仕掛|しかけ|送)",
    ),
    i(
        Threat,
        "I know where you live (お前の家は知ってる)",
        "(お前|おまえ|てめえ|あんた|君|お前ら|あんたら)(の)?(家|住所|自宅)(は|も|を|なら|くらい)?(知って|わかって|分かって)",
    ),
    i(
        Threat,
        "be prepared (覚悟しろ)",
        "覚悟(しろ|しとけ|しておけ|してお(いて|け)|して(ください|ね|ろ|な)|しといて)",
    ),
    iu(
        Threat,
        "I'll sue you",
        concat!(
            r"\b",
            en_we_will!(),
            r"( \w+){0,3}? (sue|take (you|this|your \w+|it) to court|get (my|our) (lawyers?|attorneys?) (involved|on)|report you to)\b|\b(i'?m|we'?re|i am|we are) suing\b|\bsee you in court\b|\b(expect|you'?ll) (to )?hear from (my|our) (lawyer|attorney|solicitor)s?|\b(my|our) (lawyer|attorney|solicitor)s? will (be in touch|contact|call|hear|reach|sue)"
        ),
        &[Near(r"\b(just kidding|jk|kidding|lol|haha)\b")],
    ),
    i(
        Threat,
        "I'll kill you",
        concat!(
            r"\b",
            en_will!(),
            r"( \w+){0,2}? (kill|murder) (you|ya|u|him|her|them|your (\w+ )?(family|kids|wife|husband|staff|agent|rep|boss|ceo|team|people)|everyone|all of you|each of you|every one of you)\b|\byou'?re (dead|a dead man|dead meat)\b|\bi'?ll end you\b"
        ),
    ),
    i(
        Threat,
        "you'll regret it",
        r"\byou('ll| will|'re going to| are going to|'re gonna| are gonna| gonna) regret\b|\bregret the day\b|\byou'?ll be sorry\b|\bmake you (regret|pay|suffer)\b|\byou'?ll pay for (this|that)\b",
    ),
    i(
        Threat,
        "I know where you live",
        r"\bi know where (you|your|he|she|they|u)( \w+)?( \w+)? (live|lives|work|works|is|are|sleep|sleeps|park|parks)\b|\bi know when (you|he|she|they) (leave|get off|go home)\b",
    ),
    iu(
        Threat,
        "watch your back",
        r"\bwatch (your|ur) back\b",
        &[After(
            r"^ ?(end|ends|up|ups|log|logs|office|ground|pain|door)",
        )],
    ),
    iu(
        Threat,
        "I'll post it everywhere",
        concat!(
            r"\b",
            en_we_will!(),
            r"( \w+){0,6}? (post|share|put|publish|leak|expose|blast|tweet|screenshot|plaster|spread|upload)\b",
            g!(),
            r"{0,60}\b(online|twitter|tiktok|reddit|facebook|instagram|linkedin|youtube|social media|review sites?|the press|the news|everywhere|the internet|glassdoor|yelp|trustpilot)\b"
        ),
        &[Near(PRAISE)],
    ),
    i(
        Threat,
        "I'll go to the press / expose you",
        r"\b(go|going|went|run|running) to the (press|media|news|papers|newspapers|journalists)\b|\bexpose (you|your (company|business|staff|agents?|ceo|team|scam|lies))\b|\btell (everyone|the world|every \w+) (what|how) (you|your)\b",
    ),
    i(
        Threat,
        "I'll ruin your business",
        r"\blast (week|day|month|year) in business\b|\b(i'?ll|i will|we'?ll) (ruin|destroy|bury) (you|your (company|business|reputation))\b|\bput you out of business\b",
    ),
    iu(
        Threat,
        "something will happen to you",
        r"\bsee what happens to (you|your)\b|\bor (you'?ll|you will) (get|be) hurt\b|\bsomething (bad|terrible)( might| will|'?ll)? happens? to (you|your)\b|\bhurt (you|him|her|your (family|staff|people|agents?))\b",
        &[Before(
            r"(won'?t|wouldn'?t|doesn'?t|does not|will not|can'?t|not|never|it) $",
        )],
    ),
    i(
        Threat,
        "burn or bomb the office",
        r"\b(burn|torch|bomb|blow up) (down )?(your|the) (office|building|store|shop|house|place|warehouse)\b",
    ),
    // ---------------------------------------------------------------- verbal abuse
    iu(
        VerbalAbuse,
        "idiot (ばか, 馬鹿)",
        "(ばか|馬鹿)",
        &[
            After(
                "^(り|にならな|になりませ|にできな|にできませ|んす|ら|売れ|うれ|うけ|受け|でか|正直|高|安|騒|ばかし|馬鹿し|みたいに|っぽ|丁寧|力|ぢから|っつら)",
            ),
            // The second half of ばかばかしい (absurd), whose first half the line above lets go.
            Before("(親|大|ばか|馬鹿)$"),
        ],
    ),
    iu(
        VerbalAbuse,
        "fool (あほ)",
        "(あほ|阿呆)",
        &[
            After("^(みたいに|らし|くさ|ん(と|ま)|とん|ど|か(の|に|は|で|な))"),
            Before("(じゃ|ま|な|や|わ)$"),
        ],
    ),
    i(
        VerbalAbuse,
        "incompetent (無能, 低能)",
        "無能|能無し|のうなし|低能|ていのう|脳(みそ|味噌)(ある|入って|腐|ついて)",
    ),
    iu(
        VerbalAbuse,
        "scum (クズ, カス, ゴミ)",
        "くず(みたい|が|ども|野郎|やろう|対応|会社|社員|過ぎ|すぎ|共|だな|だろ|人間|担当)|(この|お前|おまえ|てめえ|あんた|人間の)(ら|は)?くず|屑|かす(みたいな|が|ども|野郎|やろう|対応|会社|社員|過ぎ|すぎ|共)|(この|お前|おまえ|てめえ|あんた)(ら|は)?かす|ごみ(みたいな|同然|以下|野郎|やろう|対応|会社|さぽと|担当|共|ども|過ぎ|すぎ|だな|人間)|(お前|おまえ|てめえ|あんた|この)(ら)?(は)?ごみ",
        &[Before("(紙|木|鉄|糸|ぱん|おが|星|野菜|布|消し|食べ)$")],
    ),
    i(
        VerbalAbuse,
        "die (死ね, くたばれ)",
        "死ね|死んで(しまえ|くれ|わびろ|詫びろ|償え)|くたばれ|くたばっ(ちまえ|てしまえ)|(^|[^ぁ-ゖ])しね(よ|や|ば|$|[^ぁ-ゖ])|消え(ろ|失せろ)|きえろ|失せろ|うせろ|地獄に(落|お)ちろ",
    ),
    i(
        VerbalAbuse,
        "stupid (頭が悪い)",
        "頭(が|の)?(悪|わる)(い|すぎ|過ぎ|そう)|頭(が)?(おかしい|沸いて|わいて)|脳(が)?(ない|足りない|腐)",
    ),
    i(
        VerbalAbuse,
        "useless person (役立たず, 使えない奴)",
        "役立たず|やくたたず|使えない(奴|やつ|連中|社員|人間|人たち|担当)|使えね(え|$|[。!、])",
    ),
    i(
        VerbalAbuse,
        "you are useless (あんたら使えない)",
        concat!(
            "(あんた|お前|おまえ|てめえ|君ら|あなた(たち|方|がた)|担当|社員|あんたら|お前ら|さぽと)",
            g!(),
            "{0,10}使え(ない|ね)"
        ),
    ),
    i(
        VerbalAbuse,
        "quit your job (辞めちまえ)",
        "(仕事|会社)(を)?(辞|や)め(ちまえ|ろ|たら|てしまえ|ちゃえ)|辞めちまえ|やめちまえ",
    ),
    i(
        VerbalAbuse,
        "shut up, how dare you (黙れ, ふざけるな)",
        "黙れ|だまれ|黙って(ろ|いろ)|だまってろ|黙っとけ|ふざけ(るな|んな|んじゃね|やがって|てんの)",
    ),
    i(
        VerbalAbuse,
        "junk staff, swindlers (ポンコツ担当, 詐欺師)",
        "ぽんこつ(担当|社員|さぽと|会社|野郎|ども)|詐欺師|詐欺会社|詐欺集団|泥棒会社|盗人",
    ),
    iu(
        VerbalAbuse,
        "insult words (idiot, moron, asshole)",
        r"\b(idiots?|morons?|imbeciles?|dumbass(es)?|dumb ?fucks?|dipshits?|jackass(es)?|retards?|retarded|cretins?|assholes?|arseholes?|bitch(es)?|bastards?|dickheads?|douche(bag)?s?|scumbags?|losers?|numbskulls?|halfwits?|nitwits?)\b",
        &[After(r"^ ?proof")],
    ),
    i(
        VerbalAbuse,
        "you are stupid / useless",
        r"\b(you|u|ya|you'?re|youre|you are|ur|are you|you guys|you people|you lot)( so| really| just| all| fucking| f\*+ing| such| a bunch of| an?)?( \w+)? (stupid|st(u|o)pid|dumb|thick|brainless|clueless|pathetic|worthless|useless|incompetent|hopeless|disgusting|garbage|trash|clowns|fools|amateurs)\b|\byour (team|staff|agents?|reps?|people|company|engineers|developers|techs?|employees) (is|are)( so| really| just| all| fucking| completely| totally| utterly)? (stupid|st(u|o)pid|dumb|useless|incompetent|hopeless|pathetic|worthless|clowns|idiots|morons|garbage|trash|losers)\b",
    ),
    i(
        VerbalAbuse,
        "stupid company / incompetent clowns",
        r"\b(st(u|o)pid|dumb|incompetent|useless|worthless|pathetic) (company|companies|people|clowns?|wom[ae]n|m[ae]n|girls?|bitch|idiots?|morons?|fools?|employees?|monkeys?|losers?|excuse for a (company|human|person))\b|\b(bunch|pack|herd) of (incompetent |useless |clueless )?(clowns|idiots|morons|monkeys|amateurs|fools|losers|imbeciles)\b",
    ),
    i(
        VerbalAbuse,
        "swearing at someone (f*** you, shut up)",
        r"\bf(u|\*)+c?k(ing)? (you|u|off|ya|yourself|yourselves|this company|your company)\b|\bfuck(ing|in)? (idiots?|morons?|useless|incompetent|clowns?|losers?|retards?|imbeciles?)\b|\bstfu\b|\bgfy\b|\bshut (the (fuck|f\*+k|hell) |your (mouth|trap) )?up\b",
    ),
    i(
        VerbalAbuse,
        "go to hell",
        r"\bgo to hell\b|\bdrop dead\b|\bgo die\b|\bkill yourself\b|\bkys\b|\brot in hell\b|\bgo (f\*+|fuck) yourself\b",
    ),
    iu(
        VerbalAbuse,
        "piece of garbage",
        r"\bpiece of (shit|sh\*t|crap|garbage|trash)\b",
        &[Before(
            r"(app|software|product|update|feature|tool|printer|thing|release|ui|version|it|this|that|machine|device|system) (is|was) (a|such a|an absolute|a total|a complete) $",
        )],
    ),
    // ---------------------------------------------------------------- intimidation
    i(
        Intimidation,
        "show your sincerity (誠意を見せろ)",
        "誠意(を|の)?(見せ|みせ)(ろ|て(くださ|もら|よ|ほし|欲し|いただ|み(ろ|せろ))|な(さ|よ)|るべき|る(のが|べき))|誠意(って|とは)(何|なに|なん)",
    ),
    i(
        Intimidation,
        "get me your superior (上の者を出せ)",
        concat!(
            ja_superior!(),
            "(を|に|は)?(出|だ)(せ|して(こい|来い|くれ|よ|ください|もらおう|もらえ)|せや|せよ|しな)|",
            ja_superior!(),
            "(を|に)?(呼|よ)(べ|んで(こい|来い|くれ|よ))|",
            ja_superior!(),
            "(に)?(代|変|替|か)われ|",
            ja_superior!(),
            "(を)?(連れて|つれて)(こい|来い)"
        ),
    ),
    i(
        Intimidation,
        "are you mocking me (なめてるのか)",
        "(なめ|舐め)(てん|てる(の|のか|んじゃ|んだろ|だろ)|るな|んな|た(真似|まね|対応|口|態度|こと)|やがって|腐っ|とんの)",
    ),
    i(
        Intimidation,
        "I'm the customer here (こっちは客だぞ)",
        "(こっち|俺|おれ|わし)(は|が)(客|きゃく|お客)(だ|なんだ|様だ|さまだ)(ぞ|よ|ろ|から|な)?|(客|お客)(を|の)(なんだと|何だと)(思|おも)っ|お客様は神様",
    ),
    i(
        Intimidation,
        "do you understand (わかってんのか)",
        r"(分|わ)かってん(のか|の\?|のかよ|だろう?な)|(分|わ)かってる(のか|んだろうな)",
    ),
    i(
        Intimidation,
        "how will you take responsibility (どう責任取るんだ)",
        "責任(を)?(取|と)れ|どう(責任|せきにん)(を)?(取|と)(る|って)(ん|つもり|気)|責任(を)?(取|と)ってもらう(から|ぞ)",
    ),
    i(
        Intimidation,
        "who do you think I am (誰だと思ってる)",
        "(誰|だれ)だと(思|おも)って",
    ),
    i(
        Intimidation,
        "you're no use to talk to (お前じゃ話にならない)",
        "(お前|おまえ|あんた|あなた|君|きみ|てめえ|お前ら)(じゃ|では|なんかじゃ)話にならな?(い|ん|ねえ|ません)",
    ),
    i(
        Intimidation,
        "do you know who I am",
        r"\bdo you (even )?(know|have any idea|realize) who (i am|you'?re (dealing|talking|speaking) (with|to)|you are (dealing|talking|speaking) (with|to))",
    ),
    iu(
        Intimidation,
        "get me your manager",
        r"(^|[.!?,;:\n] ?|\band |\bnow )(now )?(get|put|bring|give|fetch)( me)? (your|the|a|someone above you|somebody above you)( \w+)? (manager|supervisor|boss|superior|ceo|higher ?up|team lead)\b",
        &[After(r"^'?s\b")],
    ),
    i(
        Intimidation,
        "someone above you",
        r"\bsomeone (above you|with (real )?authority|who (actually )?matters|in charge)\b|\byou (clearly )?have no (authority|power)\b|\b(talking|speaking) to (a )?nobody\b|\byou'?re (a )?nobody\b",
    ),
    i(
        Intimidation,
        "there will be consequences",
        r"\b(or )?there ('?ll|will) be (consequences|trouble|hell to pay)\b|\byou (don'?t|do not) want to (see|know) what (happens|i'?ll do)\b|\bmess(ing)? with (me|the wrong)\b|\bpicked the wrong (person|customer|guy|one)\b",
    ),
    iu(
        Intimidation,
        "you'd better watch out",
        r"\byou('d| had)? better (watch|be careful|think twice|pray|hope|sleep with)",
        &[Before(r"(maybe|perhaps|i think|probably|then) $")],
    ),
    weak(
        Intimidation,
        "or else",
        r"\bor else\b",
        &[After(
            r"^,? ?(call|email|e mail|send|write|wait|we wait|you can|use|try|contact|ask|just|maybe|perhaps|the|a|an|it|i can|i could|we can|we could)\b",
        )],
    ),
    weak(
        Intimidation,
        "you'd better do it",
        r"\byou('d| had)? better (not |fix|do|be|get|make|have|give|pay|refund|call|answer|listen|start|stop|hurry|respond|reply|sort|send)",
        &[Before(r"(maybe|perhaps|i think|probably|then) $")],
    ),
    weak(
        Intimidation,
        "don't you dare, I'm not asking",
        r"\bdon'?t you dare\b|\bi'?m not asking\b|\btelling me no\b|\bthink again\b",
        &[],
    ),
    // ---------------------------------------------------------------- dogeza
    iu(
        Dogeza,
        "kneel (土下座)",
        "土下座",
        &[After("^(ぽず|すたんぷ|の?絵|いらすと|外交)")],
    ),
    i(
        Dogeza,
        "come and bow your head (頭を下げに来い)",
        "頭(を)?(下|さ)げ(ろ|に(来|こ|き)|て(謝|あやま)れ|させ)|頭を?(こすり|擦り)|(床|地面)に頭",
    ),
    i(
        Dogeza,
        "come and apologise in person (謝りに来い)",
        "(謝|あやま)り(に)?(来|こ|き)(い|て(ください|くれ|もら|ほしい))|謝罪(に|しに)(来|こ|き)(い|て(ください|くれ|もら|ほしい))|(俺|おれ|私|わたし|わし|僕|ぼく)の前で(謝|あやま)(れ|罪しろ|って)|手を?(つ|付|突)いて(謝|あやま)",
    ),
    iu(
        Dogeza,
        "on your knees, grovel, bow to me",
        r"\b(on|down on) (your|their|his|her) knees\b|\bkneel(ing)?\b|\bgrovel|\bbow(ing)? (to me|down|and apologi|before me)|\bbeg (me|for (my )?forgiveness)\b|\bapologi[sz]e (to my face|in person|personally|in front of|on (your|his|her) knees)|\b(visit|come to|come here|come over|show up at)[^.!?\n]{0,40}apologi|\bapologi[sz]e[^.!?\n]{0,30}\bbow|\bto bow\b|\bbowing\b|\bget down on the floor\b|\b(visit|come)[^.!?\n]{0,10} (me )?personally and apologi",
        &[After(r"^ ?your pardon")],
    ),
    // ---------------------------------------------------------------- persistent
    i(
        Persistent,
        "contact again and again (毎日電話する)",
        concat!(ja_frequency!(), g!(), "{0,16}", ja_contact!()),
    ),
    i(
        Persistent,
        "keep calling (かけ続ける)",
        "(かけ|し|送り|書き込み|鳴らし|電話し|連絡し|問い合わせ)(続け|つづけ)(ます|る|てやる)",
    ),
    i(
        Persistent,
        "the Nth time, and more to come (20回目、まだ続ける)",
        "(\\d+|何|数十|百)回目[^\n]{0,20}(続け|つづけ|まだまだ|まだやる|かけ)",
    ),
    i(
        Persistent,
        "I'll call every day until",
        concat!(
            en_contact!(),
            g!(),
            r"{0,30}\b(every|each) (single )?(hour|day|night|morning|evening|minute|\d+ minutes|\w+ minutes)\b",
            g!(),
            r"{0,40}\b(until|till|nonstop|non stop|forever)\b"
        ),
    ),
    i(
        Persistent,
        "every few minutes",
        concat!(
            en_contact!(),
            g!(),
            r"{0,30}\bevery (\d+|few|five|ten|fifteen|twenty|thirty) (minutes|mins)\b"
        ),
    ),
    i(
        Persistent,
        "nonstop, all day every day",
        concat!(
            en_contact!(),
            g!(),
            r"{0,30}\b(nonstop|non stop|around the clock|all day and all night|day and night|all day,? every day)\b"
        ),
    ),
    i(
        Persistent,
        "keep calling until you cave",
        r"\bkeep (calling|emailing|messaging|texting|pinging|posting|contacting|spamming|ringing)\b[^.!?\n]{0,40}\b(until you (cave|give in|give up|break|pay)|nonstop|every|forever)\b|\bkeep (opening|filing|submitting|creating|sending) (new )?(tickets|messages|emails|complaints)\b",
    ),
    i(
        Persistent,
        "I won't stop contacting you",
        r"\b(not going to|won'?t|will not|never going to|am not going to|i'?m not going to) stop (calling|contacting|messaging|emailing|writing|texting|bothering|pinging|posting)\b|\bspam (every|all|each|your)\b|\bspamming (you|your)\b|\bhear from me again in\b|\b\w+ minutes after that\b",
    ),
    i(
        Persistent,
        "my Nth message today, and more",
        r"\b\w+ (message|email|call|ticket)s? today\b[^\n]{0,40}\b(more|again|another|keep)\b",
    ),
    // ---------------------------------------------------------------- restraint
    iu(
        Restraint,
        "don't hang up (電話を切るな)",
        "(電話|でんわ)(を)?(切|き)(るな|んな)|切(るな|んな)|(電話|でんわ)(を)?(切|き)ったら|切ったら(許|ゆる|承知|ただ(じゃ|で)|殺)|切らせ(ない|ねえ|ません)",
        &[After("^(ら|ど|り|ん|あ)")],
    ),
    i(
        Restraint,
        "don't hang up until I'm done (話し終わるまで切らないで)",
        concat!(
            "まで",
            g!(),
            "{0,10}(電話を?)?(切|き)ら(ないで|せない|せねえ|せません)"
        ),
    ),
    i(
        Restraint,
        "you won't go home (帰さない)",
        "帰(さ|らせ)(ない|ねえ|ん|ません)",
    ),
    i(
        Restraint,
        "I won't leave until (帰りません, 居座る)",
        concat!(
            "まで",
            g!(),
            "{0,12}((帰|かえ)り?(ません|らない|らねえ|らん)|(動|うご)(か(ない|ねえ|ん)|きません)|(出て|でて)(い|行)か(ない|ねえ|ん))|(居座|いすわ)(る|り|ら|って)|(座り込|すわりこ)(む|み|んで)"
        ),
    ),
    i(
        Restraint,
        "you won't get away (逃がさない)",
        "(逃|に)が(さ|しま)(ない|ねえ|せん|ん)|逃げるな|にげるな",
    ),
    iu(
        Restraint,
        "don't go (帰るな)",
        "帰るな",
        &[After("^(ら|ど|り|ん|あ)"), Before("(持ち|持って)$")],
    ),
    i(
        Restraint,
        "stay with me for hours (3時間付き合ってもらう)",
        concat!(
            r"(\d+|何|数)時間(でも|は)?",
            g!(),
            "{0,6}(付き合|つきあ)(って|わせ)|(付き合|つきあ)ってもらう(ぞ|から|よ)"
        ),
    ),
    i(
        Restraint,
        "don't you dare hang up",
        r"\bdon'?t (you )?(dare|even think about) (hang(ing)? up|end(ing)?|leav(e|ing)|clos(e|ing)|log(ging)? off|disconnect(ing)?|walk(ing)? away)\b|\bhang up (on me )?(and|&) (see|i'?ll|you'?ll)\b|\byou don'?t hang up until\b",
    ),
    i(
        Restraint,
        "you're staying on this call",
        r"\byou('re| are| will|'ll)? (stay(ing)?|remain(ing)?) on (this|the) (call|line|phone|chat)\b|\b(i'?m )?not letting you (off|go|leave|hang)\b",
    ),
    i(
        Restraint,
        "I'm not leaving until",
        r"\bi'?m not (leaving|going anywhere|moving)\b|\bnot moving until\b|\bnobody'?s? (is )?(going|leaving) (home|anywhere)\b|\b(sit|sitting|stay|staying|wait|waiting|camp|camping|stand|standing) (right )?(here )?in (your|the) (lobby|office|store|shop|reception)\b|\bi'?m (staying|sitting|standing|waiting|parked) (right )?(here|at|in front of|outside)[^.!?\n]{0,50}\buntil\b",
    ),
    // ---------------------------------------------------------------- discrimination
    i(
        Discrimination,
        "foreigners are not wanted (外国人のくせに)",
        concat!(
            ja_foreign!(),
            g!(),
            "{0,10}(くせ|癖|なんか|なんぞ|ごとき|風情|に用は|に任せ|にまかせ|はお断り|お断り|はやめ|はいらな|いらない|は帰れ|帰れ|は引っ込|引っ込|に(何|なに)が|には無理|じゃ話|じゃわから|は嫌|はいや|は信用|信用でき|に(代|変|替)え|やめてくれ)"
        ),
    ),
    i(
        Discrimination,
        "your Japanese is bad (日本語もまともに話せない)",
        "日本語(も|が)?(まともに|ろくに|ちゃんと|満足に)?(話|はな|しゃべ|喋|書)(せ|れ)(ない|ねえ|ん)|日本語(わか|分か)らない(人|やつ|奴|の\\?|のか)|(あなた|あんた|お前|君)の日本語(わか|分か|変|おかし|聞き取)",
    ),
    i(
        Discrimination,
        "get me a Japanese person (日本人に代わって)",
        concat!(
            "日本人(に|の(担当|人|方|すたっふ))",
            g!(),
            "{0,6}(代わ|かわ|変え|替え|出せ|を出)|どこの国の(人|ひと|やつ|奴|方|者)"
        ),
    ),
    i(
        Discrimination,
        "a woman can't understand (女のくせに)",
        "(女|おんな|女性|おばさん|ばばあ|じじい|おっさん|若い女|若造|小娘|ねえちゃん|姉ちゃん|女の子)(の|は|が|なんか|に)?(くせ|癖|なんか|なんぞ|ごとき|風情|じゃ(話|わから|だめ|無理)|では(話|わから|だめ)|に(何が|なにが|わかる|わから|説明され|任せ)|には(わから|無理))",
    ),
    i(
        Discrimination,
        "put a man on (男を出せ)",
        "(男|おとこ)(の(社員|人|担当|ひと|方|すたっふ)|性(社員|の(担当|方)))?(を|に)(出せ|代われ|かわれ|代わって|変えて|替えて)",
    ),
    i(
        Discrimination,
        "slurs about disability or region (障害者みたい, 田舎者)",
        "(障害者|障がい者|しょうがいしゃ|池沼|きちがい|気違い|がいじ|めくら|つんぼ)(みたい|か|かよ|じゃ|なの|並み|れべる)|田舎(者|もん|っぺ)(は|が|の|なんか)?(くせ|引っ込|黙|帰れ|なんか|に)",
    ),
    i(
        Discrimination,
        "go back to your country",
        r"\bgo back (to )?(your (own )?country|where you came from|to (china|india|mexico|africa|the philippines|korea))\b",
    ),
    i(
        Discrimination,
        "someone who speaks real English",
        r"\b(speaks?|speaking) (real|proper|normal|actual) english\b|\b(real|actual|proper) americans?\b|\bget me an? (american|english speaker|native speaker|white (guy|person))\b|\bare you (even )?from here\b|\b(a|some) local person\b|\bsomeone (young|younger|white|male|american|native)\b",
    ),
    iu(
        Discrimination,
        "foreigners, immigrants",
        r"\b(foreigners?|immigrants?|illegals)\b",
        &[Before(r"\b(i'?m|i am|as|we are|we'?re) an? $")],
    ),
    i(
        Discrimination,
        "your accent, your kind",
        r"\byour accent\b[^.!?\n]{0,20}(disgusting|terrible|awful|horrible|annoying|ridiculous|weird|stupid|funny)|\bcan'?t understand (you|your) (accent|english)\b|\b(with|and) (that|your) accent\b|\btypical of (your|you|those) (people|kind|lot|race|type)\b|\byour kind\b|\byou people always\b|\bpeople like you (always|never)\b|\byou sound (old|foreign|chinese|indian|asian|black|like a (girl|woman|foreigner|kid))\b",
    ),
    i(
        Discrimination,
        "women don't understand, put a man on",
        r"\b(put|get|give|transfer)( me)?( to)? (a|an|some) (man|guy|male|dude)\b|\bwom[ae]n (don'?t|can'?t|never|do not|cannot|shouldn'?t) (understand|get|know|do)\b|\ban? (girl|woman|female) (wouldn'?t|can'?t|couldn'?t|doesn'?t|won'?t) (get|understand|know)\b|\b(girls?|women) (like you )?(can'?t|don'?t) (do|handle|understand)\b",
    ),
    // ---------------------------------------------------------------- sexual
    iu(
        Sexual,
        "do you have a boyfriend (彼氏いるの)",
        r"(彼氏|かれし|彼女|かのじょ|恋人)(は|とか|って)?(いる|居る|おる|いない|いますか)(の|\?|か|ん|ですか)",
        &[After("^(で|から)")],
    ),
    i(
        Sexual,
        "your voice is cute (声がかわいい)",
        "声(が|も|は)?(かわい|可愛|えろ|せくし|色っぽ|いろっぽ|そそ|たまら)",
    ),
    i(
        Sexual,
        "let's meet, just us (二人で飲みに行こう)",
        "(二人|ふたり)(きり|だけ)?で(飲|の(み|も)|食事|しょくじ|会お|会い(ませ|た|に)|あ(お|い)|遊|ほてる|でと|ごはん|ご飯|お茶)|飲みに(行|い)(こう|かない|きません|こ)|でと(しよ|して|に(行|い)|行|いこ|しま|に誘)|会ってくれ(たら|れば|るなら)|付き合って(よ|ください|くれ)|(俺|おれ|僕|ぼく)の(女|彼女)に",
    ),
    i(
        Sexual,
        "meet in private (プライベートで会おう)",
        "(ぷらいべと|個人的)(で|に)(会|あ(お|い|って)|話|はな|連絡|飲|遊|でと)",
    ),
    iu(
        Sexual,
        "your measurements (スリーサイズ教えて)",
        "すりさいず(を|教|おし|は|聞|き(か|き)|知りた|しりた)",
        &[
            Near(
                "(入力欄|項目|注文|ふむ|商品|登録|さいず表|あぱれる|必須|任意|欄|てんぷれ|表示|採寸|機能)",
            ),
            // A shop that sells clothes says so anywhere in the message; 制服 is the one
            // 服 that is more often a harasser's word than a shop's.
            InMessage(
                r"((^|[^制])服|通販|しょっぷ|\bec\b|さいず表|あぱれる|ふっしょん|衣料|試着|採寸|寸法)",
            ),
        ],
    ),
    i(
        Sexual,
        "the agent's measurements (お姉さんのスリーサイズ)",
        "(お前|おまえ|あんた|君|きみ|あなた|お姉さん|おねえさん|ねえちゃん|姉ちゃん|担当(者|の(人|方|女|子)))(の|って)すりさいず",
    ),
    i(
        Sexual,
        "send me your photo (顔写真送って)",
        "(顔写真|顔の写真|自撮り|じどり|あなたの写真|君の写真|きみの写真|お前の写真|全身(写真)?|水着|下着|制服姿)(を|の写真)?(送|おく|見せ|みせ|撮っ|とっ|ちょうだい|ほしい|欲しい|くれ)",
    ),
    i(
        Sexual,
        "the body, underwear (胸大きい, 下着何色)",
        "下着(は|の色|何色|なにいろ|見せ|みせ|の写真|姿)|(胸|おっぱい|お尻|太もも|ふともも)(が|は|も)?(大き|おおき|でか|触|さわ|見せ|みせ|きれい|綺麗|えろ|小さ)",
    ),
    i(
        Sexual,
        "tonight at a hotel (今夜ホテルで)",
        concat!("(今夜|今晩|夜|二人|ふたり)", g!(), "{0,8}(ほてる|らぶほ)"),
    ),
    i(
        Sexual,
        "you're cute (君かわいいね)",
        concat!(
            "(君|きみ|お姉さん|おねえさん|ねえちゃん|姉ちゃん|あなた)(って|は|の顔|の声)?",
            g!(),
            "{0,4}(かわい|可愛|美人|きれい|綺麗|色っぽ|えろ|せくし|好み|たいぷ)"
        ),
    ),
    i(
        Sexual,
        "what are you wearing, your body",
        r"\bwhat are you wearing\b|\bwhat (color|colour) (is|are) your (underwear|panties|bra)\b|\b(bra|cup) size\b|\bhow big are your\b|\byour (boobs|tits|breasts|butt)\b|\b(boobs|tits)\b",
    ),
    i(
        Sexual,
        "send me a picture of yourself",
        r"\bsend (me )?(a |some |your )?(selfies?|nudes?|(pics?|pictures?|photos?) of (you|yourself|ur ?self))\b|\bselfie,? (babe|baby|honey|sweetie|sweetheart|girl)\b",
    ),
    i(
        Sexual,
        "you sound sexy, you're hot",
        r"\byou (sound|look|are|'re)( so| really| very)? (sexy|hot|cute|beautiful|gorgeous)\b|\b(hot|sexy|cute) (in|with) (that|your) (uniform|voice|outfit|dress)\b|\byou'?re (so )?(hot|sexy|cute)\b|\bcute when you\b|\bsweetheart\b|\bbabe\b|\bbaby girl\b",
    ),
    i(
        Sexual,
        "are you single, let's go out",
        r"\bare you (single|married|seeing (anyone|someone)|taken)\b|\b(do you have|got) a (boyfriend|girlfriend|husband|bf|gf)\b|\b(we should|let'?s|wanna|want to|would you like to|how about we) (grab|get|have|go for) (a drink|drinks|dinner|a coffee|coffee|a meal)\b|\b(go|going) (out|on a date) with me\b|\bdate with me\b|\b(take you|ask you) out\b|\bjust (the two of us|you and me|us two)\b|\bwear something (nice|sexy|short|tight|revealing)\b",
    ),
    // ---------------------------------------------------------------- personal attack
    i(
        PersonalAttack,
        "fire that agent (クビにしろ)",
        "(首|くび)(に|を)(しろ|して(ください|くれ|やる|もらう|ほしい)|させ(ろ|る|て)|切れ)",
    ),
    i(
        PersonalAttack,
        "make them quit (辞めさせろ)",
        concat!(
            "辞めさせ(ろ|て|る|ます|てやる|なさい)|",
            ja_staff!(),
            g!(),
            "{0,6}やめさせ"
        ),
    ),
    i(
        PersonalAttack,
        "discipline them (処分しろ, 左遷)",
        concat!(
            ja_staff!(),
            g!(),
            "{0,8}(処分|処罰|懲戒|左遷|降格|減給)|左遷(させ|しろ)"
        ),
    ),
    i(
        PersonalAttack,
        "their name, address, photo (担当の住所を教えろ)",
        concat!(
            ja_staff!(),
            "(の)?",
            g!(),
            "{0,4}(名前|なまえ|ふるねむ|本名|住所|自宅|家|実家|携帯|電話番号|個人の連絡先|顔写真|顔|sns|いんすた|あかうんと)",
            g!(),
            "{0,10}(教えろ|おしえろ|教えて(よ|くれ)|晒|さら|調べ|しらべ|突き止め|つきとめ|ねっとに|上げ|あげて|流|拡散|わかる|分かる|知って)"
        ),
    ),
    i(
        PersonalAttack,
        "hold them personally responsible (個人的に責任を追及)",
        "個人的に(責任|訴え|追及|責め|弁償)",
    ),
    i(
        PersonalAttack,
        "end their career (二度と仕事できないように)",
        concat!(
            "二度と(仕事|働け|この業界)",
            g!(),
            "{0,8}(でき|出来|ない|なく)ように"
        ),
    ),
    iu(
        PersonalAttack,
        "fire that agent",
        r"\bfire (that|this|the|your) (agent|guy|girl|woman|lady|man|rep|representative|person|idiot|moron|employee|tech|technician|operator|clown|kid)\b|\bfire (him|her)\b",
        &[After(r"^ ?(up|an? |off|the )")],
    ),
    i(
        PersonalAttack,
        "get them fired, end their career",
        r"\b(get|have|want|see) (him|her|them|that \w+|this \w+|[a-z]+) fired\b|\b(he|she|they|whoever|that (agent|guy|girl|woman|rep|person)|your (agent|rep|guy))( \w+){0,4} should (be|get) fired\b|\b(lose|loses|losing) (his|her|their|your) (job|jobs|position)\b|\bend (his|her|their|your) career\b|\bnever works? (in \w+ |anywhere |here )?again\b|\bnext employer\b|\bget rid of (that|this|the) (woman|man|guy|girl|agent|rep|person|lady|employee)\b",
    ),
    i(
        PersonalAttack,
        "their full name, address, profile",
        r"\b(his|her|their|the agent'?s|your agent'?s|the rep'?s|your rep'?s|that \w+'?s) (full name|home address|address|employee id|personal (phone|number|email)|phone number|linkedin|facebook|instagram|social media)\b|\b(full name|home address|employee id) of (the|that|your|this) (guy|girl|woman|man|agent|rep|person|lady|employee)\b",
    ),
    i(
        PersonalAttack,
        "find out where they live",
        r"\b(find out|know|figure out|found out|tell me|give me)[^.!?\n]{0,12} where [^.!?\n]{0,25}\blives\b",
    ),
    // ---------------------------------------------------------------- unreasonable demand
    i(
        UnreasonableDemand,
        "do it for free (タダでやれ)",
        "(ただ|無料|無償)で(やれ|しろ|直せ|なおせ|作れ|つくれ|対応しろ|やり直せ|よこせ|寄越せ|来い)|(作っ|直し|なおし|やっ|対応し|設定し)て(ください|くれ|よ)?[。、 ]*(無料|無償|ただ)で",
    ),
    i(
        UnreasonableDemand,
        "pay damages (慰謝料を払え)",
        concat!(
            "(慰謝料|いしゃりょう|迷惑料|賠償金|補償金|示談金|違約金|損害賠償)",
            g!(),
            "{0,12}(払え|はらえ|払って(もら|いただ|よ|ください)|払わせ|よこせ|出せ|請求(します|する)|もらい?ます|を要求|求めます)"
        ),
    ),
    iu(
        UnreasonableDemand,
        "refund everything, now (全額返せ)",
        "(全額|ぜんがく)(返金)?(しろ|せよ|返せ|かえせ|返して(もら|よ))",
        &[After("^(ます|ませ|る|ない|ば)")],
    ),
    i(
        UnreasonableDemand,
        "come to my house now (今すぐ家に来て直せ)",
        concat!(
            "(今すぐ|いますぐ|今から|いまから|すぐに?|今日中に|夜中に)",
            g!(),
            "{0,8}(来い|こい|来て(直|なお|説明|設定|対応|教え)|来てもら)|(家|うち|自宅)(まで|に|へ)(来|き)(て|い)",
            g!(),
            "{0,8}(直せ|なおせ|設定しろ|説明しろ|しろ|やれ|教えろ)|(毎日|毎週)",
            g!(),
            "{0,10}(うち|家|自宅|会社)(に|まで)(来|き)(て|い)"
        ),
    ),
    i(
        UnreasonableDemand,
        "a year free (一年分無料にしろ)",
        r"(無料|ただ|無償)に(しろ|しな|して(もら|よ))|(\d+|一|二|三|五|十)(年|か月|ゖ月|ゕ月|かげつ)(分)?(を)?(無料|ただ|無償)",
    ),
    i(
        UnreasonableDemand,
        "answer at night and weekends (土日も夜中も出ろ)",
        concat!(
            "(土日|休日|夜中|深夜|24時間|夜間|祝日)",
            g!(),
            "{0,14}(出ろ|でろ|対応しろ|来い|やれ|出て(もらう|よ|こい))"
        ),
    ),
    i(
        UnreasonableDemand,
        "you pay for it all (全部補償しろ)",
        concat!(
            "(費用|お金|金|代金|損害|損失|売上)",
            g!(),
            "{0,14}(そっち|御社|お前ら|あんたら|そちら|てめえら)(で|が)(持て|払え|負担しろ|出せ|補償)|(補償|弁償|賠償)(しろ|せよ|してもらう|して(よ|もらう))"
        ),
    ),
    i(
        UnreasonableDemand,
        "refund me three times over",
        r"\brefund (me|us) (double|triple|twice|three times|3x|2x|\d+ times)|\b(two|three|four|five|ten|\d+) times (what|the amount) (i|we) paid\b|\b(double|triple) (refund|my money)\b",
    ),
    i(
        UnreasonableDemand,
        "free for life",
        r"\b(i want|give me|i expect|i demand)( a| an)? (free )?lifetime\b|\bfree for life\b|\b(\d+|one|two|three|five|ten) (years?|months?) (of )?(free|for free|at no (cost|charge))\b|\b(for|at) (the )?(basic|free|lowest|starter) price,? forever\b",
    ),
    i(
        UnreasonableDemand,
        "send someone to my house",
        r"\b(send|get) (someone|somebody|an engineer|a tech|a technician|an? \w+|your \w+) (to|over to|out to) (my|our) (house|home|place|apartment|flat)\b|\bto my (house|home) (tonight|now|today|on (sunday|saturday))\b",
    ),
    i(
        UnreasonableDemand,
        "pay me for my time",
        r"\bpay me\b[^.!?\n]{0,30}(\$|¥|€|£|\d|for my (wasted )?time|for (the|my) (trouble|inconvenience|stress))|\bcompensat(e|ion)[^.!?\n]{0,20}\b(for (every|all|my time|each)|in full)\b|(\$|¥)\d[\d,]* (an|per) hour\b",
    ),
    iu(
        UnreasonableDemand,
        "work for free",
        r"\b(do it|build|make|fix|do|write|develop|implement|work)\b[^.!?\n]{0,40}\b(for free|at no (charge|cost)|free of charge)\b|\byou owe me\b",
        &[Near(
            r"\b(since|because|as) (it'?s|it is|this is) (your|a) (bug|fault|mistake|error)|\b(warranty|sla|per (the|our) contract|covered)\b",
        )],
    ),
    i(
        UnreasonableDemand,
        "answer my calls at 3am",
        r"\b(answer|pick up|respond to|take) (my )?(calls?|phone|messages)\b[^.!?\n]{0,20}\b(at|by) (\d|midnight)|\bin the middle of the night\b",
    ),
];
