//! Pareto skylines over quantised utility vectors.
//!
//! Points are stored flat: `q[k*p .. (k+1)*p]` is point `k`'s vector and `idx[k]` the index of
//! the package it came from. A skyline keeps the distinct non-dominated vectors (strict
//! dominance: at least as good for everyone, better for someone); among packages with equal
//! vectors the smallest index represents them. The result does not depend on input order, so
//! merging chunk skylines in any grouping gives the same frontier.

/// Flat set of points with `p` coordinates each.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PointSet {
    pub p: usize,
    pub q: Vec<i64>,
    pub idx: Vec<u64>,
}

impl PointSet {
    pub fn new(p: usize) -> Self {
        PointSet {
            p,
            q: Vec::new(),
            idx: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.idx.len()
    }
    pub fn clear(&mut self) {
        self.q.clear();
        self.idx.clear();
    }
    #[inline]
    pub fn push(&mut self, q: &[i64], idx: u64) {
        self.q.extend_from_slice(q);
        self.idx.push(idx);
    }
    pub fn point(&self, k: usize) -> &[i64] {
        &self.q[k * self.p..(k + 1) * self.p]
    }
    pub fn extend(&mut self, other: &PointSet) {
        self.q.extend_from_slice(&other.q);
        self.idx.extend_from_slice(&other.idx);
    }
}

/// `a` dominates or equals `b`.
#[inline]
fn covers(a: &[i64], b: &[i64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y)
}

/// The skyline of `pts` (see the module docs). Output order: sorted by the first coordinate
/// descending (two parties) or by sum descending (more parties).
pub(crate) fn skyline(pts: &PointSet) -> PointSet {
    let p = pts.p;
    let n = pts.len();
    let mut out = PointSet::new(p);
    if n == 0 {
        return out;
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    if p == 2 {
        // Sort-and-sweep: by u0 desc, u1 desc, index asc; keep points raising the best u1.
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            pts.q[2 * b]
                .cmp(&pts.q[2 * a])
                .then(pts.q[2 * b + 1].cmp(&pts.q[2 * a + 1]))
                .then(pts.idx[a].cmp(&pts.idx[b]))
        });
        let mut best1 = i64::MIN;
        for &k in &order {
            let k = k as usize;
            let (a, b) = (pts.q[2 * k], pts.q[2 * k + 1]);
            if b > best1 {
                best1 = b;
                out.push(&[a, b], pts.idx[k]);
            }
        }
        return out;
    }
    // Sort-filter-skyline: by sum desc (then vector desc, index asc). A point can only be
    // dominated (or equalled) by points that come before it in this order.
    let sums: Vec<i64> = (0..n).map(|k| pts.point(k).iter().sum()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        sums[b]
            .cmp(&sums[a])
            .then_with(|| pts.point(b).cmp(pts.point(a)))
            .then(pts.idx[a].cmp(&pts.idx[b]))
    });
    for &k in &order {
        let k = k as usize;
        let v = pts.point(k);
        let dominated = (0..out.len()).any(|j| covers(out.point(j), v));
        if !dominated {
            out.push(v, pts.idx[k]);
        }
    }
    out
}

/// Skyline of the union of two skylines.
pub(crate) fn merge(a: PointSet, b: &PointSet) -> PointSet {
    if b.len() == 0 {
        return a;
    }
    if a.len() == 0 {
        return b.clone();
    }
    let mut u = a;
    u.extend(b);
    skyline(&u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(pts: &PointSet) -> Vec<(Vec<i64>, u64)> {
        let mut out: Vec<(Vec<i64>, u64)> = Vec::new();
        for k in 0..pts.len() {
            let v = pts.point(k);
            let dominated = (0..pts.len()).any(|j| {
                let w = pts.point(j);
                covers(w, v) && w != v
            });
            if dominated {
                continue;
            }
            match out.iter_mut().find(|(w, _)| w == v) {
                Some(e) => e.1 = e.1.min(pts.idx[k]),
                None => out.push((v.to_vec(), pts.idx[k])),
            }
        }
        out.sort();
        out
    }

    #[test]
    fn matches_brute_force_on_small_grids() {
        for p in 1..=4usize {
            let mut pts = PointSet::new(p);
            let mut x = 12345u64;
            for i in 0..300u64 {
                let mut v = Vec::new();
                for _ in 0..p {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    v.push(((x >> 33) % 7) as i64);
                }
                pts.push(&v, 1000 - i);
            }
            let s = skyline(&pts);
            let mut got: Vec<(Vec<i64>, u64)> = (0..s.len())
                .map(|k| (s.point(k).to_vec(), s.idx[k]))
                .collect();
            got.sort();
            assert_eq!(got, brute(&pts), "p = {p}");
        }
    }
}
