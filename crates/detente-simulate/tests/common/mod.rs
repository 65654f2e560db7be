//! Small hand-built arenas and scripted negotiators shared by the integration tests.
#![allow(dead_code)]

use detente_simulate::{Arena, Negotiator, PartyTable, TurnContext};
use rand_chacha::ChaCha8Rng;

pub fn table(name: &str, utilities: Vec<f64>) -> PartyTable {
    PartyTable {
        name: name.into(),
        allowed: vec![true; utilities.len()],
        utilities,
        reservation: 0.0,
        discount: None,
    }
}

/// One issue of 101 values; party 0 values value v at v/100, party 1 at 1 - v/100.
pub fn line() -> Arena {
    let a: Vec<f64> = (0..=100).map(|v| v as f64 / 100.0).collect();
    let b: Vec<f64> = a.iter().map(|u| 1.0 - u).collect();
    Arena::new(vec![101], vec![table("a", a), table("b", b)]).unwrap()
}

/// Like [`line`] with reservation values and discounts set per party.
pub fn line_with(res: [f64; 2], discount: [Option<f64>; 2]) -> Arena {
    let a: Vec<f64> = (0..=100).map(|v| v as f64 / 100.0).collect();
    let b: Vec<f64> = a.iter().map(|u| 1.0 - u).collect();
    let mut ta = table("a", a);
    let mut tb = table("b", b);
    ta.reservation = res[0];
    tb.reservation = res[1];
    ta.discount = discount[0];
    tb.discount = discount[1];
    Arena::new(vec![101], vec![ta, tb]).unwrap()
}

/// Three parties over two issues of 5 values with partly opposed preferences.
pub fn three() -> Arena {
    let mut us = vec![Vec::new(), Vec::new(), Vec::new()];
    for x in 0..5 {
        for y in 0..5 {
            let (x, y) = (x as f64 / 4.0, y as f64 / 4.0);
            us[0].push(0.7 * x + 0.3 * y);
            us[1].push(0.7 * (1.0 - x) + 0.3 * y);
            us[2].push(0.5 * (1.0 - y) + 0.5 * (1.0 - (x - 0.5).abs() * 2.0));
        }
    }
    let [a, b, c] = us.try_into().unwrap();
    Arena::new(
        vec![5, 5],
        vec![table("a", a), table("b", b), table("c", c)],
    )
    .unwrap()
}

/// A scripted negotiator: offers from a list (repeating the last), accepts by a rule.
pub struct Script {
    pub offers: Vec<u32>,
    pub next: usize,
    pub accept: fn(u32) -> bool,
}

impl Script {
    pub fn boxed(offers: Vec<u32>, accept: fn(u32) -> bool) -> Box<dyn Negotiator> {
        Box::new(Script {
            offers,
            next: 0,
            accept,
        })
    }
}

impl Negotiator for Script {
    fn propose(&mut self, _cx: &TurnContext, _rng: &mut ChaCha8Rng) -> Option<u32> {
        let o = self.offers[self.next.min(self.offers.len() - 1)];
        self.next += 1;
        Some(o)
    }
    fn respond(&mut self, _: &TurnContext, offer: u32, _: usize, _: &mut ChaCha8Rng) -> bool {
        (self.accept)(offer)
    }
}

pub fn never(_: u32) -> bool {
    false
}

pub fn always(_: u32) -> bool {
    true
}
