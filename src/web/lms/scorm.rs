//! The LMS's SCORM API (1.2's `API`, 2004's `API_1484_11`), found as the
//! standards say: in this window's parents, then its opener's. Every call
//! is checked: a refusal becomes a message with the LMS's error code and
//! text.

use crate::lms::Standard;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export function find_api(name) {
  const search = (start) => {
    let win = start;
    for (let i = 0; win && i < 500; i++) {
      try {
        if (win[name]) return win[name];
      } catch (e) { /* another origin's window: look further */ }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  };
  return search(window) || (window.opener ? search(window.opener) : null);
}
export function api_call(api, name, args) {
  try {
    const result = api[name](...args);
    return result === undefined || result === null ? '' : String(result);
  } catch (e) {
    return 'false';
  }
}")]
extern "C" {
    fn find_api(name: &str) -> JsValue;
    fn api_call(api: &JsValue, name: &str, args: js_sys::Array) -> String;
}

/// A session with the LMS's SCORM API.
pub struct Scorm {
    api: JsValue,
    standard: Standard,
}

/// The API's function names in one version of SCORM.
struct Names {
    initialize: &'static str,
    get: &'static str,
    set: &'static str,
    commit: &'static str,
    finish: &'static str,
    last_error: &'static str,
    error_string: &'static str,
}

impl Scorm {
    fn names(&self) -> Names {
        match self.standard {
            Standard::Scorm12 => Names {
                initialize: "LMSInitialize",
                get: "LMSGetValue",
                set: "LMSSetValue",
                commit: "LMSCommit",
                finish: "LMSFinish",
                last_error: "LMSGetLastError",
                error_string: "LMSGetErrorString",
            },
            _ => Names {
                initialize: "Initialize",
                get: "GetValue",
                set: "SetValue",
                commit: "Commit",
                finish: "Terminate",
                last_error: "GetLastError",
                error_string: "GetErrorString",
            },
        }
    }

    /// Finds the LMS's API and starts the session.
    ///
    /// # Errors
    ///
    /// No API (the app was not opened by a SCORM LMS), or the LMS refused
    /// to start.
    pub fn connect(standard: Standard) -> Result<Scorm, String> {
        let name = match standard {
            Standard::Scorm12 => "API",
            _ => "API_1484_11",
        };
        let api = find_api(name);
        if api.is_null() || api.is_undefined() {
            return Err(format!(
                "this page was opened as a {standard} package, but no LMS answers ({name} not found): results are not reported; your work stays in this browser"
            ));
        }
        let scorm = Scorm { api, standard };
        let initialize = scorm.names().initialize;
        scorm.call(initialize, &[""])?;
        Ok(scorm)
    }

    fn raw(&self, name: &str, args: &[&str]) -> String {
        let array = js_sys::Array::new();
        for a in args {
            array.push(&JsValue::from_str(a));
        }
        api_call(&self.api, name, array)
    }

    /// Calls `name`; a `false` is an error with the LMS's code and text.
    fn call(&self, name: &str, args: &[&str]) -> Result<String, String> {
        let result = self.raw(name, args);
        if result == "false" {
            return Err(self.error(name));
        }
        Ok(result)
    }

    fn error(&self, what: &str) -> String {
        let names = self.names();
        let code = self.raw(names.last_error, &[]);
        let text = self.raw(names.error_string, &[&code]);
        format!("the LMS refused {what} (error {code}: {text})")
    }

    /// An element's value; `None` when the LMS has none (SCORM 2004 says
    /// 403, not initialized, for a first launch's suspend_data).
    pub fn get(&self, element: &str) -> Option<String> {
        let value = self.raw(self.names().get, &[element]);
        let code = self.raw(self.names().last_error, &[]);
        (code == "0" || code.is_empty())
            .then_some(value)
            .filter(|v| !v.is_empty())
    }

    /// Sets every element of `values`, then commits.
    ///
    /// # Errors
    ///
    /// The first refusal, with the LMS's error code and text.
    pub fn report(&self, values: &[(&str, String)]) -> Result<(), String> {
        let names = self.names();
        for (element, value) in values {
            self.call(names.set, &[element, value])
                .map_err(|_| self.error(&format!("{element} = {value}")))?;
        }
        self.call(names.commit, &[""]).map(|_| ())
    }

    /// The learner's name and id, as the LMS knows them.
    pub fn learner(&self) -> (Option<String>, Option<String>) {
        match self.standard {
            Standard::Scorm12 => (
                self.get("cmi.core.student_name"),
                self.get("cmi.core.student_id"),
            ),
            _ => (self.get("cmi.learner_name"), self.get("cmi.learner_id")),
        }
    }

    /// The mastery score the LMS set, from 0 to 1.
    pub fn mastery(&self) -> Option<f64> {
        match self.standard {
            Standard::Scorm12 => self
                .get("cmi.student_data.mastery_score")
                .and_then(|m| m.parse::<f64>().ok())
                .map(|m| m / 100.0),
            _ => self
                .get("cmi.scaled_passing_score")
                .and_then(|m| m.parse::<f64>().ok()),
        }
    }

    pub fn suspend_data(&self) -> Option<String> {
        self.get("cmi.suspend_data")
    }

    /// Ends the session: its length, "suspend" (the learner may come
    /// back), a commit and the end. Called when the page goes away.
    pub fn finish(&self, session_ms: f64) {
        let names = self.names();
        let values: [(&str, String); 2] = match self.standard {
            Standard::Scorm12 => [
                ("cmi.core.session_time", super::session_time_12(session_ms)),
                ("cmi.core.exit", "suspend".into()),
            ],
            _ => [
                ("cmi.session_time", super::session_time_2004(session_ms)),
                ("cmi.exit", "suspend".into()),
            ],
        };
        for (element, value) in &values {
            let _ = self.raw(names.set, &[element, value]);
        }
        let _ = self.raw(names.commit, &[""]);
        let _ = self.raw(names.finish, &[""]);
    }
}
