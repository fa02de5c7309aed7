//! The code editor component: CodeMirror 6 (loaded by index.html as
//! `window.SandlabEditor`), or a plain textarea if the bundle is missing.

use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = create, catch)]
    fn cm_create(
        parent: &web_sys::Element,
        doc: &str,
        label: &str,
        dark: bool,
        on_change: &js_sys::Function,
        mode: &str,
    ) -> Result<f64, JsValue>;
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = setDoc, catch)]
    fn cm_set_doc(id: f64, doc: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = setDark, catch)]
    fn cm_set_dark(id: f64, dark: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = markError, catch)]
    fn cm_mark_error(id: f64, line: u32, column: u32, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = clearErrors, catch)]
    fn cm_clear_errors(id: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = SandlabEditor, js_name = destroy, catch)]
    fn cm_destroy(id: f64) -> Result<(), JsValue>;
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text to show; when it changes from outside (Reset, Undo), the
    /// editor is updated.
    pub code: AttrValue,
    pub on_change: Callback<String>,
    /// A compile error to mark: line, column (1-based), message.
    pub error: Option<(u32, u32, String)>,
    pub dark: bool,
    pub label: AttrValue,
    /// CodeMirror's language mode (`wat`, `python`).
    pub mode: AttrValue,
}

/// How many times to look for the editor bundle before falling back (it is
/// a module script that may finish loading just after the app starts).
const WAIT_TRIES: u32 = 40;

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let id = use_mut_ref(|| None::<f64>);
    let fallback = use_state(|| false);
    let latest = use_mut_ref(|| props.on_change.clone());
    *latest.borrow_mut() = props.on_change.clone();
    let closure = use_mut_ref(|| None::<ChangeClosure>);

    {
        let mount = Mount {
            host: host.clone(),
            id: id.clone(),
            fallback: fallback.clone(),
            latest: latest.clone(),
            closure: closure.clone(),
            pending: Rc::new(RefCell::new(None)),
            code: props.code.to_string(),
            dark: props.dark,
            label: props.label.to_string(),
            mode: props.mode.to_string(),
        };
        use_effect_with((), move |_| {
            let (id, pending) = (mount.id.clone(), mount.pending.clone());
            try_create(mount, 0);
            move || {
                pending.borrow_mut().take();
                if let Some(i) = id.borrow_mut().take() {
                    let _ = cm_destroy(i);
                }
            }
        });
    }
    {
        let id = id.clone();
        use_effect_with(props.code.clone(), move |code| {
            if let Some(i) = *id.borrow() {
                // setDoc ignores text equal to what the editor holds, so the
                // learner's own typing does not move their cursor.
                let _ = cm_set_doc(i, code);
            }
        });
    }
    {
        let id = id.clone();
        use_effect_with(props.dark, move |dark| {
            if let Some(i) = *id.borrow() {
                let _ = cm_set_dark(i, *dark);
            }
        });
    }
    {
        let id = id.clone();
        use_effect_with(props.error.clone(), move |error| {
            if let Some(i) = *id.borrow() {
                let _ = match error {
                    Some((line, column, message)) => cm_mark_error(i, *line, *column, message),
                    None => cm_clear_errors(i),
                };
            }
        });
    }

    if *fallback {
        let on_change = props.on_change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            on_change.emit(area.value());
        });
        return html! {
            <div class="editor fallback">
                <textarea aria-label={props.label.clone()} spellcheck="false" value={props.code.clone()} {oninput} />
                if let Some((line, column, message)) = &props.error {
                    <p class="editor-error">{ format!("line {line}, column {column}: {message}") }</p>
                }
            </div>
        };
    }
    html! { <div class="editor" ref={host}></div> }
}

/// What creating the editor needs, kept together for the retries.
#[derive(Clone)]
struct Mount {
    host: NodeRef,
    id: Rc<RefCell<Option<f64>>>,
    fallback: UseStateHandle<bool>,
    latest: Rc<RefCell<Callback<String>>>,
    closure: Rc<RefCell<Option<ChangeClosure>>>,
    pending: Rc<RefCell<Option<Timeout>>>,
    code: String,
    dark: bool,
    label: String,
    mode: String,
}

type ChangeClosure = Closure<dyn FnMut(String)>;

fn try_create(m: Mount, tries: u32) {
    let Some(element) = m.host.cast::<web_sys::Element>() else {
        return;
    };
    let on_change = {
        let latest = m.latest.clone();
        Closure::<dyn FnMut(String)>::new(move |text: String| latest.borrow().emit(text))
    };
    match cm_create(
        &element,
        &m.code,
        &m.label,
        m.dark,
        on_change.as_ref().unchecked_ref(),
        &m.mode,
    ) {
        Ok(i) => {
            *m.id.borrow_mut() = Some(i);
            *m.closure.borrow_mut() = Some(on_change);
        }
        Err(_) if tries < WAIT_TRIES => {
            let pending = m.pending.clone();
            let timeout = Timeout::new(50, move || try_create(m, tries + 1));
            *pending.borrow_mut() = Some(timeout);
        }
        Err(_) => m.fallback.set(true),
    }
}
