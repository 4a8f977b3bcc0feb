//! Minimal ELF64 little-endian editing: append sections to an existing relocatable object
//! without touching anything already in it (sections, symbols, relocations and BTF keep their
//! bytes and indices), so the trampoline stays exactly what clang produced.

use std::fmt;

/// `SHT_PROGBITS`
pub const SHT_PROGBITS: u32 = 1;

/// Why an ELF object cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfError(pub String);

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ElfError {}

fn err<T>(msg: &str) -> Result<T, ElfError> {
    Err(ElfError(msg.to_owned()))
}

fn rd<const N: usize>(b: &[u8], at: usize) -> Result<[u8; N], ElfError> {
    let s = at.checked_add(N).and_then(|end| b.get(at..end));
    match s {
        Some(s) => {
            let mut a = [0u8; N];
            a.copy_from_slice(s);
            Ok(a)
        }
        None => err("ELF file is truncated"),
    }
}
fn u16_at(b: &[u8], at: usize) -> Result<u16, ElfError> {
    Ok(u16::from_le_bytes(rd(b, at)?))
}
fn u32_at(b: &[u8], at: usize) -> Result<u32, ElfError> {
    Ok(u32::from_le_bytes(rd(b, at)?))
}
fn u64_at(b: &[u8], at: usize) -> Result<u64, ElfError> {
    Ok(u64::from_le_bytes(rd(b, at)?))
}

const SHDR: usize = 64;

/// One section header.
#[derive(Debug, Clone, Copy)]
struct Shdr {
    name: u32,
    offset: u64,
    size: u64,
}

struct Elf<'a> {
    b: &'a [u8],
    shoff: usize,
    shnum: usize,
    shstrndx: usize,
}

impl<'a> Elf<'a> {
    fn parse(b: &'a [u8]) -> Result<Self, ElfError> {
        if b.get(..4) != Some(b"\x7fELF".as_slice()) {
            return err("not an ELF file");
        }
        if b.get(4) != Some(&2) || b.get(5) != Some(&1) {
            return err("not a 64-bit little-endian ELF file");
        }
        if u16_at(b, 0x3a)? as usize != SHDR {
            return err("unexpected ELF section header size");
        }
        let shoff =
            usize::try_from(u64_at(b, 0x28)?).map_err(|_| ElfError("bad e_shoff".into()))?;
        let shnum = usize::from(u16_at(b, 0x3c)?);
        let shstrndx = usize::from(u16_at(b, 0x3e)?);
        if shnum == 0 || shstrndx >= shnum {
            return err("ELF file has no section name table");
        }
        shoff
            .checked_add(shnum * SHDR)
            .filter(|end| *end <= b.len())
            .ok_or(ElfError("ELF section headers are truncated".into()))?;
        Ok(Elf {
            b,
            shoff,
            shnum,
            shstrndx,
        })
    }

    fn shdr(&self, i: usize) -> Result<Shdr, ElfError> {
        let at = self.shoff + i * SHDR;
        Ok(Shdr {
            name: u32_at(self.b, at)?,
            offset: u64_at(self.b, at + 24)?,
            size: u64_at(self.b, at + 32)?,
        })
    }

    fn data(&self, s: Shdr) -> Result<&'a [u8], ElfError> {
        let start = usize::try_from(s.offset).map_err(|_| ElfError("bad section offset".into()))?;
        let len = usize::try_from(s.size).map_err(|_| ElfError("bad section size".into()))?;
        start
            .checked_add(len)
            .and_then(|end| self.b.get(start..end))
            .ok_or(ElfError("ELF section data is truncated".into()))
    }

    fn name(&self, s: Shdr) -> Result<&'a [u8], ElfError> {
        let strtab = self.data(self.shdr(self.shstrndx)?)?;
        let rest = strtab
            .get(s.name as usize..)
            .ok_or(ElfError("bad section name offset".into()))?;
        Ok(&rest[..rest.iter().position(|c| *c == 0).unwrap_or(rest.len())])
    }

    fn find(&self, name: &str) -> Result<Option<Shdr>, ElfError> {
        for i in 0..self.shnum {
            let s = self.shdr(i)?;
            if self.name(s)? == name.as_bytes() {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }
}

/// The contents of the first section called `name`, if any.
pub fn section<'a>(elf: &'a [u8], name: &str) -> Result<Option<&'a [u8]>, ElfError> {
    let e = Elf::parse(elf)?;
    match e.find(name)? {
        Some(s) => Ok(Some(e.data(s)?)),
        None => Ok(None),
    }
}

/// A section to append.
#[derive(Debug)]
pub struct NewSection<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its bytes.
    pub data: &'a [u8],
    /// Alignment of the data in the file.
    pub align: u64,
}

fn pad_to(out: &mut Vec<u8>, align: usize) {
    while !out.len().is_multiple_of(align) {
        out.push(0);
    }
}

/// Returns `elf` with `new` sections appended (as `SHT_PROGBITS`, no flags). Existing sections
/// keep their indices and bytes; the section name table is copied to the end with the new names
/// added, and a new section header table follows it. Deterministic: same input, same output.
pub fn append_sections(elf: &[u8], new: &[NewSection<'_>]) -> Result<Vec<u8>, ElfError> {
    let e = Elf::parse(elf)?;
    for n in new {
        if e.find(n.name)?.is_some() {
            return Err(ElfError(format!(
                "the object already has a section `{}`",
                n.name
            )));
        }
    }
    let mut out = elf.to_vec();

    // New section name table: old contents + the new names.
    let old_strtab = e.data(e.shdr(e.shstrndx)?)?;
    let mut strtab = old_strtab.to_vec();
    let mut name_offs = Vec::new();
    for n in new {
        name_offs.push(
            u32::try_from(strtab.len()).map_err(|_| ElfError("string table too large".into()))?,
        );
        strtab.extend_from_slice(n.name.as_bytes());
        strtab.push(0);
    }
    let strtab_off = out.len() as u64;
    out.extend_from_slice(&strtab);

    let mut data_offs = Vec::new();
    for n in new {
        pad_to(&mut out, n.align.max(1) as usize);
        data_offs.push(out.len() as u64);
        out.extend_from_slice(n.data);
    }

    pad_to(&mut out, 8);
    let shoff = out.len() as u64;
    for i in 0..e.shnum {
        let at = e.shoff + i * SHDR;
        let mut h = elf[at..at + SHDR].to_vec();
        if i == e.shstrndx {
            h[24..32].copy_from_slice(&strtab_off.to_le_bytes());
            h[32..40].copy_from_slice(&(strtab.len() as u64).to_le_bytes());
        }
        out.extend_from_slice(&h);
    }
    for ((n, name_off), data_off) in new.iter().zip(name_offs).zip(data_offs) {
        let mut h = [0u8; SHDR];
        h[0..4].copy_from_slice(&name_off.to_le_bytes());
        h[4..8].copy_from_slice(&SHT_PROGBITS.to_le_bytes());
        h[24..32].copy_from_slice(&data_off.to_le_bytes());
        h[32..40].copy_from_slice(&(n.data.len() as u64).to_le_bytes());
        h[48..56].copy_from_slice(&n.align.max(1).to_le_bytes());
        out.extend_from_slice(&h);
    }
    let shnum =
        u16::try_from(e.shnum + new.len()).map_err(|_| ElfError("too many sections".into()))?;
    out[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    out[0x3c..0x3e].copy_from_slice(&shnum.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_sections_are_found_and_old_ones_kept() {
        let t = wasmhook_bpf_trampoline::XDP_OBJ;
        let out = append_sections(
            t,
            &[NewSection {
                name: "wasmhook.wasm",
                data: b"\0asm\x01\0\0\0",
                align: 8,
            }],
        )
        .unwrap();
        assert_eq!(
            section(&out, "wasmhook.wasm").unwrap(),
            Some(&b"\0asm\x01\0\0\0"[..])
        );
        for name in ["xdp", ".maps", ".BTF", "license", ".symtab"] {
            assert_eq!(
                section(&out, name).unwrap(),
                section(t, name).unwrap(),
                "{name}"
            );
        }
        let g = goblin::elf::Elf::parse(&out).unwrap();
        assert!(g
            .section_headers
            .iter()
            .any(|s| g.shdr_strtab.get_at(s.sh_name) == Some("wasmhook.wasm")));
        assert_eq!(g.syms.len(), goblin::elf::Elf::parse(t).unwrap().syms.len());
        assert!(append_sections(
            &out,
            &[NewSection {
                name: "wasmhook.wasm",
                data: b"",
                align: 1
            }]
        )
        .is_err());
        assert!(append_sections(b"\x7fELF", &[]).is_err());
    }
}
