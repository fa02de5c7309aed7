//! Rewriting one function body: the cost of each segment charged where it
//! begins, the checks at calls, loop turns and memory growth, and NaN
//! results made canonical (the cost model is in the module doc of
//! [`super`]).

use super::*;
use crate::encode::write_i64;

/// Locals the pass adds to every function, after the function's own.
const SCRATCH: [u8; 3] = [I32, F32, F64];

/// Rewrites one function body.
/// Rewrites one function body; says too whether the function may change
/// more of an instance than its memory and globals (see
/// [`super::Metered::resettable`]).
pub(super) fn function(
    wasm: &[u8],
    module: &Module,
    index: u32,
    body: &FunctionBody<'_>,
) -> Result<(Vec<u8>, bool), MeterError> {
    let params = module
        .func_types
        .get(index as usize)
        .and_then(|ty| module.type_params.get(*ty as usize))
        .copied()
        .unwrap_or(0);
    let mut reader = body.get_binary_reader();
    let groups = reader.read_var_u32().map_err(bad)?;
    let groups_start = reader.original_position();
    let mut locals = body.get_locals_reader().map_err(bad)?;
    let mut count = params;
    for _ in 0..locals.get_count() {
        let (n, _) = locals.read().map_err(bad)?;
        count += n;
    }
    let ops_start = locals.original_position();
    let scratch = Scratch {
        i32: count,
        f32: count + 1,
        f64: count + 2,
        globals: module.globals,
    };

    let mut out = Vec::with_capacity((body.range().len()) * 2 + 16);
    write_u32(&mut out, groups + SCRATCH.len() as u32);
    out.extend_from_slice(&wasm[groups_start..ops_start]);
    for ty in SCRATCH {
        out.extend_from_slice(&[1, ty]);
    }

    let mut reader = body.get_operators_reader().map_err(bad)?;
    let mut ops = Vec::new();
    while !reader.eof() {
        let (op, start) = reader.read_with_offset().map_err(bad)?;
        ops.push((op, start, reader.original_position()));
    }

    let changes_more = ops.iter().any(|(op, _, _)| {
        matches!(
            op,
            Operator::TableSet { .. }
                | Operator::TableFill { .. }
                | Operator::TableCopy { .. }
                | Operator::TableInit { .. }
                | Operator::ElemDrop { .. }
                | Operator::DataDrop { .. }
                | Operator::MemoryInit { .. }
        )
    });
    let mut e = Emit { out, s: scratch };
    e.charge(segment_cost(&ops, 0), true);
    for (i, (op, start, end)) in ops.iter().enumerate() {
        let counted_call = match op {
            Operator::Call { function_index } => *function_index >= module.imported_funcs,
            Operator::CallIndirect { .. } => true,
            _ => false,
        };
        if counted_call {
            e.depth_enter();
        }
        match op {
            Operator::MemoryGrow { mem } => {
                let max = module
                    .memories
                    .get(*mem as usize)
                    .and_then(|m| m.maximum)
                    .unwrap_or(65536)
                    .min(65536);
                e.grow_check(*mem, max);
            }
            Operator::MemoryFill { .. }
            | Operator::MemoryCopy { .. }
            | Operator::MemoryInit { .. }
            | Operator::TableFill { .. }
            | Operator::TableCopy { .. }
            | Operator::TableInit { .. } => e.bulk_charge(),
            Operator::CallIndirect { table_index, .. }
            | Operator::ReturnCallIndirect { table_index, .. } => e.null_check(*table_index),
            Operator::TableGrow { .. } => {
                return Err(error(
                    "table.grow is not supported by the sandbox: declare the table with the \
                     size you need instead",
                    Some(*start),
                ));
            }
            _ => {}
        }
        e.out.extend_from_slice(&wasm[*start..*end]);
        if counted_call {
            e.depth_leave();
        }
        if let Some(ty) = nan_result(op) {
            e.canonicalise(ty);
        }
        if is_boundary(op) && i + 1 < ops.len() {
            let check = matches!(op, Operator::Loop { .. });
            e.charge(segment_cost(&ops, i + 1), check);
        }
    }
    Ok((e.out, changes_more))
}

/// Instructions after which a new segment starts: branch targets, the arms
/// of a conditional, and the (dead) code after an unconditional branch.
/// `br_if` is not one: the code after it is charged with the code before it,
/// so a taken `br_if` pays for the rest of its segment. It is nearly always a
/// loop's exit or its back edge, taken once or followed by nothing, and a
/// charge after each would double the metering cost of a tight loop.
fn is_boundary(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::Unreachable
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
    )
}

fn cost(op: &Operator<'_>) -> u64 {
    match op {
        Operator::End | Operator::Else => 0,
        _ => 1,
    }
}

/// The cost of the segment that starts at `from`: up to and including the
/// next boundary.
fn segment_cost(ops: &[(Operator<'_>, usize, usize)], from: usize) -> u64 {
    let mut total = 0;
    for (op, _, _) in &ops[from..] {
        total += cost(op);
        if is_boundary(op) {
            break;
        }
    }
    total
}

/// The float type of an instruction's result when the spec lets its NaN bits
/// vary between engines.
fn nan_result(op: &Operator<'_>) -> Option<u8> {
    use Operator::*;
    match op {
        F32Add | F32Sub | F32Mul | F32Div | F32Sqrt | F32Min | F32Max | F32Ceil | F32Floor
        | F32Trunc | F32Nearest | F32DemoteF64 => Some(F32),
        F64Add | F64Sub | F64Mul | F64Div | F64Sqrt | F64Min | F64Max | F64Ceil | F64Floor
        | F64Trunc | F64Nearest | F64PromoteF32 => Some(F64),
        _ => None,
    }
}

/// Indices of the pass's locals and globals in one function.
struct Scratch {
    i32: u32,
    f32: u32,
    f64: u32,
    globals: u32,
}

/// Writes injected instructions. Every snippet leaves the operand stack as
/// it found it, so it is valid wherever it is placed.
struct Emit {
    out: Vec<u8>,
    s: Scratch,
}

const UNREACHABLE: u8 = 0x00;
const IF: u8 = 0x04;
const END: u8 = 0x0B;
const EMPTY: u8 = 0x40;
const SELECT: u8 = 0x1B;
const LOCAL_GET: u8 = 0x20;
const LOCAL_SET: u8 = 0x21;
const LOCAL_TEE: u8 = 0x22;
const GLOBAL_GET: u8 = 0x23;
const GLOBAL_SET: u8 = 0x24;
const TABLE_GET: u8 = 0x25;
const MEMORY_SIZE: u8 = 0x3F;
const REF_IS_NULL: u8 = 0xD1;
const I32_CONST: u8 = 0x41;
const I64_CONST: u8 = 0x42;
const F32_CONST: u8 = 0x43;
const F64_CONST: u8 = 0x44;
const I32_EQZ: u8 = 0x45;
const I64_LT_S: u8 = 0x53;
const I64_GT_U: u8 = 0x56;
const I64_LE_U: u8 = 0x58;
const F32_EQ: u8 = 0x5B;
const F64_EQ: u8 = 0x61;
const I32_ADD: u8 = 0x6A;
const I32_SUB: u8 = 0x6B;
const I32_AND: u8 = 0x71;
const I64_ADD: u8 = 0x7C;
const I64_SUB: u8 = 0x7D;
const I64_SHR_U: u8 = 0x88;
const I64_EXTEND_I32_U: u8 = 0xAD;

impl Emit {
    fn op(&mut self, byte: u8) -> &mut Self {
        self.out.push(byte);
        self
    }

    fn idx(&mut self, byte: u8, index: u32) -> &mut Self {
        self.out.push(byte);
        write_u32(&mut self.out, index);
        self
    }

    fn global(&mut self, byte: u8, which: u32) -> &mut Self {
        let index = self.s.globals + which;
        self.idx(byte, index)
    }

    fn i32_const(&mut self, value: i32) -> &mut Self {
        self.out.push(I32_CONST);
        write_i64(&mut self.out, value as i64);
        self
    }

    fn i64_const(&mut self, value: i64) -> &mut Self {
        self.out.push(I64_CONST);
        write_i64(&mut self.out, value);
        self
    }

    fn trap(&mut self, why: Why) -> &mut Self {
        self.i32_const(why as i32)
            .global(GLOBAL_SET, G_WHY)
            .op(UNREACHABLE)
    }

    /// `if fuel < 0 { stop: out of fuel }`
    fn check_fuel(&mut self) {
        self.global(GLOBAL_GET, G_FUEL)
            .i64_const(0)
            .op(I64_LT_S)
            .op(IF)
            .op(EMPTY)
            .trap(Why::OutOfFuel)
            .op(END);
    }

    /// Charges a segment; `check` also stops the run if that spent the fuel.
    fn charge(&mut self, cost: u64, check: bool) {
        if cost == 0 {
            return;
        }
        self.global(GLOBAL_GET, G_FUEL)
            .i64_const(cost as i64)
            .op(I64_SUB)
            .global(GLOBAL_SET, G_FUEL);
        if check {
            self.check_fuel();
        }
    }

    /// Charges one unit per 8 elements for the bulk operation whose length
    /// (an i32) is on top of the stack.
    fn bulk_charge(&mut self) {
        let len = self.s.i32;
        self.idx(LOCAL_SET, len)
            .global(GLOBAL_GET, G_FUEL)
            .idx(LOCAL_GET, len)
            .op(I64_EXTEND_I32_U)
            .i64_const(3)
            .op(I64_SHR_U)
            .op(I64_SUB)
            .global(GLOBAL_SET, G_FUEL);
        self.check_fuel();
        self.idx(LOCAL_GET, len);
    }

    fn depth_enter(&mut self) {
        self.global(GLOBAL_GET, G_DEPTH)
            .op(I32_EQZ)
            .op(IF)
            .op(EMPTY)
            .trap(Why::CallDepth)
            .op(END)
            .global(GLOBAL_GET, G_DEPTH)
            .i32_const(1)
            .op(I32_SUB)
            .global(GLOBAL_SET, G_DEPTH);
    }

    fn depth_leave(&mut self) {
        self.global(GLOBAL_GET, G_DEPTH)
            .i32_const(1)
            .op(I32_ADD)
            .global(GLOBAL_SET, G_DEPTH);
    }

    /// Stops a `memory.grow` (delta, an i32, on top of the stack) that would
    /// pass the sandbox's cap, unless the module's own maximum refuses it.
    fn grow_check(&mut self, mem: u32, max: u64) {
        let delta = self.s.i32;
        self.idx(LOCAL_SET, delta)
            // delta > cap - size
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .global(GLOBAL_GET, G_MEMORY_LIMIT)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .op(I64_SUB)
            .op(I64_GT_U)
            // delta <= max - size
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .i64_const(max as i64)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .op(I64_SUB)
            .op(I64_LE_U)
            .op(I32_AND)
            .op(IF)
            .op(EMPTY)
            .idx(MEMORY_SIZE, mem)
            .op(I64_EXTEND_I32_U)
            .idx(LOCAL_GET, delta)
            .op(I64_EXTEND_I32_U)
            .op(I64_ADD)
            .global(GLOBAL_SET, G_REQUESTED)
            .trap(Why::MemoryLimit)
            .op(END)
            .idx(LOCAL_GET, delta);
    }

    /// Stops with [`Why::IndirectCallToNull`] if the table slot whose index
    /// (an i32) is on top of the stack is empty. An index past the table's
    /// end traps in `table.get` just as `call_indirect` would.
    fn null_check(&mut self, table: u32) {
        let index = self.s.i32;
        self.idx(LOCAL_TEE, index)
            .idx(TABLE_GET, table)
            .op(REF_IS_NULL)
            .op(IF)
            .op(EMPTY)
            .trap(Why::IndirectCallToNull)
            .op(END)
            .idx(LOCAL_GET, index);
    }

    /// Replaces a NaN on top of the stack with the canonical quiet NaN.
    fn canonicalise(&mut self, ty: u8) {
        let (local, eq) = if ty == F32 {
            (self.s.f32, F32_EQ)
        } else {
            (self.s.f64, F64_EQ)
        };
        self.idx(LOCAL_TEE, local);
        if ty == F32 {
            self.op(F32_CONST);
            self.out.extend_from_slice(&0x7FC0_0000u32.to_le_bytes());
        } else {
            self.op(F64_CONST);
            self.out
                .extend_from_slice(&0x7FF8_0000_0000_0000u64.to_le_bytes());
        }
        self.idx(LOCAL_GET, local)
            .idx(LOCAL_GET, local)
            .op(eq)
            .op(SELECT);
    }
}
