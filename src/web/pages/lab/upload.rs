//! The drop zone of a lab whose code is uploaded: pick or drop a `.wasm`
//! file, see which one is uploaded, and why a file was refused.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Largest upload accepted: far above any lab's module, far below what would
/// strain a slow laptop.
const MAX_UPLOAD: usize = 16 * 1024 * 1024;

#[derive(Properties, PartialEq)]
pub struct UploadProps {
    /// The uploaded file's name and size, if there is one.
    pub uploaded: Option<(String, usize)>,
    /// A file was read: its name and bytes.
    pub on_upload: Callback<(String, Vec<u8>)>,
}

#[component]
pub fn UploadZone(props: &UploadProps) -> Html {
    let error = use_state(|| None::<String>);
    let dragging = use_state(|| false);
    let accept_file = accept_file(props.on_upload.clone(), error.clone());
    let on_pick = {
        let accept_file = accept_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                accept_file.emit(file);
            }
        })
    };
    let on_drop = {
        let (accept_file, dragging) = (accept_file.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                accept_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Without this the browser would not let the file be dropped.
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    html! {
        <div class={classes!("dropzone", (*dragging).then_some("dragging"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <p>{ "Build your program for wasm32-wasip1 (for Rust: cargo build --release --target wasm32-wasip1) and upload the .wasm file." }</p>
            <label class="file-label">{ "Choose a .wasm file" }
                <input type="file" accept=".wasm,application/wasm" onchange={on_pick} />
            </label>
            <p class="upload-name" role="status">{ match &props.uploaded {
                Some((name, size)) => format!("Uploaded: {name} ({size} bytes)"),
                None => "Or drop the file here.".to_string(),
            } }</p>
            if let Some(e) = &*error { <p class="error" role="alert">{ e }</p> }
        </div>
    }
}

/// Reads a picked or dropped file and hands it on, or says in `error` why
/// not.
fn accept_file(
    on_upload: Callback<(String, Vec<u8>)>,
    error: UseStateHandle<Option<String>>,
) -> Callback<web_sys::File> {
    Callback::from(move |file: web_sys::File| {
        let size = file.size() as usize;
        if size > MAX_UPLOAD {
            error.set(Some(format!(
                "{} is {:.1} MB; uploads are limited to {} MB. Build in release mode (and strip debug info) to make it smaller.",
                file.name(),
                size as f64 / 1e6,
                MAX_UPLOAD / 1_000_000
            )));
            return;
        }
        let (on_upload, error) = (on_upload.clone(), error.clone());
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    error.set(None);
                    on_upload.emit((file.name(), bytes));
                }
                Err(_) => error.set(Some(format!("{} could not be read", file.name()))),
            }
        });
    })
}
