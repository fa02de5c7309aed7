//! One run on wasmi: instantiate, run the start function and the entry in
//! fuel slices, and settle how it ended.

use super::program::{Limiter, MAX_TABLE_ELEMENTS, sig_of};
use super::wasi::Host;
use super::{
    End, Entry, MemoryRead, MemoryWrite, Outcome, Program, Request, Wanted, memory_reads,
    metered_end, settle,
};
use crate::meter;
use crate::vocab::{Limits, TrapKind, ValType, Value};
use wasmi::{Func, ResumableCall, ResumableCallOutOfFuel, Store, TrapCode, Val};

enum State {
    Ready {
        func: Func,
        args: Vec<Val>,
    },
    Suspended {
        call: ResumableCallOutOfFuel,
        required: u64,
    },
    Done(End),
}

/// An instance's memory and globals after a run ([`Execution::state`]).
pub(crate) struct InstanceState {
    pub memory: Vec<u8>,
    pub globals: Vec<Value>,
    pub open_files: usize,
}

/// The entry, waiting while the start function runs.
struct Entrance {
    entry: Entry,
    writes: Vec<MemoryWrite>,
}

/// A run in progress. Drive it with [`Execution::advance`] until it reports
/// done, then take the [`Outcome`] with [`Execution::finish`].
pub struct Execution {
    store: Store<Host>,
    instance: Option<wasmi::Instance>,
    limit: u64,
    stack_depth: u32,
    state: State,
    /// Set while the start function runs: the call to make once it returns.
    entrance: Option<Entrance>,
    outputs: Vec<Val>,
    reads: Vec<MemoryRead>,
    /// The pass's globals in this instance.
    meter: Option<Meter>,
    out_of_fuel: bool,
}

#[derive(Clone, Copy)]
struct Meter {
    fuel: wasmi::Global,
    depth: wasmi::Global,
    why: wasmi::Global,
    requested: wasmi::Global,
}

impl Execution {
    /// Instantiates the program and prepares its start function, if any, and
    /// the entry; both run under the same fuel limit.
    pub fn start(program: &Program, request: Request) -> Execution {
        let limits = request.limits;
        let limiter = Limiter::new(limits.memory_pages);
        let host = Host::new(request.world, &limits, limiter);
        let mut store = Store::new(program.module.engine(), host);
        store.limiter(|host| &mut host.limiter);
        let mut exec = Execution {
            store,
            instance: None,
            limit: limits.fuel,
            stack_depth: program.stack_depth,
            state: State::Done(End::Cancelled),
            entrance: None,
            outputs: Vec::new(),
            reads: request.memory_reads,
            meter: None,
            out_of_fuel: false,
        };
        let entrance = Entrance {
            entry: request.entry,
            writes: request.memory_writes,
        };
        exec.state = match exec.prepare(program, limits, entrance) {
            Ok(state) => state,
            Err(end) => State::Done(end),
        };
        exec
    }

    fn prepare(
        &mut self,
        program: &Program,
        limits: Limits,
        entrance: Entrance,
    ) -> Result<State, End> {
        if let Some(message) = &program.link_error {
            return Err(End::LinkError {
                message: message.clone(),
            });
        }
        // Declared sizes are checked here, before any engine allocates them,
        // so every engine refuses the same modules the same way.
        for table in &program.tables {
            if table.initial > MAX_TABLE_ELEMENTS as u64 {
                return Err(End::TableLimit {
                    limit: MAX_TABLE_ELEMENTS as u64,
                    requested: table.initial,
                });
            }
        }
        for memory in &program.memories {
            if memory.initial > limits.memory_pages as u64 {
                return Err(End::MemoryLimit {
                    limit_pages: limits.memory_pages,
                    requested_pages: memory.initial,
                });
            }
        }
        // Instantiation runs no code (the pass removed the start section),
        // but wasmi still wants fuel in the store while it copies segments.
        self.store
            .set_fuel(u64::MAX / 2)
            .map_err(|e| self.end_for(&e))?;
        let instance = program
            .linker
            .instantiate_and_start(&mut self.store, &program.module)
            .map_err(|e| self.end_for(&e))?;
        self.instance = Some(instance);
        self.store.data_mut().instance = Some(instance);
        let global = |name: &str| {
            instance
                .get_global(&self.store, name)
                .ok_or_else(|| End::LinkError {
                    message: format!("internal error: the instrumented module lacks `{name}`"),
                })
        };
        let meter = Meter {
            fuel: global(meter::FUEL)?,
            depth: global(meter::DEPTH)?,
            why: global(meter::WHY)?,
            requested: global(meter::REQUESTED)?,
        };
        let limit = global(meter::MEMORY_LIMIT)?;
        self.meter = Some(meter);
        let fuel = i64::try_from(self.limit).unwrap_or(i64::MAX);
        let internal = |e: wasmi::errors::GlobalError| End::LinkError {
            message: format!("internal error setting the sandbox's globals: {e}"),
        };
        meter
            .fuel
            .set(&mut self.store, Val::I64(fuel))
            .map_err(internal)?;
        limit
            .set(&mut self.store, Val::I64(limits.memory_pages as i64))
            .map_err(internal)?;

        if program.has_start {
            let start = instance
                .get_func(&self.store, meter::START)
                .ok_or_else(|| End::LinkError {
                    message: "internal error: the start function is not exported".into(),
                })?;
            self.entrance = Some(entrance);
            self.enter(start, Vec::new())
        } else {
            self.prepare_entry(entrance)
        }
    }

    /// Readies a call from the host: a fresh frame budget, no results yet.
    fn enter(&mut self, func: Func, args: Vec<Val>) -> Result<State, End> {
        let meter = self.meter.expect("set before any call");
        let depth = i32::try_from(self.stack_depth.saturating_sub(1)).unwrap_or(i32::MAX);
        meter
            .depth
            .set(&mut self.store, Val::I32(depth))
            .map_err(|e| End::LinkError {
                message: format!("internal error setting the call depth: {e}"),
            })?;
        self.outputs = func
            .ty(&self.store)
            .results()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        Ok(State::Ready { func, args })
    }

    /// Finds the entry, checks its signature and writes the check's bytes.
    fn prepare_entry(&mut self, entrance: Entrance) -> Result<State, End> {
        let instance = self.instance.expect("instantiated before the entry");
        let (name, args) = match entrance.entry {
            Entry::Call { function, args } => (function, args),
            Entry::Command => ("_start".to_string(), Vec::new()),
        };
        let Some(func) = instance.get_func(&self.store, &name) else {
            return Err(End::MissingExport {
                name,
                wanted: Wanted::Function(None),
            });
        };
        let ty = func.ty(&self.store);
        let given: Vec<ValType> = args.iter().map(|v| v.ty()).collect();
        match sig_of(ty.params(), ty.results()) {
            Ok(sig) if sig.params == given => {}
            Ok(actual) => {
                let given: Vec<&str> = given.iter().map(|t| t.name()).collect();
                return Err(End::WrongSignature {
                    name,
                    expected: format!("({})", given.join(", ")),
                    actual: actual.to_string(),
                });
            }
            Err(message) => {
                return Err(End::Trapped {
                    kind: TrapKind::Other,
                    message: format!("`{name}` {message}"),
                });
            }
        }

        if !entrance.writes.is_empty() {
            let memory =
                instance
                    .get_memory(&self.store, "memory")
                    .ok_or_else(|| End::MissingExport {
                        name: "memory".into(),
                        wanted: Wanted::Memory,
                    })?;
            let data = memory.data_mut(&mut self.store);
            for w in entrance.writes {
                let end = w.address as u64 + w.bytes.len() as u64;
                if end > data.len() as u64 {
                    return Err(End::Trapped {
                        kind: TrapKind::MemoryOutOfBounds,
                        message: format!(
                            "the check puts {} bytes at address {}, but the exported memory is only {} bytes",
                            w.bytes.len(),
                            w.address,
                            data.len()
                        ),
                    });
                }
                data[w.address as usize..end as usize].copy_from_slice(&w.bytes);
            }
        }
        let args = args.into_iter().map(to_val).collect();
        self.enter(func, args)
    }

    /// WASI calls the run has made so far.
    pub fn host_calls(&self) -> u64 {
        self.store.data().calls
    }

    /// Fuel used so far, as the instrumented code counts it.
    pub fn fuel_used(&self) -> u64 {
        match (self.out_of_fuel, self.meter) {
            (true, _) => self.limit,
            (false, None) => 0,
            (false, Some(_)) => self.limit.saturating_sub(self.fuel_left().max(0) as u64),
        }
    }

    pub fn fuel_limit(&self) -> u64 {
        self.limit
    }

    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    /// Ends the run as cancelled (the Stop button); a finished run keeps its end.
    pub fn cancel(&mut self) {
        if !self.is_done() {
            self.state = State::Done(End::Cancelled);
        }
    }

    /// Runs for about `slice` engine steps; returns `true` when the run is
    /// done. How a run is sliced never changes its outcome or its fuel: the
    /// fuel is counted by the instrumented code, whatever the slices.
    pub fn advance(&mut self, slice: u64) -> bool {
        let state = std::mem::replace(&mut self.state, State::Done(End::Cancelled));
        let required = match &state {
            State::Done(_) => {
                self.state = state;
                return true;
            }
            State::Ready { .. } => 0,
            State::Suspended { required, .. } => *required,
        };
        if let Err(e) = self.store.set_fuel(slice.max(required).max(1)) {
            self.state = State::Done(self.end_for(&e));
            return true;
        }
        let result = match state {
            State::Ready { func, args } => {
                func.call_resumable(&mut self.store, &args, &mut self.outputs)
            }
            State::Suspended { call, .. } => call.resume(&mut self.store, &mut self.outputs),
            State::Done(_) => unreachable!("handled above"),
        };
        self.state = match result {
            Ok(ResumableCall::Finished) => match self.entrance.take() {
                Some(entrance) => self.prepare_entry(entrance).unwrap_or_else(State::Done),
                None => State::Done(End::Returned(
                    self.outputs.iter().filter_map(from_val).collect(),
                )),
            },
            Ok(ResumableCall::OutOfFuel(call)) => {
                let required = call.required_fuel();
                State::Suspended { call, required }
            }
            Ok(ResumableCall::HostTrap(trap)) => {
                let error = trap.into_host_error();
                State::Done(self.end_for(&error))
            }
            Err(e) => State::Done(self.end_for(&e)),
        };
        if let State::Done(end) = &mut self.state {
            let ended = std::mem::replace(end, End::Cancelled);
            let (settled, _) = settle(ended, self.fuel_left(), self.limit);
            self.out_of_fuel |= matches!(settled, End::OutOfFuel { .. });
            self.state = State::Done(settled);
        }
        self.is_done()
    }

    /// The pass's fuel counter: below zero once the budget is spent.
    fn fuel_left(&self) -> i64 {
        self.meter
            .and_then(|m| m.fuel.get(&self.store).i64())
            .unwrap_or(0)
    }

    /// The reason injected code gave for a trap, if it gave one.
    fn metered_end(&mut self) -> Option<End> {
        let meter = self.meter?;
        let why = meter::Why::from_code(meter.why.get(&self.store).i32()?)?;
        self.out_of_fuel |= why == meter::Why::OutOfFuel;
        Some(metered_end(
            why,
            self.limit,
            self.stack_depth,
            self.store.data().limiter.memory_pages,
            meter.requested.get(&self.store).i64().unwrap_or(0),
        ))
    }

    /// Maps an engine error to how the run ended, preferring the reason a
    /// host function or the limiter recorded.
    fn end_for(&mut self, error: &wasmi::Error) -> End {
        let host = self.store.data_mut();
        if let Some(end) = host.stop.take().or_else(|| host.limiter.hit.take()) {
            self.out_of_fuel |= matches!(end, End::OutOfFuel { .. });
            return end;
        }
        if let Some(code) = error.i32_exit_status() {
            return End::Exited(code);
        }
        if let Some(end) = self.metered_end() {
            return end;
        }
        let kind = match error.as_trap_code() {
            Some(TrapCode::StackOverflow) => {
                return End::StackOverflow {
                    limit: self.stack_depth,
                };
            }
            Some(TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
            Some(TrapCode::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
            Some(TrapCode::TableOutOfBounds) => TrapKind::TableOutOfBounds,
            Some(TrapCode::IndirectCallToNull) => TrapKind::IndirectCallToNull,
            Some(TrapCode::IntegerDivisionByZero) => TrapKind::DivisionByZero,
            Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
            Some(TrapCode::BadConversionToInteger) => TrapKind::BadConversionToInteger,
            Some(TrapCode::BadSignature) => TrapKind::BadSignature,
            Some(TrapCode::GrowthOperationLimited) => {
                return End::MemoryLimit {
                    limit_pages: self.store.data().limiter.memory_pages,
                    requested_pages: 0,
                };
            }
            // wasmi's own message prints its table handle, whose store
            // number counts stores made so far: it would differ between the
            // browser and the CLI, and it means nothing to a learner.
            _ if let wasmi::errors::ErrorKind::Instantiation(
                wasmi::errors::InstantiationError::ElementSegmentDoesNotFit {
                    table_index,
                    len,
                    ..
                },
            ) = error.kind() =>
            {
                return End::Trapped {
                    kind: TrapKind::TableOutOfBounds,
                    message: format!(
                        "an element segment does not fit its table: {len} function(s) from index {table_index} go past the table's end (make the table larger or the segment smaller)"
                    ),
                };
            }
            _ => {
                return End::Trapped {
                    kind: TrapKind::Other,
                    message: error.to_string(),
                };
            }
        };
        End::Trapped {
            kind,
            message: kind.explain().to_string(),
        }
    }

    /// What a snapshot keeps of the instance after the run: the bytes of
    /// the memory exported as `memory` and the values of the globals
    /// exported as `globals`, or `None` if one is missing. Also whether the
    /// program left files open (a snapshot cannot keep those).
    pub(crate) fn state(&self, memory: &str, globals: &[String]) -> Option<InstanceState> {
        let instance = self.instance?;
        let bytes = instance
            .get_memory(&self.store, memory)?
            .data(&self.store)
            .to_vec();
        let values = globals
            .iter()
            .map(|name| {
                let value = instance.get_global(&self.store, name)?.get(&self.store);
                from_val(&value)
            })
            .collect::<Option<Vec<Value>>>()?;
        Some(InstanceState {
            memory: bytes,
            globals: values,
            open_files: self.store.data().open_files(),
        })
    }

    /// The outcome of a finished run (a run not yet done ends as cancelled).
    pub fn finish(mut self) -> Outcome {
        let end = match std::mem::replace(&mut self.state, State::Done(End::Cancelled)) {
            State::Done(end) => end,
            _ => End::Cancelled,
        };
        let memory = match self
            .instance
            .and_then(|i| i.get_memory(&self.store, "memory"))
        {
            Some(mem) => {
                let data = mem.data(&self.store);
                memory_reads(&self.reads, Some(data.len() as u64), |start, len| {
                    data[start as usize..start as usize + len].to_vec()
                })
            }
            None => memory_reads(&self.reads, None, |_, _| Vec::new()),
        };
        let fuel_used = self.fuel_used();
        let host = self.store.into_data();
        Outcome {
            end,
            fuel_used,
            stdout: host.stdout,
            stderr: host.stderr,
            files: host.files,
            memory,
        }
    }
}

pub(crate) fn to_val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(x) => Val::F32(x.into()),
        Value::F64(x) => Val::F64(x.into()),
    }
}

pub(crate) fn from_val(v: &Val) -> Option<Value> {
    match v {
        Val::I32(x) => Some(Value::I32(*x)),
        Val::I64(x) => Some(Value::I64(*x)),
        Val::F32(x) => Some(Value::F32((*x).into())),
        Val::F64(x) => Some(Value::F64((*x).into())),
        _ => None,
    }
}
