//! Reading a hook file: `.wasm`, `.wat`, or a hook object `.o` from `wasm2hook build` (an ELF
//! with the Wasm bytes in section `wasmhook.wasm` plus its own trampoline, docs/hook-object.md),
//! and its `wasmhook.maps` declarations.

use std::path::Path;

use anyhow::{Context, Result, bail};
use object::{Object as _, ObjectSection as _};
use wasmhook_hook_abi::maps::{MapDecls, SECTION};

/// A hook as read from disk.
#[derive(Debug)]
pub struct HookFile {
    /// The Wasm module.
    pub wasm: Vec<u8>,
    /// The trampoline object packaged with it (hook objects only).
    pub trampoline: Option<Vec<u8>>,
    /// The maps the Wasm module declares.
    pub maps: MapDecls,
}

/// Reads `path` (.wasm, .wat or a hook object).
pub fn read(path: &Path) -> Result<HookFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (wasm, trampoline) = if bytes.starts_with(b"\x7fELF") {
        let file = object::File::parse(&*bytes)
            .with_context(|| format!("{}: not a valid ELF object", path.display()))?;
        let Some(sec) = file.section_by_name("wasmhook.wasm") else {
            bail!(
                "{}: an ELF object without a `wasmhook.wasm` section is not a hook object (build one with `wasm2hook build hook.wasm -o hook.o`)",
                path.display()
            );
        };
        let wasm = sec
            .data()
            .with_context(|| format!("{}: cannot read section wasmhook.wasm", path.display()))?
            .to_vec();
        (wasm, Some(bytes))
    } else {
        (crate::read_module(path)?, None)
    };
    let maps = match custom_section(&wasm, SECTION)
        .with_context(|| format!("{}: malformed Wasm", path.display()))?
    {
        Some((payload, at)) => MapDecls::parse(payload).map_err(|e| {
            anyhow::anyhow!(
                "{}: bad `{SECTION}` section: {} at byte offset {:#x}",
                path.display(),
                e.msg,
                at + e.offset
            )
        })?,
        None => MapDecls::new(),
    };
    Ok(HookFile {
        wasm,
        trampoline,
        maps,
    })
}

fn leb_u32(b: &[u8], pos: &mut usize) -> Result<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(*pos).context("unexpected end")?;
        *pos += 1;
        v |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    bail!("LEB128 too long at byte offset {:#x}", *pos)
}

/// The payload and its file offset of the first custom section named `name`.
pub fn custom_section<'a>(wasm: &'a [u8], name: &str) -> Result<Option<(&'a [u8], usize)>> {
    if wasm.get(..4) != Some(b"\0asm") {
        bail!("not a Wasm binary (no \\0asm magic)");
    }
    let mut pos = 8usize;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = leb_u32(wasm, &mut pos)? as usize;
        let end = pos
            .checked_add(size)
            .filter(|e| *e <= wasm.len())
            .with_context(|| format!("section at {:#x} runs past the end", pos))?;
        if id == 0 {
            let mut p = pos;
            let n = leb_u32(wasm, &mut p)? as usize;
            if wasm.get(p..p + n) == Some(name.as_bytes()) {
                return Ok(Some((&wasm[p + n..end], p + n)));
            }
        }
        pos = end;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_maps_section_of_a_wat_module() {
        let wasm = wat::parse_str(
            r#"(module (@custom "wasmhook.maps" "\01\01\06policy\02\00\00\00\04\00\00\00\04\00\00\00\01\00\00\00"))"#,
        )
        .unwrap();
        let (p, _) = custom_section(&wasm, SECTION).unwrap().unwrap();
        let d = MapDecls::parse(p).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d.get(0).unwrap().name(), "policy");
    }

    #[test]
    fn no_section_is_fine() {
        let wasm = wat::parse_str("(module)").unwrap();
        assert!(custom_section(&wasm, SECTION).unwrap().is_none());
    }
}
