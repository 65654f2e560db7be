//! Red-line relaxations: how far a party's red line must move to accept a value.

use detente_space::Domain;

/// The accepted value of `issue` nearest to `v` for `party` (by position; ties: lower index),
/// `None` when the issue is unordered or the party accepts nothing on it.
pub(crate) fn nearest_accepted(
    domain: &Domain,
    party: usize,
    issue: usize,
    v: usize,
) -> Option<usize> {
    let u = &domain.parties[party].utility;
    let pos = domain.space.issues[issue].positions.as_ref()?;
    (0..pos.len())
        .filter(|&a| !u.rejects(issue, a as u32))
        .min_by(|&a, &b| {
            (pos[a] - pos[v])
                .abs()
                .total_cmp(&(pos[b] - pos[v]).abs())
                .then(a.cmp(&b))
        })
}

/// Distance a red line moves to accept value `v`, as a fraction of the issue's range (ordered
/// issues), or 1 for dropping the rejection of an option of an unordered issue.
pub(crate) fn move_distance(domain: &Domain, party: usize, issue: usize, v: usize) -> f64 {
    let Some(pos) = domain.space.issues[issue].positions.as_ref() else {
        return 1.0;
    };
    let Some(a) = nearest_accepted(domain, party, issue, v) else {
        return 1.0;
    };
    let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = if hi > lo { hi - lo } else { 1.0 };
    (pos[v] - pos[a]).abs() / range
}

/// Values of `issue` that `party` would accept after moving its red line to accept `v`:
/// on an ordered issue every rejected value between the nearest accepted value and `v`;
/// on an unordered issue just `v`.
pub(crate) fn covered_values(domain: &Domain, party: usize, issue: usize, v: usize) -> Vec<usize> {
    let u = &domain.parties[party].utility;
    let n = domain.space.issues[issue].values.len();
    match (
        domain.space.issues[issue].positions.as_ref(),
        nearest_accepted(domain, party, issue, v),
    ) {
        (Some(pos), Some(a)) => {
            let (lo, hi) = if pos[a] <= pos[v] {
                (pos[a], pos[v])
            } else {
                (pos[v], pos[a])
            };
            (0..n)
                .filter(|&w| u.rejects(issue, w as u32) && pos[w] >= lo && pos[w] <= hi)
                .collect()
        }
        _ => vec![v],
    }
}
