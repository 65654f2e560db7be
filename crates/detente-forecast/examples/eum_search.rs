//! Search the EUM option space for the combinations that best reproduce Scholz et al. (2011)
//! Table 2 on the BDM 1994 example. `cargo run -p detente-forecast --example eum_search`
use detente_forecast::eum::*;

const MED: [f64; 8] = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6];
const MEAN: [f64; 8] = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6];

fn main() {
    let d = detente_forecast::data::bdm1994().issue_data(0);
    let run = Eum::default().run(&d, true).unwrap();
    for r in &run.rounds {
        println!(
            "round {} med {:.4} mean {:.4} pos {:?} risk {:?}",
            r.round,
            r.median,
            r.mean,
            r.positions
                .iter()
                .map(|v| format!("{v:.2}"))
                .collect::<Vec<_>>(),
            r.risk.iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>()
        );
    }
    let mut results = Vec::new();
    for &q in &[1.0, 0.5] {
        for rs in [ResistSalience::Target, ResistSalience::Challenger] {
            for sec in [
                SecuritySource::ChallengesAgainst,
                SecuritySource::ChallengesBy,
            ] {
                for range in [RangeRule::Initial, RangeRule::EveryRound] {
                    for rp in [RiskPerspective::Challenger, RiskPerspective::Receiver] {
                        for pd in [
                            ProbabilityDenominator::PerPair,
                            ProbabilityDenominator::AllPairs,
                        ] {
                            for cc in [
                                CompromiseChoice::LeastMovement,
                                CompromiseChoice::LowestPoint,
                                CompromiseChoice::LowestWeightedPoint,
                            ] {
                                for vote in [VoteUtility::Linear, VoteUtility::RiskAdjusted] {
                                    for compel in [true, false] {
                                        for pr in
                                            [OfferPriority::ByKind, OfferPriority::LeastMovement]
                                        {
                                            for mu in [MuRule::WeightedMedian, MuRule::WeightedMean]
                                            {
                                                let o = EumOptions {
                                                    q,
                                                    resist_salience: rs,
                                                    security: sec,
                                                    range,
                                                    risk_perspective: rp,
                                                    probability: pd,
                                                    compromise: cc,
                                                    priority: pr,
                                                    vote,
                                                    compel,
                                                    mu,
                                                    stopping: Stopping::Rounds(9),
                                                    forecast: ForecastStat::Median,
                                                };
                                                let run = Eum::new(o).run(&d, false).unwrap();
                                                for shift in [0usize, 1] {
                                                    let mut hits = 0;
                                                    let mut err = 0.0;
                                                    for k in 0..8 {
                                                        let r = &run.rounds
                                                            [(k + shift).min(run.rounds.len() - 1)];
                                                        let m = (r.median * 10.0).round() / 10.0;
                                                        let a = (r.mean * 10.0).round() / 10.0;
                                                        if (m - MED[k]).abs() < 0.05 {
                                                            hits += 1;
                                                        }
                                                        if (a - MEAN[k]).abs() < 0.05 {
                                                            hits += 1;
                                                        }
                                                        err += (r.median - MED[k]).abs()
                                                            + (r.mean - MEAN[k]).abs();
                                                    }
                                                    let at = |k: usize| {
                                                        run.rounds[k.min(run.rounds.len() - 1)]
                                                            .median
                                                    };
                                                    let r2 = (at(2) - 9.9).abs() <= 0.1
                                                        && (at(1) - 8.4).abs() <= 0.1;
                                                    results.push((
                                                        hits,
                                                        err,
                                                        shift,
                                                        format!("{o:?}"),
                                                        run.rounds
                                                            .iter()
                                                            .map(|r| {
                                                                format!(
                                                                    "{:.2}/{:.2}",
                                                                    r.median, r.mean
                                                                )
                                                            })
                                                            .collect::<Vec<_>>()
                                                            .join(" "),
                                                        r2,
                                                    ));
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let n_combos = results.len() / 2;
    let close_r2 = results.iter().filter(|r| r.2 == 1 && r.5).count();
    println!("{n_combos} option combinations; {close_r2} put round 2's median within 0.1 of 9.9 with round 1 within 0.1 of 8.4");
    results.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.partial_cmp(&b.1).unwrap()));
    for r in results.iter().take(12) {
        println!(
            "hits {} err {:.3} shift {}\n  {}\n  {}",
            r.0, r.1, r.2, r.3, r.4
        );
    }
}
