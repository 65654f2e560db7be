//! detente-extract: from news articles to a draft scenario.
pub mod gazetteer;
pub mod input;
pub mod text;
