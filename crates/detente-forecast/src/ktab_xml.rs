//! KTAB's XML scenario (`smpSchema.xsd`, e.g. `smpExample.xml`): `<Scenario>` with `<name>`,
//! `<desc>`, `<prngSeed>`, optional `<ModelParameters>` (KTAB's nine parameters by name),
//! `<Dimensions>` of `<dName>`, `<Actors>` of `<Actor>` (`name`, `description`, `capability`,
//! `<Position>` of `<dCoord>` 0–100, `<Salience>` of `<dSal>` 0–100 summing to at most 100) and an
//! optional `<IdealAdjustment>` of `<iaPair>` (`adjustingIdeal`, `referencePos`, `adjust`).
//!
//! Every error names the file, line and column of the offending element.

use crate::io::ReadError;
use crate::ktab_params::{KtabParams, KtabSettings};
use crate::problem::{ActorInfo, IssueInfo, Problem, StancePoint};
use roxmltree::{Document, Node};

/// Most actors a KTAB scenario may have (KTAB's own `maxNumActor`): each state's work grows as
/// actors³.
pub const MAX_ACTORS: usize = 250;
/// Most dimensions read from one file.
pub const MAX_DIMS: usize = 100;

struct Ctx<'a> {
    file: &'a str,
    doc: &'a Document<'a>,
}

impl Ctx<'_> {
    fn err(&self, node: Node, msg: impl Into<String>, hint: &str) -> ReadError {
        let p = self.doc.text_pos_at(node.range().start);
        ReadError {
            file: self.file.to_string(),
            line: p.row as usize,
            col: p.col as usize,
            message: msg.into(),
            hint: Some(hint.to_string()),
        }
    }
    fn child<'b>(&self, parent: Node<'b, 'b>, name: &str) -> Result<Node<'b, 'b>, ReadError> {
        parent
            .children()
            .find(|c| c.has_tag_name(name))
            .ok_or_else(|| {
                self.err(
                    parent,
                    format!("<{}> has no <{name}>", parent.tag_name().name()),
                    &format!("add a <{name}> element (see KTAB's smpSchema.xsd)"),
                )
            })
    }
    fn text(&self, node: Node) -> Result<String, ReadError> {
        let t = node.text().unwrap_or("").trim().to_string();
        if t.is_empty() {
            return Err(self.err(
                node,
                format!("<{}> is empty", node.tag_name().name()),
                "give it a value",
            ));
        }
        Ok(t)
    }
    fn number(&self, node: Node, lo: f64, hi: f64) -> Result<f64, ReadError> {
        let t = self.text(node)?;
        let name = node.tag_name().name();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(v),
            Ok(v) if v.is_finite() => Err(self.err(
                node,
                format!("<{name}> {v} is outside {lo}–{hi}"),
                &format!("give a number between {lo} and {hi}"),
            )),
            _ => Err(self.err(
                node,
                format!("<{name}> `{t}` is not a number"),
                "write a decimal number such as 42.5",
            )),
        }
    }
}

/// Read a KTAB XML scenario into a problem (issues 0–100, saliences 0–1) with its
/// [`KtabSettings`] (parameters, seed, ideal adjustment).
pub fn read_ktab_xml(file: &str, text: &str) -> Result<Problem, ReadError> {
    let text = text.trim_start_matches('\u{feff}');
    let doc = Document::parse(text).map_err(|e| {
        let p = e.pos();
        ReadError {
            file: file.to_string(),
            line: p.row as usize,
            col: p.col as usize,
            message: format!("not well-formed XML: {e}"),
            hint: Some("fix the XML syntax (every element closed, quotes matched)".into()),
        }
    })?;
    let cx = Ctx { file, doc: &doc };
    let root = doc.root_element();
    if !root.has_tag_name("Scenario") {
        return Err(cx.err(
            root,
            format!("the root element is <{}>", root.tag_name().name()),
            "a KTAB scenario's root element is <Scenario>",
        ));
    }
    let opt_text = |name: &str| {
        root.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())
            .unwrap_or_default()
    };
    let (name, desc) = (opt_text("name"), opt_text("desc"));
    let seed_el = cx.child(root, "prngSeed")?;
    let seed_t = cx.text(seed_el)?;
    let seed: u64 = seed_t.parse().map_err(|_| {
        cx.err(
            seed_el,
            format!("<prngSeed> `{seed_t}` is not a whole number"),
            "give a seed between 0 and 18446744073709551615",
        )
    })?;
    let params = match root.children().find(|c| c.has_tag_name("ModelParameters")) {
        Some(mp) => Some(read_params(&cx, mp)?),
        None => None,
    };
    let dims_el = cx.child(root, "Dimensions")?;
    let mut dims = Vec::new();
    for d in dims_el.children().filter(|c| c.has_tag_name("dName")) {
        if dims.len() == MAX_DIMS {
            return Err(cx.err(d, format!("more than {MAX_DIMS} dimensions"), "use fewer"));
        }
        dims.push(cx.text(d)?);
    }
    if dims.is_empty() {
        return Err(cx.err(
            dims_el,
            "no <dName> in <Dimensions>",
            "name at least one dimension",
        ));
    }
    let (actors, stances) = read_actors(&cx, root, dims.len())?;
    let ideal_adjustment = read_adjustment(&cx, root, &actors)?;
    let title = if desc.is_empty() {
        name.clone()
    } else {
        format!("{name}: {desc}")
    };
    let mut p = Problem::new(title, actors);
    for (k, st) in stances.into_iter().enumerate() {
        p.push_issue(
            IssueInfo {
                id: dims[k].clone(),
                title: dims[k].clone(),
                lo: 0.0,
                hi: 100.0,
                status_quo: None,
                outcome: None,
            },
            st,
        );
    }
    p.ktab = Some(Box::new(KtabSettings {
        params,
        seed: Some(seed),
        ideal_adjustment,
    }));
    Ok(p)
}

fn read_params(cx: &Ctx, mp: Node) -> Result<KtabParams, ReadError> {
    let mut p = KtabParams::default();
    for (key, names) in crate::ktab_params::param_help() {
        let el = cx.child(mp, key)?;
        let v = cx.text(el)?;
        p.set(key, &v).map_err(|_| {
            cx.err(
                el,
                format!("<{key}> `{v}` is not one of KTAB's values"),
                &format!("choose from {}", names.join(", ")),
            )
        })?;
    }
    Ok(p)
}

type Actors = (Vec<ActorInfo>, Vec<Vec<Option<StancePoint>>>);

fn read_actors(cx: &Ctx, root: Node, nd: usize) -> Result<Actors, ReadError> {
    let actors_el = cx.child(root, "Actors")?;
    let mut actors: Vec<ActorInfo> = Vec::new();
    let mut stances = vec![Vec::new(); nd];
    for a in actors_el.children().filter(|c| c.has_tag_name("Actor")) {
        if actors.len() == MAX_ACTORS {
            return Err(cx.err(
                a,
                format!("more than {MAX_ACTORS} actors (KTAB's limit)"),
                "split the scenario or merge minor actors",
            ));
        }
        let name = cx.text(cx.child(a, "name")?)?;
        if actors.iter().any(|x| x.id == name) {
            return Err(cx.err(
                a,
                format!("actor `{name}` appears twice"),
                "give each actor one <Actor>",
            ));
        }
        let desc = cx.text(cx.child(a, "description")?).unwrap_or_default();
        let cap_el = cx.child(a, "capability")?;
        let cap = cx.number(cap_el, 0.0, 1e8)?;
        if cap <= 0.0 {
            return Err(cx.err(cap_el, "<capability> must be positive", "give a number > 0"));
        }
        let read = |group: &str, item: &str| -> Result<Vec<f64>, ReadError> {
            let g = cx.child(a, group)?;
            let items: Vec<Node> = g.children().filter(|c| c.has_tag_name(item)).collect();
            if items.len() != nd {
                return Err(cx.err(
                    g,
                    format!(
                        "<{group}> of `{name}` has {} <{item}>, the scenario {nd} dimensions",
                        items.len()
                    ),
                    &format!("give one <{item}> per <dName>"),
                ));
            }
            items.iter().map(|&n| cx.number(n, 0.0, 100.0)).collect()
        };
        let pos = read("Position", "dCoord")?;
        let sal = read("Salience", "dSal")?;
        let total: f64 = sal.iter().sum();
        if total > 100.0 {
            return Err(cx.err(
                cx.child(a, "Salience")?,
                format!("the saliences of `{name}` sum to {total}, more than 100"),
                "KTAB's saliences are shares of attention: at most 100 in total",
            ));
        }
        for d in 0..nd {
            stances[d].push(Some(StancePoint {
                position: pos[d],
                salience: sal[d] / 100.0,
            }));
        }
        actors.push(ActorInfo {
            id: name.clone(),
            name: if desc.is_empty() {
                name
            } else {
                format!("{name} ({desc})")
            },
            capability: cap,
        });
    }
    if actors.len() < 2 {
        return Err(cx.err(
            actors_el,
            "fewer than 2 <Actor>",
            "a scenario needs at least 2 actors",
        ));
    }
    Ok((actors, stances))
}

fn read_adjustment(
    cx: &Ctx,
    root: Node,
    actors: &[ActorInfo],
) -> Result<Vec<(usize, usize, f64)>, ReadError> {
    let Some(ia) = root.children().find(|c| c.has_tag_name("IdealAdjustment")) else {
        return Ok(Vec::new());
    };
    let n = actors.len();
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    for pair in ia.children().filter(|c| c.has_tag_name("iaPair")) {
        let who = |tag: &str| -> Result<usize, ReadError> {
            let el = cx.child(pair, tag)?;
            let t = cx.text(el)?;
            actors.iter().position(|a| a.id == t).ok_or_else(|| {
                cx.err(
                    el,
                    format!("<{tag}> `{t}` is not an actor"),
                    "use a <name> from <Actors>",
                )
            })
        };
        let (i, j) = (who("adjustingIdeal")?, who("referencePos")?);
        let w = cx.number(cx.child(pair, "adjust")?, 0.0, 1.0)?;
        out.retain(|&(a, b, _)| !(a == i && b == j));
        out.push((i, j, w));
    }
    // Each row: the explicit pairs, plus KTAB's identity 1 on the diagonal when not given.
    for (i, actor) in actors.iter().enumerate() {
        let row: f64 = (0..n)
            .map(|k| match out.iter().find(|&&(a, b, _)| a == i && b == k) {
                Some(&(_, _, v)) => v,
                None if k == i => 1.0,
                None => 0.0,
            })
            .sum();
        if row > 1.0 + 1e-10 {
            return Err(cx.err(
                ia,
                format!("the ideal adjustments of `{}` sum to {row}, more than 1", actor.id),
                "with pairs to others, also give the actor's own pair (adjustingIdeal = referencePos) so that its row sums to at most 1",
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0"?>
<Scenario>
  <name>T</name><desc>d</desc><prngSeed>42</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Linear</VictoryProbModel><PCEModel>MarkovIncentive</PCEModel>
    <StateTransitions>Stochastic</StateTransitions><VotingRule>PropCbc</VotingRule>
    <BigRAdjust>OneThird</BigRAdjust><BigRRange>Mid</BigRRange>
    <ThirdPartyCommit>SemiCommit</ThirdPartyCommit><InterVecBrgn>S2P2</InterVecBrgn>
    <BargnModel>InitOnlyInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>A</dName><dName>B</dName></Dimensions>
  <Actors>
    <Actor><name>x</name><description>1</description><capability>10</capability>
      <Position><dCoord>10</dCoord><dCoord>20</dCoord></Position>
      <Salience><dSal>30</dSal><dSal>40</dSal></Salience></Actor>
    <Actor><name>y</name><description>2</description><capability>20</capability>
      <Position><dCoord>90</dCoord><dCoord>80</dCoord></Position>
      <Salience><dSal>50</dSal><dSal>10</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>x</adjustingIdeal><referencePos>x</referencePos><adjust>0.5</adjust></iaPair>
    <iaPair><adjustingIdeal>x</adjustingIdeal><referencePos>y</referencePos><adjust>0.25</adjust></iaPair>
  </IdealAdjustment>
</Scenario>"#;

    #[test]
    fn reads_every_part() {
        let p = read_ktab_xml("t.xml", GOOD).unwrap();
        assert_eq!(p.issues.len(), 2);
        assert_eq!(p.actors[1].capability, 20.0);
        assert_eq!(p.stances[1][0].unwrap().salience, 0.4);
        let k = p.ktab.unwrap();
        assert_eq!(k.seed, Some(42));
        assert_eq!(k.params.unwrap().voting_rule.name(), "PropCbc");
        assert_eq!(k.ideal_adjustment, vec![(0, 0, 0.5), (0, 1, 0.25)]);
    }

    #[test]
    fn errors_are_located() {
        let bad = GOOD.replace("<dCoord>20</dCoord>", "<dCoord></dCoord>");
        let e = read_ktab_xml("t.xml", &bad).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (14, "<dCoord> is empty"));
        let bad = GOOD.replace(">PropCbc<", ">Nope<");
        let e = read_ktab_xml("t.xml", &bad).unwrap_err();
        assert!(e.message.contains("Nope") && e.line == 6, "{e}");
        let bad = GOOD.replace("<adjust>0.25", "<adjust>0.75");
        let e = read_ktab_xml("t.xml", &bad).unwrap_err();
        assert!(e.message.contains("sum to 1.25"), "{e}");
        let e = read_ktab_xml("t.xml", "<Scenario><name>").unwrap_err();
        assert!(e.message.contains("well-formed"), "{e}");
    }
}
