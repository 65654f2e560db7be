//! detente-forecast: being built (see ARCHITECTURE.md).
