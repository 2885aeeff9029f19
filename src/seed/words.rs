//! A made-up vocabulary whose word frequencies follow Zipf's law, so seeded
//! text has what real posts have and what search cost depends on: a few
//! words in nearly every post and a long tail of rare ones.

use super::Dice;

const CONSONANTS: &[u8] = b"bdfghklmnprstvz";
const VOWELS: &[u8] = b"aeiou";
const SYLLABLES: usize = 75;

pub struct Vocabulary {
    words: Vec<String>,
    /// Running sums of each word's weight, for picking by a uniform number.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` words; the word of rank r (from 0) has weight 1 / (r + 1)^exponent.
    pub fn zipf(size: usize, exponent: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..size)
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Vocabulary { words: (0..size).map(spell).collect(), cumulative }
    }

    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    fn pick(&self, dice: &mut Dice) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = dice.unit() * total;
        self.word(self.cumulative.partition_point(|sum| *sum < target))
    }

    /// A thread title: three to nine words, capitalised.
    pub fn title(&self, dice: &mut Dice) -> String {
        let length = 3 + dice.roll(7) as usize;
        self.sentence(dice, length, "")
    }

    /// A post: one to three paragraphs of sentences, sometimes a list or a
    /// word in bold, about forty words on average.
    pub fn post(&self, dice: &mut Dice) -> String {
        let paragraphs = match dice.roll(10) {
            0..6 => 1,
            6..9 => 2,
            _ => 3,
        };
        let mut text = String::new();
        for paragraph in 0..paragraphs {
            if paragraph > 0 {
                text.push_str("\n\n");
            }
            let sentences = 1 + dice.roll(4) as usize;
            let list = dice.chance(10);
            for sentence in 0..sentences {
                if list {
                    text.push_str(if sentence == 0 { "- " } else { "\n- " });
                } else if sentence > 0 {
                    text.push(' ');
                }
                let length = 4 + dice.roll(15) as usize;
                text.push_str(&self.sentence(dice, length, "."));
            }
        }
        text
    }

    fn sentence(&self, dice: &mut Dice, length: usize, end: &str) -> String {
        let mut sentence = String::new();
        for position in 0..length {
            let word = self.pick(dice);
            if position == 0 {
                let mut letters = word.chars();
                sentence.extend(letters.next().map(|first| first.to_ascii_uppercase()));
                sentence.push_str(letters.as_str());
                continue;
            }
            sentence.push(' ');
            if dice.chance(2) {
                sentence.push_str("**");
                sentence.push_str(word);
                sentence.push_str("**");
            } else {
                sentence.push_str(word);
            }
        }
        sentence.push_str(end);
        sentence
    }
}

/// The word of a rank: its number (plus one syllable's worth, so every word
/// has at least two syllables) written in base-75 syllables. Different
/// ranks give different words.
fn spell(rank: usize) -> String {
    let mut number = rank + SYLLABLES;
    let mut word = String::new();
    while number > 0 {
        let syllable = number % SYLLABLES;
        word.push(char::from(CONSONANTS[syllable / VOWELS.len()]));
        word.push(char::from(VOWELS[syllable % VOWELS.len()]));
        number /= SYLLABLES;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rank_has_its_own_word() {
        let vocabulary = Vocabulary::zipf(20_000, 1.0);
        let distinct: std::collections::HashSet<&str> = (0..20_000).map(|rank| vocabulary.word(rank)).collect();
        assert_eq!(distinct.len(), 20_000);
    }

    #[test]
    fn common_words_come_up_far_more_often_than_rare_ones() {
        let vocabulary = Vocabulary::zipf(10_000, 1.0);
        let mut dice = Dice::new(7);
        let text: Vec<String> = (0..2_000).map(|_| vocabulary.post(&mut dice).to_lowercase()).collect();
        let containing = |word: &str| text.iter().filter(|post| post.contains(word)).count();
        assert!(containing(vocabulary.word(0)) > 1_000, "the commonest word is in most posts");
        assert!(containing(&format!(" {} ", vocabulary.word(9_000))) < 20, "a rare word is in few");
    }

    #[test]
    fn the_same_seed_gives_the_same_text() {
        let vocabulary = Vocabulary::zipf(1_000, 1.0);
        let (mut first, mut second) = (Dice::new(3), Dice::new(3));
        assert_eq!(vocabulary.post(&mut first), vocabulary.post(&mut second));
    }
}
