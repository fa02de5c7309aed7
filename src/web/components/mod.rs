//! Components that reach the app's context or the browser and that more
//! than one page shows, or the root does. Presentational components, which
//! render natively for tests, live in `web::views`.

mod busy;
mod header;
mod notices;
mod send_panel;

pub use busy::{Busy, BusyView};
pub use header::Header;
pub use notices::Notices;
pub use send_panel::SendPanel;
