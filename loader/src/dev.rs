//! The `/dev/wasmhook` client: every ioctl the loader issues goes through here.
//!
//! The request layouts come from `wasmhook_hook_abi::uapi`, the same source the kernel module
//! decodes them with.

use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use wasmhook_hook_abi::{HookKind, uapi};

/// Errors talking to the module.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// The device node is missing or cannot be opened.
    #[error(
        "cannot open {path}: {source} (is the wasmhook module loaded? try `insmod wasmhook.ko`)"
    )]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The module refused a LOAD and said why.
    #[error("the kernel refused {file}: {msg}{}", .offset.map(|o| format!(" at byte offset {o:#x}")).unwrap_or_default())]
    Refused {
        file: String,
        msg: String,
        offset: Option<u32>,
        errno: i32,
    },
    /// Any other ioctl failure.
    #[error("{what}: {source}")]
    Ioctl {
        what: &'static str,
        source: std::io::Error,
    },
}

/// Average ns of a slot's timed runs, or "-" if none was timed (kernel.bpf_stats_enabled off).
pub fn avg_ns(s: &uapi::Stats) -> String {
    s.total_ns
        .checked_div(s.timed_runs)
        .map_or_else(|| "-".to_owned(), |a| a.to_string())
}

/// Settings of a LOAD.
#[derive(Debug, Clone)]
pub struct LoadOpts {
    pub hook: HookKind,
    pub fuel: u64,
    pub on_trap: u32,
    pub mem_pages: u32,
    pub name: String,
    /// Replace the program in this slot atomically instead of taking a new slot.
    pub replace: Option<u32>,
}

/// An open `/dev/wasmhook`.
#[derive(Debug)]
pub struct Device {
    file: File,
}

/// Default device path.
pub const DEV_PATH: &str = "/dev/wasmhook";

impl Device {
    /// Opens the device.
    pub fn open() -> Result<Self, DevError> {
        Self::open_at(Path::new(DEV_PATH))
    }

    /// Opens the device at `path`.
    pub fn open_at(path: &Path) -> Result<Self, DevError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|source| DevError::Open {
                path: path.to_owned(),
                source,
            })?;
        Ok(Device { file })
    }

    /// Raw ioctl with a byte buffer; returns the errno on failure.
    pub fn ioctl_raw(&self, cmd: u32, buf: *mut u8) -> Result<(), std::io::Error> {
        // SAFETY: `buf` points to a buffer at least as large as the size encoded in `cmd`
        // (callers pass the fixed-size encodings from `uapi`), or is deliberately bogus in the
        // garbage tests, which the kernel must reject without touching our memory.
        let rc = unsafe { libc::ioctl(self.file.as_raw_fd(), cmd as libc::c_ulong, buf) };
        if rc < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    /// Loads `wasm` (named `file` in errors) and returns the slot id.
    pub fn load(&self, file: &str, wasm: &[u8], opts: &LoadOpts) -> Result<u32, DevError> {
        let mut req = uapi::LoadReq::zeroed();
        req.wasm_ptr = wasm.as_ptr() as u64;
        req.wasm_len = u32::try_from(wasm.len()).unwrap_or(u32::MAX);
        req.hook = opts.hook.to_u32();
        req.fuel = opts.fuel;
        req.on_trap = opts.on_trap;
        req.mem_pages = opts.mem_pages;
        req.name = uapi::fixed_str(opts.name.as_bytes());
        if let Some(slot) = opts.replace {
            req.flags |= uapi::LOAD_REPLACE;
            req.slot = slot;
        }
        let mut buf = req.encode();
        let res = self.ioctl_raw(uapi::IOC_LOAD, buf.as_mut_ptr());
        let ans = uapi::LoadReq::decode(&buf);
        match res {
            Ok(()) => Ok(ans.slot),
            Err(e) => {
                let msg = String::from_utf8_lossy(uapi::fixed_str_get(&ans.err)).into_owned();
                let msg = match (msg.is_empty(), e.raw_os_error()) {
                    (true, Some(libc::EPERM)) => format!(
                        "{e}: /dev/wasmhook was opened without CAP_BPF (or CAP_SYS_ADMIN); see docs/security.md"
                    ),
                    (true, _) => e.to_string(),
                    (false, _) => msg,
                };
                let offset = (ans.err_offset != u32::MAX).then_some(ans.err_offset);
                Err(DevError::Refused {
                    file: file.to_owned(),
                    msg,
                    offset,
                    errno: e.raw_os_error().unwrap_or(0),
                })
            }
        }
    }

    /// Unloads slot `slot`.
    pub fn unload(&self, slot: u32) -> Result<(), DevError> {
        let mut b = slot.to_le_bytes();
        self.ioctl_raw(uapi::IOC_UNLOAD, b.as_mut_ptr())
            .map_err(|source| DevError::Ioctl {
                what: "unload",
                source,
            })
    }

    /// Settings and sizes of `slot`.
    pub fn info(&self, slot: u32) -> Result<uapi::SlotInfo, DevError> {
        let mut b = uapi::SlotInfo {
            slot,
            ..Default::default()
        }
        .encode();
        self.ioctl_raw(uapi::IOC_INFO, b.as_mut_ptr())
            .map_err(|source| DevError::Ioctl {
                what: "info",
                source,
            })?;
        Ok(uapi::SlotInfo::decode(&b))
    }

    /// Counters of `slot`.
    pub fn stats(&self, slot: u32) -> Result<uapi::Stats, DevError> {
        let mut b = uapi::Stats {
            slot,
            ..Default::default()
        }
        .encode();
        self.ioctl_raw(uapi::IOC_STATS, b.as_mut_ptr())
            .map_err(|source| DevError::Ioctl {
                what: "stats",
                source,
            })?;
        Ok(uapi::Stats::decode(&b))
    }

    /// Ids of the loaded slots.
    pub fn list(&self) -> Result<Vec<u32>, DevError> {
        let mut b = [0u8; uapi::List::SIZE];
        self.ioctl_raw(uapi::IOC_LIST, b.as_mut_ptr())
            .map_err(|source| DevError::Ioctl {
                what: "list",
                source,
            })?;
        let l = uapi::List::decode(&b);
        Ok(l.slots.iter().take(l.count as usize).copied().collect())
    }
}
