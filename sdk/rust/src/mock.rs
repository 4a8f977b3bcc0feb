//! A host-side fake of the `wasmhook` imports, for unit tests of hook logic (`mock` feature).
//!
//! ```
//! use wasmhook_sdk::{mock, Packet};
//! mock::reset(&[0x45, 0x00], &[(4, 4)]);
//! assert_eq!(Packet::current().u8(0), Some(0x45));
//! ```
//!
//! The environment is per thread, like cargo's test threads.

use std::cell::RefCell;
use std::string::String;
use std::vec::Vec;

/// One fake map: raw key/value bytes, no capacity or type semantics beyond BPF update flags.
#[derive(Debug, Default, Clone)]
pub struct MockMap {
    /// Key size in bytes.
    pub key_size: usize,
    /// Value size in bytes.
    pub value_size: usize,
    /// The entries (a queue's, stack's or bloom filter's: empty keys, oldest first).
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// Acts as a stack: `map_pop`/`map_peek` take the newest entry (else the oldest).
    pub lifo: bool,
    /// Acts as a bloom filter: `map_peek` tests membership, `map_pop` is -EINVAL.
    pub bloom: bool,
}

impl MockMap {
    pub(crate) fn update(&mut self, k: &[u8], v: &[u8], flags: u64) -> i32 {
        let pos = self.entries.iter().position(|(ek, _)| ek == k);
        match (pos, flags) {
            (Some(_), 1) => -17,
            (None, 2) => -2,
            (_, f) if f > 2 => -22,
            (Some(i), _) => {
                self.entries[i].1 = v.to_vec();
                0
            }
            (None, _) => {
                self.entries.push((k.to_vec(), v.to_vec()));
                0
            }
        }
    }
    pub(crate) fn push(&mut self, v: &[u8], flags: u64) -> i32 {
        if flags > 2 || (self.bloom && flags != 0) {
            return -22;
        }
        self.entries.push((Vec::new(), v.to_vec()));
        0
    }
    pub(crate) fn pop_or_peek(&mut self, out: &mut [u8], pop: bool) -> i32 {
        if self.bloom {
            return match (pop, self.entries.iter().any(|(_, v)| v == out)) {
                (true, _) => -22,
                (false, true) => 0,
                (false, false) => -2,
            };
        }
        let Some(i) = (if self.lifo {
            self.entries.len().checked_sub(1)
        } else {
            (!self.entries.is_empty()).then_some(0)
        }) else {
            return -2;
        };
        out.copy_from_slice(&self.entries[i].1);
        if pop {
            self.entries.remove(i);
        }
        0
    }
    pub(crate) fn delete(&mut self, k: &[u8]) -> i32 {
        match self.entries.iter().position(|(ek, _)| ek == k) {
            Some(i) => {
                self.entries.remove(i);
                0
            }
            None => -2,
        }
    }
}

/// The whole fake environment.
#[derive(Debug, Default, Clone)]
pub struct MockEnv {
    /// Packet bytes.
    pub packet: Vec<u8>,
    /// Maps 0, 1, 2.
    pub maps: Vec<MockMap>,
    /// Lines passed to `trace`.
    pub trace: Vec<String>,
    /// What `ktime_ns` returns.
    pub ktime_ns: u64,
    /// What `kprobe_arg` returns.
    pub kprobe_args: [u64; 6],
    /// What `kprobe_ret` returns.
    pub kprobe_ret: u64,
    /// What `pid_tgid` returns.
    pub pid_tgid: u64,
    /// What `uid_gid` returns.
    pub uid_gid: u64,
    /// What `comm` copies.
    pub comm: [u8; 16],
    /// What `cpu_id` returns.
    pub cpu_id: u32,
    /// State of the fake `prandom_u32`.
    pub prandom: u32,
    /// What `ktime_boot_ns` returns.
    pub ktime_boot_ns: u64,
    /// Fake kernel memory for `probe_read_kernel`, at address `kernel_base`.
    pub kernel: Vec<u8>,
    /// Address of `kernel[0]`.
    pub kernel_base: u64,
    /// Records passed to `ringbuf_output`: (map index, bytes).
    pub events: Vec<(u32, Vec<u8>)>,
    /// The trace record `ctx_read` reads (a tracepoint hook's run); `None` elsewhere.
    pub record: Option<Vec<u8>>,
    /// The last accepted `redirect_map` call: (map index, key, fallback verdict).
    pub redirect_map: Option<(u32, u32, u64)>,
    /// The target the last successful `redirect` named: `(ifindex, flags)`. A run's REDIRECT
    /// verdict goes there; clear it between runs as the kernel does.
    pub redirect: Option<(u32, u64)>,
}

impl MockEnv {
    pub(crate) fn range(&self, off: i32, len: i32) -> Option<core::ops::Range<usize>> {
        if off < 0 || len < 0 {
            return None;
        }
        let end = (off as usize).checked_add(len as usize)?;
        (end <= self.packet.len()).then_some(off as usize..end)
    }
    /// `csum_replace` / `csum_l4_replace` on the fake packet: the RFC 1624 update of the
    /// big-endian 16-bit checksum at `off` after a `size`-byte field went from `from` to `to`,
    /// with the kernel's argument checks. `mangled_0`: a UDP checksum (0 = none stays 0, a
    /// computed 0 is written 0xffff). The fake packet has no skb checksum state, so an L4 fix-up
    /// is that of a checksum complete in the header (as in XDP).
    pub(crate) fn csum(&mut self, off: i32, from: u32, to: u32, size: i32, mangled_0: bool) -> i32 {
        let Some(r) = self.range(off, 2) else {
            return -22;
        };
        if (size != 2 && size != 4) || (size == 2 && (from > 0xffff || to > 0xffff)) {
            return -22;
        }
        let old = u16::from_be_bytes([self.packet[r.start], self.packet[r.start + 1]]);
        if mangled_0 && old == 0 {
            return 0;
        }
        // ~HC' = ~HC + ~m + m' over 16-bit words (a 4-byte field is two words).
        let words = |v: u32| [(v >> 16) as u16, v as u16];
        let mut sum = u32::from(!old);
        for (m, m2) in words(from).into_iter().zip(words(to)) {
            sum += u32::from(!m) + u32::from(m2);
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        let mut new = !(sum as u16);
        if mangled_0 && new == 0 {
            new = 0xffff;
        }
        self.packet[r].copy_from_slice(&new.to_be_bytes());
        0
    }
    pub(crate) fn be(&self, off: i32, n: i32) -> i64 {
        match self.range(off, n) {
            Some(r) => self.packet[r]
                .iter()
                .fold(0i64, |v, b| (v << 8) | i64::from(*b)),
            None => -1,
        }
    }
}

std::thread_local! {
    static ENV: RefCell<MockEnv> = RefCell::new(MockEnv::default());
}

/// Runs `f` on this thread's environment.
pub fn with<R>(f: impl FnOnce(&mut MockEnv) -> R) -> R {
    ENV.with(|e| f(&mut e.borrow_mut()))
}

/// Replaces the environment: this packet and empty maps with these `(key_size, value_size)`.
pub fn reset(packet: &[u8], maps: &[(usize, usize)]) {
    with(|e| {
        *e = MockEnv {
            packet: packet.to_vec(),
            maps: maps
                .iter()
                .map(|&(key_size, value_size)| MockMap {
                    key_size,
                    value_size,
                    ..MockMap::default()
                })
                .collect(),
            ..MockEnv::default()
        }
    });
}
