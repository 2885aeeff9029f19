//! Zipf popularity over ranked items, drawn with a small seeded generator
//! (splitmix64) so every run reads the same list of threads.

/// A seeded 64-bit generator (splitmix64): fast, and the same on every machine.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Ranks 0..n with P(rank k) proportional to 1 / (k + 1)^s.
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = (1..=n.max(1))
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(s);
                total
            })
            .collect();
        cumulative.iter_mut().for_each(|value| *value /= total);
        Zipf { cumulative }
    }

    /// A rank drawn with `dice`: 0 is the most popular.
    pub fn sample(&self, dice: &mut Dice) -> usize {
        let target = dice.unit();
        self.cumulative.partition_point(|&value| value <= target).min(self.cumulative.len() - 1)
    }

    /// `count` draws from `items` by rank (the first item the most popular), seeded by `seed`.
    pub fn pick<T: Clone>(&self, items: &[T], count: usize, seed: u64) -> Vec<T> {
        let mut dice = Dice::new(seed);
        (0..count).map(|_| items[self.sample(&mut dice) % items.len()].clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_list() {
        let zipf = Zipf::new(1_000, 1.0);
        let items: Vec<usize> = (0..1_000).collect();
        assert_eq!(zipf.pick(&items, 100, 7), zipf.pick(&items, 100, 7));
        assert_ne!(zipf.pick(&items, 100, 7), zipf.pick(&items, 100, 8));
    }

    #[test]
    fn popularity_falls_as_one_over_rank() {
        let zipf = Zipf::new(1_000, 1.0);
        let mut dice = Dice::new(1);
        let mut counts = vec![0u32; 1_000];
        let draws = 200_000;
        for _ in 0..draws {
            counts[zipf.sample(&mut dice)] += 1;
        }
        // H(1000) is about 7.485: rank 1 about 13.4% of draws, rank 2 half of that, rank 10 a tenth.
        let share = |rank: usize| f64::from(counts[rank]) / f64::from(draws);
        assert!((share(0) - 0.1336).abs() < 0.005, "rank 1 drew {}", share(0));
        assert!((share(0) / share(1) - 2.0).abs() < 0.15);
        assert!((share(0) / share(9) - 10.0).abs() < 1.5);
        assert!(counts.iter().skip(900).any(|&count| count > 0), "the tail is drawn too");
    }

    #[test]
    fn draws_stay_in_range_and_uniform_is_below_one() {
        let zipf = Zipf::new(3, 1.0);
        let mut dice = Dice::new(0);
        for _ in 0..10_000 {
            assert!(zipf.sample(&mut dice) < 3);
            assert!(dice.unit() < 1.0);
        }
    }
}
