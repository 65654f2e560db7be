//! detente-deals: being built (see ARCHITECTURE.md).
