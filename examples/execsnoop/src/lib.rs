//! execsnoop: an execsnoop-like tracer as a wasmhook tracepoint hook, ported from the native
//! eBPF program `native/execsnoop_native.bpf.c` (same record, same ring buffer name, same
//! output line).
//!
//! On every `sched:sched_process_exec` it emits one [`ExecEvent`] into the ring buffer
//! `events`: the task's pid (tgid) and tid, uid, the tid that called execve (`old_pid`), the
//! new program's name and the path given to execve (cut at 127 bytes, NUL-terminated).
//! `wasmload events execsnoop --fields pid:u32,tid:u32,uid:u32,old_pid:u32,comm:str16,filename:str128`
//! prints them as the native twin's user half does.
//!
//! Build: `examples/execsnoop/build.sh` (the hook and its native twin).
#![cfg_attr(target_arch = "wasm32", no_std)]

use wasmhook_sdk::{maps, task, tracepoint, Pod, Record};

/// Bytes of [`ExecEvent::filename`] (the path is cut to one less, as
/// `bpf_probe_read_kernel_str` cuts it).
pub const FILENAME_LEN: usize = 128;

/// The record's `__data_loc char[] filename` field (the tracepoint's format file, 7.x).
pub const FILENAME_FIELD: u32 = 8;
/// The record's `pid_t old_pid` field.
pub const OLD_PID_FIELD: u32 = 16;

/// One exec, as both this hook and its native twin emit it (160 bytes, no padding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct ExecEvent {
    /// tgid of the task after exec.
    pub pid: u32,
    /// Its thread id.
    pub tid: u32,
    /// Its uid.
    pub uid: u32,
    /// The tid that called execve (another thread than the leader, or the same).
    pub old_pid: u32,
    /// The new program's name.
    pub comm: [u8; 16],
    /// The path given to execve, NUL-terminated and NUL-padded.
    pub filename: [u8; FILENAME_LEN],
}

// SAFETY: `repr(C)`, only integers and byte arrays, no padding (4 * 4 + 16 + 128 bytes).
unsafe impl Pod for ExecEvent {}

const _: () = assert!(core::mem::size_of::<ExecEvent>() == 160);

maps! {
    /// The exec records (256 KiB, as the native twin's).
    events: RingBuf<ExecEvent> [262144];
}

tracepoint!(
    fn execsnoop(rec: &Record) {
        let mut e = ExecEvent {
            pid: task::tgid(),
            tid: task::pid(),
            uid: task::uid(),
            old_pid: rec.u32(OLD_PID_FIELD).unwrap_or(0),
            comm: task::comm(),
            filename: [0; FILENAME_LEN],
        };
        // A path past the record copy leaves the filename empty, as a failed read does natively.
        let _ = rec.data_loc_str(FILENAME_FIELD, &mut e.filename);
        // A full ring buffer loses the record, as bpf_ringbuf_output does.
        let _ = events.output(&e);
    }
);

wasmhook_sdk::panic_handler!();

#[cfg(test)]
mod tests {
    use super::*;
    use wasmhook_sdk::mock;

    /// sched_process_exec's record: common fields, __data_loc filename, pid, old_pid, then the
    /// string.
    fn record(path: &[u8], pid: u32, old_pid: u32) -> Vec<u8> {
        let mut r = vec![0u8; 20];
        let loc = ((path.len() as u32 + 1) << 16) | 20;
        r[8..12].copy_from_slice(&loc.to_le_bytes());
        r[12..16].copy_from_slice(&pid.to_le_bytes());
        r[16..20].copy_from_slice(&old_pid.to_le_bytes());
        r.extend_from_slice(path);
        r.push(0);
        r
    }

    fn run(rec: Vec<u8>) -> ExecEvent {
        mock::reset(&[], &[(0, 0)]);
        let len = rec.len() as i32;
        mock::with(|e| {
            e.record = Some(rec);
            e.pid_tgid = (300 << 32) | 301;
            e.uid_gid = (7 << 32) | 1000;
            e.comm = *b"true\0\0\0\0\0\0\0\0\0\0\0\0";
        });
        assert_eq!(tracepoint(len), 0);
        let ev = mock::with(|e| e.events.clone());
        assert_eq!(ev.len(), 1, "one record per exec");
        assert_eq!(ev[0].0, 0, "into map 0, `events`");
        assert_eq!(ev[0].1.len(), 160);
        let b = &ev[0].1;
        let u = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
        ExecEvent {
            pid: u(0),
            tid: u(4),
            uid: u(8),
            old_pid: u(12),
            comm: b[16..32].try_into().unwrap(),
            filename: b[32..160].try_into().unwrap(),
        }
    }

    #[test]
    fn one_record_with_the_task_and_the_record_fields() {
        let e = run(record(b"/bin/true", 301, 302));
        assert_eq!((e.pid, e.tid, e.uid, e.old_pid), (300, 301, 1000, 302));
        assert_eq!(&e.comm[..5], b"true\0");
        assert_eq!(&e.filename[..10], b"/bin/true\0");
        assert!(e.filename[10..].iter().all(|c| *c == 0));
    }

    #[test]
    fn a_long_path_is_cut_to_127_bytes_and_terminated() {
        let path = [b'a'; 200];
        let e = run(record(&path, 1, 1));
        assert!(e.filename[..127].iter().all(|c| *c == b'a'));
        assert_eq!(e.filename[127], 0);
    }

    #[test]
    fn a_path_past_the_copy_gives_an_empty_filename() {
        let mut r = record(b"/bin/true", 1, 1);
        r.truncate(24); // the kernel copied only part of the string
        let e = run(r);
        assert!(e.filename.iter().all(|c| *c == 0));
    }
}
