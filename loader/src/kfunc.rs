//! Loading a BPF program that calls a *module* kfunc, which aya 0.14 cannot do by itself.
//!
//! clang compiles `wasmhook_xdp(...)` (an `extern ... __ksym`) to `call -1` with an
//! `R_BPF_64_32` relocation against an undefined global symbol. The kernel wants
//! `src_reg = BPF_PSEUDO_KFUNC_CALL`, `imm` = the BTF id of the FUNC in the module's split BTF
//! and `off` = the index of the module's BTF fd in `bpf_attr.fd_array` (index 0 stands for
//! vmlinux). This module finds those call sites ([`kfunc_calls`]), patches them ([`patch`]),
//! finds the module's BTF ([`ModuleBtf`]) and issues `BPF_PROG_LOAD` with the `fd_array`
//! ([`prog_load`]). Everything else (maps, attach, links, pins, test runs) is aya's.
//! See PLATFORM-FACTS.md section 1.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use aya_obj::generated::bpf_insn;
use object::{Object as _, ObjectSection as _, ObjectSymbol as _};

/// `BPF_PSEUDO_KFUNC_CALL`.
pub const PSEUDO_KFUNC_CALL: u8 = 2;
/// Where the module's BTF fd sits in `fd_array` (0 is vmlinux, as libbpf does it).
pub const MODULE_FD_INDEX: i16 = 1;
const BPF_JMP_CALL: u8 = 0x05 | 0x80;
const INS_SIZE: usize = 8;

/// Errors of the kfunc path.
#[derive(Debug, thiserror::Error)]
pub enum KfuncError {
    /// The trampoline object could not be read as ELF.
    #[error("not a BPF ELF object: {0}")]
    Elf(#[from] object::Error),
    /// A relocation against an undefined symbol is not a call instruction.
    #[error("relocation to `{name}` at instruction {index} is not a call")]
    NotACall { name: String, index: usize },
    /// The module is not loaded or has no BTF.
    #[error(
        "no BTF for kernel module `{0}` (is it loaded? `insmod wasmhook.ko`; /sys/kernel/btf/{0} must exist)"
    )]
    NoModuleBtf(String),
    /// A kfunc is not in the module's BTF.
    #[error("kfunc `{name}` is not in the BTF of module `{module}`")]
    NoSuchKfunc { name: String, module: String },
    /// The BTF could not be parsed.
    #[error("cannot parse BTF of {what}: {msg}")]
    Btf { what: String, msg: &'static str },
    /// The verifier (or the kernel) refused the program.
    #[error(
        "the kernel refused BPF program `{name}`: {error}\n--- verifier log ---\n{log}\n--- end of verifier log ---"
    )]
    Load {
        name: String,
        error: std::io::Error,
        log: String,
    },
    /// Other I/O.
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

/// A kfunc call site: instruction index inside its section, and the called symbol's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// Instruction index relative to the start of the program's section.
    pub index: usize,
    /// The undefined symbol called (`wasmhook_xdp`, ...).
    pub name: String,
}

/// Finds the calls to undefined (extern `__ksym`) functions in ELF section `section`.
pub fn kfunc_calls(elf: &[u8], section: &str) -> Result<Vec<CallSite>, KfuncError> {
    let file = object::File::parse(elf)?;
    let Some(sec) = file.section_by_name(section) else {
        return Ok(Vec::new());
    };
    let data = sec.data()?;
    let mut out = Vec::new();
    for (offset, rel) in sec.relocations() {
        let object::RelocationTarget::Symbol(si) = rel.target() else {
            continue;
        };
        let sym = file.symbol_by_index(si)?;
        if !sym.is_undefined() {
            continue;
        }
        let name = sym.name()?.to_owned();
        let index = offset as usize / INS_SIZE;
        let code = data.get(offset as usize).copied();
        if code != Some(BPF_JMP_CALL) {
            return Err(KfuncError::NotACall { name, index });
        }
        out.push(CallSite { index, name });
    }
    out.sort_by_key(|c| c.index);
    Ok(out)
}

/// Rewrites the call at each site (indices relative to `section_offset`, in bytes, of the
/// function `insns` in its section) into a module kfunc call: `src_reg = 2`, `imm = btf id`,
/// `off` = fd_array index. Sites outside the function are ignored; returns how many were patched.
pub fn patch(
    insns: &mut [bpf_insn],
    section_offset: usize,
    sites: &[CallSite],
    btf_id: impl Fn(&str) -> Option<u32>,
) -> Result<usize, KfuncError> {
    let first = section_offset / INS_SIZE;
    let mut n = 0;
    for site in sites {
        let Some(ins) = site.index.checked_sub(first).and_then(|i| insns.get_mut(i)) else {
            continue;
        };
        if ins.code != BPF_JMP_CALL {
            return Err(KfuncError::NotACall {
                name: site.name.clone(),
                index: site.index,
            });
        }
        let id = btf_id(&site.name).ok_or_else(|| KfuncError::NoSuchKfunc {
            name: site.name.clone(),
            module: "wasmhook".into(),
        })?;
        ins.set_src_reg(PSEUDO_KFUNC_CALL);
        ins.imm = id as i32;
        ins.off = MODULE_FD_INDEX;
        n += 1;
    }
    Ok(n)
}

/// A kernel module's BTF: an fd for `fd_array` and the ids of its FUNCs.
#[derive(Debug)]
pub struct ModuleBtf {
    /// The module's BTF object, for `fd_array[1]`.
    pub fd: OwnedFd,
    funcs: Vec<(String, u32)>,
}

impl ModuleBtf {
    /// Finds module `module`'s BTF in the kernel (by name) and reads its FUNC ids from
    /// `/sys/kernel/btf/<module>` (split BTF on top of `/sys/kernel/btf/vmlinux`).
    pub fn open(module: &str) -> Result<Self, KfuncError> {
        let io = |what: String| move |source| KfuncError::Io { what, source };
        let base = std::fs::read("/sys/kernel/btf/vmlinux")
            .map_err(io("read /sys/kernel/btf/vmlinux".into()))?;
        let split = std::fs::read(format!("/sys/kernel/btf/{module}"))
            .map_err(|_| KfuncError::NoModuleBtf(module.into()))?;
        let funcs = split_btf_funcs(&base, &split).map_err(|msg| KfuncError::Btf {
            what: format!("/sys/kernel/btf/{module}"),
            msg,
        })?;
        let fd = btf_fd_by_name(module)?.ok_or_else(|| KfuncError::NoModuleBtf(module.into()))?;
        Ok(ModuleBtf { fd, funcs })
    }

    /// The BTF id of FUNC `name`.
    pub fn func_id(&self, name: &str) -> Option<u32> {
        self.funcs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}

/// Walks BTF type records; calls `f(kind, name_off)` for each, returns the count.
fn btf_walk(b: &[u8], mut f: impl FnMut(u32, u32)) -> Result<u32, &'static str> {
    let (types, _) = crate::mapcheck::parse(b)?;
    for t in &types {
        f(t.kind, t.name_off);
    }
    Ok(types.len() as u32)
}

/// FUNC names and ids of split BTF `split` on top of `base`.
pub fn split_btf_funcs(base: &[u8], split: &[u8]) -> Result<Vec<(String, u32)>, &'static str> {
    let base_types = btf_walk(base, |_, _| {})?;
    let base_strs = crate::mapcheck::parse(base)?.1.len() as u32;
    let strs = crate::mapcheck::parse(split)?.1;
    let mut offs = Vec::new();
    btf_walk(split, |kind, name_off| {
        offs.push((kind, name_off));
    })?;
    let mut out = Vec::new();
    for (i, (kind, name_off)) in offs.into_iter().enumerate() {
        if kind != 12 || name_off < base_strs {
            continue;
        }
        let s = strs.get((name_off - base_strs) as usize..).unwrap_or(&[]);
        let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
        let name = String::from_utf8_lossy(&s[..end]).into_owned();
        // Type ids start at 1 (0 is void); split ids continue after the base's.
        out.push((name, base_types + 1 + i as u32));
    }
    Ok(out)
}

// ---- bpf(2) calls of this path ----

const BPF_PROG_LOAD: u32 = 5;
const BPF_OBJ_GET_INFO_BY_FD: u32 = 15;
const BPF_BTF_GET_FD_BY_ID: u32 = 19;
const BPF_BTF_GET_NEXT_ID: u32 = 23;

use crate::bpf::{get32, put32, put64, sys_bpf};

fn owned(fd: i64) -> OwnedFd {
    // SAFETY: the kernel just returned this new file descriptor to us; nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd as RawFd) }
}

/// The BTF object named `name` that is kernel BTF (a module's), as an fd.
fn btf_fd_by_name(name: &str) -> Result<Option<OwnedFd>, KfuncError> {
    let mut id = 0u32;
    loop {
        let mut a = [0u8; 16];
        put32(&mut a, 0, id);
        match sys_bpf(BPF_BTF_GET_NEXT_ID, &mut a) {
            Ok(_) => id = get32(&a, 4),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(None),
            Err(source) => {
                return Err(KfuncError::Io {
                    what: "BPF_BTF_GET_NEXT_ID".into(),
                    source,
                });
            }
        }
        let mut a = [0u8; 16];
        put32(&mut a, 0, id);
        let Ok(fd) = sys_bpf(BPF_BTF_GET_FD_BY_ID, &mut a) else {
            continue; // gone meanwhile
        };
        let fd = owned(fd);
        // struct bpf_btf_info { u64 btf; u32 btf_size; u32 id; u64 name; u32 name_len; u32 kernel_btf; }
        let mut nm = [0u8; 64];
        let mut info = [0u8; 32];
        put64(&mut info, 16, nm.as_mut_ptr() as u64);
        put32(&mut info, 24, nm.len() as u32);
        let mut a = [0u8; 16];
        put32(&mut a, 0, fd.as_raw_fd() as u32);
        put32(&mut a, 4, info.len() as u32);
        put64(&mut a, 8, info.as_mut_ptr() as u64);
        if sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &mut a).is_err() {
            continue;
        }
        let end = nm.iter().position(|&c| c == 0).unwrap_or(nm.len());
        if get32(&info, 28) != 0 && &nm[..end] == name.as_bytes() {
            return Ok(Some(fd));
        }
    }
}

/// What to load.
#[derive(Debug)]
pub struct ProgLoad<'a> {
    /// `BPF_PROG_TYPE_*`.
    pub prog_type: u32,
    /// `expected_attach_type`.
    pub expected_attach_type: u32,
    /// Program name (cut to 15 bytes).
    pub name: &'a str,
    /// Relocated, patched instructions.
    pub insns: &'a [bpf_insn],
    /// License string (must be GPL-compatible for kfuncs).
    pub license: &'a str,
    /// The module BTF that `off = MODULE_FD_INDEX` refers to.
    pub module_btf: &'a ModuleBtf,
}

/// `BPF_PROG_LOAD` with `fd_array = [-1, module_btf]`. On failure, loads again with the verifier
/// log enabled and returns it in the error.
pub fn prog_load(p: &ProgLoad<'_>) -> Result<OwnedFd, KfuncError> {
    let fd_array: [i32; 2] = [-1, p.module_btf.fd.as_raw_fd()];
    let license = CString::new(p.license).unwrap_or_default();
    let attempt = |log: &mut [u8]| -> std::io::Result<i64> {
        // union bpf_attr, BPF_PROG_LOAD member (offsets from include/uapi/linux/bpf.h).
        let mut a = [0u8; 152];
        put32(&mut a, 0, p.prog_type);
        put32(&mut a, 4, p.insns.len() as u32);
        put64(&mut a, 8, p.insns.as_ptr() as u64);
        put64(&mut a, 16, license.as_ptr() as u64);
        if !log.is_empty() {
            put32(&mut a, 24, 1);
            put32(&mut a, 28, log.len() as u32);
            put64(&mut a, 32, log.as_mut_ptr() as u64);
        }
        let name = p.name.as_bytes();
        let n = name.len().min(15);
        a[48..48 + n].copy_from_slice(&name[..n]);
        put32(&mut a, 68, p.expected_attach_type);
        put64(&mut a, 120, fd_array.as_ptr() as u64);
        sys_bpf(BPF_PROG_LOAD, &mut a)
    };
    match attempt(&mut []) {
        Ok(fd) => Ok(owned(fd)),
        Err(first) => {
            let mut log = vec![0u8; 1 << 20];
            let error = match attempt(&mut log) {
                Ok(fd) => return Ok(owned(fd)),
                Err(e) => e,
            };
            let end = log.iter().position(|&c| c == 0).unwrap_or(log.len());
            let log = String::from_utf8_lossy(&log[..end]).trim_end().to_owned();
            Err(KfuncError::Load {
                name: p.name.into(),
                // Without a log the first error is the one to report (not a verifier problem).
                error: if log.is_empty() { first } else { error },
                log: if log.is_empty() {
                    "(empty)".into()
                } else {
                    log
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmhook_bpf_trampoline::{KPROBE_OBJ, TC_OBJ, XDP_OBJ};

    fn program_function(elf: &[u8], prog: &str) -> aya_obj::Function {
        let obj = aya_obj::Object::parse(elf).expect("trampoline parses");
        let p = &obj.programs[prog];
        obj.functions[&p.function_key()].clone()
    }

    #[test]
    fn finds_the_kfunc_call_in_the_xdp_trampoline() {
        let sites = kfunc_calls(XDP_OBJ, "xdp").unwrap();
        assert_eq!(sites.len(), 1, "{sites:?}");
        assert_eq!(sites[0].name, "wasmhook_xdp");
        let f = program_function(XDP_OBJ, "wasm_xdp");
        let ins = f.instructions[sites[0].index];
        assert_eq!(ins.code, BPF_JMP_CALL);
        assert_eq!(ins.imm, -1, "clang emits `call -1` for externs");
    }

    #[test]
    fn finds_the_kfunc_call_in_the_tc_trampoline() {
        // Section `classifier`: the sched_cls name aya-obj 0.3 parses.
        let sites = kfunc_calls(TC_OBJ, "classifier").unwrap();
        assert_eq!(
            sites.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["wasmhook_tc"]
        );
        let f = program_function(TC_OBJ, "wasm_tc");
        assert_eq!(f.instructions[sites[0].index].imm, -1);
    }

    #[test]
    fn finds_the_kfunc_call_in_the_kprobe_trampoline() {
        let sites = kfunc_calls(KPROBE_OBJ, "kprobe").unwrap();
        assert_eq!(
            sites.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["wasmhook_kprobe"]
        );
    }

    #[test]
    fn patch_sets_src_reg_imm_and_off_and_nothing_else() {
        let sites = kfunc_calls(XDP_OBJ, "xdp").unwrap();
        let f = program_function(XDP_OBJ, "wasm_xdp");
        let before = f.instructions.clone();
        let mut insns = f.instructions.clone();
        let n = patch(&mut insns, f.section_offset, &sites, |name| {
            (name == "wasmhook_xdp").then_some(123_456)
        })
        .unwrap();
        assert_eq!(n, 1);
        let i = sites[0].index;
        assert_eq!(insns[i].src_reg(), PSEUDO_KFUNC_CALL);
        assert_eq!(insns[i].dst_reg(), 0);
        assert_eq!(insns[i].imm, 123_456);
        assert_eq!(insns[i].off, MODULE_FD_INDEX);
        for (j, (a, b)) in before.iter().zip(&insns).enumerate() {
            if j != i {
                assert_eq!(
                    (a.code, a.off, a.imm, a.src_reg(), a.dst_reg()),
                    (b.code, b.off, b.imm, b.src_reg(), b.dst_reg()),
                    "instruction {j} changed"
                );
            }
        }
    }

    #[test]
    fn patch_refuses_an_unknown_kfunc() {
        let sites = kfunc_calls(XDP_OBJ, "xdp").unwrap();
        let f = program_function(XDP_OBJ, "wasm_xdp");
        let mut insns = f.instructions.clone();
        let e = patch(&mut insns, f.section_offset, &sites, |_| None).unwrap_err();
        assert!(e.to_string().contains("wasmhook_xdp"), "{e}");
    }

    #[test]
    fn patched_program_survives_aya_relocation() {
        // The whole point of patching first: relocate_calls must leave the kfunc call alone.
        let mut obj = aya_obj::Object::parse(XDP_OBJ).unwrap();
        let sites = kfunc_calls(XDP_OBJ, "xdp").unwrap();
        let key = obj.programs["wasm_xdp"].function_key();
        let f = obj.functions.get_mut(&key).unwrap();
        let off = f.section_offset;
        patch(&mut f.instructions, off, &sites, |_| Some(77)).unwrap();
        let text = obj.functions.keys().map(|(s, _)| *s).collect();
        let maps: Vec<(String, aya_obj::Map)> = obj
            .maps
            .iter()
            .map(|(n, m)| (n.clone(), m.clone()))
            .collect();
        obj.relocate_maps(
            maps.iter()
                .enumerate()
                .map(|(i, (n, m))| (n.as_str(), 100 + i as i32, m)),
            &text,
        )
        .unwrap();
        obj.relocate_calls(&text).unwrap();
        let f = &obj.functions[&key];
        let ins = f.instructions[sites[0].index];
        assert_eq!(
            (ins.src_reg(), ins.imm, ins.off),
            (PSEUDO_KFUNC_CALL, 77, 1)
        );
        // Five map loads (wh_cfg, wh_m0..2, wh_dev for redirect_map verdicts) now carry fds
        // (src_reg = BPF_PSEUDO_MAP_FD).
        let map_loads = f
            .instructions
            .iter()
            .filter(|i| i.code == 0x18 && i.src_reg() == 1);
        assert_eq!(map_loads.count(), 5);
    }

    /// A minimal BTF blob: header + types + strings.
    fn btf(types: &[[u32; 3]], strs: &[u8]) -> Vec<u8> {
        let mut t = Vec::new();
        for r in types {
            for w in r {
                t.extend_from_slice(&w.to_le_bytes());
            }
        }
        let mut b = vec![0x9f, 0xeb, 1, 0];
        for w in [24u32, 0, t.len() as u32, t.len() as u32, strs.len() as u32] {
            b.extend_from_slice(&w.to_le_bytes());
        }
        b.extend_from_slice(&t);
        b.extend_from_slice(strs);
        b
    }

    #[test]
    fn split_btf_func_ids_continue_after_the_base() {
        // base: 2 types (ptr, typedef), strings "\0int\0"
        let base = btf(&[[0, 2 << 24, 0], [1, 8 << 24, 1]], b"\0int\0");
        // split: a PTR then FUNC "wasmhook_xdp" (string offset 5 = base strs len + 0)
        let split = btf(&[[0, 2 << 24, 0], [5, 12 << 24, 3]], b"wasmhook_xdp\0");
        let f = split_btf_funcs(&base, &split).unwrap();
        assert_eq!(f, vec![("wasmhook_xdp".to_owned(), 4)]);
    }
}
