//! The few system calls the guest driver makes: /dev/wasmhook ioctls, bpf(2) (pinned objects,
//! map updates, BPF_PROG_TEST_RUN), CPU affinity, and memory with an inaccessible page after it.

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;

/// Result of a system call: the return value or the errno.
pub type Sys = Result<i64, i32>;

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `ioctl(fd, cmd, arg)` with any argument, including bogus pointers: the kernel must refuse
/// those without touching our memory.
pub fn ioctl(fd: RawFd, cmd: u32, arg: usize) -> Sys {
    // SAFETY: the kernel validates `arg` as a user pointer; a bad one is EFAULT, never a write
    // outside memory we own (valid pointers passed here point into our own buffers).
    let rc = unsafe { libc::ioctl(fd, cmd as libc::c_ulong, arg) };
    if rc < 0 {
        Err(errno())
    } else {
        Ok(i64::from(rc))
    }
}

/// Opens a path read-write (the device) or read-only.
pub fn open(path: &str, write: bool) -> Sys {
    let c = CString::new(path).map_err(|_| libc::EINVAL)?;
    let flags = if write { libc::O_RDWR } else { libc::O_RDONLY } | libc::O_CLOEXEC;
    // SAFETY: `c` is a NUL-terminated path.
    let fd = unsafe { libc::open(c.as_ptr(), flags) };
    if fd < 0 {
        Err(errno())
    } else {
        Ok(i64::from(fd))
    }
}

/// Closes a descriptor.
pub fn close(fd: RawFd) {
    // SAFETY: closing a descriptor we opened; errors do not matter.
    unsafe { libc::close(fd) };
}

fn bpf(cmd: i64, attr: &mut [u8]) -> Sys {
    // SAFETY: `attr` is a buffer of the size we pass; the kernel reads/writes only that.
    let rc = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), attr.len()) };
    if rc < 0 {
        Err(errno())
    } else {
        Ok(rc)
    }
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// BPF_OBJ_GET: a descriptor for a pinned map or program.
pub fn obj_get(path: &str) -> Sys {
    let c = CString::new(path).map_err(|_| libc::EINVAL)?;
    let mut a = [0u8; 16];
    put_u64(&mut a, 0, c.as_ptr() as u64);
    bpf(7, &mut a)
}

/// BPF_MAP_UPDATE_ELEM with a u32 key and a u32 value (a trampoline's `wh_cfg[0]` = slot).
pub fn cfg_set(map_fd: RawFd, slot: u32) -> Sys {
    let key = 0u32.to_le_bytes();
    let val = slot.to_le_bytes();
    let mut a = [0u8; 32];
    put_u32(&mut a, 0, map_fd as u32);
    put_u64(&mut a, 8, key.as_ptr() as u64);
    put_u64(&mut a, 16, val.as_ptr() as u64);
    bpf(2, &mut a)
}

/// BPF_PROG_TEST_RUN of an XDP program on `pkt`, `repeat` times: the program's return value.
pub fn test_run(prog_fd: RawFd, pkt: &[u8], repeat: u32) -> Sys {
    let mut a = [0u8; 80];
    put_u32(&mut a, 0, prog_fd as u32);
    put_u32(&mut a, 8, pkt.len() as u32);
    put_u64(&mut a, 16, pkt.as_ptr() as u64);
    put_u32(&mut a, 32, repeat);
    bpf(10, &mut a)?;
    Ok(i64::from(u32::from_le_bytes([a[4], a[5], a[6], a[7]])))
}

/// Pins the calling thread to one CPU (best effort).
pub fn pin_cpu(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is valid; the CPU_* helpers only touch the set we own.
    unsafe {
        let mut set: libc::cpu_set_t = core::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, core::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// getppid(2): what the kprobe trampoline on `__x64_sys_getppid` fires on.
pub fn getppid() {
    // SAFETY: no arguments, no memory.
    unsafe { libc::getppid() };
}

/// Read/write/mmap/poll on the device, which supports only ioctl.
pub fn odd_file_ops(fd: RawFd, buf: &mut [u8]) {
    // SAFETY: `buf` is ours for its length; a mapping that succeeds is unmapped right away.
    unsafe {
        libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        libc::write(fd, buf.as_ptr().cast(), buf.len());
        let p = libc::mmap(
            core::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        );
        if p != libc::MAP_FAILED {
            libc::munmap(p, 4096);
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN | libc::POLLOUT,
            revents: 0,
        };
        libc::poll(&mut pfd, 1, 0);
    }
}

/// `pages` read-write pages followed by one inaccessible page, plus the address of a page
/// that is not mapped at all: buffers that end exactly where memory ends.
#[derive(Debug)]
pub struct Arena {
    /// Start of the read-write pages.
    pub base: usize,
    /// Bytes of read-write memory.
    pub len: usize,
    /// A page that was unmapped again.
    pub unmapped: usize,
}

impl Arena {
    /// Maps the arena (exits on failure: nothing works without it).
    pub fn new(pages: usize) -> Arena {
        let len = pages * 4096;
        // SAFETY: anonymous private mappings; the addresses are only ours.
        unsafe {
            let p = libc::mmap(
                core::ptr::null_mut(),
                len + 4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                eprintln!("kfuzz-guest: mmap failed");
                std::process::exit(1);
            }
            libc::mprotect(p.cast::<u8>().add(len).cast(), 4096, libc::PROT_NONE);
            let q = libc::mmap(
                core::ptr::null_mut(),
                4096,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            libc::munmap(q, 4096);
            Arena {
                base: p as usize,
                len,
                unmapped: q as usize,
            }
        }
    }

    /// The read-write bytes.
    pub fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: `base..base+len` is our read-write mapping, alive as long as `self`.
        unsafe { core::slice::from_raw_parts_mut(self.base as *mut u8, self.len) }
    }
}
