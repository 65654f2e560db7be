//! detente-server: being built (see ARCHITECTURE.md).
