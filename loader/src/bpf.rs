//! The raw bpf(2) syscall wrapper every non-aya call goes through (also the kfunc path's), and the
//! few calls wasmload makes besides aya's: pinning fds,
//! opening pins, one-element map access by fd and link info (XDP ifindex, kprobe symbol, tcx
//! ifindex and direction).

use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

const BPF_MAP_LOOKUP_ELEM: u32 = 1;
const BPF_MAP_UPDATE_ELEM: u32 = 2;
const BPF_OBJ_PIN: u32 = 6;
const BPF_OBJ_GET: u32 = 7;
const BPF_OBJ_GET_INFO_BY_FD: u32 = 15;

/// `BPF_LINK_TYPE_XDP`.
/// `BPF_LINK_TYPE_RAW_TRACEPOINT`.
pub const LINK_RAW_TRACEPOINT: u32 = 1;
pub const LINK_XDP: u32 = 6;
/// `BPF_LINK_TYPE_PERF_EVENT`.
pub const LINK_PERF_EVENT: u32 = 7;
/// `BPF_LINK_TYPE_TCX`.
pub const LINK_TCX: u32 = 11;
/// `BPF_TCX_EGRESS` (`BPF_TCX_INGRESS` is 46).
const BPF_TCX_EGRESS: u32 = 47;

pub(crate) fn sys_bpf(cmd: u32, attr: &mut [u8]) -> std::io::Result<i64> {
    // SAFETY: `attr` is a zero-initialised buffer laid out as the `union bpf_attr` member for
    // `cmd`; the kernel reads (and for some commands writes) at most `attr.len()` bytes.
    let rc = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), attr.len() as u32) };
    if rc < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

pub(crate) fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_le_bytes());
}
pub(crate) fn put64(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
}
pub(crate) fn get32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}
fn get64(b: &[u8], off: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[off..off + 8]);
    u64::from_le_bytes(a)
}

fn cpath(p: &Path) -> std::io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other)
}

/// Pins `fd` (program, map or link) at `path`.
pub fn obj_pin(fd: BorrowedFd<'_>, path: &Path) -> std::io::Result<()> {
    let p = cpath(path)?;
    let mut a = [0u8; 16];
    put64(&mut a, 0, p.as_ptr() as u64);
    put32(&mut a, 8, fd.as_raw_fd() as u32);
    sys_bpf(BPF_OBJ_PIN, &mut a).map(|_| ())
}

/// Opens the pinned object at `path`.
pub fn obj_get(path: &Path) -> std::io::Result<OwnedFd> {
    let p = cpath(path)?;
    let mut a = [0u8; 16];
    put64(&mut a, 0, p.as_ptr() as u64);
    let fd = sys_bpf(BPF_OBJ_GET, &mut a)?;
    // SAFETY: a new fd the kernel just returned; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Writes `value` for `key` in map `fd` (BPF_ANY).
pub fn map_update(fd: BorrowedFd<'_>, key: &[u8], value: &[u8]) -> std::io::Result<()> {
    map_update_opt(fd, Some(key), value)
}

/// Writes `value` for `key` in map `fd` (BPF_ANY), or pushes it (no key) into a queue, stack or
/// bloom filter.
pub fn map_update_opt(fd: BorrowedFd<'_>, key: Option<&[u8]>, value: &[u8]) -> std::io::Result<()> {
    let mut a = [0u8; 32];
    put32(&mut a, 0, fd.as_raw_fd() as u32);
    put64(&mut a, 8, key.map_or(0, |k| k.as_ptr() as u64));
    put64(&mut a, 16, value.as_ptr() as u64);
    sys_bpf(BPF_MAP_UPDATE_ELEM, &mut a).map(|_| ())
}

/// Reads the value for `key` from map `fd` into `value` (which must be value_size long).
pub fn map_lookup(fd: BorrowedFd<'_>, key: &[u8], value: &mut [u8]) -> std::io::Result<()> {
    let mut a = [0u8; 32];
    put32(&mut a, 0, fd.as_raw_fd() as u32);
    put64(&mut a, 8, key.as_ptr() as u64);
    put64(&mut a, 16, value.as_mut_ptr() as u64);
    sys_bpf(BPF_MAP_LOOKUP_ELEM, &mut a).map(|_| ())
}

/// What a link is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// XDP on interface index.
    Xdp { ifindex: u32 },
    /// A kprobe on a kernel function.
    Kprobe { symbol: String },
    /// A kretprobe on a kernel function.
    Kretprobe { symbol: String },
    /// A uprobe at byte `offset` of ELF file `file`.
    Uprobe { file: String, offset: u32 },
    /// A classic tracepoint (the event name, without its category).
    Tracepoint { name: String },
    /// A raw tracepoint (its name).
    RawTracepoint { name: String },
    /// tc through a tcx link on interface index, ingress or egress.
    Tcx { ifindex: u32, egress: bool },
    /// Something else (link type).
    Other(u32),
}

/// Link id, program id and target of link `fd`.
pub fn link_info(fd: BorrowedFd<'_>) -> std::io::Result<(u32, u32, LinkTarget)> {
    let mut name = [0u8; 256];
    // struct bpf_link_info: u32 type, id, prog_id; union at offset 16. Each link type reads
    // its own union layout on input (a name buffer where another type keeps a length is
    // EINVAL), so ask for the type with an empty union first.
    let query = |info: &mut [u8; 128]| -> std::io::Result<()> {
        let mut a = [0u8; 16];
        put32(&mut a, 0, fd.as_raw_fd() as u32);
        put32(&mut a, 4, info.len() as u32);
        put64(&mut a, 8, info.as_mut_ptr() as u64);
        sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &mut a).map(|_| ())
    };
    let mut info = [0u8; 128];
    query(&mut info)?;
    let ty = get32(&info, 0);
    if ty == LINK_PERF_EVENT {
        // perf_event kprobe: u32 type @16; func_name u64 @24; name_len u32 @32.
        info = [0u8; 128];
        put64(&mut info, 24, name.as_mut_ptr() as u64);
        put32(&mut info, 32, name.len() as u32);
        query(&mut info)?;
    } else if ty == LINK_RAW_TRACEPOINT {
        // raw_tracepoint: tp_name u64 @16, tp_name_len u32 @24.
        info = [0u8; 128];
        put64(&mut info, 16, name.as_mut_ptr() as u64);
        put32(&mut info, 24, name.len() as u32);
        query(&mut info)?;
    }
    let target = match ty {
        LINK_XDP => LinkTarget::Xdp {
            ifindex: get32(&info, 16),
        },
        // tcx: u32 ifindex @16, u32 attach_type @20.
        LINK_TCX => LinkTarget::Tcx {
            ifindex: get32(&info, 16),
            egress: get32(&info, 20) == BPF_TCX_EGRESS,
        },
        // BPF_PERF_EVENT_KPROBE = 3, KRETPROBE = 4
        LINK_PERF_EVENT if matches!(get32(&info, 16), 3 | 4) => {
            let _addr = get64(&info, 40);
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            let symbol = String::from_utf8_lossy(&name[..end]).into_owned();
            if get32(&info, 16) == 4 {
                LinkTarget::Kretprobe { symbol }
            } else {
                LinkTarget::Kprobe { symbol }
            }
        }
        // BPF_PERF_EVENT_UPROBE = 1: file_name u64 @24, name_len u32 @32, offset u32 @36.
        LINK_PERF_EVENT if get32(&info, 16) == 1 => {
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            LinkTarget::Uprobe {
                file: String::from_utf8_lossy(&name[..end]).into_owned(),
                offset: get32(&info, 36),
            }
        }
        // BPF_PERF_EVENT_TRACEPOINT = 5: tp_name u64 @24, name_len u32 @32.
        LINK_PERF_EVENT if get32(&info, 16) == 5 => {
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            LinkTarget::Tracepoint {
                name: String::from_utf8_lossy(&name[..end]).into_owned(),
            }
        }
        LINK_RAW_TRACEPOINT => {
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            LinkTarget::RawTracepoint {
                name: String::from_utf8_lossy(&name[..end]).into_owned(),
            }
        }
        t => LinkTarget::Other(t),
    };
    Ok((get32(&info, 4), get32(&info, 8), target))
}

/// Interface name of `ifindex`, or `if<N>`.
pub fn ifname(ifindex: u32) -> String {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `buf` has IF_NAMESIZE bytes, as if_indextoname requires.
    let p = unsafe { libc::if_indextoname(ifindex, buf.as_mut_ptr()) };
    if p.is_null() {
        return format!("if{ifindex}");
    }
    // SAFETY: on success the buffer holds a NUL-terminated name.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}
