use super::*;
use crate::encode::write_i64;

/// Encodes a test module and checks it is valid before the pass sees it.
fn wat(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut module = wast::parser::parse::<wast::Wat>(&buf).expect("parses");
    let wasm = module.encode().expect("encodes");
    validator()
        .validate_all(&wasm)
        .expect("the test module is valid");
    wasm
}

/// A validator with the features the sandbox's engine accepts.
fn validator() -> wasmparser::Validator {
    let features = wasmparser::WasmFeatures::MUTABLE_GLOBAL
        | wasmparser::WasmFeatures::MULTI_VALUE
        | wasmparser::WasmFeatures::MULTI_MEMORY
        | wasmparser::WasmFeatures::SATURATING_FLOAT_TO_INT
        | wasmparser::WasmFeatures::SIGN_EXTENSION
        | wasmparser::WasmFeatures::BULK_MEMORY
        | wasmparser::WasmFeatures::REFERENCE_TYPES
        | wasmparser::WasmFeatures::GC_TYPES
        | wasmparser::WasmFeatures::TAIL_CALL
        | wasmparser::WasmFeatures::EXTENDED_CONST
        | wasmparser::WasmFeatures::FLOATS;
    wasmparser::Validator::new_with_features(features)
}

fn validate(wasm: &[u8]) {
    validator()
        .validate_all(wasm)
        .expect("the instrumented module validates");
}

fn exports(wasm: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Ok(Payload::ExportSection(reader)) = payload {
            for export in reader {
                names.push(export.expect("reads").name.to_string());
            }
        }
    }
    names
}

#[test]
fn a_module_without_globals_or_exports_gains_both() {
    let metered = instrument(&wat("(module (func (param i32) (result i32) local.get 0))"))
        .expect("instruments");
    validate(&metered.wasm);
    assert_eq!(
        exports(&metered.wasm),
        [FUEL, DEPTH, WHY, MEMORY_LIMIT, REQUESTED]
    );
    assert!(!metered.has_start);
}

#[test]
fn every_kind_of_control_flow_stays_valid() {
    let metered = instrument(&wat(r#"
        (module
          (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
          (import "env" "g" (global $g i32))
          (type $two (func (param i32) (result i32 i32)))
          (memory (export "memory") 1 4)
          (table 2 funcref)
          (global $mine (mut f64) (f64.const 0))
          (elem (i32.const 0) $f $tail)
          (data "hi")
          (func $f (export "f") (param i32) (result i32)
            (local f32)
            block (result i32)
              local.get 0
              (br_if 0 (i32.const 1))
              drop
              local.get 0
              (br_table 0 1 (i32.const 7))
            end
            loop (param i32) (result i32)
              i32.const 1
              i32.sub
              local.tee 0
              local.get 0
              br_if 0
            end
            (if (result i32) (then (call $yield)) (else (call $f (i32.const 0))))
            (drop (call_indirect (param i32) (result i32) (i32.const 0) (i32.const 0)))
            (drop (memory.grow (i32.const 1)))
            (memory.fill (i32.const 0) (i32.const 1) (i32.const 64))
            (memory.copy (i32.const 0) (i32.const 8) (i32.const 8))
            (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 2))
            (table.fill (i32.const 0) (ref.null func) (i32.const 0))
            (global.set $mine (f64.sqrt (f64.const -1)))
            (drop (f32.demote_f64 (global.get $mine)))
            (drop (f64.promote_f32 (f32.div (f32.const 0) (f32.const 0))))
            (i32.add (global.get $g))
            return)
          (func $multi (type $two) (local.get 0) (local.get 0))
          (func $tail (param i32) (result i32) (return_call $f (local.get 0)))
          (func $start)
          (start $start))
    "#))
    .expect("instruments");
    validate(&metered.wasm);
    assert!(metered.has_start);
    assert!(exports(&metered.wasm).contains(&START.to_string()));
    assert_eq!(
        metered.memories,
        [Extent {
            initial: 1,
            maximum: Some(4)
        }]
    );
    assert_eq!(
        metered.tables,
        [Extent {
            initial: 2,
            maximum: None
        }]
    );
    // The start section is gone: instantiating runs no learner code.
    for payload in Parser::new(0).parse_all(&metered.wasm) {
        assert!(!matches!(payload, Ok(Payload::StartSection { .. })));
    }
}

#[test]
fn names_and_custom_sections_survive() {
    let original = wat(
        r#"(module (func $double (export "double") (param $x i32) (result i32)
        (i32.mul (local.get $x) (i32.const 2))) (@custom "note" "kept"))"#,
    );
    let metered = instrument(&original).expect("instruments");
    validate(&metered.wasm);
    let customs: Vec<String> = Parser::new(0)
        .parse_all(&metered.wasm)
        .filter_map(|p| match p {
            Ok(Payload::CustomSection(c)) => Some(c.name().to_string()),
            _ => None,
        })
        .collect();
    assert!(customs.contains(&"name".to_string()), "{customs:?}");
    assert!(customs.contains(&"note".to_string()), "{customs:?}");
}

#[test]
fn reserved_export_names_and_table_grow_are_refused_with_an_offset() {
    let e = instrument(&wat(r#"(module (func (export "sandlab:fuel")))"#))
        .expect_err("a reserved name");
    assert!(e.message.contains("reserved"), "{e}");
    assert!(e.offset.is_some());

    let e = instrument(&wat(
        "(module (table 1 funcref) (func (drop (table.grow (ref.null func) (i32.const 1)))))",
    ))
    .expect_err("table.grow");
    assert!(e.message.contains("table.grow"), "{e}");
    assert!(e.offset.is_some());
}

#[test]
fn segments_cost_one_per_instruction_and_split_at_branches() {
    // Reads every operator of the instrumented function back: the injected
    // charges say exactly what the cost model charges.
    let metered = instrument(&wat(r#"(module (func (param i32) (result i32)
        local.get 0
        if (result i32)
          i32.const 1
        else
          i32.const 2
          i32.const 3
          i32.add
        end
        i32.const 4
        i32.add))"#))
    .expect("instruments");
    let mut charges = Vec::new();
    for payload in Parser::new(0).parse_all(&metered.wasm) {
        if let Ok(Payload::CodeSectionEntry(body)) = payload {
            let mut ops = body.get_operators_reader().expect("ops");
            let mut last_fuel_get = false;
            while !ops.eof() {
                let op = ops.read().expect("op");
                if let (true, Operator::I64Const { value }) = (last_fuel_get, &op) {
                    charges.push(*value);
                }
                // The fuel global is the first added one: index 0 here.
                last_fuel_get = matches!(op, Operator::GlobalGet { global_index: 0 });
            }
        }
    }
    // Entry: local.get, if = 2. Then arm: i32.const = 1. Else arm: 3.
    // After end: i32.const, i32.add = 2 (the final end is free). The zeros
    // are the `fuel < 0` comparisons.
    let charged: Vec<i64> = charges.into_iter().filter(|&c| c != 0).collect();
    assert_eq!(charged, [2, 1, 3, 2]);
}

#[test]
fn leb_encoders_round_trip() {
    for value in [0u32, 1, 127, 128, 300, 65536, u32::MAX] {
        let mut out = Vec::new();
        write_u32(&mut out, value);
        assert_eq!(
            BinaryReader::new(&out, 0).read_var_u32().expect("reads"),
            value
        );
    }
    for value in [
        0i64,
        1,
        -1,
        63,
        64,
        -64,
        -65,
        i64::MAX,
        i64::MIN,
        10_000_000,
    ] {
        let mut out = Vec::new();
        write_i64(&mut out, value);
        assert_eq!(
            BinaryReader::new(&out, 0).read_var_i64().expect("reads"),
            value
        );
    }
}

#[test]
fn mutable_globals_and_the_memory_are_exported_for_resetting() {
    let m = instrument(&wat(r#"(module
        (memory 1)
        (global $c i32 (i32.const 7))
        (global $sp (mut i32) (i32.const 1024))
        (global $n (mut i64) (i64.const 0))
        (func (export "f") (global.set $sp (i32.const 8))))"#))
    .expect("instruments");
    validate(&m.wasm);
    let names = exports(&m.wasm);
    for name in ["sandlab:global:1", "sandlab:global:2", MEMORY] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    // The constant needs no resetting.
    assert!(!names.iter().any(|n| n == "sandlab:global:0"), "{names:?}");
    assert!(m.resettable);
}

#[test]
fn code_that_changes_tables_or_segments_makes_a_module_not_resettable() {
    let plain = instrument(&wat(r#"(module (memory 1) (func (export "f")))"#)).expect("ok");
    assert!(plain.resettable);
    for body in [
        "(table.set $t (i32.const 0) (ref.null func))",
        "(data.drop $d)",
        "(memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))",
        "(elem.drop $e)",
    ] {
        let m = instrument(&wat(&format!(
            r#"(module (memory 1) (table $t 1 funcref) (data $d "x") (elem $e func $f)
                 (func $f (export "f") {body}))"#
        )))
        .expect("instruments");
        validate(&m.wasm);
        assert!(!m.resettable, "{body}");
    }
}
