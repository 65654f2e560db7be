//! Synthetic corpora for benchmarks and robustness tests: the seed articles repeated, with
//! the paragraphs of each copy shuffled (deterministically from a seed).

/// SplitMix64: a tiny deterministic generator (enough to shuffle paragraphs).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `n` articles made from `seeds`: article `i` is seed `i % seeds.len()` with its paragraphs
/// in an order shuffled by (`seed`, `i`). Same inputs → same corpus.
pub fn shuffled(seeds: &[String], n: usize, seed: u64) -> Vec<String> {
    if seeds.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let mut rng = SplitMix64(seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
            let mut paras: Vec<&str> = seeds[i % seeds.len()]
                .split('\n')
                .filter(|p| !p.trim().is_empty())
                .collect();
            for k in (1..paras.len()).rev() {
                let j = (rng.next() % (k as u64 + 1)) as usize;
                paras.swap(k, j);
            }
            paras.join("\n")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn deterministic_and_shuffled() {
        let seeds = vec!["a\nb\nc\nd".to_string(), "x\ny".to_string()];
        let a = super::shuffled(&seeds, 10, 7);
        assert_eq!(a, super::shuffled(&seeds, 10, 7));
        assert_eq!(a.len(), 10);
        let mut p: Vec<&str> = a[0].split('\n').collect();
        p.sort();
        assert_eq!(p, vec!["a", "b", "c", "d"]);
        assert!(a.iter().step_by(2).any(|x| x != "a\nb\nc\nd"));
    }
}
