//! The notice on a lab whose prerequisites the learner has not passed yet:
//! a reminder, or, in a course that locks labs, why the lab is shut.

use crate::lab::{Course, Lab};
use crate::web::progress::{Progress, lab_key};
use crate::web::views::lab_href;
use yew::prelude::*;

/// The labs `lab` requires that are not passed yet.
pub fn waiting<'a>(course: &'a Course, lab: &Lab, progress: &Progress) -> Vec<&'a Lab> {
    lab.requires
        .iter()
        .filter(|r| !progress.passed(&lab_key(&course.id, r)))
        .filter_map(|r| course.labs.iter().find(|l| l.id == **r))
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct PrerequisitesProps {
    pub course: String,
    /// The labs not passed yet: id and title.
    pub waiting: Vec<(String, String)>,
    /// The course keeps the lab shut until they pass.
    pub locked: bool,
}

#[component]
pub fn Prerequisites(props: &PrerequisitesProps) -> Html {
    if props.waiting.is_empty() {
        return html! {};
    }
    html! {
        <p class={classes!("notice", "prerequisites", props.locked.then_some("locked"))} role="note">
            { if props.locked { "This lab opens once you pass " } else { "This lab builds on " } }
            { for props.waiting.iter().enumerate().map(|(i, (id, title))| html! {
                <>{ if i > 0 { ", " } else { "" } }<a href={lab_href(&props.course, id)}>{ title }</a></>
            }) }
            { "." }
        </p>
    }
}
