//! The shipped English crisis rules against texts that must be screened as a
//! risk and texts that use the same words safely. Both rates are printed; a
//! failure lists every text that went the wrong way.

use moderation::{CrisisScreen, RiskLevel};

use RiskLevel::{High, Medium};

/// Texts suggesting a risk of suicide or self-harm, with the level each must get.
const AT_RISK: &[(&str, RiskLevel)] = &[
    // direct
    ("I want to die.", High),
    ("honestly just want to die", High),
    ("I'm going to kill myself.", High),
    ("Can't stop thinking about killing myself.", High),
    ("If I'm honest I want to end my life.", High),
    ("Thinking about taking my own life.", High),
    ("I feel like ending my life.", High),
    ("I feel suicidal tonight.", High),
    ("I've been having suicidal thoughts again.", High),
    ("I wanna die lol", High),
    ("i want 2 die", High),
    ("I W4NT T0 D1E", High),
    // indirect
    ("I want to end it all.", High),
    ("There's no reason to go on.", High),
    ("Everyone would be better off without me.", High),
    ("I'm a burden, they'd all be better off if I was gone.", High),
    ("Nobody would miss me if I disappeared.", High),
    ("I wish I was dead.", High),
    ("I hope I don't wake up tomorrow.", High),
    ("I'm not coping, I want to sleep and never wake up.", High),
    ("I don't want to be here anymore.", High),
    ("What's the point of living like this?", High),
    ("I've got nothing to live for.", High),
    ("I'm so tired of living.", High),
    ("I'm done with life.", High),
    // plans and preparations
    ("I've been saving up my pills.", High),
    ("I'm stockpiling my tablets.", High),
    ("How many paracetamol would it take?", High),
    ("I took an overdose earlier.", High),
    ("planning to overdose this weekend", High),
    ("I want to hang myself.", High),
    ("I've been looking at the bridge and thinking of jumping.", High),
    ("I'm going to jump off the bridge tonight.", High),
    ("I wrote my goodbye letters last night.", High),
    ("I've said my goodbyes.", High),
    ("I've been giving away my things.", High),
    // self-harm
    ("I've been cutting again.", High),
    ("I've started self-harming again.", High),
    ("I self harmed last night.", High),
    ("I cut myself again tonight.", High),
    ("I keep burning myself with my lighter.", High),
    ("I'm hurting myself on purpose.", High),
    ("I've been self-harming to cope.", High),
    // ambiguous or less direct: flagged for a look, not an emergency
    ("I won't be around much longer.", Medium),
    ("I can't do this anymore.", Medium),
    ("I can't go on.", Medium),
    ("Sometimes I want to disappear forever.", Medium),
    ("I give up on life.", Medium),
    ("kms", Medium),
    ("ugh this week, k m s", Medium),
    // someone else at risk
    ("My son keeps saying he wants to die.", Medium),
    ("My partner is suicidal and I don't know what to do.", Medium),
    ("My daughter has been self-harming.", Medium),
    ("He's threatening to kill himself again.", Medium),
];

/// Texts that use crisis words safely: idioms, news, research, clinical
/// discussion, signposting, and everyday health talk.
const SAFE: &[&str] = &[
    // clinical and educational
    "As a nurse, I'd say the overdose threshold for paracetamol is 150 mg/kg, and staggered overdoses are more dangerous.",
    "Paracetamol dosing guidance: no more than 4 g in 24 hours for most adults.",
    "Does anyone know if paracetamol overdose damage is reversible? Asking for a pharmacology exam.",
    "Patients often say 'I want to die' when pain is uncontrolled, so we ask directly about plans.",
    "Our training covered asking directly about suicide.",
    // news and research
    "Suicide rates among men rose last year, according to the ONS.",
    "A news story today said suicide is the biggest killer of men under 50.",
    "The study found that people with chronic pain are more likely to have suicidal thoughts.",
    "Researchers looked at self-harm rates in teenagers.",
    "The inquest heard he had been self-harming for months.",
    "We're holding a suicide prevention workshop for carers on Tuesday.",
    // signposting others
    "If you're feeling suicidal, please call Samaritans on 116 123 any time.",
    "Anyone who feels like ending it all can text SHOUT to 85258.",
    "Samaritans are there if anyone needs to talk, day or night.",
    "Please don't harm yourself; reach out to the crisis team.",
    "Do you ever feel like you want to die? You can talk to us.",
    // idioms
    "This joke killed me 😂",
    "I'd kill for a coffee right now.",
    "My phone died halfway through the call.",
    "I'm dying to see the new exhibition.",
    "You're killing it at physio!",
    "Dead tired after the night shift.",
    "My feet are killing me after that walk.",
    "Can you kill the lights when you leave?",
    "That chocolate cake was to die for.",
    "I was bored to death in the waiting room.",
    "I nearly died laughing at the nurse's story.",
    "I wanted to die of embarrassment when my stoma bag made a noise.",
    "That exam nearly killed me.",
    "I'm dead on my feet.",
    "Killing time in the waiting room with a crossword.",
    "He'd kill himself laughing at that.",
    "Don't kill yourself over the housework, it can wait.",
    // the same words, meaning something else
    "I went for a 10 kms walk this morning.",
    "It's 5 kms to the hospital.",
    "I cut myself shaving this morning.",
    "I burnt myself on the oven door.",
    "I'm cutting back on sugar again.",
    "I've been jumping on the trampoline with the kids.",
    "I'm thinking about jumping ship to a different GP surgery.",
    "There's no point going on about it.",
    "There's no reason to go on the waiting list twice.",
    "We can't go on holiday this year because of chemo.",
    "This offer won't be around much longer.",
    "She cut herself off from friends after the diagnosis.",
    // living with illness
    "I don't want to die, I want to see my grandchildren grow up.",
    "I want to die at home, not in hospital, when the time comes.",
    "My consultant says I won't be around much longer, so I'm making memory boxes.",
    "My mum is dying and I'm terrified.",
    "I'm not suicidal, just exhausted.",
    "I used to self-harm as a teenager but I'm in recovery now.",
    "The film's character takes her own life, so content warning.",
    "The lyrics go 'I want to die young'.",
    "I'm ready to go home from hospital!",
];

/// Texts that are not a present crisis but are flagged at medium on purpose:
/// a past attempt, a safety plan, a quoted crisis post, support that recalls
/// the writer's own crisis. A moderator may want to check in; the
/// safeguarding lead is not alerted urgently.
const LOWERED_TO_MEDIUM: &[&str] = &[
    "Two years ago I tried to kill myself, and now I'm doing really well.",
    "My safety plan says to ring my sister when I want to die.",
    "> I want to end it all\n\nPlease call Samaritans, we're all here for you.",
    "I've been where you are, wanting to end it all, and it does get better.",
    "When I was at my lowest I felt suicidal every day.",
];

#[test]
fn the_english_rules_catch_every_risk_text_and_no_safe_one() {
    let screen = CrisisScreen::shipped_rules("en").expect("the English rules load");
    let wrong_level: Vec<(&str, RiskLevel, Option<RiskLevel>)> = AT_RISK
        .iter()
        .map(|&(text, expected)| (text, expected, screen.screen(text).risk))
        .filter(|&(_, expected, found)| found != Some(expected))
        .collect();
    let missed = wrong_level.iter().filter(|(_, _, found)| found.is_none()).count();
    let false_alarms: Vec<(&str, Vec<String>)> = SAFE
        .iter()
        .map(|text| (*text, screen.screen(text).matched))
        .filter(|(_, matched)| !matched.is_empty())
        .collect();
    let catch_rate = 100.0 * (AT_RISK.len() - missed) as f64 / AT_RISK.len() as f64;
    let false_alarm_rate = 100.0 * false_alarms.len() as f64 / SAFE.len() as f64;
    println!(
        "crisis screening: caught {}/{} risk texts ({catch_rate:.1}%), {}/{} false alarms ({false_alarm_rate:.1}%)",
        AT_RISK.len() - missed,
        AT_RISK.len(),
        false_alarms.len(),
        SAFE.len()
    );
    assert!(AT_RISK.len() >= 40 && SAFE.len() >= 40, "the corpus is too small");
    assert!(wrong_level.is_empty(), "wrong level (text, expected, found): {wrong_level:#?}");
    assert!(false_alarms.is_empty(), "false alarms: {false_alarms:#?}");
}

#[test]
fn past_crises_safety_plans_and_quotes_are_flagged_at_medium() {
    let screen = CrisisScreen::shipped_rules("en").expect("the English rules load");
    let wrong: Vec<(&str, Option<RiskLevel>)> = LOWERED_TO_MEDIUM
        .iter()
        .map(|text| (*text, screen.screen(text).risk))
        .filter(|&(_, risk)| risk != Some(Medium))
        .collect();
    assert!(wrong.is_empty(), "not medium: {wrong:#?}");
}
