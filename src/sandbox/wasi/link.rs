//! Linking the WASI functions into wasmi: each import calls the
//! engine-neutral [`super::call`] over the caller's memory and fuel.

use super::{Guest, Host, IMPLEMENTED, MODULE, call, stub};
use crate::meter;
use crate::sandbox::End;
use crate::vocab::Value;
use wasmi::{Caller, Error, Extern, FuncType, Linker, Val, ValType};

/// wasmi's view of the calling instance.
struct WasmiGuest<'a> {
    memory: Option<&'a mut [u8]>,
    fuel: i64,
}

impl Guest for WasmiGuest<'_> {
    fn memory_len(&mut self) -> Option<u64> {
        self.memory.as_ref().map(|m| m.len() as u64)
    }
    fn read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        let start = addr as usize;
        self.memory
            .as_ref()
            .map(|m| m[start..start + len].to_vec())
            .unwrap_or_default()
    }
    fn write(&mut self, addr: u64, bytes: &[u8]) {
        if let Some(m) = self.memory.as_mut() {
            let start = addr as usize;
            m[start..start + bytes.len()].copy_from_slice(bytes);
        }
    }
    fn fuel(&mut self) -> i64 {
        self.fuel
    }
    fn set_fuel(&mut self, left: i64) {
        self.fuel = left;
    }
}

/// Runs a WASI call for wasmi: the neutral [`call`] (or [`stub`]) over the
/// caller's memory and fuel, with a stop recorded in the host.
fn serve(
    caller: &mut Caller<'_, Host>,
    params: &[Val],
    results: &mut [Val],
    serve: impl FnOnce(&mut Host, &mut dyn Guest, &[Value]) -> Result<Option<Value>, End>,
) -> Result<(), Error> {
    let args: Vec<Value> = params
        .iter()
        .filter_map(crate::sandbox::execution::from_val)
        .collect();
    let export = |caller: &Caller<'_, Host>, name: &str| {
        caller.get_export(name).or_else(|| {
            let instance = caller.data().instance?;
            instance.get_export(caller, name)
        })
    };
    let fuel = match export(caller, meter::FUEL) {
        Some(Extern::Global(g)) => Some(g),
        _ => None,
    };
    let left = fuel.map_or(0, |g| g.get(&*caller).i64().unwrap_or(0));
    let memory = match export(caller, "memory") {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    };
    let (data, host) = match memory {
        Some(m) => {
            let (data, host) = m.data_and_store_mut(&mut *caller);
            (Some(data), host)
        }
        None => (None, caller.data_mut()),
    };
    let mut guest = WasmiGuest {
        memory: data,
        fuel: left,
    };
    let result = serve(host, &mut guest, &args);
    let left = guest.fuel;
    if let Some(g) = fuel {
        // The pass's counter is a mutable i64: setting one cannot fail.
        let _ = g.set(&mut *caller, Val::I64(left));
    }
    match result {
        Ok(value) => {
            if let (Some(slot), Some(value)) = (results.first_mut(), value) {
                *slot = crate::sandbox::execution::to_val(value);
            }
            Ok(())
        }
        Err(stop) => {
            let error = match stop {
                End::Exited(code) => Error::i32_exit(code),
                ref other => Error::new(other.to_string()),
            };
            caller.data_mut().stop = Some(stop);
            Err(error)
        }
    }
}

/// Defines the implemented preview1 functions in `linker`.
pub(crate) fn define(linker: &mut Linker<Host>) -> Result<(), wasmi::errors::LinkerError> {
    for (name, params, results) in IMPLEMENTED {
        let ty = FuncType::new(params.iter().copied(), results.iter().copied());
        linker.func_new(MODULE, name, ty, move |mut caller, params, results| {
            serve(&mut caller, params, results, |host, guest, args| {
                call(host, guest, name, args)
            })
        })?;
    }
    Ok(())
}

/// Defines an `ENOSYS` stub for an unimplemented preview1 import so the
/// module still links; a function that cannot return an errno traps instead.
pub(crate) fn define_stub(
    linker: &mut Linker<Host>,
    name: &str,
    ty: FuncType,
) -> Result<(), wasmi::errors::LinkerError> {
    let returns_errno = ty.results() == [ValType::I32];
    let owned = name.to_string();
    linker.func_new(MODULE, name, ty, move |mut caller, params, results| {
        serve(&mut caller, params, results, |_, _, _| {
            stub(&owned, returns_errno)
        })
    })?;
    Ok(())
}
