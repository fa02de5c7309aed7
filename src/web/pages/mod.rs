//! The app's pages, one per route: the catalog, a course, a lab's
//! workspace, Results, and the page for an address that has none.

mod catalog;
mod course;
mod lab;
mod not_found;
mod results;

pub use catalog::CatalogPage;
pub use course::CoursePage;
pub use lab::LabPage;
pub use not_found::NotFound;
pub use results::ResultsPage;
