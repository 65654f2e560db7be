//! detente-simulate: being built (see ARCHITECTURE.md).
