//! `wasm2hook inspect`: what a hook (a `.wasm`, or a hook object from `wasm2hook build`) contains.

use std::fmt::Write as _;
use std::path::Path;

use crate::check::{self, kind_name};

/// The trampoline side of a hook object.
struct ObjInfo {
    programs: Vec<(String, String)>,
    maps: Vec<String>,
    wasm_size: usize,
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn object_info(bytes: &[u8]) -> Result<(ObjInfo, &[u8]), String> {
    let e =
        goblin::elf::Elf::parse(bytes).map_err(|e| format!("not a readable ELF object: {e}"))?;
    let name_of = |i: usize| {
        e.section_headers
            .get(i)
            .and_then(|s| e.shdr_strtab.get_at(s.sh_name))
            .unwrap_or("")
    };
    let wasm = e
        .section_headers
        .iter()
        .find(|s| e.shdr_strtab.get_at(s.sh_name) == Some(crate::WASM_SECTION))
        .ok_or_else(|| {
            format!(
                "no `{}` section: not a hook object made by `wasm2hook build`",
                crate::WASM_SECTION
            )
        })?;
    let range = wasm
        .file_range()
        .ok_or("section `wasmhook.wasm` has no data")?;
    let wasm_bytes = bytes
        .get(range)
        .ok_or("section `wasmhook.wasm` is truncated")?;
    let mut programs = Vec::new();
    let mut maps = Vec::new();
    for s in e.syms.iter() {
        let name = e.strtab.get_at(s.st_name).unwrap_or("");
        let sec = name_of(s.st_shndx);
        if s.st_type() == goblin::elf::sym::STT_FUNC && s.st_bind() == goblin::elf::sym::STB_GLOBAL
        {
            programs.push((name.to_owned(), sec.to_owned()));
        } else if sec == ".maps" && !name.is_empty() {
            maps.push(name.to_owned());
        }
    }
    Ok((
        ObjInfo {
            programs,
            maps,
            wasm_size: wasm_bytes.len(),
        },
        wasm_bytes,
    ))
}

/// Renders the report; the bool is false if the module has problems (printed to stderr).
pub fn inspect(file: &Path, bytes: &[u8], json: bool) -> Result<(String, bool), String> {
    let (obj, wasm) = if bytes.starts_with(b"\x7fELF") {
        let (o, w) = object_info(bytes)?;
        (Some(o), w)
    } else {
        (None, bytes)
    };
    let r = check::check(wasm, None);
    for p in &r.problems {
        eprintln!("{}: {p}", file.display());
    }
    let ok = r.problems.is_empty();
    let kind = r.kind.map(kind_name);
    let mut o = String::new();
    if json {
        o.push('{');
        let _ = write!(
            o,
            "\"file\":{},\"valid\":{ok},",
            json_str(&file.display().to_string())
        );
        match kind {
            Some(k) => {
                let _ = write!(o, "\"hook\":\"{k}\",\"entry\":\"{k}\",");
            }
            None => o.push_str("\"hook\":null,\"entry\":null,"),
        }
        o.push_str("\"imports\":[");
        for (i, imp) in r.imports.iter().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            let _ = write!(
                o,
                "{sep}{{\"module\":{},\"name\":{},\"type\":{}}}",
                json_str(&imp.module),
                json_str(&imp.name),
                json_str(&imp.ty)
            );
        }
        o.push_str("],\"maps\":[");
        if let Some(m) = &r.maps {
            for (i, d) in m.iter().enumerate() {
                let sep = if i > 0 { "," } else { "" };
                let _ = write!(
                    o,
                    "{sep}{{\"index\":{i},\"name\":{},\"type\":\"{}\",\"key_size\":{},\"value_size\":{},\"max_entries\":{}}}",
                    json_str(d.name()),
                    d.map_type.name(),
                    d.key_size,
                    d.value_size,
                    d.max_entries
                );
            }
        }
        o.push_str("],");
        match r.memory_pages {
            Some(p) => {
                let _ = write!(o, "\"memory_pages\":{p},");
            }
            None => o.push_str("\"memory_pages\":null,"),
        }
        match r.memory_max {
            Some(p) => {
                let _ = write!(o, "\"memory_max_pages\":{p},");
            }
            None => o.push_str("\"memory_max_pages\":null,"),
        }
        let _ = write!(
            o,
            "\"functions\":{},\"code_size\":{},\"wasm_size\":{}",
            r.functions, r.code_size, r.total_size
        );
        if let Some(obj) = &obj {
            let _ = write!(o, ",\"object_size\":{},\"programs\":[", bytes.len());
            for (i, (n, s)) in obj.programs.iter().enumerate() {
                let sep = if i > 0 { "," } else { "" };
                let _ = write!(
                    o,
                    "{sep}{{\"name\":{},\"section\":{}}}",
                    json_str(n),
                    json_str(s)
                );
            }
            o.push_str("],\"object_maps\":[");
            let names: Vec<String> = obj.maps.iter().map(|m| json_str(m)).collect();
            o.push_str(&names.join(","));
            o.push(']');
        }
        o.push_str("}\n");
        return Ok((o, ok));
    }
    let _ = writeln!(
        o,
        "{}: {} hook, entry `{}`",
        file.display(),
        kind.unwrap_or("unknown"),
        kind.unwrap_or("?")
    );
    if let Some(obj) = &obj {
        for (n, s) in &obj.programs {
            let _ = writeln!(o, "  program: {n} (section {s})");
        }
        let _ = writeln!(o, "  object maps: {}", obj.maps.join(", "));
        let _ = writeln!(
            o,
            "  wasm: section {} ({} bytes)",
            crate::WASM_SECTION,
            obj.wasm_size
        );
    }
    for imp in &r.imports {
        let _ = writeln!(o, "  import: {}.{} {}", imp.module, imp.name, imp.ty);
    }
    match &r.maps {
        Some(m) if !m.is_empty() => {
            for (i, d) in m.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  map {i}: {} {} key {} value {} entries {}",
                    d.name(),
                    d.map_type.name(),
                    d.key_size,
                    d.value_size,
                    d.max_entries
                );
            }
        }
        _ => o.push_str("  maps: none\n"),
    }
    match (r.memory_pages, r.memory_max) {
        (Some(p), Some(m)) => {
            let _ = writeln!(o, "  memory: {p} pages initial, {m} max");
        }
        (Some(p), None) => {
            let _ = writeln!(o, "  memory: {p} pages initial");
        }
        _ => o.push_str("  memory: none\n"),
    }
    let _ = writeln!(
        o,
        "  code: {} bytes in {} functions",
        r.code_size, r.functions
    );
    match &obj {
        Some(_) => {
            let _ = writeln!(
                o,
                "  size: {} bytes wasm, {} bytes object",
                r.total_size,
                bytes.len()
            );
        }
        None => {
            let _ = writeln!(o, "  size: {} bytes", r.total_size);
        }
    }
    Ok((o, ok))
}
