//! The generator is deterministic and produces mostly loadable hooks.

use wasmhook_engine::Limits;
use wasmhook_hook_abi::AbiImports;

#[test]
fn same_seed_same_inputs() {
    for i in 0..20 {
        let a = kfuzz::make_input(7, i);
        let b = kfuzz::make_input(7, i);
        assert_eq!(a.wasm, b.wasm);
        assert_eq!(kfuzz::manifest_line(&a), kfuzz::manifest_line(&b));
    }
}

#[test]
fn most_smith_and_abi_inputs_validate() {
    let (mut n, mut valid, mut ok) = (0, 0, 0);
    for i in 0..200 {
        let inp = kfuzz::make_input(3, i);
        if !matches!(inp.kind, kfuzz::Kind::Smith | kfuzz::Kind::Abi) {
            continue;
        }
        n += 1;
        let limits = Limits {
            max_memory_pages: 16,
            ..Limits::DEFAULT
        };
        match wasmhook_engine::plan(&inp.wasm, &limits, &AbiImports) {
            Ok(_) => valid += 1,
            Err(e) if std::env::var_os("KFUZZ_DEBUG").is_some() => {
                eprintln!("{i} {:?}: {} at {:#x}", inp.kind, e.message(), e.offset())
            }
            Err(_) => {}
        }
        ok += u32::from(inp.expect_ok);
    }
    eprintln!("{n} smith/abi inputs: {valid} validate, {ok} predicted to LOAD");
    assert!(valid * 10 >= n * 8, "only {valid} of {n} validate");
}
