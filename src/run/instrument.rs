//! Rewrites a module before a governed run so that the browser enforces what wasmtime enforces
//! for Traverse (SPEC §8.6), since browsers meter nothing:
//!
//! - **fuel**, with wasmtime's default costs: one unit per operator, none for `nop`, `drop`,
//!   `block`, `loop`, `unreachable`, `return`, `else` and `end`, one more per function entry.
//!   As in wasmtime, each function keeps its count in a local and saves it to the exported
//!   counter only before calls, `return`, `unreachable` and the function's end, so units charged
//!   after the last save are lost when an instruction traps (a division by zero, an access out of
//!   bounds), exactly as wasmtime loses them. The budget is
//!   checked where wasmtime checks it, at function entry and loop headers.
//! - **growth**: `memory.grow` past 128 pages and `table.grow` past 1,024 elements, or past the
//!   module's own maximum, trap (wasmtime's limiter traps; a plain engine would return −1),
//!   recording the size asked for, for 32- and 64-bit memories and tables alike.
//!
//! The counters are exported for the runner to read after the run, under the names
//! [`Exported::of`] chooses. A start function is no longer run by instantiation but exported
//! for the runner to call first: a start function that spends its fuel or grows too far would
//! otherwise fail the instantiation, leaving no instance whose counters tell why. The rewrite
//! never changes which code runs or which names the module has: its names share a prefix that
//! none of the module's own exports starts with. The digest is always computed on the original
//! bytes, never on these.

use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType,
    Instruction, Module, RawSection, SectionId, TypeSection, ValType,
    reencode::{Error, Reencode, utils},
};
use wasmparser::{CompositeInnerType, FuncType, FunctionBody, Operator, Parser, Payload, TypeRef};

use crate::{
    check::limits::{GOVERNED_FEATURES, MEMORY_LIMIT_PAGES, PAGE_BYTES, TABLE_ELEMENTS_LIMIT},
    run::protocol::RunEnd,
};

/// The names the rewrite adds to a module's exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Fuel consumed so far, a mutable i64.
    pub fuel: String,
    /// Pages a trapped `memory.grow` asked memory 0 to reach (all ones when the sum wraps; 0
    /// when none trapped), a mutable i64 read as unsigned.
    pub grow_pages: String,
    /// Elements a trapped `table.grow` asked a table to reach (all ones when the sum wraps; 0
    /// when none trapped), a mutable i64 read as unsigned.
    pub table_grow_elements: String,
    /// The module's start function, for the runner to call right after instantiation; `None`
    /// when the module has no start section, whatever it exports.
    pub start: Option<String>,
}

/// The rewrite's counters as read after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    pub fuel: u64,
    pub grow_pages: u64,
    pub table_grow_elements: u64,
}

impl Counters {
    /// How a run that ended with `end` ended for Traverse: the rewritten module traps with
    /// `unreachable` for every limit, and its counters say which.
    pub fn explain(&self, end: RunEnd, budget: u64) -> RunEnd {
        match end {
            RunEnd::Trapped(_) if self.grow_pages > 0 => {
                RunEnd::MemoryLimit { bytes: self.grow_pages.saturating_mul(PAGE_BYTES) }
            }
            RunEnd::Trapped(_) if self.table_grow_elements > 0 => {
                RunEnd::TableLimit { elements: self.table_grow_elements }
            }
            RunEnd::Trapped(_) if self.fuel > budget => RunEnd::OutOfFuel { budget },
            end => end,
        }
    }
}

impl Exported {
    /// The names the rewrite of `bytes` exports: `__traverse_playground_…`, or with a number
    /// after `playground` when one of the module's exports starts with that prefix, so that no
    /// added name can equal one of the module's, now or as another prefix is tried.
    pub fn of(bytes: &[u8]) -> wasmparser::Result<Self> {
        let mut names = Vec::new();
        let mut has_start = false;
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::ExportSection(reader) => {
                    for export in reader {
                        names.push(export?.name);
                    }
                }
                Payload::StartSection { .. } => has_start = true,
                _ => {}
            }
        }
        let prefix = std::iter::once(String::from("__traverse_playground_"))
            .chain((1u32..).map(|n| format!("__traverse_playground{n}_")))
            .find(|prefix| !names.iter().any(|name| name.starts_with(prefix.as_str())))
            .expect("finitely many exports leave some prefix free");
        Ok(Self {
            fuel: format!("{prefix}fuel"),
            grow_pages: format!("{prefix}grow_pages"),
            table_grow_elements: format!("{prefix}table_grow_elements"),
            start: has_start.then(|| format!("{prefix}start")),
        })
    }
}

/// The instrumented module, or why the bytes cannot be instrumented.
pub fn instrument(bytes: &[u8], fuel_budget: u64) -> Result<Vec<u8>, String> {
    // Only what Traverse's engine compiles is rewritten: the costs and guards assume it.
    wasmparser::Validator::new_with_features(GOVERNED_FEATURES)
        .validate_all(bytes)
        .map_err(|error| error.to_string())?;
    let facts = Facts::read(bytes).map_err(|error| error.to_string())?;
    let exported = Exported::of(bytes).map_err(|error| error.to_string())?;
    let has_start = facts.start.is_some();
    let mut rewriter = Rewriter::new(facts, exported, fuel_budget);
    let mut module = Module::new();
    rewriter.parse_core_module(&mut module, Parser::new(0), bytes).map_err(|error| error.to_string())?;
    let rewritten = module.finish();
    if has_start {
        without_start_section(&rewritten).map_err(|error| error.to_string())
    } else {
        Ok(rewritten)
    }
}

/// `bytes` with its start section left out, every other section copied as it is (the
/// re-encoder offers no way to drop a section).
fn without_start_section(bytes: &[u8]) -> wasmparser::Result<Vec<u8>> {
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if matches!(payload, Payload::StartSection { .. }) {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            module.section(&RawSection { id, data: &bytes[range.start as usize..range.end as usize] });
        }
    }
    Ok(module.finish())
}

/// What the rewrite needs to know of the module before it starts.
#[derive(Debug, Default)]
struct Facts {
    types: u32,
    functions: u32,
    globals: u32,
    /// Every type, `None` for types that are not function types.
    func_types: Vec<Option<FuncType>>,
    /// The type of each defined function, in code-section order.
    defined_types: Vec<u32>,
    /// The page limit of memory 0 when some function grows it: min(128, its maximum).
    grow_limit: Option<u64>,
    /// Every memory, imported ones first, as memory indices count them.
    memories: Vec<wasmparser::MemoryType>,
    /// One guard per table some function grows, in table order.
    table_guards: Vec<TableGuard>,
    /// The start function, if the module has one.
    start: Option<u32>,
    /// Each distinct result list of a defined function with several results: the rewrite adds a
    /// type `[] -> results` for each, to wrap such a body in a block as it wraps the others.
    multi_results: Vec<Vec<wasmparser::ValType>>,
}

#[derive(Debug)]
struct TableGuard {
    table: u32,
    element: wasmparser::RefType,
    /// min(1,024, the table's maximum).
    limit: u64,
    /// Whether the table is a 64-bit table, whose sizes and deltas are i64.
    table64: bool,
}

impl Facts {
    fn read(bytes: &[u8]) -> wasmparser::Result<Self> {
        let mut facts = Self::default();
        let mut grows = false;
        let mut tables = Vec::new();
        let mut grown_tables = std::collections::BTreeSet::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub_type in group?.into_types() {
                            facts.types += 1;
                            facts.func_types.push(match sub_type.composite_type.inner {
                                CompositeInnerType::Func(func) => Some(func),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        match import?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => facts.functions += 1,
                            TypeRef::Global(_) => facts.globals += 1,
                            TypeRef::Memory(ty) => facts.memories.push(ty),
                            TypeRef::Table(ty) => tables.push(ty),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    facts.functions += reader.count();
                    for type_index in reader {
                        facts.defined_types.push(type_index?);
                    }
                }
                Payload::GlobalSection(reader) => facts.globals += reader.count(),
                Payload::StartSection { func, .. } => facts.start = Some(func),
                Payload::TableSection(reader) => {
                    for table in reader {
                        tables.push(table?.ty);
                    }
                }
                Payload::MemorySection(reader) => {
                    for ty in reader {
                        facts.memories.push(ty?);
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut operators = body.get_operators_reader()?;
                    while !operators.eof() {
                        match operators.read()? {
                            Operator::MemoryGrow { mem: 0 } => grows = true,
                            Operator::TableGrow { table } => {
                                grown_tables.insert(table);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for ty in &facts.defined_types {
            if let Some(Some(func)) = facts.func_types.get(*ty as usize)
                && func.results().len() > 1
                && !facts.multi_results.iter().any(|results| results.as_slice() == func.results())
            {
                facts.multi_results.push(func.results().to_vec());
            }
        }
        facts.grow_limit = facts
            .memories
            .first()
            .filter(|_| grows)
            .map(|memory| memory.maximum.map_or(MEMORY_LIMIT_PAGES, |max| max.min(MEMORY_LIMIT_PAGES)));
        facts.table_guards = grown_tables
            .into_iter()
            .filter_map(|table| {
                let ty = tables.get(table as usize)?;
                let limit = ty.maximum.map_or(TABLE_ELEMENTS_LIMIT, |max| max.min(TABLE_ELEMENTS_LIMIT));
                Some(TableGuard { table, element: ty.element_type, limit, table64: ty.table64 })
            })
            .collect();
        Ok(facts)
    }

    /// Whether memory 0 is a 64-bit memory, whose sizes and deltas are i64.
    fn memory64(&self) -> bool {
        self.memories.first().is_some_and(|memory| memory.memory64)
    }

    /// Whether wasmtime compiles `operator` to an unconditional trap, before which it saves the
    /// fuel counted so far, this operator included, as before an explicit `unreachable`: a memory
    /// access whose offset (within 32 bits) and size pass the largest size its memory can ever
    /// have (its maximum, or 4 GiB for a 32-bit memory without one); for an atomic access, only
    /// when its offset is a multiple of its size.
    fn traps_statically(&self, operator: &Operator) -> bool {
        let (memarg, atomic) = match (memory_access(operator), atomic_access(operator)) {
            (Some(memarg), _) => (memarg, false),
            (None, Some(memarg)) => (memarg, true),
            (None, None) => return false,
        };
        // wasmtime checks an atomic access's alignment first, at run time, and that trap saves
        // nothing: an offset the access size does not divide leaves the address to decide.
        if atomic && memarg.offset % (1 << memarg.max_align) != 0 {
            return false;
        }
        let Some(memory) = self.memories.get(memarg.memory as usize) else { return false };
        let largest = match (memory.maximum, memory.memory64) {
            (Some(pages), _) => pages.saturating_mul(PAGE_BYTES),
            (None, false) => 1 << 32,
            (None, true) => return false,
        };
        memarg.offset <= u64::from(u32::MAX) && memarg.offset + (1 << memarg.max_align) > largest
    }
}

/// The memory operand of a plain load or store, SIMD ones included.
fn memory_access<'a>(operator: &'a Operator) -> Option<&'a wasmparser::MemArg> {
    use Operator as O;
    match operator {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::F32Load { memarg }
        | O::F64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg }
        | O::I32Store { memarg }
        | O::I64Store { memarg }
        | O::F32Store { memarg }
        | O::F64Store { memarg }
        | O::I32Store8 { memarg }
        | O::I32Store16 { memarg }
        | O::I64Store8 { memarg }
        | O::I64Store16 { memarg }
        | O::I64Store32 { memarg }
        | O::V128Load { memarg }
        | O::V128Load8x8S { memarg }
        | O::V128Load8x8U { memarg }
        | O::V128Load16x4S { memarg }
        | O::V128Load16x4U { memarg }
        | O::V128Load32x2S { memarg }
        | O::V128Load32x2U { memarg }
        | O::V128Load8Splat { memarg }
        | O::V128Load16Splat { memarg }
        | O::V128Load32Splat { memarg }
        | O::V128Load64Splat { memarg }
        | O::V128Load32Zero { memarg }
        | O::V128Load64Zero { memarg }
        | O::V128Store { memarg }
        | O::V128Load8Lane { memarg, .. }
        | O::V128Load16Lane { memarg, .. }
        | O::V128Load32Lane { memarg, .. }
        | O::V128Load64Lane { memarg, .. }
        | O::V128Store8Lane { memarg, .. }
        | O::V128Store16Lane { memarg, .. }
        | O::V128Store32Lane { memarg, .. }
        | O::V128Store64Lane { memarg, .. } => Some(memarg),
        _ => None,
    }
}

struct Rewriter {
    facts: Facts,
    exported: Exported,
    budget: u64,
    globals_added: bool,
    exports_added: bool,
    /// Which defined function the next code entry is.
    next_body: usize,
}

impl Rewriter {
    fn new(facts: Facts, exported: Exported, budget: u64) -> Self {
        Self { facts, exported, budget, globals_added: false, exports_added: false, next_body: 0 }
    }

    fn fuel_global(&self) -> u32 {
        self.facts.globals
    }

    fn grow_global(&self) -> u32 {
        self.facts.globals + 1
    }

    fn table_grow_global(&self) -> u32 {
        self.facts.globals + 2
    }

    /// How many guard functions come before the table guards: the memory guard, if any.
    fn memory_guards(&self) -> u32 {
        u32::from(self.facts.grow_limit.is_some())
    }

    /// The memory grow guard, appended after every other function, of a type appended after
    /// all types; the table guards follow it, in the same order in both.
    fn guard_function(&self) -> u32 {
        self.facts.functions
    }

    /// The type `[] -> results` added for a body with several results.
    fn multi_result_type(&self, results: &[wasmparser::ValType]) -> Option<u32> {
        let position = self.facts.multi_results.iter().position(|r| r.as_slice() == results)?;
        Some(self.facts.types + self.memory_guards() + self.facts.table_guards.len() as u32 + position as u32)
    }

    fn table_guard_function(&self, table: u32) -> Option<u32> {
        let position = self.facts.table_guards.iter().position(|guard| guard.table == table)?;
        Some(self.facts.functions + self.memory_guards() + position as u32)
    }

    fn add_globals(&mut self, globals: &mut GlobalSection) {
        let counter = GlobalType { val_type: ValType::I64, mutable: true, shared: false };
        for _ in 0..3 {
            globals.global(counter, &ConstExpr::i64_const(0));
        }
        self.globals_added = true;
    }

    fn add_exports(&mut self, exports: &mut ExportSection) {
        let names = &self.exported;
        exports.export(&names.fuel, ExportKind::Global, self.fuel_global());
        exports.export(&names.grow_pages, ExportKind::Global, self.grow_global());
        exports.export(&names.table_grow_elements, ExportKind::Global, self.table_grow_global());
        if let (Some(start), Some(name)) = (self.facts.start, &names.start) {
            exports.export(name, ExportKind::Func, start);
        }
        self.exports_added = true;
    }

    /// Adds `cost` to the function's unsaved count (`pending`, an i64 local).
    fn charge(&self, function: &mut Function, pending: u32, cost: u64) {
        if cost > 0 {
            function
                .instruction(&Instruction::LocalGet(pending))
                .instruction(&Instruction::I64Const(cost as i64))
                .instruction(&Instruction::I64Add)
                .instruction(&Instruction::LocalSet(pending));
        }
    }

    /// Saves the unsaved count into the exported counter, as wasmtime saves its fuel register.
    fn flush(&self, function: &mut Function, pending: u32) {
        function
            .instruction(&Instruction::GlobalGet(self.fuel_global()))
            .instruction(&Instruction::LocalGet(pending))
            .instruction(&Instruction::I64Add)
            .instruction(&Instruction::GlobalSet(self.fuel_global()))
            .instruction(&Instruction::I64Const(0))
            .instruction(&Instruction::LocalSet(pending));
    }

    /// Traps when more than the budget is consumed, counting the unsaved units as wasmtime counts
    /// its register; the count is saved on the way out so the runner can tell this trap apart.
    fn check(&self, function: &mut Function, pending: u32) {
        function
            .instruction(&Instruction::GlobalGet(self.fuel_global()))
            .instruction(&Instruction::LocalGet(pending))
            .instruction(&Instruction::I64Add)
            .instruction(&Instruction::I64Const(self.budget as i64))
            .instruction(&Instruction::I64GtU)
            .instruction(&Instruction::If(wasm_encoder::BlockType::Empty));
        self.flush(function, pending);
        function.instruction(&Instruction::Unreachable).instruction(&Instruction::End);
    }

    /// The guard of a grow taking `params` parameters, the last the delta (32- or 64-bit, as
    /// `wide` says): traps, recording in `global` the size asked for (all ones when the sum
    /// wraps, as a 64-bit delta can make it), when the current size (`size`) plus the delta
    /// passes `limit`; otherwise `grow` runs.
    fn grow_guard(
        &self,
        params: u32,
        wide: bool,
        limit: u64,
        global: u32,
        size: Instruction<'static>,
        grow: Instruction<'static>,
    ) -> Function {
        let mut body = Function::new([(2, ValType::I64)]);
        let (delta, asked, after) = (params - 1, params, params + 1);
        let widen = |body: &mut Function| {
            if !wide {
                body.instruction(&Instruction::I64ExtendI32U);
            }
        };
        let trap_recording = |body: &mut Function, value: &Instruction<'static>| {
            body.instruction(&Instruction::If(wasm_encoder::BlockType::Empty))
                .instruction(value)
                .instruction(&Instruction::GlobalSet(global))
                .instruction(&Instruction::Unreachable)
                .instruction(&Instruction::End);
        };
        body.instruction(&Instruction::LocalGet(delta));
        widen(&mut body);
        body.instruction(&Instruction::LocalSet(asked)).instruction(&size);
        widen(&mut body);
        body.instruction(&Instruction::LocalGet(asked))
            .instruction(&Instruction::I64Add)
            .instruction(&Instruction::LocalTee(after))
            .instruction(&Instruction::LocalGet(asked))
            .instruction(&Instruction::I64LtU);
        trap_recording(&mut body, &Instruction::I64Const(-1));
        body.instruction(&Instruction::LocalGet(after))
            .instruction(&Instruction::I64Const(limit as i64))
            .instruction(&Instruction::I64GtU);
        trap_recording(&mut body, &Instruction::LocalGet(after));
        for param in 0..params {
            body.instruction(&Instruction::LocalGet(param));
        }
        body.instruction(&grow).instruction(&Instruction::End);
        body
    }

    /// `(delta) -> previous size` for memory 0, traps past `limit` pages.
    fn guard_body(&self, limit: u64) -> Function {
        let (size, grow) = (Instruction::MemorySize(0), Instruction::MemoryGrow(0));
        self.grow_guard(1, self.facts.memory64(), limit, self.grow_global(), size, grow)
    }

    /// `(init, delta) -> previous size` for the guard's table, traps past its limit.
    fn table_guard_body(&self, guard: &TableGuard) -> Function {
        let (size, grow) = (Instruction::TableSize(guard.table), Instruction::TableGrow(guard.table));
        self.grow_guard(2, guard.table64, guard.limit, self.table_grow_global(), size, grow)
    }
}

/// The memory operand of an atomic load, store or read-modify-write (not `notify` or `wait`,
/// which wasmtime runs as calls into the runtime and never compiles to a plain trap).
fn atomic_access<'a>(operator: &'a Operator) -> Option<&'a wasmparser::MemArg> {
    use Operator as O;
    match operator {
        O::I32AtomicLoad { memarg }
        | O::I32AtomicLoad16U { memarg }
        | O::I32AtomicLoad8U { memarg }
        | O::I32AtomicRmw16AddU { memarg }
        | O::I32AtomicRmw16AndU { memarg }
        | O::I32AtomicRmw16CmpxchgU { memarg }
        | O::I32AtomicRmw16OrU { memarg }
        | O::I32AtomicRmw16SubU { memarg }
        | O::I32AtomicRmw16XchgU { memarg }
        | O::I32AtomicRmw16XorU { memarg }
        | O::I32AtomicRmw8AddU { memarg }
        | O::I32AtomicRmw8AndU { memarg }
        | O::I32AtomicRmw8CmpxchgU { memarg }
        | O::I32AtomicRmw8OrU { memarg }
        | O::I32AtomicRmw8SubU { memarg }
        | O::I32AtomicRmw8XchgU { memarg }
        | O::I32AtomicRmw8XorU { memarg }
        | O::I32AtomicRmwAdd { memarg }
        | O::I32AtomicRmwAnd { memarg }
        | O::I32AtomicRmwCmpxchg { memarg }
        | O::I32AtomicRmwOr { memarg }
        | O::I32AtomicRmwSub { memarg }
        | O::I32AtomicRmwXchg { memarg }
        | O::I32AtomicRmwXor { memarg }
        | O::I32AtomicStore { memarg }
        | O::I32AtomicStore16 { memarg }
        | O::I32AtomicStore8 { memarg }
        | O::I64AtomicLoad { memarg }
        | O::I64AtomicLoad16U { memarg }
        | O::I64AtomicLoad32U { memarg }
        | O::I64AtomicLoad8U { memarg }
        | O::I64AtomicRmw16AddU { memarg }
        | O::I64AtomicRmw16AndU { memarg }
        | O::I64AtomicRmw16CmpxchgU { memarg }
        | O::I64AtomicRmw16OrU { memarg }
        | O::I64AtomicRmw16SubU { memarg }
        | O::I64AtomicRmw16XchgU { memarg }
        | O::I64AtomicRmw16XorU { memarg }
        | O::I64AtomicRmw32AddU { memarg }
        | O::I64AtomicRmw32AndU { memarg }
        | O::I64AtomicRmw32CmpxchgU { memarg }
        | O::I64AtomicRmw32OrU { memarg }
        | O::I64AtomicRmw32SubU { memarg }
        | O::I64AtomicRmw32XchgU { memarg }
        | O::I64AtomicRmw32XorU { memarg }
        | O::I64AtomicRmw8AddU { memarg }
        | O::I64AtomicRmw8AndU { memarg }
        | O::I64AtomicRmw8CmpxchgU { memarg }
        | O::I64AtomicRmw8OrU { memarg }
        | O::I64AtomicRmw8SubU { memarg }
        | O::I64AtomicRmw8XchgU { memarg }
        | O::I64AtomicRmw8XorU { memarg }
        | O::I64AtomicRmwAdd { memarg }
        | O::I64AtomicRmwAnd { memarg }
        | O::I64AtomicRmwCmpxchg { memarg }
        | O::I64AtomicRmwOr { memarg }
        | O::I64AtomicRmwSub { memarg }
        | O::I64AtomicRmwXchg { memarg }
        | O::I64AtomicRmwXor { memarg }
        | O::I64AtomicStore { memarg }
        | O::I64AtomicStore16 { memarg }
        | O::I64AtomicStore32 { memarg }
        | O::I64AtomicStore8 { memarg } => Some(memarg),
        _ => None,
    }
}

/// wasmtime's default fuel cost of one operator.
fn cost(operator: &Operator) -> u64 {
    match operator {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::Unreachable
        | Operator::Return
        | Operator::Else
        | Operator::End => 0,
        _ => 1,
    }
}

/// Whether `operator` calls a function, before which wasmtime saves its fuel.
fn is_call(operator: &Operator) -> bool {
    matches!(
        operator,
        Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
    )
}

/// Whether control may leave or re-enter the straight line after `operator`, so that the
/// operators after it are charged separately.
fn ends_straight_line(operator: &Operator) -> bool {
    matches!(
        operator,
        Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. }
            | Operator::Return
            | Operator::Unreachable
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::TryTable { .. }
    )
}

/// The order sections must appear in, to place the ones a module lacks.
fn section_rank(id: Option<SectionId>, missing_after: bool) -> u32 {
    match id {
        None if missing_after => 0,
        None => u32::MAX,
        Some(SectionId::Custom) => 0,
        Some(SectionId::Type) => 1,
        Some(SectionId::Import) => 2,
        Some(SectionId::Function) => 3,
        Some(SectionId::Table) => 4,
        Some(SectionId::Memory) => 5,
        Some(SectionId::Tag) => 6,
        Some(SectionId::Global) => 7,
        Some(SectionId::Export) => 8,
        Some(SectionId::Start) => 9,
        Some(SectionId::Element) => 10,
        Some(SectionId::DataCount) => 11,
        Some(SectionId::Code) => 12,
        Some(SectionId::Data) => 13,
    }
}

impl Reencode for Rewriter {
    /// Why a module cannot be rewritten, beyond the parser's own errors.
    type Error = String;

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), Error<String>> {
        utils::parse_type_section(self, types, section)?;
        let index_type = |wide: bool| if wide { ValType::I64 } else { ValType::I32 };
        if self.facts.grow_limit.is_some() {
            let index = index_type(self.facts.memory64());
            types.ty().function([index], [index]);
        }
        for position in 0..self.facts.table_guards.len() {
            let guard = &self.facts.table_guards[position];
            let (element, index) = (guard.element, index_type(guard.table64));
            let element = self.ref_type(element)?;
            types.ty().function([ValType::Ref(element), index], [index]);
        }
        for results in std::mem::take(&mut self.facts.multi_results) {
            let encoded = results.iter().map(|ty| self.val_type(*ty)).collect::<Result<Vec<_>, _>>()?;
            types.ty().function([], encoded);
            self.facts.multi_results.push(results);
        }
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), Error<String>> {
        utils::parse_function_section(self, functions, section)?;
        let guards = self.memory_guards() + self.facts.table_guards.len() as u32;
        for guard in 0..guards {
            functions.function(self.facts.types + guard);
        }
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error<String>> {
        utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error<String>> {
        utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), Error<String>> {
        utils::parse_code_section(self, code, section)?;
        if let Some(limit) = self.facts.grow_limit {
            code.function(&self.guard_body(limit));
        }
        for guard in &self.facts.table_guards {
            code.function(&self.table_guard_body(guard));
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: FunctionBody<'_>,
    ) -> Result<(), Error<String>> {
        let ty = self
            .facts
            .defined_types
            .get(self.next_body)
            .and_then(|&ty| self.facts.func_types.get(ty as usize));
        let ty = ty.cloned().flatten().unwrap_or_else(|| FuncType::new([], []));
        self.next_body += 1;
        let mut locals = Vec::new();
        for declared in body.get_locals_reader()? {
            let (count, val_type) = declared?;
            locals.push((count, self.val_type(val_type)?));
        }
        let pending = ty.params().len() as u32 + locals.iter().map(|(count, _)| count).sum::<u32>();
        locals.push((1, ValType::I64));
        let mut function = Function::new(locals);

        let mut reader = body.get_operators_reader()?;
        let mut operators = Vec::new();
        while !reader.eof() {
            operators.push(reader.read()?);
        }
        // The body's final `end` closes the function; it is emitted after the last save.
        operators.pop();
        // Where wasmtime saves the count mid-line, as before a call: a line ends there too.
        let static_trap: Vec<bool> = operators.iter().map(|op| self.facts.traps_statically(op)).collect();
        let ends_line = |i: usize| ends_straight_line(&operators[i]) || static_trap[i];
        // Each straight line's cost, charged at its first operator.
        let mut line_cost = vec![0u64; operators.len()];
        let mut line_start = 0;
        for (i, operator) in operators.iter().enumerate() {
            line_cost[line_start] += cost(operator);
            if ends_line(i) {
                line_start = i + 1;
            }
        }
        let after_loop: Vec<bool> = (0..operators.len())
            .map(|i| i > 0 && matches!(operators[i - 1], Operator::Loop { .. }))
            .collect();
        let starts_line: Vec<bool> = (0..operators.len()).map(|i| i == 0 || ends_line(i - 1)).collect();

        self.charge(&mut function, pending, 1);
        self.check(&mut function, pending);
        // Branches to the function's own label land after this block, where the count is saved
        // as on any return, whatever the function's results.
        let wrapper = match ty.results() {
            [] => wasm_encoder::BlockType::Empty,
            [single] => wasm_encoder::BlockType::Result(self.val_type(*single)?),
            several => {
                wasm_encoder::BlockType::FunctionType(self.multi_result_type(several).ok_or_else(|| {
                    Error::UserError("a function's results are not among the module's types".to_owned())
                })?)
            }
        };
        function.instruction(&Instruction::Block(wrapper));
        for (i, operator) in operators.into_iter().enumerate() {
            if after_loop[i] {
                self.check(&mut function, pending);
            }
            if starts_line[i] {
                self.charge(&mut function, pending, line_cost[i]);
            }
            // wasmtime saves before calls, explicit exits and the traps it knows of when compiling,
            // not before other traps.
            if is_call(&operator)
                || matches!(operator, Operator::Return | Operator::Unreachable)
                || static_trap[i]
            {
                self.flush(&mut function, pending);
            }
            let guard = match &operator {
                Operator::MemoryGrow { mem: 0 } if self.facts.grow_limit.is_some() => {
                    Some(self.guard_function())
                }
                Operator::TableGrow { table } => self.table_guard_function(*table),
                _ => None,
            };
            match guard {
                Some(guard) => function.instruction(&Instruction::Call(guard)),
                None => function.instruction(&self.instruction(operator)?),
            };
        }
        function.instruction(&Instruction::End);
        self.flush(&mut function, pending);
        function.instruction(&Instruction::End);
        code.function(&function);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error<String>> {
        let between = |id| {
            let rank = section_rank(Some(id), false);
            section_rank(after, true) < rank && rank < section_rank(before, false)
        };
        if !self.globals_added && between(SectionId::Global) {
            let mut globals = GlobalSection::new();
            self.add_globals(&mut globals);
            module.section(&globals);
        }
        if !self.exports_added && between(SectionId::Export) {
            let mut exports = ExportSection::new();
            self.add_exports(&mut exports);
            module.section(&exports);
        }
        Ok(())
    }
}
