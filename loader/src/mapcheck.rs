//! What `--map NAME=PIN` may bind: the loader's early, explained version of the module's own
//! refusal (docs/security.md). A map whose value holds special fields (a spin lock, a timer, a
//! kptr, list/rb nodes, ...) belongs to the verifier's rules and cannot be handed to a Wasm hook,
//! which copies values as bytes; a map read-only for programs (`BPF_F_RDONLY_PROG`, e.g. a
//! frozen `.rodata`) or write-only for programs (`BPF_F_WRONLY_PROG`) is bound, but the hook's
//! writes (reads) then fail with -EPERM, which the loader says.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::bpf::{get32, put32, put64, sys_bpf};

const BPF_OBJ_GET_INFO_BY_FD: u32 = 15;
const BPF_BTF_GET_FD_BY_ID: u32 = 19;
/// `BPF_F_RDONLY_PROG`.
pub const RDONLY_PROG: u32 = 1 << 7;
/// `BPF_F_WRONLY_PROG`.
pub const WRONLY_PROG: u32 = 1 << 8;

/// Structs the kernel treats as special fields of a map value (`btf_parse_fields`).
const SPECIAL_STRUCTS: &[&str] = &[
    "bpf_spin_lock",
    "bpf_res_spin_lock",
    "bpf_timer",
    "bpf_wq",
    "bpf_task_work",
    "bpf_list_head",
    "bpf_list_node",
    "bpf_rb_root",
    "bpf_rb_node",
    "bpf_refcount",
];
/// Type tags that make a pointer field a kernel pointer.
const SPECIAL_TAGS: &[&str] = &["kptr", "kptr_untrusted", "percpu_kptr", "uptr"];

/// The map's flags and, if it has BTF, its BTF object id and value type id.
pub struct MapBtf {
    pub flags: u32,
    pub btf_id: u32,
    pub value_type_id: u32,
}

/// `struct bpf_map_info` fields we need: map_flags @20, btf_id @64, btf_value_type_id @72.
pub fn map_btf(fd: BorrowedFd<'_>) -> std::io::Result<MapBtf> {
    let mut info = [0u8; 96];
    let mut a = [0u8; 16];
    put32(&mut a, 0, fd.as_raw_fd() as u32);
    put32(&mut a, 4, info.len() as u32);
    put64(&mut a, 8, info.as_mut_ptr() as u64);
    sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &mut a)?;
    Ok(MapBtf {
        flags: get32(&info, 20),
        btf_id: get32(&info, 64),
        value_type_id: get32(&info, 72),
    })
}

/// The raw bytes of BTF object `id`.
pub fn btf_bytes(id: u32) -> std::io::Result<Vec<u8>> {
    let mut a = [0u8; 16];
    put32(&mut a, 0, id);
    let fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &mut a)?;
    // SAFETY: the kernel just returned this new file descriptor; nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    // struct bpf_btf_info { u64 btf; u32 btf_size; ... }: ask the size, then the bytes.
    let info_call = |buf: &mut [u8]| -> std::io::Result<u32> {
        let mut info = [0u8; 32];
        put64(&mut info, 0, buf.as_mut_ptr() as u64);
        put32(&mut info, 8, buf.len() as u32);
        let mut a = [0u8; 16];
        put32(&mut a, 0, fd.as_raw_fd() as u32);
        put32(&mut a, 4, info.len() as u32);
        put64(&mut a, 8, info.as_mut_ptr() as u64);
        sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &mut a)?;
        Ok(get32(&info, 8))
    };
    let size = info_call(&mut [])?;
    let mut buf = vec![0u8; size as usize];
    info_call(&mut buf)?;
    Ok(buf)
}

/// One BTF type record: kind, name offset, the size/type word and its trailing data.
pub(crate) struct Ty<'a> {
    pub kind: u32,
    pub name_off: u32,
    vlen: usize,
    size_or_type: u32,
    extra: &'a [u8],
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    let s = b.get(o..o.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses a BTF blob into its types (index = type id - 1, or - 1 - the base's count for split
/// BTF) and string section.
pub(crate) fn parse(b: &[u8]) -> Result<(Vec<Ty<'_>>, &[u8]), &'static str> {
    if b.get(..2) != Some(&[0x9f, 0xeb]) {
        return Err("bad BTF magic");
    }
    let hdr = u32_at(b, 4).ok_or("truncated BTF header")? as usize;
    let w = |o| {
        u32_at(b, o)
            .map(|v| v as usize)
            .ok_or("truncated BTF header")
    };
    let (to, tl, so, sl) = (w(8)?, w(12)?, w(16)?, w(20)?);
    let types = b
        .get(hdr + to..hdr + to + tl)
        .ok_or("BTF types past the end")?;
    let strs = b
        .get(hdr + so..hdr + so + sl)
        .ok_or("BTF strings past the end")?;
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < types.len() {
        let name_off = u32_at(types, pos).ok_or("truncated type")?;
        let info = u32_at(types, pos + 4).ok_or("truncated type")?;
        let size_or_type = u32_at(types, pos + 8).ok_or("truncated type")?;
        let kind = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        let n = match kind {
            1 => 4,                    // INT
            3 => 12,                   // ARRAY
            4 | 5 => 12 * vlen,        // STRUCT, UNION
            6 => 8 * vlen,             // ENUM
            13 => 8 * vlen,            // FUNC_PROTO
            14 => 4,                   // VAR
            15 => 12 * vlen,           // DATASEC
            17 => 4,                   // DECL_TAG
            19 => 12 * vlen,           // ENUM64
            2 | 7..=12 | 16 | 18 => 0, // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
            _ => return Err("unknown BTF kind"),
        };
        let extra = types.get(pos + 12..pos + 12 + n).ok_or("truncated type")?;
        out.push(Ty {
            kind,
            name_off,
            vlen,
            size_or_type,
            extra,
        });
        pos += 12 + n;
    }
    Ok((out, strs))
}

fn name(strs: &[u8], off: u32) -> &str {
    let s = strs.get(off as usize..).unwrap_or(&[]);
    let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
    std::str::from_utf8(&s[..end]).unwrap_or("")
}

/// The first special field inside type `id` of BTF `btf`, as "member path: what", if any.
pub fn special_field(btf: &[u8], id: u32) -> Result<Option<String>, &'static str> {
    let (types, strs) = parse(btf)?;
    fn walk(types: &[Ty<'_>], strs: &[u8], id: u32, path: &str, depth: u32) -> Option<String> {
        if id == 0 || depth > 32 {
            return None;
        }
        let t = types.get(id as usize - 1)?;
        let nm = name(strs, t.name_off);
        match t.kind {
            4 | 5 if SPECIAL_STRUCTS.contains(&nm) => Some(format!("{path}: struct {nm}")),
            4 | 5 => (0..t.vlen).find_map(|i| {
                let m_name = name(strs, u32_at(t.extra, i * 12)?);
                let m_type = u32_at(t.extra, i * 12 + 4)?;
                let p = if path.is_empty() {
                    m_name.to_owned()
                } else {
                    format!("{path}.{m_name}")
                };
                walk(types, strs, m_type, &p, depth + 1)
            }),
            3 => walk(
                types,
                strs,
                u32_at(t.extra, 0)?,
                &format!("{path}[]"),
                depth + 1,
            ),
            18 if SPECIAL_TAGS.contains(&nm) => Some(format!("{path}: __{nm} pointer")),
            2 => {
                // A pointer is special only through a type tag right under it.
                let target = types.get((t.size_or_type as usize).checked_sub(1)?)?;
                let tag = name(strs, target.name_off);
                (target.kind == 18 && SPECIAL_TAGS.contains(&tag))
                    .then(|| format!("{path}: __{tag} pointer"))
            }
            8..=11 | 18 => walk(types, strs, t.size_or_type, path, depth + 1),
            _ => None,
        }
    }
    Ok(walk(&types, strs, id, "", 0))
}

/// Refuses a map with special fields; describes the program-side access flags.
/// Returns a note to print (empty if none).
pub fn check(fd: BorrowedFd<'_>, what: &str) -> anyhow::Result<String> {
    let m = map_btf(fd)?;
    if m.btf_id != 0 && m.value_type_id != 0 {
        let btf = btf_bytes(m.btf_id)?;
        match special_field(&btf, m.value_type_id) {
            Ok(Some(f)) => anyhow::bail!(
                "{what}: the map's value has a special field ({f}); a Wasm hook copies values as bytes, \
                 which would corrupt or leak it, so the kernel refuses such maps (docs/security.md)"
            ),
            Ok(None) => {}
            Err(e) => anyhow::bail!("{what}: cannot read the map's BTF: {e}"),
        }
    }
    let mut notes = Vec::new();
    if m.flags & RDONLY_PROG != 0 {
        notes.push("read-only for programs (BPF_F_RDONLY_PROG): the hook's map_update/map_delete/map_push/map_pop get -EPERM");
    }
    if m.flags & WRONLY_PROG != 0 {
        notes
            .push("write-only for programs (BPF_F_WRONLY_PROG): the hook's map_lookup/map_pop/map_peek get -EPERM");
    }
    Ok(if notes.is_empty() {
        String::new()
    } else {
        format!("{what}: {}", notes.join("; "))
    })
}

/// How many arguments raw tracepoint `tp` passes, from vmlinux BTF `btf`: the kernel declares
/// each tracepoint's probe type as `typedef void (*btf_trace_<tp>)(void *__data, <args>)`, so
/// it is that prototype's parameter count minus the leading `__data`. `None` if there is no
/// such typedef (no tracepoint of that name).
pub fn raw_tp_nargs(btf: &[u8], tp: &str) -> Result<Option<u32>, &'static str> {
    let (types, strs) = parse(btf)?;
    let want = format!("btf_trace_{tp}");
    let at = |id: u32| -> Option<&Ty<'_>> { types.get((id as usize).checked_sub(1)?) };
    let Some(td) = types
        .iter()
        .find(|t| t.kind == 8 && name(strs, t.name_off) == want)
    else {
        return Ok(None);
    };
    let ptr = at(td.size_or_type)
        .filter(|t| t.kind == 2)
        .ok_or("btf_trace_ typedef is not a pointer")?;
    let proto = at(ptr.size_or_type)
        .filter(|t| t.kind == 13)
        .ok_or("btf_trace_ typedef does not point to a function prototype")?;
    Ok(Some((proto.vlen as u32).saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BTF blob from records (kind, name, vlen, size_or_type, extra words) and a string table.
    fn blob(strs: &[u8], recs: &[(u32, u32, u32, u32, &[u32])]) -> Vec<u8> {
        let mut t = Vec::new();
        for &(kind, name, vlen, st, extra) in recs {
            t.extend_from_slice(&name.to_le_bytes());
            t.extend_from_slice(&((kind << 24) | vlen).to_le_bytes());
            t.extend_from_slice(&st.to_le_bytes());
            for w in extra {
                t.extend_from_slice(&w.to_le_bytes());
            }
        }
        let mut b = vec![0x9f, 0xeb, 1, 0];
        b.extend_from_slice(&24u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(t.len() as u32).to_le_bytes());
        b.extend_from_slice(&(t.len() as u32).to_le_bytes());
        b.extend_from_slice(&(strs.len() as u32).to_le_bytes());
        b.extend_from_slice(&t);
        b.extend_from_slice(strs);
        b
    }

    // strings: 0 "", 1 "int", 5 "bpf_spin_lock", 19 "val", 23 "lock", 28 "n", 30 "kptr", 35 "p"
    const STRS: &[u8] = b"\0int\0bpf_spin_lock\0val\0lock\0n\0kptr\0p\0";

    #[test]
    fn finds_a_spin_lock_member_and_a_kptr() {
        // 1 int; 2 struct bpf_spin_lock { int val }; 3 struct { lock: bpf_spin_lock, n: int }
        let b = blob(
            STRS,
            &[
                (1, 1, 0, 4, &[32]),
                (4, 5, 1, 4, &[19, 1, 0]),
                (4, 0, 2, 8, &[23, 2, 0, 28, 1, 32]),
            ],
        );
        assert_eq!(
            special_field(&b, 3).unwrap().as_deref(),
            Some("lock: struct bpf_spin_lock")
        );
        assert_eq!(special_field(&b, 1).unwrap(), None);
        // 4 type_tag "kptr" -> 1; 5 ptr -> 4; 6 struct { p: ptr } ; 7 array of 6
        let b = blob(
            STRS,
            &[
                (1, 1, 0, 4, &[32]),
                (4, 5, 1, 4, &[19, 1, 0]),
                (4, 0, 2, 8, &[23, 1, 0, 28, 1, 32]),
                (18, 30, 0, 1, &[]),
                (2, 0, 0, 4, &[]),
                (4, 0, 1, 8, &[35, 5, 0]),
                (3, 0, 0, 0, &[6, 1, 4]),
            ],
        );
        assert_eq!(
            special_field(&b, 3).unwrap(),
            None,
            "a plain struct of ints"
        );
        assert_eq!(
            special_field(&b, 7).unwrap().as_deref(),
            Some("[].p: __kptr pointer")
        );
    }

    #[test]
    fn malformed_btf_is_an_error_not_a_panic() {
        assert!(special_field(b"\x9f\xeb\x01\x00", 1).is_err());
        let mut b = blob(STRS, &[(4, 0, 9, 8, &[23, 2, 0])]); // vlen 9, one member's bytes
        assert!(special_field(&b, 1).is_err());
        b.truncate(10);
        assert!(special_field(&b, 1).is_err());
        assert_eq!(
            special_field(&blob(STRS, &[(1, 1, 0, 4, &[32])]), 99).unwrap(),
            None
        );
    }
}

#[cfg(test)]
mod raw_tp_tests {
    /// BTF with: 1 PTR -> 2, 2 FUNC_PROTO (void *__data, long id), 3 TYPEDEF btf_trace_sys_enter -> 1.
    fn btf() -> Vec<u8> {
        let strs = b"\0btf_trace_sys_enter\0__data\0id\0";
        let w = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
        let mut t = Vec::new();
        for x in [0, 2 << 24, 2] {
            w(&mut t, x); // PTR
        }
        for x in [0, 13 << 24 | 2, 0, 21, 0, 28, 0] {
            w(&mut t, x); // FUNC_PROTO with two params
        }
        for x in [1, 8 << 24, 1] {
            w(&mut t, x); // TYPEDEF
        }
        let mut b = vec![0x9f, 0xeb, 1, 0];
        for x in [24u32, 0, t.len() as u32, t.len() as u32, strs.len() as u32] {
            w(&mut b, x);
        }
        b.extend_from_slice(&t);
        b.extend_from_slice(strs);
        b
    }

    #[test]
    fn raw_tracepoint_argument_count_comes_from_the_btf_trace_typedef() {
        let b = btf();
        assert_eq!(super::raw_tp_nargs(&b, "sys_enter"), Ok(Some(1)));
        assert_eq!(super::raw_tp_nargs(&b, "sys_exit"), Ok(None));
    }
}
