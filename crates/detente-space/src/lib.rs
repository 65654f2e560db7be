//! detente-space: being built (see ARCHITECTURE.md).
