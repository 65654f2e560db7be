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
            p.ok_or_else(|| {
                format!(
                    "unknown {key} `{value}`; choose from {}",
                    names.join(", ")
                )
            })
        }
        let k = key.trim();
        let is = |name: &str| k.eq_ignore_ascii_case(name);
        if is(VictoryProbModel::KEY) {
            self.victory_prob_model = val(k, value, VictoryProbModel::parse(value), VictoryProbModel::NAMES)?;
        } else if is(VotingRule::KEY) {
            self.voting_rule = val(k, value, VotingRule::parse(value), VotingRule::NAMES)?;
        } else if is(PceModel::KEY) {
            self.pce_model = val(k, value, PceModel::parse(value), PceModel::NAMES)?;
        } else if is(StateTransitions::KEY) {
            self.state_transitions = val(k, value, StateTransitions::parse(value), StateTransitions::NAMES)?;
        } else if is(BigRRange::KEY) {
            self.big_r_range = val(k, value, BigRRange::parse(value), BigRRange::NAMES)?;
        } else if is(BigRAdjust::KEY) {
            self.big_r_adjust = val(k, value, BigRAdjust::parse(value), BigRAdjust::NAMES)?;
        } else if is(ThirdPartyCommit::KEY) {
            self.third_party_commit = val(k, value, ThirdPartyCommit::parse(value), ThirdPartyCommit::NAMES)?;
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
