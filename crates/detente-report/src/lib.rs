//! detente-report: being built (see ARCHITECTURE.md).
