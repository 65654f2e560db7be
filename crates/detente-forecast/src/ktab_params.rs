//! The parameters of KTAB's spatial model (SMP), with KTAB's own names (as in its XML
//! `<ModelParameters>` and its logs), and their defaults (KTAB's `smpc` defaults).

use serde::Serialize;
use std::fmt;

macro_rules! ktab_enum {
    ($(#[$m:meta])* $name:ident, $key:literal, [$($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v),+ }
        impl $name {
            /// KTAB's names of the values, in KTAB's order.
            pub const NAMES: &'static [&'static str] = &[$($s),+];
            /// The parameter's name in KTAB's XML and logs.
            pub const KEY: &'static str = $key;
            /// KTAB's name of this value.
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            /// Parse KTAB's name (case-insensitive).
            pub fn parse(s: &str) -> Option<Self> {
                $(if s.trim().eq_ignore_ascii_case($s) { return Some($name::$v); })+
                None
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.name()) }
        }
    };
}

ktab_enum!(
    /// How coalition strengths turn into a probability of victory (`VictoryProbModel`).
    VictoryProbModel, "VictoryProbModel",
    [Linear = "Linear", Square = "Square", Quartic = "Quartic", Octic = "Octic", Binary = "Binary"]
);
ktab_enum!(
    /// How an actor's utility difference turns into a vote (`VotingRule`).
    VotingRule, "VotingRule",
    [Binary = "Binary", PropBin = "PropBin", Prop = "Prop", PropCbc = "PropCbc", Cubic = "Cubic",
     ASymProsp = "ASymProsp"]
);
ktab_enum!(
    /// The probabilistic Condorcet election (`PCEModel`).
    PceModel, "PCEModel",
    [Conditional = "Conditional", MarkovIncentive = "MarkovIncentive",
     MarkovUniform = "MarkovUniform"]
);
ktab_enum!(
    /// Whether each actor adopts its most likely bargain or draws one (`StateTransitions`).
    StateTransitions, "StateTransitions",
    [Deterministic = "Deterministic", Stochastic = "Stochastic"]
);
ktab_enum!(
    /// Range of the inferred risk attitudes R (`BigRRange`): Min [0, 1], Mid [−½, 1], Max [−1, 1].
    BigRRange, "BigRRange",
    [Min = "Min", Mid = "Mid", Max = "Max"]
);
ktab_enum!(
    /// How much of the other's own risk attitude an actor sees (`BigRAdjust`).
    BigRAdjust, "BigRAdjust",
    [None = "None", OneThird = "OneThird", Half = "Half", TwoThirds = "TwoThirds", Full = "Full"]
);
ktab_enum!(
    /// How third parties value joining a side (`ThirdPartyCommit`).
    ThirdPartyCommit, "ThirdPartyCommit",
    [NoCommit = "NoCommit", SemiCommit = "SemiCommit", FullCommit = "FullCommit"]
);
ktab_enum!(
    /// How two positions are interpolated into a bargain, dimension by dimension (`InterVecBrgn`).
    InterVecBrgn, "InterVecBrgn",
    [S1P1 = "S1P1", S2P2 = "S2P2", S2PMax = "S2PMax"]
);
ktab_enum!(
    /// Which bargains are put to the vote (`BargnModel`).
    BargnModel, "BargnModel",
    [InitOnlyInterp = "InitOnlyInterp", InitRcvrInterp = "InitRcvrInterp",
     PWCompInterp = "PWCompInterp"]
);

/// The nine parameters of KTAB's SMP; `Default` is KTAB's default (as in its reference logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KtabParams {
    pub victory_prob_model: VictoryProbModel,
    pub voting_rule: VotingRule,
    pub pce_model: PceModel,
    pub state_transitions: StateTransitions,
    pub big_r_range: BigRRange,
    pub big_r_adjust: BigRAdjust,
    pub third_party_commit: ThirdPartyCommit,
    pub inter_vec_brgn: InterVecBrgn,
    pub bargn_model: BargnModel,
}

impl Default for KtabParams {
    fn default() -> Self {
        KtabParams {
            victory_prob_model: VictoryProbModel::Linear,
            voting_rule: VotingRule::Prop,
            pce_model: PceModel::Conditional,
            state_transitions: StateTransitions::Deterministic,
            big_r_range: BigRRange::Mid,
            big_r_adjust: BigRAdjust::OneThird,
            third_party_commit: ThirdPartyCommit::SemiCommit,
            inter_vec_brgn: InterVecBrgn::S2P2,
            bargn_model: BargnModel::InitOnlyInterp,
        }
    }
}

/// The parameter keys with their allowed values (for help texts and errors).
pub fn param_help() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        (VictoryProbModel::KEY, VictoryProbModel::NAMES),
        (VotingRule::KEY, VotingRule::NAMES),
        (PceModel::KEY, PceModel::NAMES),
        (StateTransitions::KEY, StateTransitions::NAMES),
        (BigRRange::KEY, BigRRange::NAMES),
        (BigRAdjust::KEY, BigRAdjust::NAMES),
        (ThirdPartyCommit::KEY, ThirdPartyCommit::NAMES),
        (InterVecBrgn::KEY, InterVecBrgn::NAMES),
        (BargnModel::KEY, BargnModel::NAMES),
    ]
}

impl KtabParams {
    /// Set one parameter by KTAB's key and value name (keys case-insensitive); the error says
    /// which keys or values exist.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        fn val<T>(key: &str, value: &str, p: Option<T>, names: &[&str]) -> Result<T, String> {
            p.ok_or_else(|| format!("unknown {key} `{value}`; choose from {}", names.join(", ")))
        }
        let k = key.trim();
        let is = |name: &str| k.eq_ignore_ascii_case(name);
        if is(VictoryProbModel::KEY) {
            self.victory_prob_model = val(
                k,
                value,
                VictoryProbModel::parse(value),
                VictoryProbModel::NAMES,
            )?;
        } else if is(VotingRule::KEY) {
            self.voting_rule = val(k, value, VotingRule::parse(value), VotingRule::NAMES)?;
        } else if is(PceModel::KEY) {
            self.pce_model = val(k, value, PceModel::parse(value), PceModel::NAMES)?;
        } else if is(StateTransitions::KEY) {
            self.state_transitions = val(
                k,
                value,
                StateTransitions::parse(value),
                StateTransitions::NAMES,
            )?;
        } else if is(BigRRange::KEY) {
            self.big_r_range = val(k, value, BigRRange::parse(value), BigRRange::NAMES)?;
        } else if is(BigRAdjust::KEY) {
            self.big_r_adjust = val(k, value, BigRAdjust::parse(value), BigRAdjust::NAMES)?;
        } else if is(ThirdPartyCommit::KEY) {
            self.third_party_commit = val(
                k,
                value,
                ThirdPartyCommit::parse(value),
                ThirdPartyCommit::NAMES,
            )?;
        } else if is(InterVecBrgn::KEY) {
            self.inter_vec_brgn = val(k, value, InterVecBrgn::parse(value), InterVecBrgn::NAMES)?;
        } else if is(BargnModel::KEY) {
            self.bargn_model = val(k, value, BargnModel::parse(value), BargnModel::NAMES)?;
        } else {
            let keys: Vec<&str> = param_help().iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "unknown KTAB parameter `{k}`; choose from {}",
                keys.join(", ")
            ));
        }
        Ok(())
    }

    /// `(key, value)` pairs in KTAB's log order.
    pub fn pairs(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            (VictoryProbModel::KEY, self.victory_prob_model.name()),
            (VotingRule::KEY, self.voting_rule.name()),
            (PceModel::KEY, self.pce_model.name()),
            (StateTransitions::KEY, self.state_transitions.name()),
            (BigRRange::KEY, self.big_r_range.name()),
            (BigRAdjust::KEY, self.big_r_adjust.name()),
            (ThirdPartyCommit::KEY, self.third_party_commit.name()),
            (InterVecBrgn::KEY, self.inter_vec_brgn.name()),
            (BargnModel::KEY, self.bargn_model.name()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_ktabs_and_names_round_trip() {
        let p = KtabParams::default();
        let want = [
            ("VictoryProbModel", "Linear"),
            ("VotingRule", "Prop"),
            ("PCEModel", "Conditional"),
            ("StateTransitions", "Deterministic"),
            ("BigRRange", "Mid"),
            ("BigRAdjust", "OneThird"),
            ("ThirdPartyCommit", "SemiCommit"),
            ("InterVecBrgn", "S2P2"),
            ("BargnModel", "InitOnlyInterp"),
        ];
        assert_eq!(p.pairs(), want.to_vec());
        let mut q = p;
        for (k, names) in param_help() {
            for v in names {
                q.set(k, v).unwrap();
                assert!(q.pairs().contains(&(k, *v)));
            }
        }
        assert!(q.set("VotingRule", "Nope").unwrap_err().contains("PropCbc"));
        assert!(q.set("Nope", "x").unwrap_err().contains("BigRRange"));
    }
}

/// KTAB's default PRNG seed (`KBase::dSeed`).
pub const DEFAULT_SEED: u64 = 0xD67C_C16F_E69C_185C;

/// What a KTAB input file (XML) says about the run, kept with the problem: its model
/// parameters, its PRNG seed and its ideal-adjustment pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KtabSettings {
    /// `<ModelParameters>`, when given.
    pub params: Option<KtabParams>,
    /// `<prngSeed>`.
    pub seed: Option<u64>,
    /// `<IdealAdjustment>`: (adjusting actor, reference actor, weight), actor indices into
    /// `Problem::actors`. Actors without a pair keep the identity row (ideal = position).
    pub ideal_adjustment: Vec<(usize, usize, f64)>,
}

/// Per-parameter overrides of the input's or KTAB's defaults (`--smp-option KEY=VALUE`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct KtabOptions {
    pub victory_prob_model: Option<VictoryProbModel>,
    pub voting_rule: Option<VotingRule>,
    pub pce_model: Option<PceModel>,
    pub state_transitions: Option<StateTransitions>,
    pub big_r_range: Option<BigRRange>,
    pub big_r_adjust: Option<BigRAdjust>,
    pub third_party_commit: Option<ThirdPartyCommit>,
    pub inter_vec_brgn: Option<InterVecBrgn>,
    pub bargn_model: Option<BargnModel>,
    /// PRNG seed (`seed`), for `Stochastic` transitions.
    pub seed: Option<u64>,
    /// Largest number of steps (`max-steps`; KTAB: 100).
    pub max_steps: Option<usize>,
}

impl KtabOptions {
    /// Set one option: a KTAB parameter by its name (`VotingRule=PropCbc`), `seed=N` or
    /// `max-steps=N`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let k = key.trim();
        if k.eq_ignore_ascii_case("seed") {
            self.seed = Some(value.trim().parse().map_err(|_| {
                format!("seed `{value}` is not a whole number between 0 and 2^64-1")
            })?);
            return Ok(());
        }
        if k.eq_ignore_ascii_case("max-steps") {
            let n: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("max-steps `{value}` is not a whole number"))?;
            if !(1..=10_000).contains(&n) {
                return Err("max-steps must be between 1 and 10000".into());
            }
            self.max_steps = Some(n);
            return Ok(());
        }
        let mut p = KtabParams::default();
        p.set(k, value)?;
        let is = |name: &str| k.eq_ignore_ascii_case(name);
        if is(VictoryProbModel::KEY) {
            self.victory_prob_model = Some(p.victory_prob_model);
        } else if is(VotingRule::KEY) {
            self.voting_rule = Some(p.voting_rule);
        } else if is(PceModel::KEY) {
            self.pce_model = Some(p.pce_model);
        } else if is(StateTransitions::KEY) {
            self.state_transitions = Some(p.state_transitions);
        } else if is(BigRRange::KEY) {
            self.big_r_range = Some(p.big_r_range);
        } else if is(BigRAdjust::KEY) {
            self.big_r_adjust = Some(p.big_r_adjust);
        } else if is(ThirdPartyCommit::KEY) {
            self.third_party_commit = Some(p.third_party_commit);
        } else if is(InterVecBrgn::KEY) {
            self.inter_vec_brgn = Some(p.inter_vec_brgn);
        } else {
            self.bargn_model = Some(p.bargn_model);
        }
        Ok(())
    }

    /// The parameters of a run: these overrides over `base` (the input's or KTAB's defaults).
    pub fn apply(&self, base: KtabParams) -> KtabParams {
        KtabParams {
            victory_prob_model: self.victory_prob_model.unwrap_or(base.victory_prob_model),
            voting_rule: self.voting_rule.unwrap_or(base.voting_rule),
            pce_model: self.pce_model.unwrap_or(base.pce_model),
            state_transitions: self.state_transitions.unwrap_or(base.state_transitions),
            big_r_range: self.big_r_range.unwrap_or(base.big_r_range),
            big_r_adjust: self.big_r_adjust.unwrap_or(base.big_r_adjust),
            third_party_commit: self.third_party_commit.unwrap_or(base.third_party_commit),
            inter_vec_brgn: self.inter_vec_brgn.unwrap_or(base.inter_vec_brgn),
            bargn_model: self.bargn_model.unwrap_or(base.bargn_model),
        }
    }
}
