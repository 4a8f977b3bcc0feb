//! `wasmload events NAME`: stream the records a hook emits with `ringbuf_output` from the ring
//! buffer map pinned at `/sys/fs/bpf/wasmload/NAME/maps/<its name>`.
//!
//! The map is a plain `BPF_MAP_TYPE_RINGBUF` written by the trampoline with
//! `bpf_ringbuf_output`, so this is one consumer among any: libbpf's `ring_buffer__poll`, aya's
//! `RingBuf`, or a program of the user's own read the same records from the same pin.
//!
//! Records are bytes. Without `--fields` each is printed as its length and hex; `--fields`
//! names a C-struct-like layout (`pid:u32,comm:str16,...`, little-endian, no padding) that is
//! decoded field by field, as a native eBPF tool's user-space half would print its struct.

use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use aya::maps::{Map, MapData, RingBuf};

use crate::attach::PIN_ROOT;

/// One field of a `--fields` layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    name: String,
    ty: FieldType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldType {
    U8,
    U16,
    U32,
    U64,
    I32,
    I64,
    /// A NUL-padded string of this many bytes (printed up to the first NUL).
    Str(usize),
    /// Raw bytes, printed as hex.
    Hex(usize),
}

impl FieldType {
    fn size(self) -> usize {
        match self {
            FieldType::U8 => 1,
            FieldType::U16 => 2,
            FieldType::U32 | FieldType::I32 => 4,
            FieldType::U64 | FieldType::I64 => 8,
            FieldType::Str(n) | FieldType::Hex(n) => n,
        }
    }
}

/// Parses `NAME:TYPE,...` with TYPE one of u8 u16 u32 u64 i32 i64 strN hexN.
pub fn parse_fields(spec: &str) -> Result<Vec<Field>> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, ty)) = part.split_once(':') else {
            bail!("--fields `{part}`: want NAME:TYPE (e.g. pid:u32, comm:str16)");
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("--fields `{part}`: the name must be letters, digits and _");
        }
        let sized = |prefix: &str| -> Option<usize> {
            ty.strip_prefix(prefix)?
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=abi_max()).contains(n))
        };
        let ty = match ty {
            "u8" => FieldType::U8,
            "u16" => FieldType::U16,
            "u32" => FieldType::U32,
            "u64" => FieldType::U64,
            "i32" => FieldType::I32,
            "i64" => FieldType::I64,
            _ => {
                if let Some(n) = sized("str") {
                    FieldType::Str(n)
                } else if let Some(n) = sized("hex") {
                    FieldType::Hex(n)
                } else {
                    bail!(
                        "--fields `{part}`: unknown type `{ty}` (u8 u16 u32 u64 i32 i64 strN hexN, N 1..={})",
                        abi_max()
                    );
                }
            }
        };
        out.push(Field {
            name: name.to_owned(),
            ty,
        });
    }
    if out.is_empty() {
        bail!("--fields: no fields given");
    }
    Ok(out)
}

fn abi_max() -> usize {
    wasmhook_hook_abi::MAX_EVENT
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A string for output: up to the first NUL, anything but printable ASCII escaped, so a record
/// cannot drive the terminal.
fn printable(b: &[u8]) -> String {
    let end = b.iter().position(|c| *c == 0).unwrap_or(b.len());
    let mut s = String::new();
    for &c in &b[..end] {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..0x7f => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}

/// One record as a line: `len=N data=HEX`, or the fields (`pid=1 comm=sh`); `--json` the same
/// as one JSON object. A record shorter than the layout is printed raw with `short=1`.
pub fn format_record(rec: &[u8], fields: Option<&[Field]>, json: bool) -> String {
    let raw = |short: bool| {
        if json {
            format!(
                "{{\"len\":{},\"data\":\"{}\"{}}}",
                rec.len(),
                hex(rec),
                if short { ",\"short\":true" } else { "" }
            )
        } else {
            format!(
                "len={} data={}{}",
                rec.len(),
                hex(rec),
                if short { " short=1" } else { "" }
            )
        }
    };
    let Some(fields) = fields else {
        return raw(false);
    };
    let need: usize = fields.iter().map(|f| f.ty.size()).sum();
    if rec.len() < need {
        return raw(true);
    }
    let mut off = 0;
    let mut parts = Vec::new();
    for f in fields {
        let b = &rec[off..off + f.ty.size()];
        off += f.ty.size();
        let mut le = [0u8; 8];
        le[..b.len().min(8)].copy_from_slice(&b[..b.len().min(8)]);
        let n = u64::from_le_bytes(le);
        let (v, quoted) = match f.ty {
            FieldType::U8 | FieldType::U16 | FieldType::U32 | FieldType::U64 => {
                (n.to_string(), false)
            }
            FieldType::I32 => ((n as u32 as i32).to_string(), false),
            FieldType::I64 => ((n as i64).to_string(), false),
            FieldType::Str(_) => (printable(b), true),
            FieldType::Hex(_) => (hex(b), true),
        };
        parts.push(if json {
            if quoted {
                format!("\"{}\":\"{v}\"", f.name)
            } else {
                format!("\"{}\":{v}", f.name)
            }
        } else {
            format!("{}={v}", f.name)
        });
    }
    if json {
        format!("{{{}}}", parts.join(","))
    } else {
        parts.join(" ")
    }
}

/// The ring buffer map pinned for attachment `name`.
fn find_ringbuf(name: &str) -> Result<(PathBuf, MapData)> {
    let dir = Path::new(PIN_ROOT).join(name);
    if !dir.is_dir() {
        bail!(
            "no attachment `{name}` ({} does not exist; `wasmload list` shows them)",
            dir.display()
        );
    }
    let maps = dir.join("maps");
    let mut found = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&maps) {
        for e in rd.flatten() {
            let p = e.path();
            let Ok(d) = MapData::from_pin(&p) else {
                continue;
            };
            let ty = d.info().ok().and_then(|i| i.map_type().ok());
            if ty == Some(aya::maps::MapType::RingBuf) {
                found.push((p, d));
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!(
            "attachment `{name}` has no ringbuf map (its hook declares none; records come from \
             a map declared as ringbuf and written with ringbuf_output)"
        ),
        _ => bail!("attachment `{name}` has {} ringbuf maps", found.len()),
    }
}

/// Options of `wasmload events`.
#[derive(Debug)]
pub struct EventsOpts {
    /// The attachment.
    pub name: String,
    /// JSON lines.
    pub json: bool,
    /// `--fields` layout.
    pub fields: Option<Vec<Field>>,
    /// Stop after this many records.
    pub count: Option<u64>,
    /// Stop after this long.
    pub timeout: Option<Duration>,
}

/// Streams records to stdout until `count`, `timeout` or a signal.
pub fn events(o: &EventsOpts) -> Result<()> {
    use std::io::Write;
    let (pin, data) = find_ringbuf(&o.name)?;
    let mut rb = RingBuf::try_from(Map::RingBuf(data))
        .with_context(|| format!("cannot map the ring buffer {}", pin.display()))?;
    eprintln!(
        "wasmload: reading records from {} (Ctrl-C to stop)",
        pin.display()
    );
    let start = Instant::now();
    let mut seen = 0u64;
    let stdout = std::io::stdout();
    loop {
        while let Some(item) = rb.next() {
            let line = format_record(&item, o.fields.as_deref(), o.json);
            drop(item);
            let mut out = stdout.lock();
            writeln!(out, "{line}")?;
            out.flush()?;
            seen += 1;
            if o.count.is_some_and(|c| seen >= c) {
                return Ok(());
            }
        }
        let wait_ms = match o.timeout {
            Some(t) => {
                let left = t.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Ok(());
                }
                left.as_millis().min(1000) as i32
            }
            None => 1000,
        };
        let mut pfd = libc::pollfd {
            fd: rb.as_fd().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, wait_ms.max(1)) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e).context("poll on the ring buffer");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_decode_like_a_c_struct() {
        let f = parse_fields("pid:u32,ret:i32,comm:str8,tag:hex2").unwrap();
        let mut rec = Vec::new();
        rec.extend_from_slice(&1234u32.to_le_bytes());
        rec.extend_from_slice(&(-2i32).to_le_bytes());
        rec.extend_from_slice(b"sh\0\0\0\0\0\0");
        rec.extend_from_slice(&[0xab, 0xcd]);
        assert_eq!(
            format_record(&rec, Some(&f), false),
            "pid=1234 ret=-2 comm=sh tag=abcd"
        );
        assert_eq!(
            format_record(&rec, Some(&f), true),
            r#"{"pid":1234,"ret":-2,"comm":"sh","tag":"abcd"}"#
        );
        // too short for the layout: raw, marked
        assert_eq!(
            format_record(&rec[..3], Some(&f), false),
            "len=3 data=d20400 short=1"
        );
        assert_eq!(
            format_record(&[1, 2], None, true),
            r#"{"len":2,"data":"0102"}"#
        );
    }

    #[test]
    fn strings_cannot_drive_the_terminal() {
        let f = parse_fields("s:str6").unwrap();
        assert_eq!(
            format_record(b"a\x1b[2\"\0", Some(&f), true),
            r#"{"s":"a\x1b[2\""}"#
        );
    }

    #[test]
    fn bad_layouts_are_refused_with_the_part() {
        for (spec, want) in [
            ("pid", "want NAME:TYPE"),
            ("pid:u31", "unknown type `u31`"),
            ("s:str0", "unknown type `str0`"),
            ("s:str2000", "unknown type"),
            ("a-b:u8", "letters, digits"),
            ("", "no fields"),
        ] {
            let e = parse_fields(spec).unwrap_err().to_string();
            assert!(e.contains(want), "{spec}: {e}");
        }
    }
}
