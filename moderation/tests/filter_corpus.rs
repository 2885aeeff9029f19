//! The shipped word filters against disguised spellings that must be caught
//! and everyday text that must not be. Both rates are printed; a failure
//! lists every text that went the wrong way.

use moderation::{FilterAction, WordFilter};

/// Each disguised text, with the shipped term it must match.
const EVASIONS: &[(&str, &str)] = &[
    // case
    ("You IDIOT", "idiot"),
    ("what an Idiot", "idiot"),
    ("MORON!!!", "moron"),
    ("KYS", "kys"),
    ("BUY FOLLOWERS now", "buy followers"),
    ("YOU'RE PATHETIC", "you're pathetic"),
    // accents and combining marks
    ("ìdíòt", "idiot"),
    ("ÍDIÖT", "idiot"),
    ("i\u{336}d\u{336}i\u{336}o\u{336}t\u{336}", "idiot"),
    ("mörön", "moron"),
    ("mi\u{0301}racle cure", "miracle cure"),
    // digits and symbols for letters
    ("1d10t", "idiot"),
    ("id1ot", "idiot"),
    ("idi0t", "idiot"),
    ("id|ot", "idiot"),
    ("m0r0n", "moron"),
    ("dumb@ss", "dumbass"),
    ("dumba$$", "dumbass"),
    ("1mbec1le", "imbecile"),
    ("buy f0ll0wers", "buy followers"),
    ("crypt0 giveaway", "crypto giveaway"),
    ("Try this m1racle cure", "miracle cure"),
    ("you're p4thetic", "you're pathetic"),
    ("go k1ll yourself", "go kill yourself"),
    ("g0 kill y0urself", "go kill yourself"),
    ("h0pe y0u d1e", "hope you die"),
    ("double your b1tc0in", "double your bitcoin"),
    ("free g1ft card", "free gift card"),
    ("attention s33ker", "attention seeker"),
    ("vacc1nes cause autism", "vaccines cause autism"),
    // Cyrillic and Greek look-alikes
    ("іdіоt", "idiot"),
    ("idiοt", "idiot"),
    ("mоrоn", "moron"),
    ("buy fоllоwers", "buy followers"),
    ("КYЅ", "kys"),
    // invisible characters
    ("id\u{200B}iot", "idiot"),
    ("i\u{200D}d\u{200D}i\u{200D}o\u{200D}t", "idiot"),
    ("idi\u{00AD}ot", "idiot"),
    ("idi\u{200F}ot", "idiot"),
    ("Crypto Give\u{00AD}away", "crypto giveaway"),
    ("mo\u{FEFF}ron", "moron"),
    // letters spaced apart
    ("i d i o t", "idiot"),
    ("i.d.i.o.t", "idiot"),
    ("i-d-i-o-t", "idiot"),
    ("i_d_i_o_t", "idiot"),
    ("i*d*i*o*t", "idiot"),
    ("i • d • i • o • t", "idiot"),
    ("i\u{00A0}d\u{00A0}i\u{00A0}o\u{00A0}t", "idiot"),
    ("m o r o n", "moron"),
    ("m.o.r.o.n", "moron"),
    ("k y s", "kys"),
    ("k.y.s", "kys"),
    ("b u y f o l l o w e r s", "buy followers"),
    ("crypto g i v e a w a y", "crypto giveaway"),
    ("u r pathetic", "ur pathetic"),
    // stretched letters
    ("idiooooot", "idiot"),
    ("iiiidiot", "idiot"),
    ("moooron", "moron"),
    ("kyyyys", "kys"),
    // fullwidth and other compatibility forms
    ("ｉｄｉｏｔ", "idiot"),
    ("ＩＤＩＯＴ", "idiot"),
    ("𝐢𝐝𝐢𝐨𝐭", "idiot"),
    ("ⓘⓓⓘⓞⓣ", "idiot"),
    ("𝔪𝔬𝔯𝔬𝔫", "moron"),
    // punctuation, Markdown and mixtures
    ("**idiot**", "idiot"),
    ("_idiot_", "idiot"),
    ("#idiot", "idiot"),
    ("you’re pathetic", "you're pathetic"),
    ("youre pathetic", "you're pathetic"),
    ("miracle\ncure", "miracle cure"),
    ("buy  followers", "buy followers"),
    ("CRYPTO GIVEAWAY!!!", "crypto giveaway"),
    ("Ｉ d 1 o t", "idiot"),
    ("Ｂuy ｆ0llоwers", "buy followers"),
    ("ìd\u{200B}1оt", "idiot"),
];

/// Everyday text, some of it containing a filter term inside another word or
/// next to a word that is not part of any term.
const INNOCENT: &[&str] = &[
    "We drove through Scunthorpe on the way to the clinic.",
    "My assessment is on Tuesday.",
    "We had a cocktail party for my sister's birthday.",
    "I've lived in Essex all my life.",
    "My therapist is brilliant.",
    "Classic symptoms of COPD include breathlessness.",
    "My dad passed away last spring.",
    "Paracetamol is a mild analgesic.",
    "We're reading Dickens in our book club.",
    "An old sextant hangs in the hallway.",
    "Grapes are a good snack between meals.",
    "Shiitake mushrooms in the stir-fry were lovely.",
    "Sussex has lovely walks for the whole group.",
    "She trained at the Middlesex Hospital.",
    "The analysis showed my iron was low.",
    "I'm an idiosyncratic eater, always have been.",
    "The lab found idiotypic antibodies.",
    "Oxymoron is my favourite word.",
    "The Moroni family next door brought soup.",
    "I bought flowers for the nurses.",
    "Buy flowers for your carer, they deserve it.",
    "Our followers on the page grew this year.",
    "There's a cryptography lecture at the library.",
    "The giveaway raffle raised £300 for the hospice.",
    "There's no miracle, just hard work and physio.",
    "The cure rate for this cancer is improving.",
    "Miracles do happen: my scan was clear!",
    "My cat is pathetic at catching mice.",
    "You're perfect as you are.",
    "You're patient with me, thank you.",
    "Dumbbells at the gym are too heavy for me now.",
    "Imbecility was a Victorian legal term, thankfully gone.",
    "Our Kyoto trip is booked for spring.",
    "I'll go and kill some time at the café.",
    "I hope you didn't get wet on the walk.",
    "I hope you dine somewhere nice tonight.",
    "Double your water intake in hot weather.",
    "Free gift wrapping at the charity shop!",
    "My attention span is short on these meds.",
    "Vaccines saved my life.",
    "The cause of autism is still being researched.",
    "I work from home most days.",
    "Claim your free prescription if you're over 60.",
    "No prescription is needed for ibuprofen.",
    "Pass the salt; the passage by the bass player was classic.",
    "I had a cocktail of drugs in ICU.",
    "Hancock and Wilcox ran the session.",
    "I dismissed the spam email.",
    "Arsenal won on Saturday!",
    "The therapist's analysis was classic.",
    "Essex County Council funds the group.",
    "Abbreviations: i.e. e.g. a.m. p.m.",
    "I scored 10/10 on the quiz 4 u",
    "Call 116 123 or text SHOUT to 85258.",
    "Hi, I'm Kim. I'm 34 and live with MS.",
    "Привет, как дела?",
    "Καλημέρα σε όλους",
    "😀🙏🏽❤️",
    "Good good good, so good to see you!",
    "Booooo to the weather today.",
    "Goodbye, and thanks for all the support.",
];

fn caught(filter: &WordFilter, text: &str, term: &str) -> bool {
    filter.check(text).matches.iter().any(|found| found.term == term)
}

#[test]
fn the_shipped_filters_catch_every_disguised_spelling_and_nothing_innocent() {
    let filter = WordFilter::shipped();
    let missed: Vec<&str> =
        EVASIONS.iter().filter(|(text, term)| !caught(&filter, text, term)).map(|(text, _)| *text).collect();
    let false_alarms: Vec<(&str, Vec<String>)> = INNOCENT
        .iter()
        .map(|text| (*text, filter.check(text).matches.into_iter().map(|found| found.term).collect::<Vec<_>>()))
        .filter(|(_, terms)| !terms.is_empty())
        .collect();
    let catch_rate = 100.0 * (EVASIONS.len() - missed.len()) as f64 / EVASIONS.len() as f64;
    let false_alarm_rate = 100.0 * false_alarms.len() as f64 / INNOCENT.len() as f64;
    println!(
        "word filters: caught {}/{} evasions ({catch_rate:.1}%), {}/{} false alarms ({false_alarm_rate:.1}%)",
        EVASIONS.len() - missed.len(),
        EVASIONS.len(),
        false_alarms.len(),
        INNOCENT.len()
    );
    assert!(EVASIONS.len() >= 50 && INNOCENT.len() >= 50, "the corpus is too small");
    assert!(missed.is_empty(), "missed: {missed:#?}");
    assert!(false_alarms.is_empty(), "false alarms: {false_alarms:#?}");
}

#[test]
fn a_kindly_idiom_with_a_harmful_phrase_is_held_for_review_not_blocked() {
    let outcome = WordFilter::shipped().check("Don't kill yourself over the housework, it can wait.");
    assert_eq!(outcome.action, Some(FilterAction::Hold));
}

#[test]
fn only_the_disguised_word_is_replaced() {
    let text = "Ça va? 🙂 That 1d10t 👨‍👩‍👧 said “i d i o t”, naïvely.";
    let outcome = WordFilter::shipped().check(text);
    assert_eq!(outcome.replaced_text.as_deref(), Some("Ça va? 🙂 That *** 👨‍👩‍👧 said “***”, naïvely."));
}
