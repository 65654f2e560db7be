//! Print a KTAB-SMP run on a KTAB CSV the way KTAB's log ends (positions per actor and
//! dimension, one decimal): `cargo run -p detente-forecast --example ktab_smp_trace FILE.csv`.
use detente_forecast::ktab_params::KtabParams;
use detente_forecast::ktab_smp::{run, SmpInput};

fn main() {
    let path = std::env::args().nth(1).expect("FILE.csv");
    let text = std::fs::read_to_string(&path).expect("read");
    let p = detente_forecast::io::read_table(&path, &text).expect("parse");
    let (n, nd) = (p.actors.len(), p.issues.len());
    let mut pos = vec![0.0; n * nd];
    let mut sal = vec![0.0; n * nd];
    for d in 0..nd {
        for a in 0..n {
            let s = p.stances[d][a].unwrap();
            pos[a * nd + d] = s.position / 100.0;
            sal[a * nd + d] = s.salience;
        }
    }
    let input = SmpInput {
        n,
        nd,
        cap: p.actors.iter().map(|a| a.capability).collect(),
        sal,
        pos,
        accommodation: None,
    };
    let out = run(&input, &KtabParams::default(), 1, None, true, 100);
    println!("There were {} states", out.states.len());
    for a in 0..n {
        for d in 0..nd {
            let xs: Vec<String> = out
                .states
                .iter()
                .map(|s| format!("{:5.1}", s.pos[a * nd + d] * 100.0))
                .collect();
            println!("{}, {}: {}", p.actors[a].id, p.issues[d].id, xs.join(" "));
        }
    }
    for a in 0..n {
        let xs: Vec<String> = out
            .states
            .iter()
            .map(|s| format!("{:.4}", s.win_prob[a]))
            .collect();
        println!("{}, prob : {}", p.actors[a].id, xs.join(" "));
    }
    if std::env::var("KTAB_DEBUG").is_ok() {
        for (t, s) in out.states.iter().enumerate().take(2) {
            for c in &s.challenges {
                let f = |v: &[f64]| {
                    v.iter()
                        .map(|x| format!("{:.3}", x * 100.0))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                println!(
                    "turn {t}: {} -> {} worth {:.3} p {:.4} tgt {:+.4} pj {:.4} {:+.4} {:+.4} | {} / {} | {} / {} | {} / {}",
                    c.initiator, c.target, c.worth, c.prob_by_initiator, c.gain_to_target_by_initiator,
                    c.prob_by_target, c.gain_to_initiator_by_target, c.gain_to_target_by_target,
                    f(&c.initiator_view[0]), f(&c.initiator_view[1]), f(&c.target_view[0]), f(&c.target_view[1]),
                    f(&c.compromise[0]), f(&c.compromise[1])
                );
            }
            println!("chosen {:?}", s.chosen);
        }
    }
    for (t, s) in out.states.iter().enumerate() {
        let r: Vec<String> = s.risk.iter().map(|x| format!("{x:+.3}")).collect();
        println!("state {t} risk {}", r.join(" "));
    }
}

#[allow(dead_code)]
fn _unused() {}
