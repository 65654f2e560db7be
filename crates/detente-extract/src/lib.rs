//! detente-extract: being built (see ARCHITECTURE.md).
