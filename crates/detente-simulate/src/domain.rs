//! Building an [`Arena`](crate::Arena) from a `detente-space` domain (added once that crate
//! lands).

/// Placeholder until `detente-space` exposes its `Domain` type.
pub fn arena_from_domain() {}
